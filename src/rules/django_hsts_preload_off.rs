//! AZ329: Django's deployment check security.W021, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ329",
    name: "django-hsts-preload-off",
    category: Category::Advice,
    summary: "`SECURE_HSTS_PRELOAD` is not `True` while HSTS is on (Django's deployment check security.W021)",
    docs: include_str!("../../lints/AZ329.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true)
        || django.is_truthy("SECURE_HSTS_SECONDS") != Some(true)
        || django.is_true("SECURE_HSTS_PRELOAD") != Some(false)
    {
        return;
    }
    let Some(span) = django.setting_span("SECURE_HSTS_PRELOAD") else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "SECURE_HSTS_PRELOAD is not True, so the site cannot be submitted to the browsers' HSTS preload list (Django's `check --deploy`: security.W021; {})",
                settings_place(ctx, span)
            ),
        )
        .label(if django.get("SECURE_HSTS_PRELOAD").iter().any(|a| a.span.is_some()) {
            "set here"
        } else {
            "not set in the settings App Service loads"
        })
        .help("`SECURE_HSTS_PRELOAD = True` when the site's own domain is to be preloaded (an `azurewebsites.net` name is not yours to preload; this is for a custom domain)"),
    );
}
