//! AZ320: Django's deployment check W004, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, settings_place};

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
    let id = "security.W004";
    let setting = "SECURE_HSTS_SECONDS";
    let Some(span) = django.setting_span(setting) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "SECURE_HSTS_SECONDS is not set, so browsers are not told to use HTTPS only (Django's `check --deploy`: {id}; {})",
                settings_place(ctx, span)
            ),
        )
        .label(if django.get(setting).iter().any(|a| a.span.is_some()) {
            "set here"
        } else {
            "not set in the settings App Service loads"
        })
        .help("once every page works over HTTPS, send HSTS from the production settings: `SECURE_HSTS_SECONDS = 3600`, raised to a year (`31536000`) when nothing breaks (App Service's HTTPS Only setting redirects, but sends no HSTS header)"),
    );
}
