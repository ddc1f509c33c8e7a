//! Rich text with source snippets (codespan-reporting), then a one-line summary.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use super::view::{DisplayPaths, safe_message, safe_text, shown_source};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Report;
use crate::project::{FileId, Span};
use crate::rules::Level;

pub fn render(
    report: &Report,
    paths: &DisplayPaths,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if color {
        render_to(report, paths, &mut Ansi::new(out))
    } else {
        render_to(report, paths, &mut NoColor::new(out))
    }
}

fn render_to(report: &Report, paths: &DisplayPaths, writer: &mut dyn WriteColor) -> io::Result<()> {
    let sources = Sources::new(report, paths);
    let config = Config::default();
    for d in &report.diagnostics {
        let diagnostic = to_codespan(report, &sources, d);
        term::emit(writer, &config, &sources.files, &diagnostic).map_err(|e| match e {
            // Keep the kind (a closed pipe is not the tool's failure).
            codespan_reporting::files::Error::Io(io) => io,
            other => io::Error::other(other),
        })?;
    }
    writeln!(writer, "{}", summary(&report.diagnostics))?;
    if !report.notices.is_empty() {
        // Never a bare "All checks passed." on input the tool could not read.
        let n = report.notices.len();
        writeln!(
            writer,
            "{n} {} could not be read or judged (see the warnings): the checks do not cover {}.",
            if n == 1 { "input" } else { "inputs" },
            if n == 1 { "it" } else { "them" }
        )?;
    }
    Ok(())
}

/// The files the diagnostics point at, as shown: named by their display path, secrets masked.
struct Sources {
    files: SimpleFiles<String, String>,
    /// (project file, id in `files`, length of the shown source; `None` when unreadable)
    ids: Vec<(FileId, usize, Option<String>)>,
}

impl Sources {
    fn new(report: &Report, paths: &DisplayPaths) -> Sources {
        let all: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        let mut sources = Sources {
            files: SimpleFiles::new(),
            ids: Vec::new(),
        };
        let spans = report
            .diagnostics
            .iter()
            .flat_map(|d| d.span.into_iter().chain(d.labels.iter().map(|l| l.span)));
        for span in spans {
            if sources.ids.iter().any(|(file, _, _)| *file == span.file) {
                continue;
            }
            let readable = report.project.text(span.file).is_ok();
            let source = if readable {
                shown_source(report, span.file, &all)
            } else {
                String::new()
            };
            let id = sources
                .files
                .add(paths.show(report, span.file), source.clone());
            sources
                .ids
                .push((span.file, id, readable.then_some(source)));
        }
        sources
    }

    /// The id of a file and its span as a byte range that is safe to show.
    fn locate(&self, span: Span) -> (usize, Range<usize>) {
        let (_, id, source) = self
            .ids
            .iter()
            .find(|(file, _, _)| *file == span.file)
            .expect("every file a diagnostic points at is registered");
        let range = match source {
            Some(source) => {
                let end = floor_char_boundary(source, span.range.end().to_usize());
                let start = floor_char_boundary(source, span.range.start().to_usize()).min(end);
                start..end
            }
            None => 0..0,
        };
        (*id, range)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_codespan(report: &Report, sources: &Sources, d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        let (id, range) = sources.locate(span);
        labels.push(CsLabel::primary(id, range).with_message(safe_text(report, d, &d.label)));
    }
    for label in &d.labels {
        let (id, range) = sources.locate(label.span);
        labels.push(CsLabel::secondary(id, range).with_message(safe_text(
            report,
            d,
            &label.message,
        )));
    }
    let mut notes = Vec::new();
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", safe_text(report, d, help)));
    }
    notes.extend(d.notes.iter().map(|n| safe_text(report, d, n)));
    notes.push(format!("see: {}", d.rule.url()));
    CsDiagnostic::new(severity)
        .with_code(d.rule.code)
        .with_message(safe_message(report, d))
        .with_labels(labels)
        .with_notes(notes)
}

/// `Found 3 problems (1 error, 2 warnings).` or `All checks passed.`
fn summary(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "All checks passed.".to_owned();
    }
    let count = |level: Level| diagnostics.iter().filter(|d| d.level == level).count();
    let parts: Vec<String> = [
        (count(Level::Error), "error", "errors"),
        (count(Level::Warning), "warning", "warnings"),
        (count(Level::Note), "note", "notes"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    let n = diagnostics.len();
    format!(
        "Found {n} {} ({}).",
        if n == 1 { "problem" } else { "problems" },
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::view::test_support::{SECRET, sample};

    fn rendered(report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        render(report, &DisplayPaths::relative_to_root(), color, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shows_snippets_notes_and_summary_without_secrets() {
        let (_dir, report) = sample();
        let text = rendered(&report, false);
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("warning[AZ303]: "), "{text}");
        assert!(
            text.contains("error[AZ301]: DEBUG is the literal True"),
            "{text}"
        );
        assert!(text.contains("proj/settings.py:2:1"), "{text}");
        assert!(text.contains("DEBUG = True"), "{text}");
        assert!(text.contains("= help: DEBUG = os.environ.get"), "{text}");
        assert!(text.contains("= see: "), "{text}");
        assert!(text.contains("error[AZ107]: the startup command"), "{text}");
        assert!(text.contains("SECRET_KEY = '****"), "{text}");
        assert!(
            text.ends_with("Found 4 problems (2 errors, 1 warning, 1 note).\n"),
            "{text}"
        );
        // Deterministic.
        assert_eq!(text, rendered(&report, false));
    }

    #[test]
    fn colour_uses_ansi_escapes() {
        let (_dir, report) = sample();
        assert!(rendered(&report, true).contains('\u{1b}'));
    }

    #[test]
    fn summary_wording() {
        let (_dir, mut report) = sample();
        report.diagnostics.truncate(1);
        report.diagnostics[0].level = Level::Error;
        assert_eq!(summary(&report.diagnostics), "Found 1 problem (1 error).");
        report.diagnostics.clear();
        assert_eq!(rendered(&report, false), "All checks passed.\n");
    }

    #[test]
    fn unreadable_files_and_out_of_range_spans_do_not_panic() {
        let (_dir, mut report) = sample();
        let binary = report.project.file("blob.bin").unwrap();
        assert!(report.project.text(binary).is_err());
        let rule = crate::rules::find("AZ001").unwrap();
        let range = ruff_text_size::TextRange::new(5.into(), 900.into());
        report.diagnostics.push(Diagnostic::new(
            rule,
            Some(Span::new(binary, range)),
            "the file cannot be read",
        ));
        let settings = report.project.file("proj/settings.py").unwrap();
        report.diagnostics.push(Diagnostic::new(
            rule,
            Some(Span::new(settings, range)),
            "a span past the end",
        ));
        let text = rendered(&report, false);
        assert!(text.contains("blob.bin"), "{text}");
        assert!(text.contains("a span past the end"), "{text}");
    }
}
