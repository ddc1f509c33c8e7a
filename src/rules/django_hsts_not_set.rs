//! AZ320: Django's deployment check W004, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ320",
    name: "django-hsts-not-set",
    category: Category::Advice,
    summary: "`SECURE_HSTS_SECONDS` is not set while `SecurityMiddleware` is on (Django's deployment check security.W004)",
    docs: include_str!("../../lints/AZ320.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true)
        || django.is_truthy("SECURE_HSTS_SECONDS") != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_HSTS_SECONDS",
        "security.W004",
        "SECURE_HSTS_SECONDS is not set, so browsers are not told to use HTTPS only",
        None,
        "once every page works over HTTPS, send HSTS from the production settings: `SECURE_HSTS_SECONDS = 3600`, raised to a year (`31536000`) when nothing breaks (App Service's HTTPS Only setting redirects, but sends no HSTS header)",
    ));
}
