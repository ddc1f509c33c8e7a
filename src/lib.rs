//! appservice-preflight: predict what breaks when a Python web app is deployed to Azure App Service for Linux.
//!
//! The flow is one-way: the repository ([`project::Project`]) and the app inputs of the command line
//! ([`platform::Inputs`]) build the [`platform::Platform`] model; rules read it and emit
//! [`diagnostic::Diagnostic`]s; [`render`] prints them. [`config::Config`] resolves the command line
//! into those inputs, the rules to run and the output. `docs/architecture.md` draws the layers.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod plan;
pub mod platform;
pub mod project;
pub mod render;
pub mod rules;
pub mod server;
pub mod suppress;

use config::Config;
use platform::Platform;
use project::{Project, ProjectError};

pub use diagnostic::Report;

/// Run the selected rules on the app at `config.root`, then apply what the configuration says about
/// reporting: suppression comments (and AZ900), `exclude` and `per-file-ignores`, the files asked for,
/// and level overrides.
pub fn check(config: &Config) -> Result<Report, ProjectError> {
    let mut project = Project::discover(&config.root)?;
    if let Some(stdin) = &config.stdin {
        project.set_overlay(&stdin.rel, stdin.content.clone());
    }
    let diagnostics = {
        let platform = Platform::build(&project, &config.app);
        rules::run(&platform, &config.rules)
    };
    let mut report = Report {
        project,
        diagnostics,
        notices: Vec::new(),
    };
    suppress::apply(&mut report, &config.rules);
    let project = &report.project;
    report.diagnostics.retain(|d| {
        d.span
            .is_none_or(|span| config.reports_in(d.rule.code, project.rel_path(span.file)))
    });
    for d in &mut report.diagnostics {
        if let Some((_, level)) = config.levels.iter().find(|(code, _)| *code == d.rule.code) {
            d.level = *level;
        }
    }
    report.notices = report.project.notices();
    Ok(report)
}
