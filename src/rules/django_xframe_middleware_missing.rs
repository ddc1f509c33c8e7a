//! AZ326: Django's deployment check security.W002, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ326",
    name: "django-xframe-middleware-missing",
    category: Category::Advice,
    summary: "`XFrameOptionsMiddleware` is not in `MIDDLEWARE` (Django's deployment check security.W002)",
    docs: include_str!("../../lints/AZ326.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists(
        "MIDDLEWARE",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ) != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "MIDDLEWARE",
        "security.W002",
        "MIDDLEWARE has no `django.middleware.clickjacking.XFrameOptionsMiddleware`, so pages are sent without an X-Frame-Options header and can be framed by other sites",
        Some("MIDDLEWARE without it"),
        "add `'django.middleware.clickjacking.XFrameOptionsMiddleware'` to MIDDLEWARE",
    ));
}
