//! AZ325: Django's deployment check security.W001, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ325",
    name: "django-security-middleware-missing",
    category: Category::Advice,
    summary: "`SecurityMiddleware` is not in `MIDDLEWARE` (Django's deployment check security.W001)",
    docs: include_str!("../../lints/AZ325.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists(
        "MIDDLEWARE",
        "django.middleware.security.SecurityMiddleware",
    ) != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "MIDDLEWARE",
        "security.W001",
        "MIDDLEWARE has no `django.middleware.security.SecurityMiddleware`, so none of Django's security headers or HTTPS settings apply",
        Some("MIDDLEWARE without it"),
        "put `'django.middleware.security.SecurityMiddleware'` first in MIDDLEWARE",
    ));
}
