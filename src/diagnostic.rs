//! A finding, independent of how it is rendered.

use crate::project::Span;
use crate::rules::{Level, RuleMeta};

/// A secondary location with a short label.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub message: String,
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
    /// The exact fix.
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Ranges whose text is a secret: renderers never print them.
    pub secrets: Vec<Span>,
}

impl Diagnostic {
    /// A finding at the rule's default level.
    pub fn new(rule: &'static RuleMeta, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            level: rule.category.default_level(),
            message: message.into(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            secrets: Vec::new(),
        }
    }

    #[must_use]
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
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

/// Mask a secret for display: its first two characters and its length (`'dj…(50 chars)'`).
pub fn mask_secret(value: &str) -> String {
    let n = value.chars().count();
    if n == 0 {
        return "''".to_owned();
    }
    let head: String = value.chars().take(if n > 8 { 2 } else { 0 }).collect();
    format!("'{head}…({n} chars)'")
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
