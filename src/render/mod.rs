//! Renderers: findings to text, concise, JSON, SARIF or GitHub annotations. They know nothing about Python.

mod concise;
pub mod fingerprint;
mod github;
mod gitlab;
mod json;
mod sarif;
mod text;
mod view;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::diagnostic::Report;
pub use view::{DisplayPaths, safe_message, safe_text, shown_source};

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Snippets with labels and the fix
    Text,
    /// One line a finding: path:line:col: CODE message
    Concise,
    /// A JSON array of findings
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality JSON (a merge request's code quality widget)
    Gitlab,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What a report is written with, besides its format.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub color: bool,
    /// SARIF `automationDetails.id`.
    pub sarif_category: Option<String>,
}

/// Write `report` in `format`, paths shown relative to the current directory.
pub fn render(report: &Report, format: Format, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let options = Options {
        color,
        ..Options::default()
    };
    render_with(report, format, &options, out)
}

/// [`render`] with every option.
pub fn render_with(
    report: &Report,
    format: Format,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paths = DisplayPaths::new(report.project.root());
    match format {
        Format::Sarif => sarif::render(report, &paths, options.sarif_category.as_deref(), out),
        _ => render_with_paths(report, format, options.color, &paths, out),
    }
}

/// Write `report` in `format`, showing paths with `paths`.
pub fn render_with_paths(
    report: &Report,
    format: Format,
    color: bool,
    paths: &DisplayPaths,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, paths, color, out),
        Format::Concise => concise::render(report, paths, out),
        Format::Json => json::render(report, paths, out),
        Format::Sarif => sarif::render(report, paths, None, out),
        Format::Github => github::render(report, paths, out),
        Format::Gitlab => gitlab::render(report, paths, out),
    }
}
