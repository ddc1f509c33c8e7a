//! What Oryx's start-up script does around the command, as inputs and facts: the settings the container
//! sees, the start-up's Python version and where it comes from (`oryx-manifest.toml`, then
//! `PYTHON_VERSION`), whether FastAPI detection runs, how the app's packages are made importable, and
//! `PRE_RUN_COMMAND` and `appsvc.yaml`'s `run` (`scriptgenerator.go` in microsoft/Oryx; docs/platform.md,
//! "The start-up script").

use crate::platform::app_settings::{AppSettings, Setting, Source};
use crate::platform::oryx::BuildRuns;
use crate::platform::runtime::PythonRuntime;
use crate::platform::sources::manifest::Manifest;
use crate::platform::sources::values::AppsvcRun;
use crate::platform::startup::detect::ORYX_VENV;
use crate::project::{Project, PythonVersion, Span};

/// The startup command a configuration source sets, with that source.
#[derive(Debug, Clone)]
pub struct StartupCommand {
    pub command: String,
    pub source: Source,
}

/// What the start-up model is built from.
#[derive(Debug, Clone)]
pub struct StartupInputs {
    pub command: Option<StartupCommand>,
    /// The site's Python version (the build's, and the image's `PYTHON_VERSION`).
    pub site_python: PythonRuntime,
    /// The app settings the container sees.
    pub runtime: AppSettings,
    /// `PRE_RUN_COMMAND` as the generator reads it (an app setting, else `build.env`).
    pub pre_run: Option<Setting>,
    /// The repository's `oryx-manifest.toml`.
    pub manifest: Option<Manifest>,
    /// `appsvc.yaml`'s `run` as the generator reads it.
    pub appsvc_run: Option<AppsvcRun>,
    /// Whether the deployment runs Oryx's build (which writes its own manifest).
    pub build_runs: BuildRuns,
}

impl StartupInputs {
    /// A built app with `command` on `python`, and nothing else configured.
    pub fn new(command: Option<StartupCommand>, python: PythonVersion) -> StartupInputs {
        StartupInputs {
            command,
            site_python: PythonRuntime {
                version: python,
                source: None,
                site_declared: false,
            },
            runtime: AppSettings::default(),
            pre_run: None,
            manifest: None,
            appsvc_run: None,
            build_runs: BuildRuns::Yes,
        }
    }
}

/// Where the start-up's Python version comes from: the build manifest's `PythonVersion`, else the
/// `PYTHON_VERSION` environment variable (`scriptgenerator.go` `GenerateEntrypointScript`).
#[derive(Debug, Clone)]
pub enum PythonSource {
    /// The manifest Oryx's build writes: the version it built with, the site's (where that is set).
    Build(Option<Source>),
    /// `PythonVersion` in the repository's `oryx-manifest.toml`, as written.
    Manifest { span: Span, written: String },
    /// A `PYTHON_VERSION` app setting, which replaces the image's.
    Setting(Setting),
    /// The image's `PYTHON_VERSION`: the site's version (where that is set).
    Site(Option<Source>),
}

impl Default for PythonSource {
    fn default() -> PythonSource {
        PythonSource::Site(None)
    }
}

impl PythonSource {
    /// Where the version is set, for `plan`.
    pub fn describe(&self, project: &Project) -> String {
        let site = |source: &Option<Source>| match source {
            Some(source) => format!("the site's version, from {}", source.describe_at(project)),
            None => "the site's version, not set here (the newest App Service offers is assumed)"
                .to_owned(),
        };
        match self {
            PythonSource::Build(source) => {
                format!("the oryx-manifest.toml the build writes: {}", site(source))
            }
            PythonSource::Manifest { span, .. } => format!(
                "PythonVersion in the repository's {}, which comes before PYTHON_VERSION",
                Source::File(*span).describe_at(project)
            ),
            PythonSource::Setting(s) => format!(
                "the PYTHON_VERSION app setting ({}), which replaces the image's",
                s.source.describe_at(project)
            ),
            PythonSource::Site(source) => format!("the image's PYTHON_VERSION: {}", site(source)),
        }
    }
}

/// Whether Oryx's FastAPI detection runs (`frameworks.go` `DetectFramework`).
#[derive(Debug, Clone, Default)]
pub enum FastApiGate {
    /// It runs.
    #[default]
    Runs,
    /// Python is older than 3.14 (or a version Oryx cannot compare).
    TooOld,
    /// `DISABLE_FASTAPI_DETECTION` is true.
    Disabled(Setting),
    /// `DISABLE_FASTAPI_DETECTION` is not a Go boolean: the generator panics.
    Rejected(Setting),
    /// Not reached: a startup command is set, or Django detection found a folder first.
    NotReached,
}

/// How the start-up script makes the app's packages importable (`scriptgenerator.go`
/// `getPackageSetupCommand` and `getVenvHandlingScript`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Packages {
    /// The virtual environment's site-packages go on `PYTHONPATH`, then it is activated: the output was
    /// compressed, or the manifest names the build's source folder (then a link to it is made first).
    Activated { venv: String, because: &'static str },
    /// Only the virtual environment's site-packages go on `PYTHONPATH`; it is not activated (no manifest
    /// says how it was built), so its `bin/` is not on `PATH`.
    OnPythonPath { venv: String },
    /// No virtual environment folder: the script prints a warning and uses `__oryx_packages__` (found).
    PackageDir { venv: String },
    /// No virtual environment folder and no `__oryx_packages__`: only the image's packages.
    #[default]
    Missing,
}

/// The start-up's Python version and where it comes from: the build's manifest (the site's version), the
/// repository's manifest, a `PYTHON_VERSION` app setting, or the image's (the site's version).
pub fn startup_python(
    inputs: &StartupInputs,
    manifest: Option<&Manifest>,
    built: bool,
) -> (Option<PythonVersion>, PythonSource) {
    let site = &inputs.site_python;
    if built {
        return (Some(site.version), PythonSource::Build(site.source.clone()));
    }
    if let Some(v) = manifest.and_then(Manifest::python_version) {
        return (
            crate::project::parse_python_version(v.value),
            PythonSource::Manifest {
                span: v.span,
                written: v.value.to_owned(),
            },
        );
    }
    if let Some(s) = inputs
        .runtime
        .get("PYTHON_VERSION")
        .filter(|s| !s.value.is_empty())
    {
        return (
            crate::project::parse_python_version(&s.value),
            PythonSource::Setting(s.clone()),
        );
    }
    (Some(site.version), PythonSource::Site(site.source.clone()))
}

/// How the script sets up the app's packages. The virtual environment is the manifest's `VirtualEnvName`,
/// else `antenv` (what the build creates; the image passes it as `-virtualEnvName`, inference).
pub fn packages(project: &Project, manifest: Option<&Manifest>, built: bool) -> Packages {
    if built {
        return Packages::Activated {
            venv: ORYX_VENV.to_owned(),
            because: "the build's output is compressed",
        };
    }
    let venv = manifest
        .and_then(Manifest::venv_name)
        .unwrap_or(ORYX_VENV)
        .to_owned();
    if project.root().join(&venv).is_dir() {
        match manifest {
            Some(m) if m.compressed() => Packages::Activated {
                venv,
                because: "oryx-manifest.toml says the output is compressed",
            },
            Some(m) if m.build_source_dir().is_some() => Packages::Activated {
                venv,
                because: "oryx-manifest.toml names the folder the build ran in, which a link recreates first",
            },
            _ => Packages::OnPythonPath { venv },
        }
    } else if project.root().join("__oryx_packages__").is_dir() {
        Packages::PackageDir { venv }
    } else {
        Packages::Missing
    }
}
