//! AZ324: Django's deployment check W016, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ324",
    name: "django-csrf-cookie-not-secure",
    category: Category::Advice,
    summary: "`CSRF_COOKIE_SECURE` is not `True` while `CsrfViewMiddleware` is on (Django's deployment check security.W016)",
    docs: include_str!("../../lints/AZ324.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", "django.middleware.csrf.CsrfViewMiddleware") != Some(true)
        || django.is_truthy("CSRF_USE_SESSIONS") != Some(false)
        || django.is_true("CSRF_COOKIE_SECURE") != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "CSRF_COOKIE_SECURE",
        "security.W016",
        "CSRF_COOKIE_SECURE is not True, so the CSRF cookie is also sent over plain HTTP",
        None,
        "`CSRF_COOKIE_SECURE = True` in the production settings",
    ));
}
