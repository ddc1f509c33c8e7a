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
}
