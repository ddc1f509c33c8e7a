//! The values the configuration readers produce and the merge orders: a value with its source, what
//! it sets, where it comes from (and so its precedence), and the root files Kudu and Oryx read.

use ruff_text_size::TextRange;

use crate::platform::app_settings::{Setting, Source};
use crate::project::{FileId, Span};

/// A configuration file that is malformed, and where.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub span: Span,
    /// One lowercase statement of what is wrong.
    pub message: String,
}

/// A value read from a configuration file or flag, with its source.
#[derive(Debug, Clone)]
pub struct Sourced {
    pub value: String,
    pub source: Source,
    /// The range of the value itself in its file (a file source only), when the file's text there is
    /// exactly the value (no escapes or line folding in between).
    pub value_span: Option<Span>,
}

/// The root `appsvc.yaml` (keys `version`, `pre-build`, `build`, `post-build`, `run`).
#[derive(Debug, Clone)]
pub struct AppsvcYaml {
    pub file: FileId,
    /// Oryx cannot parse it ("Invalid BuildConfigurationFile") and ignores it: then every command is `None`.
    pub error: Option<ConfigError>,
    pub pre_build: Option<Sourced>,
    pub post_build: Option<Sourced>,
    /// `run` as Oryx's start-up script generator reads it: line by line, whether or not the YAML parses.
    pub run: Option<AppsvcRun>,
    /// `run` as YAML (what a reader of the file expects), when the file parses.
    pub run_yaml: Option<Sourced>,
}

/// The `run` command of `appsvc.yaml` as Oryx's start-up reads it, appended to the start-up script.
#[derive(Debug, Clone)]
pub struct AppsvcRun {
    /// The rest of the `run:` line, then a line break and each following line (each trimmed) up to one
    /// holding `:`. Empty: nothing is appended.
    pub command: String,
    /// From `run:` to the end of the last line taken.
    pub span: Span,
}

/// The root `.deployment` file Kudu reads.
#[derive(Debug, Clone)]
pub struct DeploymentFile {
    pub file: FileId,
    /// It has a `[config]` section (without one, Kudu reads nothing from it).
    pub has_config_section: bool,
    /// The `[config]` keys, in file order (a key given twice is kept once, with its last value).
    pub settings: Vec<Setting>,
}

/// What a configuration value sets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConfigKey {
    /// An app setting: an environment variable of the app and of the build.
    AppSetting(String),
    /// An app setting a template sets to a value it computes (a parameter, a function call, a Key Vault
    /// reference built from names): the name is set, the value is unknown.
    AppSettingNamed(String),
    /// The site's startup command (`appCommandLine`, `--startup-command`).
    StartupCommand,
    /// The site's Python version (`linuxFxVersion` `PYTHON|3.11`, Terraform `python_version`,
    /// `--python-version`, `runtime.txt`). `PYTHON_VERSION` is an [`ConfigKey::AppSetting`].
    PythonVersion,
}

/// The kind of place a value comes from. The order of the variants is the precedence, highest first;
/// the repository's templates and workflows share one rank (the first in path order wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// `appsvc.yaml` `pre-build`/`post-build` (as `PRE_BUILD_COMMAND`/`POST_BUILD_COMMAND`).
    AppsvcYaml,
    /// `--app-setting`, `--startup-command`, `--python-version`.
    Flag,
    /// `--app-settings-file`.
    SettingsFile,
    Bicep,
    ArmTemplate,
    Terraform,
    /// A GitHub workflow step using `azure/webapps-deploy`.
    Workflow,
    /// `.deployment` `[config]`.
    Deployment,
    /// `build.env`.
    BuildEnv,
    /// `runtime.txt`.
    RuntimeTxt,
}

impl Origin {
    /// The precedence rank: lower wins.
    pub fn rank(self) -> u8 {
        match self {
            Origin::AppsvcYaml => 0,
            Origin::Flag => 1,
            Origin::SettingsFile => 2,
            Origin::Bicep | Origin::ArmTemplate | Origin::Terraform | Origin::Workflow => 3,
            Origin::Deployment => 4,
            Origin::BuildEnv => 5,
            Origin::RuntimeTxt => 6,
        }
    }

    /// An app setting of this origin is an environment variable of the running app.
    pub fn is_runtime(self) -> bool {
        !matches!(
            self,
            Origin::AppsvcYaml | Origin::Deployment | Origin::BuildEnv | Origin::RuntimeTxt
        )
    }

    /// What the source is, for people: "Bicep template", "`.deployment`".
    pub fn describe(self) -> &'static str {
        match self {
            Origin::AppsvcYaml => "appsvc.yaml",
            Origin::Flag => "command-line flag",
            Origin::SettingsFile => "--app-settings-file",
            Origin::Bicep => "Bicep template",
            Origin::ArmTemplate => "ARM template",
            Origin::Terraform => "Terraform",
            Origin::Workflow => "GitHub workflow",
            Origin::Deployment => ".deployment",
            Origin::BuildEnv => "build.env",
            Origin::RuntimeTxt => "runtime.txt",
        }
    }
}

/// One value found for a key, with its source.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub key: ConfigKey,
    pub origin: Origin,
    pub value: Sourced,
}

/// A value read from a repository file by one of the template readers.
#[derive(Debug, Clone)]
pub(crate) struct FileValue {
    pub key: ConfigKey,
    pub value: String,
    /// Where the value is (quotes excluded).
    pub range: TextRange,
    /// The text at `range` is exactly `value`.
    pub exact: bool,
}
