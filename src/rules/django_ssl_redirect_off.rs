//! AZ321: Django's deployment check W008, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ321",
    name: "django-ssl-redirect-off",
    category: Category::Advice,
    summary: "`SECURE_SSL_REDIRECT` is not `True` while `SecurityMiddleware` is on (Django's deployment check security.W008)",
    docs: include_str!("../../lints/AZ321.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true)
        || django.is_true("SECURE_SSL_REDIRECT") != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_SSL_REDIRECT",
        "security.W008",
        "SECURE_SSL_REDIRECT is not True, so Django serves plain-HTTP requests as they come",
        None,
        "turn on App Service's HTTPS Only setting, which redirects at the front end, or set `SECURE_SSL_REDIRECT = True` together with `SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')` (without the header every request loops: AZ306)",
    ));
}
