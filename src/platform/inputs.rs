//! What the model takes from the command line: the app's settings as the user gives them, already read
//! and validated. The model knows nothing else of the command line (no rules, formats or output).

use std::ops::Range;
use std::path::Path;

use crate::platform::sources::settings_file::{self, SiteSettings};
use crate::project::PythonVersion;

/// The app inputs of one run (`--app-setting`, `--app-settings-file`, `--startup-command`,
/// `--python-version`).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `--app-setting NAME=VALUE`, in the order given (the last of a name wins).
    pub app_settings: Vec<(String, String)>,
    /// `--app-settings-file`, read and parsed, in the order given (the last file wins).
    pub settings_files: Vec<SettingsFile>,
    /// `--startup-command` (never empty).
    pub startup_command: Option<String>,
    /// `--python-version`.
    pub python_version: Option<PythonVersion>,
    /// The same values from the tool's configuration file, below the flags and `--app-settings-file`.
    pub configured: Configured,
}

/// What the tool's configuration file (`[tool.appservice-preflight]`) says about the app, each value with
/// its byte range in that file, so a finding about it points at its line when the file is in the app.
#[derive(Debug, Clone, Default)]
pub struct Configured {
    /// The file, as found or given.
    pub path: std::path::PathBuf,
    pub app_settings: Vec<(String, String, Range<usize>)>,
    pub startup_command: Option<(String, Range<usize>)>,
    pub python_version: Option<(PythonVersion, Range<usize>)>,
}

/// One `--app-settings-file`, as given and as read.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    /// The path as the user wrote it (it is outside the app, so it is shown, not resolved).
    pub shown: String,
    pub site: SiteSettings,
}

impl Inputs {
    /// Read `--app-settings-file PATH`; the error is a one-line usage message naming the path and the reason.
    pub fn add_settings_file(&mut self, path: &Path) -> Result<(), String> {
        let site = settings_file::read(path)?;
        self.settings_files.push(SettingsFile {
            shown: path.display().to_string(),
            site,
        });
        Ok(())
    }
}
