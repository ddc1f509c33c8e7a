//! What a finding is, independent of the rules that make it and the renderers that print it: the rule's
//! facts ([`RuleMeta`]), its [`Category`] and the [`Level`] that follows from it, and the [`Diagnostic`].
//! Below the rules and the renderers; imports nothing but the project model.

use std::fmt;

use serde::Serialize;

use crate::project::edit::Edit;
use crate::project::{FileId, Project, Span};

/// What kind of problem a rule finds; it sets the default level of its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The deploy or the app fails.
    Blocker,
    /// A security hole or misbehaviour in production.
    Risk,
    /// Worth knowing; does not fail a check by default.
    Advice,
}

impl Category {
    pub fn default_level(self) -> Level {
        match self {
            Category::Blocker => Level::Error,
            Category::Risk => Level::Warning,
            Category::Advice => Level::Note,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Blocker => "blocker",
            Category::Risk => "risk",
            Category::Advice => "advice",
        }
    }
}

/// How serious one finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }

    /// Whether a finding at this level makes `check` exit with 1.
    pub fn fails(self) -> bool {
        self >= Level::Warning
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The facts about one rule. Prose lives in `lints/<CODE>.md`; the check function is registered beside
/// it in [`crate::rules::RULES`].
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// One line, shown by `rules` and used as SARIF `shortDescription`.
    pub summary: &'static str,
    /// The rule page, `lints/<CODE>.md`.
    pub docs: &'static str,
    /// The GitHub `security-severity` (0.0-10.0) for rules about security, else `None`.
    pub security_severity: Option<&'static str>,
}

impl fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleMeta")
            .field("code", &self.code)
            .finish()
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl RuleMeta {
    /// The body of one `## Heading` section of the rule page, trimmed.
    pub fn doc_section(&self, heading: &str) -> Option<&'static str> {
        doc_section(self.docs, heading)
    }

    /// The first paragraph of "What it does", as one line.
    pub fn full_description(&self) -> String {
        self.doc_section("What it does")
            .and_then(|s| s.split("\n\n").next())
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| self.summary.to_string())
    }

    /// Where the rule page is published.
    pub fn url(&self) -> String {
        format!(
            "{}/blob/main/lints/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.code
        )
    }

    pub fn tags(&self) -> Vec<&'static str> {
        let mut tags = vec![self.category.as_str()];
        if self.security_severity.is_some() {
            tags.push("security");
        }
        tags
    }
}

/// The body of a `## heading` section of a Markdown page.
pub fn doc_section<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}\n");
    let start = page.find(&marker)? + marker.len();
    let rest = &page[start..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    Some(rest[..end].trim())
}

/// A secondary location with a short label.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// How safe it is to apply a fix without reading it (ruff's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps the app's meaning; may be applied by `--fix`.
    Safe,
    /// Changes what the app does (the fix is right for App Service, but the user should see it).
    Unsafe,
    /// Shown, never applied (the edits are to a value outside the repository, such as an app setting).
    DisplayOnly,
}

/// The exact fix of a finding as text edits to one file of the app.
#[derive(Debug, Clone)]
pub struct Fix {
    pub target: FixTarget,
    /// Non-overlapping edits in the file's text (for a new file, insertions at 0).
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// The fix also removes the file's UTF-8 byte order mark (which its decoded text does not hold).
    pub remove_bom: bool,
}

/// The file a fix edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixTarget {
    /// A file of the app.
    File(FileId),
    /// A file to create, relative to the app root.
    New(String),
}

impl Fix {
    /// Edits to a file of the app.
    pub fn edit(file: FileId, edits: Vec<Edit>, applicability: Applicability) -> Fix {
        Fix {
            target: FixTarget::File(file),
            edits,
            applicability,
            remove_bom: false,
        }
    }

    /// A new file with `content`.
    pub fn create(rel: impl Into<String>, content: impl Into<String>) -> Fix {
        Fix {
            target: FixTarget::New(rel.into()),
            edits: vec![Edit::insertion(content, ruff_text_size::TextSize::new(0))],
            applicability: Applicability::Safe,
            remove_bom: false,
        }
    }
}

/// One finding of one rule.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub level: Level,
    /// One lowercase statement of fact, no trailing period.
    pub message: String,
    /// Where the problem is; `None` when it comes from a command-line flag.
    pub span: Option<Span>,
    /// Text of the label under the primary span (the message when empty).
    pub label: String,
    pub labels: Vec<Label>,
    /// The exact fix, in words.
    pub help: Option<String>,
    /// The same fix as edits to a file of the app, when it is one.
    pub fix: Option<Fix>,
    pub notes: Vec<String>,
    /// Ranges whose text is a secret: renderers never print them.
    pub secrets: Vec<Span>,
    /// The span is not the rule's: the finding had no place, and points at the file that stands for the
    /// app (see `Platform::anchor_file`).
    pub anchored: bool,
}

impl Diagnostic {
    /// A finding at the level its rule's category sets. There is no way to give one finding another
    /// level: a variant of a different severity is a rule of its own.
    pub fn new(rule: &'static RuleMeta, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            level: rule.category.default_level(),
            message: message.into(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            fix: None,
            notes: Vec::new(),
            secrets: Vec::new(),
            anchored: false,
        }
    }

    #[must_use]
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    #[must_use]
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attach the fix as edits, when there is one.
    #[must_use]
    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Add a note when there is one.
    #[must_use]
    pub fn notes_from(mut self, note: Option<String>) -> Self {
        self.notes.extend(note);
        self
    }

    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    #[must_use]
    pub fn secret(mut self, span: Span) -> Self {
        self.secrets.push(span);
        self
    }
}

/// The findings of one `check` run, in file and position order, with problems met along the way.
pub struct Report {
    pub project: Project,
    pub diagnostics: Vec<Diagnostic>,
    /// Input problems that are not findings (unreadable files, ...): printed as warnings.
    pub notices: Vec<String>,
}

impl Report {
    /// Whether any finding makes the run fail.
    pub fn fails(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level.fails())
    }

    /// Whether any finding is at `level` or above (`--fail-on`).
    pub fn fails_at(&self, level: Level) -> bool {
        self.diagnostics.iter().any(|d| d.level >= level)
    }
}

/// Mask a secret for display: its first two characters and its length (`'dj…(50 chars)'`).
pub fn mask_secret(value: &str) -> String {
    crate::project::secrets::mask_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_at_most_two_characters() {
        assert_eq!(
            mask_secret("django-insecure-abcdefghijkl"),
            "'dj…(28 chars)'"
        );
        assert_eq!(mask_secret("short"), "'…(5 chars)'");
        assert_eq!(mask_secret(""), "''");
    }
}
