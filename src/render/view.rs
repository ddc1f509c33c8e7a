//! What every format shows the same way: paths as the user sees them, positions, and text with secrets
//! masked.

use std::path::{Component, Path, PathBuf};

use ruff_text_size::TextRange;

use crate::diagnostic::{Diagnostic, Report, mask_secret};
use crate::project::{FileId, Span};

/// Turns paths relative to the app root into paths as the user sees them: relative to the current
/// directory when the app is under it, with forward slashes.
pub struct DisplayPaths {
    prefix: String,
    absolute: bool,
}

impl DisplayPaths {
    pub fn new(root: &Path) -> DisplayPaths {
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|c| c.canonicalize().ok());
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let rel: Option<PathBuf> =
            cwd.and_then(|cwd| canonical.strip_prefix(&cwd).ok().map(Path::to_path_buf));
        let (base, absolute) = match rel {
            Some(rel) => (rel, false),
            None => (canonical, true),
        };
        let mut prefix = String::new();
        for c in base.components() {
            match c {
                Component::RootDir => prefix.push('/'),
                Component::Normal(part) => {
                    prefix.push_str(&part.to_string_lossy());
                    prefix.push('/');
                }
                Component::Prefix(p) => prefix.push_str(&p.as_os_str().to_string_lossy()),
                _ => {}
            }
        }
        DisplayPaths { prefix, absolute }
    }

    /// A fixed prefix ("" for paths relative to the app root), for golden tests.
    pub fn relative_to_root() -> DisplayPaths {
        DisplayPaths {
            prefix: String::new(),
            absolute: false,
        }
    }

    /// The path of a file of the project, as shown.
    pub fn show(&self, report: &Report, file: FileId) -> String {
        format!("{}{}", self.prefix, report.project.rel_path(file))
    }

    /// The path of a file that is not in the project yet (one a fix creates), as shown.
    pub fn show_new(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// Whether paths are absolute (the app is not under the current directory).
    pub fn is_absolute(&self) -> bool {
        self.absolute
    }
}

/// 1-based (line, column) of the start and end of a span; (1, 1) when the file cannot be read.
pub fn span_positions(report: &Report, span: Span) -> ((usize, usize), (usize, usize)) {
    match report.project.text(span.file) {
        Ok(text) => (
            text.line_column(span.range.start()),
            text.line_column(span.range.end()),
        ),
        Err(_) => ((1, 1), (1, 1)),
    }
}

/// The source of a file as renderers may show it: with every secret of `diagnostic` masked.
pub fn shown_source(report: &Report, file: FileId, diagnostics: &[&Diagnostic]) -> String {
    let Ok(text) = report.project.text(file) else {
        return String::new();
    };
    let mut source = text.text.clone();
    let mut secrets: Vec<TextRange> = diagnostics
        .iter()
        .flat_map(|d| d.secrets.iter())
        .filter(|s| s.file == file)
        .map(|s| s.range)
        .collect();
    // Secrets no finding of this run names (another rule selected, a file that does not parse): string
    // literals assigned to a name that looks secret are masked too.
    secrets.extend(report.project.secret_ranges(file));
    secrets.sort_by_key(|r| std::cmp::Reverse(r.start()));
    secrets.dedup();
    let mut masked_until = usize::MAX;
    for range in secrets {
        let (start, end) = (range.start().to_usize(), range.end().to_usize());
        if end > masked_until {
            continue;
        }
        if let Some(original) = source.get(start..end) {
            // Same length in bytes, so every offset stays right.
            let masked: String = original.chars().map(|c| "*".repeat(c.len_utf8())).collect();
            let masked = keep_quotes(original, masked);
            source.replace_range(start..end, &masked);
            masked_until = start;
        }
    }
    source
}

fn keep_quotes(original: &str, mut masked: String) -> String {
    for (i, c) in original.char_indices() {
        if matches!(c, '\'' | '"')
            && (i == 0
                || i == original.len() - 1
                || original[..i].chars().all(|p| p.is_ascii_alphabetic()))
        {
            masked.replace_range(i..i + 1, &c.to_string());
        }
    }
    masked
}

/// A diagnostic message with any secret it quotes masked (rules already mask; this is a second guard).
pub fn safe_message(report: &Report, diagnostic: &Diagnostic) -> String {
    safe_text(report, diagnostic, &diagnostic.message)
}

/// Any text of a diagnostic (its help, a note, a label) with every secret of the diagnostic masked.
pub fn safe_text(report: &Report, diagnostic: &Diagnostic, text: &str) -> String {
    let mut message = text.to_owned();
    // The secrets the finding names, and the values that look secret in the files it points at (a help
    // that quotes a line word for word must not print what the snippet masks).
    let mut files: Vec<crate::project::FileId> = diagnostic.span.iter().map(|s| s.file).collect();
    files.extend(diagnostic.labels.iter().map(|l| l.span.file));
    let mut secrets: Vec<crate::project::Span> = diagnostic.secrets.clone();
    for file in files {
        secrets.extend(
            report
                .project
                .secret_ranges(file)
                .into_iter()
                .map(|range| crate::project::Span::new(file, range)),
        );
    }
    for secret in &secrets {
        if let Ok(text) = report.project.text(secret.file) {
            let raw = text.slice(secret.range);
            let inner = raw.trim_matches(|c| c == '\'' || c == '"');
            if inner.len() >= 4 && message.contains(inner) {
                message = mask_quoted(&message, inner);
            }
        }
    }
    // And whatever has the shape of a secret, named or not (a URL's password, `--password x`).
    crate::project::secrets::mask_shapes(&message)
}

