//! AZ326: Django's deployment check security.W002, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, settings_place};

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
    let Some(span) = django.setting_span("MIDDLEWARE") else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "MIDDLEWARE has no `django.middleware.clickjacking.XFrameOptionsMiddleware`, so pages are sent without an X-Frame-Options header and can be framed by other sites (Django's `check --deploy`: security.W002; {})",
                settings_place(ctx, span)
            ),
        )
        .label("MIDDLEWARE without it")
        .help("add `'django.middleware.clickjacking.XFrameOptionsMiddleware'` to MIDDLEWARE"),
    );
}
