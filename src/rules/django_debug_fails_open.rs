//! AZ317: `DEBUG` is read from the environment but turns on when the app setting is missing.

use crate::diagnostic::Diagnostic;
use crate::platform::django::DebugValue;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ317",
    name: "django-debug-fails-open",
    category: Category::Risk,
    summary: "`DEBUG` is on whenever its app setting is missing",
    docs: include_str!("../../lints/AZ317.md"),
    security_severity: Some("5.3"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Every branch must be wrong in some way; this rule reports the branches that fail open. A branch
    // that is on whatever the app settings say is AZ301's, a raw string AZ302's.
    for (assigned, verdict) in django.debug_problems() {
        let DebugValue::FailsOpen { var, span: read } = verdict else {
            continue;
        };
        let Some(span) = assigned.span else { continue };
        // A settings module the app loads only when the variable is set (`'local' if debug else
        // 'production'`) never runs without it.
        if ctx
            .django_loaded_without(var)
            .is_some_and(|files| !files.contains(&span.file))
        {
            continue;
        }
        out.push(
            Diagnostic::new(
                &META,
                Some(*read),
                format!(
                    "DEBUG is on whenever the app setting {var} is missing: `{}` ({})",
                    one_line(ctx, span),
                    settings_place(ctx, span)
                ),
            )
            .label(format!("true when {var} is not set"))
            .help(format!(
                "make a missing setting mean off: `DEBUG = os.environ.get('{var}', '').lower() in ('1', 'true', 'yes')` (with python-decouple `config('{var}', default=False, cast=bool)`, with django-environ `env.bool('{var}', default=False)`)"
            )),
        );
    }
}

/// The assigned expression on one line, cut at 80 characters.
fn one_line(ctx: &Context, span: crate::project::Span) -> String {
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
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
}
