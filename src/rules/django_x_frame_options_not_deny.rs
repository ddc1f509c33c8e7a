//! AZ331: Django's deployment check security.W019, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ331",
    name: "django-x-frame-options-not-deny",
    category: Category::Advice,
    summary: "`X_FRAME_OPTIONS` is not `'DENY'` while `XFrameOptionsMiddleware` is on (Django's deployment check security.W019)",
    docs: include_str!("../../lints/AZ331.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists(
        "MIDDLEWARE",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ) != Some(true)
    {
        return;
    }
    // Unset is Django's default, `'DENY'`.
    let Some(values) = django.known_values("X_FRAME_OPTIONS") else {
        return;
    };
    if !values
        .iter()
        .all(|a| a.span.is_some() && a.value.as_str() != Some("DENY"))
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "X_FRAME_OPTIONS",
        "security.W019",
        "X_FRAME_OPTIONS is not 'DENY', so the app's pages can be framed by pages of the same origin",
        None,
        "`X_FRAME_OPTIONS = 'DENY'` (Django's default) unless the app frames its own pages",
    ));
}
