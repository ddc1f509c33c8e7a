//! AZ336: Django's deployment check W013, W014, W015, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ336",
    name: "django-session-cookie-not-httponly",
    category: Category::Advice,
    summary: "`SESSION_COOKIE_HTTPONLY` is turned off while sessions are used (Django's deployment checks security.W013, W014 and W015)",
    docs: include_str!("../../lints/AZ336.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Django's default is `True`: only a setting that turns it off is reported.
    if django.is_truthy_or("SESSION_COOKIE_HTTPONLY", true) != Some(false) {
        return;
    }
    let Some(id) = django.session_check_id(["security.W013", "security.W014", "security.W015"])
    else {
        return;
    };
    out.extend(deploy_check(
        ctx,
        &META,
        "SESSION_COOKIE_HTTPONLY",
        id,
        "SESSION_COOKIE_HTTPONLY is off, so the page's JavaScript (and any script injected into it) can read the session cookie",
        Some("turned off here"),
        "remove `SESSION_COOKIE_HTTPONLY` from the production settings (Django's default is `True`), or set it to `True`",
    ));
}
