//! The Oryx build hooks: pre- and post-build commands or scripts, with where they are set.

use crate::platform::app_settings::AppSettings;
use crate::project::Project;

/// The build hooks App Service will run (filled from app settings and `build.env`).
#[derive(Debug, Default)]
pub struct BuildHooks {}

impl BuildHooks {
    pub fn detect(_project: &Project, _settings: &AppSettings) -> BuildHooks {
        BuildHooks {}
    }
}