/// `message` with the occurrences of a secret value masked: those standing as a word of their own, and,
/// for a value shorter than 8 characters (`root`, `admin`), only those the message quotes (in backticks or
/// quotes), so that a short password does not mask the same word in prose ("the app root").
fn mask_quoted(message: &str, secret: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let quote = |c: Option<char>| matches!(c, Some('`' | '\'' | '"'));
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(secret) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + secret.len()..].chars().next();
        let standalone = !word(before) && !word(after);
        let quoted = quote(before) && quote(after);
        out.push_str(&rest[..at]);
        if standalone && (secret.chars().count() >= 8 || quoted) {
            out.push_str(&mask_secret(secret));
        } else {
            out.push_str(secret);
        }
        rest = &rest[at + secret.len()..];
    }
    out.push_str(rest);
    out
}

/// What stands in for a path when a finding comes from a command-line flag.
pub fn flag_location() -> &'static str {
    "<command line>"
}

/// A hand-built report for the renderers' unit tests (independent of what the rules find).
#[cfg(test)]
pub(crate) mod test_support {
    use ruff_text_size::{TextRange, TextSize};

    use crate::diagnostic::Diagnostic;
    use crate::diagnostic::Report;
    use crate::project::{Project, Span};
    use crate::rules::{self, Level};

    /// The hardcoded secret in `proj/settings.py`: no renderer may print it.
    pub const SECRET: &str = "django-insecure-abcdefghijklmnopqrstuvwxyz0123456789";

    /// A project with four findings: a warning with a secret, an error with a secondary label, a note
    /// in a file whose path needs escaping, and an error from a command-line flag (no span).
    pub fn sample() -> (tempfile::TempDir, Report) {
        let dir = tempfile::tempdir().unwrap();
        let settings = format!("SECRET_KEY = '{SECRET}'\nDEBUG = True\nALLOWED_HOSTS = []\n");
        std::fs::create_dir_all(dir.path().join("proj")).unwrap();
        std::fs::create_dir_all(dir.path().join("my dir")).unwrap();
        std::fs::write(dir.path().join("proj/settings.py"), &settings).unwrap();
        std::fs::write(dir.path().join("my dir/app,1%.py"), "x = 'é'\n").unwrap();
        std::fs::write(
            dir.path().join("blob.bin"),
            b"\x00\x01\x02\x00\x00\x00binary",
        )
        .unwrap();
        let project = Project::discover(dir.path()).unwrap();
        let file = project.file("proj/settings.py").unwrap();
        let other = project.file("my dir/app,1%.py").unwrap();
        let range = |needle: &str| {
            let start = settings.find(needle).unwrap();
            TextRange::at(TextSize::try_from(start).unwrap(), TextSize::of(needle))
        };
        let secret = Span::new(file, range(&format!("'{SECRET}'")));
        let mut diagnostics = vec![
            Diagnostic::new(
                rules::find("AZ303").unwrap(),
                Some(secret),
                format!("SECRET_KEY is the literal {SECRET}"),
            )
            .label("hardcoded here")
            .help(format!("read it from an app setting, not {SECRET}"))
            .secret(secret),
            Diagnostic::new(
                rules::find("AZ301").unwrap(),
                Some(Span::new(file, range("DEBUG = True"))),
                "DEBUG is the literal True in the settings App Service loads (proj/settings.py)",
            )
            .label("always on")
            .secondary(
                Span::new(file, range("ALLOWED_HOSTS = []")),
                "and every host is refused",
            )
            .help("DEBUG = os.environ.get('DJANGO_DEBUG') == '1'")
            .note("App Service loads proj/settings.py: 100% sure, a, b: c"),
            Diagnostic::new(
                rules::find("AZ304").unwrap(),
                Some(Span::new(
                    other,
                    TextRange::new(TextSize::new(4), TextSize::new(8)),
                )),
                "a note about 'é'",
            ),
            Diagnostic::new(
                rules::find("AZ107").unwrap(),
                None,
                "the startup command runs /home/site/wwwroot/start.sh",
            ),
        ];
        // The renderers show any level: one finding at `note`, as a per-rule level setting would make it.
        diagnostics[2].level = Level::Note;
        let report = Report {
            project,
            diagnostics,
            notices: Vec::new(),
        };
        (dir, report)
    }
}

#[cfg(test)]
mod mask_tests {
    use super::mask_quoted;

    #[test]
    fn a_short_secret_is_masked_only_where_the_message_quotes_it() {
        // Found on a real app: the database password `root` masked "the app root".
        assert_eq!(
            mask_quoted("there is no manage.py at the app root", "root"),
            "there is no manage.py at the app root"
        );
        assert!(!mask_quoted("PASSWORD is `root`", "root").contains("`root`"));
        assert!(!mask_quoted("PASSWORD is 'root'", "root").contains("'root'"));
    }

    #[test]
    fn a_long_secret_is_masked_as_a_word_anywhere() {
        let masked = mask_quoted(
            "token s3cr3t-t0ken-value and again s3cr3t-t0ken-value.",
            "s3cr3t-t0ken-value",
        );
        assert!(!masked.contains("s3cr3t-t0ken-value"), "{masked}");
        // Inside a longer word it is another word.
        assert_eq!(mask_quoted("xs3cr3tvalue1", "s3cr3tvalue"), "xs3cr3tvalue1");
    }
}
