//! `--fix` and `--diff`: the fixes findings carry, applied to the app's files or printed as a unified
//! diff. Only safe fixes, unless `--unsafe-fixes`; a display-only fix (an app setting, a value outside the
//! repository) never. Nothing is written without `--fix`.
//!
//! A file is rewritten only when its bytes are UTF-8 (with or without a byte order mark, which is kept
//! unless the fix removes it): a file decoded from another encoding is left alone, with a warning.

use std::collections::BTreeMap;
use std::io::Write;

use crate::config::{Config, FixMode, UsageError};
use crate::diagnostic::{Applicability, Diagnostic, Fix, FixTarget, Report};
use crate::project::edit::{self, Edit};
use crate::render::shown_source;

/// One file's fixed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFix {
    /// Relative to the app root.
    pub rel: String,
    /// The text before (empty for a new file).
    pub before: String,
    pub after: String,
    /// The bytes to write (the text, with the byte order mark when it is kept).
    pub bytes: Vec<u8>,
    /// `before` and `after` as `--diff` shows them: every secret masked (same length, so the edits land on
    /// the same offsets).
    pub shown_before: String,
    pub shown_after: String,
    pub created: bool,
    /// How many findings the fixes of this file come from.
    pub findings: usize,
}

/// The fixes gathered for one file: the first fix (for its target), the edits, whether the byte order
/// mark goes, and how many findings they come from.
type Pending<'a> = (&'a Fix, Vec<Edit>, bool, usize);

