//! appservice-preflight: predict what breaks when a Python web app is deployed to Azure App Service for Linux.
//!
//! The flow is one-way: the repository ([`project::Project`]) and the app inputs of the command line
//! ([`platform::Inputs`]) build the [`platform::Platform`] model; rules read it and emit
//! [`diagnostic::Diagnostic`]s; [`render`] prints them. [`config::Config`] resolves the command line
//! into those inputs, the rules to run and the output. `docs/architecture.md` draws the layers.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod plan;
pub mod platform;
pub mod project;
pub mod render;
pub mod rules;

use config::Config;
use platform::Platform;
use project::{Project, ProjectError};

pub use diagnostic::Report;

/// Run the selected rules on the app at `config.root`.
pub fn check(config: &Config) -> Result<Report, ProjectError> {
    let project = Project::discover(&config.root)?;
    let diagnostics = {
        let platform = Platform::build(&project, &config.app);
        rules::run(&platform, &config.rules)
    };
    let notices = project.notices();
    Ok(Report {
        project,
        diagnostics,
        notices,
    })
}
