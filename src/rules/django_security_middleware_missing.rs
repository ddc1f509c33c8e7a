//! AZ325: Django's deployment check security.W001, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, settings_place};

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
    let Some(span) = django.setting_span("MIDDLEWARE") else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "MIDDLEWARE has no `django.middleware.security.SecurityMiddleware`, so none of Django's security headers or HTTPS settings apply (Django's `check --deploy`: security.W001; {})",
                settings_place(ctx, span)
            ),
        )
        .label("MIDDLEWARE without it")
        .help("put `'django.middleware.security.SecurityMiddleware'` first in MIDDLEWARE"),
    );
}
