//! Command-line arguments (clap derive). Turned into a [`crate::config::Config`] once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::render::{ColorWhen, Format};

#[derive(Debug, Parser)]
#[command(
    name = "appservice-preflight",
    version,
    about = "Find what will break when a Python web app is deployed to Azure App Service for Linux",
    long_about = "Reads a Django, Flask or FastAPI app statically (it never imports or runs it), predicts what \
                  the App Service build (Oryx) and container start-up will do, and reports every problem with \
                  the file, the line and the fix."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an app folder (the folder that is deployed)
    Check(CheckArgs),
    /// Show what App Service will do with the app: the build, the start-up command, the app settings it needs
    Plan(PlanArgs),
    /// List every rule: code, name, category and summary
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print the documentation page of a rule
    Explain {
        /// A rule code (AZ301) or name (django-debug-not-from-env)
        rule: String,
    },
}

/// What describes the app and its App Service configuration (shared by `check` and `plan`).
#[derive(Debug, Args)]
pub struct AppArgs {
    /// The app root: the folder that is deployed
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// An App Service app setting, such as PRE_BUILD_COMMAND=... (repeatable)
    #[arg(long = "app-setting", value_name = "NAME=VALUE")]
    pub app_settings: Vec<String>,

    /// JSON from `az webapp config appsettings list` or `az webapp config show` (repeatable)
    #[arg(long = "app-settings-file", value_name = "FILE")]
    pub app_settings_files: Vec<PathBuf>,

    /// The configured startup command or startup file
    #[arg(long, value_name = "CMD")]
    pub startup_command: Option<String>,

    /// The app's Python version (X.Y); default: the site's version, else runtime.txt, else the newest on App Service
    #[arg(long, value_name = "X.Y")]
    pub python_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub app: AppArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Only run these rules: codes (AZ301), code prefixes (AZ3), names, or ALL; comma-separated
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules: codes, code prefixes or names; comma-separated
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Exit with 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,

    /// When to use colours in text output
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub app: AppArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}
