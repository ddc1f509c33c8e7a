//! AZ323: Django's deployment check W010, W011, W012, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ323",
    name: "django-session-cookie-not-secure",
    category: Category::Advice,
    summary: "`SESSION_COOKIE_SECURE` is not `True` while sessions are used (Django's deployment checks security.W010, W011 and W012)",
    docs: include_str!("../../lints/AZ323.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.is_true("SESSION_COOKIE_SECURE") != Some(false) {
        return;
    }
    let Some(id) = django.session_check_id(["security.W010", "security.W011", "security.W012"])
    else {
        return;
    };
    out.extend(deploy_check(
        ctx,
        &META,
        "SESSION_COOKIE_SECURE",
        id,
        "SESSION_COOKIE_SECURE is not True, so the session cookie is also sent over plain HTTP",
        None,
        "`SESSION_COOKIE_SECURE = True` in the production settings",
    ));
}
