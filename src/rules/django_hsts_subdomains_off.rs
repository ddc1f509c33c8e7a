//! AZ328: Django's deployment check security.W005, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ328",
    name: "django-hsts-subdomains-off",
    category: Category::Advice,
    summary: "`SECURE_HSTS_INCLUDE_SUBDOMAINS` is not `True` while HSTS is on (Django's deployment check security.W005)",
    docs: include_str!("../../lints/AZ328.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true)
        || django.is_truthy("SECURE_HSTS_SECONDS") != Some(true)
        || django.is_true("SECURE_HSTS_INCLUDE_SUBDOMAINS") != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "security.W005",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS is not True, so HSTS does not cover the site's subdomains",
        None,
        "`SECURE_HSTS_INCLUDE_SUBDOMAINS = True` once every subdomain of the site's domain is served over HTTPS only (the app's own `azurewebsites.net` name has none of its own)",
    ));
}
