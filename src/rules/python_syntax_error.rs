//! AZ001: a Python file imported at start-up cannot be imported by CPython.

use crate::diagnostic::Diagnostic;
use crate::project::{DecodeError, ReadError, Span};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ001",
    name: "python-syntax-error",
    category: Category::Blocker,
    summary: "A Python file imported at start-up does not parse or is not UTF-8",
    docs: include_str!("../../lints/AZ001.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let version = ctx.python.version;
    let version_from = match &ctx.python.source {
        Some(source) => format!("Python {version} (from {})", source.describe(project)),
        None => format!(
            "Python {version} (the newest on App Service; set --python-version or runtime.txt)"
        ),
    };
    for &file in ctx.startup_python_files() {
        let path = project.rel_path(file);
        let parsed = project.python(file);
        if let Some(err) = &parsed.read_error {
            let ReadError::Decode(decode) = err else {
                // Unreadable or oversized files are reported as notices by the project.
                project.notice(format!("skipped `{path}`: {err}"));
                continue;
            };
            let (message, help) = match decode {
                DecodeError::Utf16 { .. } => (
                    format!("`{path}` is encoded as UTF-16, which CPython cannot import"),
                    format!(
                        "save it as UTF-8: `iconv -f UTF-16 -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}`"
                    ),
                ),
                DecodeError::Binary { offset } => (
                    format!(
                        "`{path}` contains a NUL byte at offset {offset}, so it is not Python source"
                    ),
                    format!("replace `{path}` with the Python source file it should be"),
                ),
                DecodeError::InvalidUtf8 { line, .. } => (
                    format!("`{path}` is not valid UTF-8 at line {line} and declares no encoding"),
                    format!(
                        "save `{path}` as UTF-8, or declare its encoding on the first line (`# -*- coding: latin-1 -*-`)"
                    ),
                ),
                DecodeError::UnsupportedEncoding { name } => {
                    project.notice(format!(
                        "`{path}` declares the encoding `{name}`; it was not analysed"
                    ));
                    continue;
                }
            };
            out.push(
                Diagnostic::new(&META, Some(Span::file_start(file)), message)
                    .help(help)
                    .note("App Service imports this file at start-up, so the app fails to boot"),
            );
            continue;
        }
        // Syntax of a newer Python is AZ503's.
        let errors: Vec<_> = parsed.errors.iter().filter(|e| !e.newer).collect();
        let Some(error) = errors.first() else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            &META,
            Some(Span::new(file, error.range)),
            format!(
                "`{path}` is not valid {}: {}",
                short_version(version),
                lowercase_first(&error.message)
            ),
        )
        .label("CPython stops here with a SyntaxError")
        .note(format!("parsed as {version_from}"))
        .note("App Service imports this file at start-up, so the app fails to boot");
        if errors.len() > 1 {
            diagnostic = diagnostic.note(format!(
                "{} more syntax errors follow in this file",
                errors.len() - 1
            ));
        }
        diagnostic = diagnostic
            .help("fix the syntax error; `python -m py_compile` on the file shows the same error");
        out.push(diagnostic);
    }
}

fn short_version(version: crate::project::PythonVersion) -> String {
    format!("Python {version}")
}

fn lowercase_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => message.to_owned(),
    }
}
