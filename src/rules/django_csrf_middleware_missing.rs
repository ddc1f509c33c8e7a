//! AZ327: Django's deployment check security.W003, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ327",
    name: "django-csrf-middleware-missing",
    category: Category::Advice,
    summary: "`CsrfViewMiddleware` is not in `MIDDLEWARE` (Django's deployment check security.W003)",
    docs: include_str!("../../lints/AZ327.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", "django.middleware.csrf.CsrfViewMiddleware") != Some(false) {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "MIDDLEWARE",
        "security.W003",
        "MIDDLEWARE has no `django.middleware.csrf.CsrfViewMiddleware`, so form posts are not protected against cross-site request forgery unless each view is",
        Some("MIDDLEWARE without it"),
        "add `'django.middleware.csrf.CsrfViewMiddleware'` to MIDDLEWARE (after the session middleware)",
    ));
}
