//! AZ505: a requirement needs a system library App Service's Python image does not have.

use crate::diagnostic::Diagnostic;
use crate::platform::requirements::packages::missing_system_library;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ505",
    name: "system-library-missing",
    category: Category::Blocker,
    summary: "A requirement needs a system library App Service's Python image lacks (`opencv-python` needs libGL)",
    docs: include_str!("../../lints/AZ505.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // A custom container brings its own system libraries.
    if ctx.sources.container.is_some() {
        return;
    }
    for (_, _, req) in ctx.requirements.requirements() {
        let Some(name) = &req.normalized else {
            continue;
        };
        let Some((library, instead, source)) = missing_system_library(name) else {
            continue;
        };
        let written = req.name.as_deref().unwrap_or(name);
        out.push(
            Diagnostic::new(
                &META,
                Some(req.name_span),
                format!(
                    "`{written}` needs `{library}`, which App Service's Python image does not have, so importing it fails with ImportError"
                ),
            )
            .label(format!("needs {library}"))
            .help(format!(
                "install `{instead}` instead (the same package built without the GUI parts a server does not use): replace `{written}` with `{instead}` in the requirements, keeping the version"
            ))
            .note(format!("source: {source}")),
        );
    }
}
