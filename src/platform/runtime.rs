//! The app's Python version and where it came from.

use crate::platform::app_settings::Source;
use crate::project::PythonVersion;

/// The newest Python App Service offers (the noble images default to 3.14).
pub const NEWEST_PYTHON: PythonVersion = PythonVersion::PY314;

/// The app's Python version and where it came from.
#[derive(Debug, Clone)]
pub struct PythonRuntime {
    pub version: PythonVersion,
    /// `None`: nothing names a version, the newest is assumed.
    pub source: Option<Source>,
    /// The version is the site's own (a flag, a settings file, a template, `PYTHON_VERSION`), not
    /// `runtime.txt`'s, which App Service's build overrides with the site's version.
    pub site_declared: bool,
}

impl PythonRuntime {
    /// Where the site's own version comes from, when the repository or a flag declares it (not
    /// `runtime.txt`).
    pub fn site_source(&self) -> Option<&Source> {
        self.source.as_ref().filter(|_| self.site_declared)
    }
}
