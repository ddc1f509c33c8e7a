//! AZ335: Django's deployment check security.W025 (a weak key in `SECRET_KEY_FALLBACKS`), read statically
//! from the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::weak_secret_key;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ335",
    name: "django-secret-key-fallbacks-weak",
    category: Category::Advice,
    summary: "A key in `SECRET_KEY_FALLBACKS` is short, repetitive or Django's insecure development key (Django's deployment check security.W025)",
    docs: include_str!("../../lints/AZ335.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let Some(values) = django.known_values("SECRET_KEY_FALLBACKS") else {
        return;
    };
    // One known list in every branch (several lists would be several answers).
    let [assigned] = values.as_slice() else {
        return;
    };
    let Value::List(keys) = &assigned.value else {
        return;
    };
    for (index, key) in keys.iter().enumerate() {
        let Value::Str(s) = key else { continue };
        if !weak_secret_key(&s.value) {
            continue;
        }
        let Some(span) = s.span.or(assigned.span) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "SECRET_KEY_FALLBACKS[{index}] has fewer than 50 characters, fewer than 5 different ones, or the `django-insecure-` prefix (Django's `check --deploy`: security.W025; {})",
                    settings_place(ctx, span)
                ),
            )
            .label("weak fallback key")
            .secret(span)
            .help("drop old keys once the sessions and tokens signed with them have expired, and read the ones still needed from app settings"),
        );
    }
}
