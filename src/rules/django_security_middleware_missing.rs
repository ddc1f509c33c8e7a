//! AZ325: Django's deployment check security.W001, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, middleware_missing};

pub static META: RuleMeta = RuleMeta {
    code: "AZ325",
    name: "django-security-middleware-missing",
    category: Category::Advice,
    summary: "`SecurityMiddleware` is not in `MIDDLEWARE` (Django's deployment check security.W001)",
    docs: include_str!("../../lints/AZ325.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(middleware_missing(
        ctx,
        &META,
        SECURITY_MIDDLEWARE,
        "security.W001",
        "none of Django's security headers or HTTPS settings apply",
        "put `'django.middleware.security.SecurityMiddleware'` first in MIDDLEWARE",
    ));
}
