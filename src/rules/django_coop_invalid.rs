//! AZ334: Django's deployment check security.E024, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ334",
    name: "django-coop-invalid",
    category: Category::Advice,
    summary: "`SECURE_CROSS_ORIGIN_OPENER_POLICY` holds a value browsers do not know (Django's deployment check security.E024)",
    docs: include_str!("../../lints/AZ334.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true) {
        return;
    }
    // Django's values (CROSS_ORIGIN_OPENER_POLICY_VALUES).
    const VALID: &[&str] = &["same-origin", "same-origin-allow-popups", "unsafe-none"];
    let Some(values) = django.known_values("SECURE_CROSS_ORIGIN_OPENER_POLICY") else {
        return;
    };
    let invalid = |v: &Value| match v {
        Value::Str(s) => !VALID.contains(&s.value.as_str()),
        Value::List(_) | Value::Bool(_) | Value::Int(_) => true,
        _ => false,
    };
    if !values.iter().all(|a| invalid(&a.value)) {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "security.E024",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY holds a value that is not a cross-origin opener policy, so Django's deployment check fails",
        None,
        "use `'same-origin'` (Django's default), `'same-origin-allow-popups'` or `'unsafe-none'`",
    ));
}
