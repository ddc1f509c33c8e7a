//! AZ330: Django's deployment check security.W006, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ330",
    name: "django-nosniff-off",
    category: Category::Advice,
    summary: "`SECURE_CONTENT_TYPE_NOSNIFF` is turned off while `SecurityMiddleware` is on (Django's deployment check security.W006)",
    docs: include_str!("../../lints/AZ330.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true)
        || django.is_true("SECURE_CONTENT_TYPE_NOSNIFF") != Some(false)
    {
        return;
    }
    // Unset is Django's default, `True`: only a value set to something else is reported.
    if django
        .get("SECURE_CONTENT_TYPE_NOSNIFF")
        .iter()
        .any(|a| a.span.is_none())
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "security.W006",
        "SECURE_CONTENT_TYPE_NOSNIFF is not True, so responses go without `X-Content-Type-Options: nosniff`",
        None,
        "remove the setting (Django's default is `True`) or set `SECURE_CONTENT_TYPE_NOSNIFF = True`",
    ));
}
