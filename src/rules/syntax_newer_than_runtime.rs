//! AZ503: a Python file imported at start-up uses syntax newer than the Python the app runs.

use crate::diagnostic::Diagnostic;
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ503",
    name: "syntax-newer-than-runtime",
    category: Category::Blocker,
    summary: "A Python file imported at start-up uses syntax newer than the app's Python (a SyntaxError at start-up)",
    docs: include_str!("../../lints/AZ503.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Only a version something declares: with none, the newest App Service offers is assumed.
    let Some(source) = &ctx.python.source else {
        return;
    };
    let project = ctx.project;
    let version = ctx.python.version;
    for &file in ctx.startup_python_files() {
        let parsed = project.python(file);
        let newer: Vec<_> = parsed.errors.iter().filter(|e| e.newer).collect();
        let Some(error) = newer.first() else {
            continue;
        };
        let path = project.rel_path(file);
        let how = fixes::set_python_version(project, source, "3.13");
        let mut d = Diagnostic::new(
            &META,
            Some(Span::new(file, error.range)),
            format!(
                "`{path}` uses syntax the app's Python {version} does not have ({}), so importing it at start-up raises SyntaxError",
                error.message
            ),
        )
        .label(format!("not valid in Python {version}"))
        .note(format!("the app's Python is {version}, from {}", source.describe(project)))
        .help(format!(
            "rewrite this for Python {version}, or run a Python that has it: {how}"
        ));
        if newer.len() > 1 {
            d = d.note(format!(
                "{} more uses of newer syntax follow in this file",
                newer.len() - 1
            ));
        }
        out.push(d);
    }
}
