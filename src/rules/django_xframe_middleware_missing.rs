//! AZ326: Django's deployment check security.W002, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, middleware_missing};

pub static META: RuleMeta = RuleMeta {
    code: "AZ326",
    name: "django-xframe-middleware-missing",
    category: Category::Advice,
    summary: "`XFrameOptionsMiddleware` is not in `MIDDLEWARE` (Django's deployment check security.W002)",
    docs: include_str!("../../lints/AZ326.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(middleware_missing(
        ctx,
        &META,
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "security.W002",
        "pages are sent without an X-Frame-Options header and can be framed by other sites",
        "add `'django.middleware.clickjacking.XFrameOptionsMiddleware'` to MIDDLEWARE",
    ));
}
