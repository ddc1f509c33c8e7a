//! AZ302: `DEBUG` is set to an environment string without converting it.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{DebugValue, ReadApi, Value};
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ302",
    name: "django-debug-env-string",
    category: Category::Blocker,
    summary: "`DEBUG` is a raw environment string, so `\"False\"` turns debug on",
    docs: include_str!("../../lints/AZ302.md"),
    security_severity: Some("7.5"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Every branch must be wrong in some way; this rule reports the branches that take a raw string.
    for (assigned, problem) in django.debug_problems() {
        let DebugValue::RawString {
            var,
            span: read_span,
        } = problem
        else {
            continue;
        };
        let Some(span) = assigned.span else { continue };
        let text = ctx
            .project
            .text(span.file)
            .map(|t| {
                t.slice(span.range)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        // The reader the code uses decides the fix: python-decouple, django-environ, or os.environ.
        let api = match &assigned.value {
            Value::Env(read) => read.api,
            _ => ReadApi::OsEnviron,
        };
        let help = match api {
            ReadApi::Decouple => {
                format!("cast it: `DEBUG = config('{var}', default=False, cast=bool)`")
            }
            ReadApi::DjangoEnviron => {
                format!(
                    "use django-environ's boolean reader: `DEBUG = env.bool('{var}', default=False)`"
                )
            }
            ReadApi::OsEnviron => format!(
                "compare the string: `DEBUG = os.environ.get('{var}', '').lower() in ('1', 'true', 'yes')`"
            ),
        };
        out.push(
            Diagnostic::new(
                &META,
                Some(*read_span),
                format!(
                    "DEBUG takes the environment string `{text}` unconverted, so {var}=False or {var}=0 turns debug on ({})",
                    settings_place(ctx, span)
                ),
            )
            .label("any non-empty string is true")
            .help(help),
        );
    }
}
