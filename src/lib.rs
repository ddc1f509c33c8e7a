//! appservice-preflight: predict what breaks when a Python web app is deployed to Azure App Service for Linux.
//!
//! The flow is one-way: [`config::Config`] and the repository ([`project::Project`]) build the
//! [`platform::Platform`] model; rules read it and emit [`diagnostic::Diagnostic`]s; [`render`] prints them.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod plan;
pub mod platform;
pub mod project;
pub mod render;
pub mod rules;

use config::Config;
use diagnostic::Diagnostic;
use platform::Platform;
use project::{Project, ProjectError};
use rules::Context;

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
}

/// Run the selected rules on the app at `config.root`.
pub fn check(config: &Config) -> Result<Report, ProjectError> {
    let project = Project::discover(&config.root)?;
    let diagnostics = {
        let platform = Platform::build(&project, config);
        if let Some(error) = platform.sources.errors.first() {
            return Err(ProjectError(error.clone()));
        }
        let context = Context {
            platform: &platform,
        };
        let mut diagnostics = Vec::new();
        for rule in &config.rules {
            (rule.check)(&context, &mut diagnostics);
        }
        for d in &mut diagnostics {
            // A finding without a place (from a flag) has nowhere to show its label: it becomes the
            // first note, in every format.
            if d.span.is_none() && !d.label.is_empty() {
                let label = std::mem::take(&mut d.label);
                d.notes.insert(0, label);
            }
        }
        sort_diagnostics(&project, &mut diagnostics);
        diagnostics
    };
    let notices = project.notices();
    Ok(Report {
        project,
        diagnostics,
        notices,
    })
}

fn sort_diagnostics(project: &Project, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.span.map(|s| project.rel_path(s.file).to_owned()),
                d.span.map(|s| s.range.start()),
                d.rule.code,
            )
        };
        key(a).cmp(&key(b))
    });
    // The same finding twice (two paths to one line) is reported once, wherever the copies are.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.rule.code, d.span, d.message.clone())));
}
