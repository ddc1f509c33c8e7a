//! AZ105 requirements-encoding: pip cannot decode a requirements file, so the build fails.

use crate::diagnostic::Diagnostic;
use crate::platform::requirements::{DependencyKind, Encoding};
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ105",
    name: "requirements-encoding",
    category: Category::Blocker,
    summary: "A requirements file pip cannot decode: UTF-16 without a byte-order mark, NUL bytes, or not UTF-8",
    docs: include_str!("../../lints/AZ105.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let req = &ctx.requirements;
    if req.kind != DependencyKind::RequirementsTxt {
        return;
    }
    let project = ctx.project;
    for file in &req.files {
        let path = project.rel_path(file.file);
        let is_root = file.included_from.is_none();
        let span = Some(Span::file_start(file.file));
        let d = match &file.encoding {
            // pip decodes a UTF-16 file with a byte-order mark; that Oryx's `grep -iq Django` cannot
            // read it matters only when `collectstatic` is then skipped, which AZ106 reports.
            Encoding::Utf8 | Encoding::Utf16 { bom: true, .. } | Encoding::Unreadable { .. } => {
                continue;
            }
            Encoding::Utf16 { bom: false, .. } => Diagnostic::new(
                &META,
                span,
                format!("`{path}` is UTF-16 without a byte-order mark, so pip reads it as UTF-8 and cannot parse any line"),
            )
            .label("pip: Invalid requirement, every character followed by a NUL byte")
            .help(utf16_help(path))
            .note("Oryx runs `pip install -r` with `set -e`: the deployment fails"),
            Encoding::NulBytes { offset } => Diagnostic::new(
                &META,
                span,
                format!("`{path}` has NUL bytes (the first at byte {offset}): part of it is UTF-16, so pip cannot parse those lines"),
            )
            .label("a file partly UTF-8 and partly UTF-16, e.g. after `echo pkg >> requirements.txt` in Windows PowerShell 5")
            .help(format!(
                "delete the NUL bytes and the UTF-16 byte-order marks (bytes that never occur in UTF-8): `tr -d '\\000\\376\\377' < {path} > {path}.fixed && mv {path}.fixed {path}`"
            ))
            .note("Oryx runs `pip install -r` with `set -e`: the deployment fails"),
            Encoding::InvalidUtf8 { line, .. } => Diagnostic::new(
                &META,
                span,
                format!("`{path}` is not UTF-8 (line {line}), so pip stops with UnicodeDecodeError"),
            )
            .label("probably Windows-1252 or Latin-1 text, e.g. an accented letter in a comment")
            .help(format!(
                "re-encode it as UTF-8: `iconv -f WINDOWS-1252 -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}`"
            ))
            .note("pip decodes a requirements file without a byte-order mark as UTF-8 in the build container; Oryx runs it with `set -e`: the deployment fails"),
        };
        let d = if is_root {
            d
        } else if let Some(from) = file.included_from {
            d.secondary(from, "included here")
        } else {
            d
        };
        out.push(d);
    }
}

fn utf16_help(path: &str) -> String {
    format!(
        "re-encode it as UTF-8: `iconv -f UTF-16 -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}`, or in PowerShell `(Get-Content {path}) | Set-Content -Encoding utf8 {path}`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        files: &[(&str, &[u8])],
        setup: impl Fn(&mut crate::platform::Inputs),
    ) -> Vec<Diagnostic> {
        crate::rules::run_check(files, setup, check)
    }

    fn utf16(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    }

    #[test]
    fn utf16_with_a_bom_is_read_by_pip() {
        let reqs = utf16("Django==5.1\n", true);
        assert!(run(&[("manage.py", b""), ("requirements.txt", &reqs)], |_| {}).is_empty());
    }

    #[test]
    fn files_pip_cannot_read_are_reported_even_when_included() {
        let no_bom = utf16("flask\n", false);
        let out = run(
            &[
                ("app.py", b""),
                ("requirements.txt", b"-r more.txt\n"),
                ("more.txt", &no_bom),
            ],
            |_| {},
        );
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .message
                .starts_with("`more.txt` is UTF-16 without a byte-order mark")
        );
        assert_eq!(out[0].labels.len(), 1, "the include is shown");
    }
}
