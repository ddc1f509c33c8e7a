//! AZ322: Django's deployment check security.W009 (a weak `SECRET_KEY`), read statically from the settings
//! App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::weak_secret_key;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ322",
    name: "django-secret-key-weak",
    category: Category::Advice,
    summary: "`SECRET_KEY` is short, repetitive or Django's insecure development key (Django's deployment check security.W009)",
    docs: include_str!("../../lints/AZ322.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let Some(values) = django.known_values("SECRET_KEY") else {
        return;
    };
    // Every branch a literal, and every one weak (a key from the environment is not judged).
    let weak: Vec<_> = values
        .iter()
        .filter_map(|a| match &a.value {
            Value::Str(s) if weak_secret_key(&s.value) => Some(s.span.or(a.span)),
            _ => None,
        })
        .collect();
    if weak.len() != values.len() {
        return;
    }
    for span in weak.into_iter().flatten() {
        out.push(
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "SECRET_KEY has fewer than 50 characters, fewer than 5 different ones, or the `django-insecure-` prefix (Django's `check --deploy`: security.W009; {})",
                    settings_place(ctx, span)
                ),
            )
            .label("weak key")
            .secret(span)
            .help("generate a long random key (`python -c \"import secrets; print(secrets.token_urlsafe(50))\"`) and read it from an app setting: `SECRET_KEY = os.environ['SECRET_KEY']`"),
        );
    }
}
