//! AZ333: Django's deployment check security.E023, read statically from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SECURITY_MIDDLEWARE;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, settings_place};

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
    let Some(span) = django.setting_span("SECURE_REFERRER_POLICY") else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "SECURE_REFERRER_POLICY holds a value that is not a referrer policy, so Django's deployment check fails (Django's `check --deploy`: security.E023; {})",
                settings_place(ctx, span)
            ),
        )
        .label(if django.get("SECURE_REFERRER_POLICY").iter().any(|a| a.span.is_some()) {
            "set here"
        } else {
            "not set in the settings App Service loads"
        })
        .help("use the policy names of the Referrer-Policy header, such as `'same-origin'` or `'strict-origin-when-cross-origin'`, comma-separated for fallbacks"),
    );
}
