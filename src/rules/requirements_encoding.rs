//! AZ105 requirements-encoding

use crate::diagnostic::Diagnostic;
use crate::platform::app_settings::BoolParser;
use crate::platform::requirements::{DependencyKind, Encoding};
use crate::project::Span;
use crate::rules::{Category, Context, Level, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ105",
    name: "requirements-encoding",
    category: Category::Risk,
    summary: "The requirements file is UTF-16 or holds NUL bytes: `collectstatic` is skipped, or pip cannot read it",
    docs: include_str!("../../lints/AZ105.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let req = &ctx.requirements;
    if req.kind != DependencyKind::RequirementsTxt {
        return;
    }
    let project = ctx.project;
    let collectstatic_disabled = ctx
        .app_settings
        .get("DISABLE_COLLECTSTATIC")
        .is_some_and(|s| BoolParser::DotNet.is_true(&s.value));
    let django_app = project.file("manage.py").is_some();
    for file in &req.files {
        let path = project.rel_path(file.file);
        let is_root = file.included_from.is_none();
        let span = Some(Span::file_start(file.file));
        let d = match &file.encoding {
            Encoding::Utf8 | Encoding::Unreadable { .. } => continue,
            Encoding::Utf16 { bom: true, .. } => {
                // pip decodes it; only Oryx's `grep -iq Django` on the root file is affected.
                let names_django = file
                    .entries
                    .iter()
                    .any(|e| e.text.to_ascii_lowercase().contains("django"));
                if !is_root || !django_app || collectstatic_disabled || !names_django {
                    continue;
                }
                Diagnostic::new(
                    &META,
                    span,
                    format!("`{path}` is encoded as UTF-16, so the build's `grep -iq Django {path}` finds nothing and `collectstatic` is skipped"),
                )
                .label("UTF-16: every character is two bytes, `D\\0j\\0a\\0n\\0g\\0o\\0`")
                .help(utf16_help(path))
                .note("pip reads the file (it honours the byte-order mark), so the packages install; the static files are not collected, and the site is served without CSS unless they are committed")
            }
            Encoding::Utf16 { bom: false, .. } => Diagnostic::new(
                &META,
                span,
                format!("`{path}` is UTF-16 without a byte-order mark, so pip reads it as UTF-8 and cannot parse any line"),
            )
            .level(Level::Error)
            .label("pip: Invalid requirement, every character followed by a NUL byte")
            .help(utf16_help(path))
            .note("Oryx runs `pip install -r` with `set -e`: the deployment fails"),
            Encoding::NulBytes { offset } => Diagnostic::new(
                &META,
                span,
                format!("`{path}` has NUL bytes (the first at byte {offset}): part of it is UTF-16, so pip cannot parse those lines"),
            )
            .level(Level::Error)
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
            .level(Level::Error)
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
    fn utf16_with_a_bom_matters_only_for_collectstatic() {
        let reqs = utf16("Django==5.1\n", true);
        let out = run(&[("manage.py", b""), ("requirements.txt", &reqs)], |_| {});
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].level, Level::Warning);
        assert!(run(&[("app.py", b""), ("requirements.txt", &reqs)], |_| {}).is_empty());
        assert!(
            run(&[("manage.py", b""), ("requirements.txt", &reqs)], |c| c
                .app_settings
                .push(("DISABLE_COLLECTSTATIC".into(), "true".into())))
            .is_empty()
        );
    }

    #[test]
    fn files_pip_cannot_read_are_errors_even_when_included() {
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
        assert_eq!(out[0].level, Level::Error);
        assert_eq!(out[0].labels.len(), 1, "the include is shown");
    }
}
