//! AZ332: Django's deployment check security.W022, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ332",
    name: "django-referrer-policy-off",
    category: Category::Advice,
    summary: "`SECURE_REFERRER_POLICY` is `None` while `SecurityMiddleware` is on (Django's deployment check security.W022)",
    docs: include_str!("../../lints/AZ332.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true) {
        return;
    }
    // Unset is Django's default, `'same-origin'`: only `None` written out is reported.
    let Some(values) = django.known_values("SECURE_REFERRER_POLICY") else {
        return;
    };
    if !values.iter().all(|a| a.value == Value::None) {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_REFERRER_POLICY",
        "security.W022",
        "SECURE_REFERRER_POLICY is None, so responses go without a Referrer-Policy header",
        None,
        "remove the setting (Django's default is `'same-origin'`) or name a policy",
    ));
}