/// Whether a fix is applied with these flags.
pub fn applies(fix: &Fix, unsafe_fixes: bool) -> bool {
    match fix.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// The fixed text of every file some applied fix edits, in path order. Problems (a file that is not
/// UTF-8) are returned as warnings.
pub fn plan(report: &Report, unsafe_fixes: bool) -> (Vec<FileFix>, Vec<String>) {
    let project = &report.project;
    let mut by_target: BTreeMap<String, Pending> = BTreeMap::new();
    let fixes = report
        .diagnostics
        .iter()
        .filter_map(|d: &Diagnostic| d.fix.as_ref())
        .filter(|f| applies(f, unsafe_fixes));
    for fix in fixes {
        let rel = match &fix.target {
            FixTarget::File(file) => project.rel_path(*file).to_owned(),
            FixTarget::New(rel) => rel.clone(),
        };
        let entry = by_target
            .entry(rel)
            .or_insert_with(|| (fix, Vec::new(), false, 0));
        entry.3 += 1;
        entry.2 |= fix.remove_bom;
        for e in &fix.edits {
            // Two findings with the same fix (one line reported by two paths) edit once.
            if !entry.1.contains(e) {
                entry.1.push(e.clone());
            }
        }
    }
    let all: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (rel, (fix, edits, remove_bom, findings)) in by_target {
        match &fix.target {
            FixTarget::New(_) => {
                if project.file(&rel).is_some() {
                    warnings.push(format!("not fixed: `{rel}` exists now"));
                    continue;
                }
                let after = edit::apply("", &edits);
                out.push(FileFix {
                    bytes: after.clone().into_bytes(),
                    shown_before: String::new(),
                    shown_after: after.clone(),
                    rel,
                    before: String::new(),
                    after,
                    created: true,
                    findings,
                });
            }
            FixTarget::File(file) => {
                let (Ok(text), Ok(bytes)) = (project.text(*file), project.bytes(*file)) else {
                    warnings.push(format!("not fixed: `{rel}` cannot be read"));
                    continue;
                };
                let utf8 = bytes == text.text.as_bytes()
                    || (text.had_bom
                        && bytes.strip_prefix(b"\xEF\xBB\xBF") == Some(text.text.as_bytes()));
                if !utf8 {
                    warnings.push(format!(
                        "not fixed: `{rel}` is not UTF-8, and a fix would change its encoding"
                    ));
                    continue;
                }
                let after = edit::apply(&text.text, &edits);
                let keep_bom = text.had_bom && !remove_bom;
                if after == text.text && keep_bom == text.had_bom {
                    continue;
                }
                let mut bytes = Vec::with_capacity(after.len() + 3);
                if keep_bom {
                    bytes.extend_from_slice(b"\xEF\xBB\xBF");
                }
                bytes.extend_from_slice(after.as_bytes());
                let bom = |t: &str, has: bool| {
                    if has {
                        format!("\u{feff}{t}")
                    } else {
                        t.to_owned()
                    }
                };
                let masked = shown_source(report, *file, &all);
                let masked_after = edit::apply(&masked, &edits);
                out.push(FileFix {
                    rel,
                    before: bom(&text.text, text.had_bom),
                    after: bom(&after, keep_bom),
                    shown_before: bom(&masked, text.had_bom),
                    shown_after: bom(&masked_after, keep_bom),
                    bytes,
                    created: false,
                    findings,
                });
            }
        }
    }
    (out, warnings)
}

/// The unified diff of the fixes, `a/` and `b/` paths relative to the app root.
pub fn diff(fixes: &[FileFix]) -> String {
    let mut out = String::new();
    for f in fixes {
        let old = if f.created {
            "/dev/null".to_owned()
        } else {
            format!("a/{}", f.rel)
        };
        let text = similar::TextDiff::from_lines(&f.shown_before, &f.shown_after)
            .unified_diff()
            .context_radius(3)
            .header(&old, &format!("b/{}", f.rel))
            .to_string();
        let text = crate::project::secrets::mask_everywhere(&text);
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// `--fix`: write the fixes; `--diff`: print them. Returns how many findings were fixed (or would be).
pub fn run(report: &Report, config: &Config) -> Result<usize, UsageError> {
    if config.stdin.is_some() && config.fix == FixMode::Apply {
        return Err(UsageError(
            "--fix cannot write a file read from standard input: use --diff".into(),
        ));
    }
    let (fixes, warnings) = plan(report, config.unsafe_fixes);
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let count: usize = fixes.iter().map(|f| f.findings).sum();
    // Unsafe fixes are offered, never applied unasked: say how many more there are (ruff's hint).
    let hidden = if config.unsafe_fixes {
        0
    } else {
        report
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Unsafe)
            })
            .count()
    };
    let hint = if hidden > 0 {
        format!(
            "; {hidden} more fix{} change{} what the app does: see {} with --diff --unsafe-fixes",
            if hidden == 1 { "" } else { "es" },
            if hidden == 1 { "s" } else { "" },
            if hidden == 1 { "it" } else { "them" }
        )
    } else {
        String::new()
    };
    match config.fix {
        FixMode::Off => {}
        FixMode::Diff => {
            let text = diff(&fixes);
            let mut out = std::io::stdout().lock();
            let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            if let Err(e) = written
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(UsageError(format!("cannot write the diff: {e}")));
            }
            eprintln!(
                "{count} fix{} in {} file{} (nothing written; apply with --fix){hint}",
                if count == 1 { "" } else { "es" },
                fixes.len(),
                if fixes.len() == 1 { "" } else { "s" }
            );
        }
        FixMode::Apply => {
            let root = report.project.root();
            for f in &fixes {
                let path = root.join(&f.rel);
                // A link is not written through: it may lead out of the app.
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    eprintln!("warning: not fixed: `{}` is a symbolic link", f.rel);
                    continue;
                }
                std::fs::write(&path, &f.bytes)
                    .map_err(|e| UsageError(format!("cannot write `{}`: {e}", f.rel)))?;
            }
            if count > 0 {
                eprintln!(
                    "fixed {count} finding{} in {} file{}{hint}",
                    if count == 1 { "" } else { "s" },
                    fixes.len(),
                    if fixes.len() == 1 { "" } else { "s" }
                );
            } else if hidden > 0 {
                eprintln!("no safe fix to apply{hint}");
            }
        }
    }
    Ok(count)
}
