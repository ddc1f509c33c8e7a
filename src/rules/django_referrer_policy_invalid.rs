//! AZ333: Django's deployment check security.E023, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, deploy_check};

pub static META: RuleMeta = RuleMeta {
    code: "AZ333",
    name: "django-referrer-policy-invalid",
    category: Category::Advice,
    summary: "`SECURE_REFERRER_POLICY` holds a value browsers do not know (Django's deployment check security.E023)",
    docs: include_str!("../../lints/AZ333.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.lists("MIDDLEWARE", SECURITY_MIDDLEWARE) != Some(true) {
        return;
    }
    // Django's values (`django/core/checks/security/base.py`, REFERRER_POLICY_VALUES).
    const VALID: &[&str] = &[
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    ];
    let Some(values) = django.known_values("SECURE_REFERRER_POLICY") else {
        return;
    };
    let invalid = |v: &Value| match v {
        Value::Str(s) => s.value.split(',').any(|p| !VALID.contains(&p.trim())),
        Value::List(items) => items
            .iter()
            .any(|i| i.as_str().is_none_or(|p| !VALID.contains(&p))),
        _ => false,
    };
    if !values.iter().all(|a| invalid(&a.value)) {
        return;
    }
    out.extend(deploy_check(
        ctx,
        &META,
        "SECURE_REFERRER_POLICY",
        "security.E023",
        "SECURE_REFERRER_POLICY holds a value that is not a referrer policy, so Django's deployment check fails",
        None,
        "use the policy names of the Referrer-Policy header, such as `'same-origin'` or `'strict-origin-when-cross-origin'`, comma-separated for fallbacks",
    ));
}
