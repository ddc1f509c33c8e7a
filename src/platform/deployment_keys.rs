//! The keys Kudu and Oryx read from `.deployment` (`[config]`) and `build.env`, to tell a key that does
//! nothing (`STARTUP_COMMAND` in `.deployment`, a misspelt `SCM_DO_BUILD_DURING_DEPLOYMNET`) from one that
//! works. Sources: Kudu's deployment settings (`Kudu.Contracts/Settings/SettingsKeys.cs`, `DeploymentSettingsProvider.cs`),
//! Oryx's build settings (`doc/configuration.md`, `SettingsKeys.cs`), App Service's reference of environment
//! variables and app settings, and `docs/platform.md`.

use crate::platform::sources::Sources;
use crate::project::Span;
use crate::project::edit::distance;

/// Keys the deployment reads: Kudu's (from `.deployment` and app settings) and Oryx's (from `build.env`, the
/// environment and app settings).
const KNOWN: &[&str] = &[
    // Kudu
    "SCM_DO_BUILD_DURING_DEPLOYMENT",
    "PROJECT",
    "COMMAND",
    "ENABLE_ORYX_BUILD",
    "SCM_COMMAND_IDLE_TIMEOUT",
    "SCM_LOGSTREAM_TIMEOUT",
    "SCM_TRACE_LEVEL",
    "SCM_BUILD_ARGS",
    "SCM_SCRIPT_GENERATOR_ARGS",
    "SCM_TARGET_PATH",
    "SCM_REPOSITORY_PATH",
    "SCM_POST_DEPLOYMENT_ACTIONS_PATH",
    "SCM_USE_LIBGIT2SHARP_REPOSITORY",
    "SCM_GIT_USERNAME",
    "SCM_GIT_EMAIL",
    "SCM_DISABLE_DEPLOY_ON_PUSH",
    "SCM_ZIPDEPLOY_DONOT_PRESERVE_FILETIME",
    "DEPLOYMENT_BRANCH",
    "WEBSITE_RUN_FROM_PACKAGE",
    "BUILD_FLAGS",
    "POST_DEPLOYMENT_ACTION",
    // Oryx
    "PRE_BUILD_COMMAND",
    "POST_BUILD_COMMAND",
    "PRE_BUILD_SCRIPT_PATH",
    "POST_BUILD_SCRIPT_PATH",
    "DISABLE_COLLECTSTATIC",
    "CUSTOM_REQUIREMENTSTXT_PATH",
    "PYTHON_VERSION",
    "PYTHON_DEFAULT_VERSION",
    "DISABLE_PYTHON_BUILD",
    "ENABLE_DYNAMIC_INSTALL",
    "DISABLE_RECURSIVE_LOOKUP",
    "PLATFORM_NAME",
    "PLATFORM_VERSION",
    "ENABLE_MULTIPLATFORM_BUILD",
    "DISABLE_CHECKERS",
    "ORYX_DISABLE_TELEMETRY",
    "ORYX_SDK_STORAGE_BASE_URL",
    "PRE_RUN_COMMAND",
    "PYTHON_ENABLE_GUNICORN_MULTIWORKERS",
    "APP_SVC_RUN_FROM_COPY",
];

/// Names people write in these files that no part of the deployment reads, with what does the job.
const MYTHS: &[(&str, &str)] = &[
    (
        "STARTUP_COMMAND",
        "the site's startup command (`az webapp config set --startup-file`, Startup Command in the portal, `appCommandLine` in a template)",
    ),
    (
        "STARTUP_FILE",
        "the site's startup command (`az webapp config set --startup-file`)",
    ),
    (
        "APP_COMMAND_LINE",
        "the site's startup command (`appCommandLine` in a template)",
    ),
    (
        "WEBSITE_STARTUP_COMMAND",
        "the site's startup command (`az webapp config set --startup-file`)",
    ),
];

/// A key of `.deployment` or `build.env` nothing reads.
#[derive(Debug, Clone)]
pub struct UnknownKey {
    pub name: String,
    /// The file kind: `.deployment` or `build.env`.
    pub file: &'static str,
    pub span: Span,
    /// The key that was meant, or what does the job.
    pub instead: String,
}

/// The keys of `.deployment` and `build.env` that are misspellings of a known key, or a name no part of
/// the deployment reads (`STARTUP_COMMAND`). Any other unknown key is left alone: a hook script may read it.
pub fn unknown_keys(sources: &Sources) -> Vec<UnknownKey> {
    let mut out = Vec::new();
    let mut judge = |name: &str, file: &'static str, span: Span| {
        let upper = name.to_ascii_uppercase();
        if KNOWN.contains(&upper.as_str()) {
            return;
        }
        let instead = if let Some((_, what)) = MYTHS.iter().find(|(m, _)| *m == upper) {
            (*what).to_owned()
        } else if let Some(near) = KNOWN
            .iter()
            .filter(|k| k.len() > 6)
            .find(|k| distance(&upper, k) <= 2)
        {
            format!("`{near}`")
        } else {
            return;
        };
        out.push(UnknownKey {
            name: name.to_owned(),
            file,
            span,
            instead,
        });
    };
    if let Some(d) = &sources.deployment {
        for s in &d.settings {
            if let crate::platform::Source::File(span) = &s.source {
                judge(&s.name, ".deployment", *span);
            }
        }
    }
    for c in &sources.all {
        if c.origin == crate::platform::sources::Origin::BuildEnv
            && let crate::platform::sources::ConfigKey::AppSetting(name) = &c.key
            && let crate::platform::Source::File(span) = &c.value.source
        {
            judge(name, "build.env", *span);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        assert_eq!(
            distance(
                "SCM_DO_BUILD_DURING_DEPLOYMNET",
                "SCM_DO_BUILD_DURING_DEPLOYMENT"
            ),
            2
        );
        assert!(KNOWN.iter().all(|k| {
            k.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }));
    }
}
