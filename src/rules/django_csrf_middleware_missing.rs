//! AZ327: Django's deployment check security.W003, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta, middleware_missing};

pub static META: RuleMeta = RuleMeta {
    code: "AZ327",
    name: "django-csrf-middleware-missing",
    category: Category::Advice,
    summary: "`CsrfViewMiddleware` is not in `MIDDLEWARE` (Django's deployment check security.W003)",
    docs: include_str!("../../lints/AZ327.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    out.extend(middleware_missing(
        ctx,
        &META,
        "django.middleware.csrf.CsrfViewMiddleware",
        "security.W003",
        "form posts are not protected against cross-site request forgery unless each view is",
        "add `'django.middleware.csrf.CsrfViewMiddleware'` to MIDDLEWARE (after the session middleware)",
    ));
}
