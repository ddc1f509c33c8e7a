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
    Check(Box<CheckArgs>),
    /// Show what App Service will do with the app: the build, the start-up command, the app settings it needs
    Plan(PlanArgs),
    /// List every rule: code, name, category and summary
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Run the language server (LSP over standard input and output) for editors
    Server,
    /// Print a shell's completion script: `appservice-preflight completions bash > ~/.local/share/bash-completion/completions/appservice-preflight`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
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

    /// Read the configuration from FILE instead of searching for one
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file
    #[arg(long)]
    pub isolated: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The app root (the folder that is deployed; default .), or files of the app: then the whole app is
    /// read and only findings in those files are reported. `-` with --stdin-filename reads one file from
    /// standard input
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The app root when PATH names files (default: the current folder)
    #[arg(long, value_name = "DIR")]
    pub app_root: Option<PathBuf>,

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

    /// Run these rules too, on top of the selected ones; comma-separated
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Skip these rules: codes, code prefixes or names; comma-separated
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// The lowest level that makes the check exit with 1 [default: warning]
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,

    /// Exit with 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,

    /// Print the resolved configuration, with where each value comes from, and exit
    #[arg(long)]
    pub show_config: bool,

    /// Report only the findings that are not in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every finding of this run in FILE (a baseline for --baseline), and exit with 0
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// The SARIF run's `automationDetails.id` (GitHub's category: tells several uploads apart)
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,

    /// The path of the file whose content comes from standard input (PATH is `-`)
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// With --stdin-filename: report the findings of the whole app, not only of that file
    #[arg(long, requires = "stdin_filename")]
    pub all: bool,

    /// Apply the safe fixes to the files of the app
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print the fixes as a unified diff instead of applying them (nothing is written)
    #[arg(long)]
    pub diff: bool,

    /// With --fix or --diff: include the fixes that change what the app does
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// When to use colours in text output
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The app root: the folder that is deployed
    #[arg(default_value = ".")]
    pub path: PathBuf,

    #[command(flatten)]
    pub app: AppArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// The levels `--fail-on` and the configuration take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

/// The man pages of the command and of each subcommand (`appservice-preflight.1`,
/// `appservice-preflight-check.1`, ...), generated from these definitions with `clap_mangen`: the file
/// name and the page.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use clap::CommandFactory;
    let command = Cli::command();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut top)?;
    pages.push((format!("{}.1", command.get_name()), top));
    for sub in command.get_subcommands() {
        let name = format!("{}-{}", command.get_name(), sub.get_name());
        let sub = sub.clone().name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page)?;
        pages.push((format!("{name}.1"), page));
    }
    Ok(pages)
}

/// The completion script of `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "appservice-preflight", &mut out);
    out
}
