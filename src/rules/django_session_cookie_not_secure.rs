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
    let app = django.lists("INSTALLED_APPS", "django.contrib.sessions");
    let middleware = django.lists(
        "MIDDLEWARE",
        "django.contrib.sessions.middleware.SessionMiddleware",
    );
    // Django's own choice of ID: the app, the middleware, or both.
    let id = match (app, middleware) {
        (Some(true), Some(true)) => "security.W012",
        (Some(true), Some(false)) => "security.W010",
        (Some(false), Some(true)) => "security.W011",
        _ => return,
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
