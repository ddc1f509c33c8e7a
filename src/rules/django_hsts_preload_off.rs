//! AZ329: Django's deployment check security.W021, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ329",
    name: "django-hsts-preload-off",
    category: Category::Advice,
    summary: "`SECURE_HSTS_PRELOAD` is not `True` while HSTS is on (Django's deployment check security.W021)",
    docs: include_str!("../../lints/AZ329.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true)
        || django.is_truthy("SECURE_HSTS_SECONDS") != Some(true)
        || django.is_true("SECURE_HSTS_PRELOAD") != Some(false)
    {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_HSTS_PRELOAD",
        "security.W021",
        "SECURE_HSTS_PRELOAD is not True, so the site cannot be submitted to the browsers' HSTS preload list",
        None,
        "`SECURE_HSTS_PRELOAD = True` when the site's own domain is to be preloaded (an `azurewebsites.net` name is not yours to preload; this is for a custom domain)",
    ));
}
