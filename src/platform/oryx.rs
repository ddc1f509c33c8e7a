//! What the deployment build (Kudu running Oryx) will do with the app, and why.
//!
//! The order of a build (docs/platform.md, "Build"):
//! 1. Kudu decides whether to build at all: `WEBSITE_RUN_FROM_PACKAGE=1` or a URL means no build;
//!    `SCM_DO_BUILD_DURING_DEPLOYMENT` `true`/`1` builds, any other value does not; unset, a Git deployment
//!    builds and a zip deployment does not (KuduLite `DeploymentSettingsExtension.cs`,
//!    `PushDeploymentController.cs` `DoFullBuildByDefault = false`, `SiteBuilderFactory.cs`).
//! 2. Oryx copies the app to `$SOURCE_DIR` (a `/tmp/<id>` folder), runs the pre-build hook there, creates
//!    the virtual environment `antenv`, installs the dependencies (first match of `CUSTOM_BUILD_COMMAND`,
//!    the requirements file, `setup.py`, `pyproject.toml` with `uv.lock`, `pyproject.toml`), runs
//!    `collectstatic` for a Django app, runs the post-build hook, and writes the result to
//!    `/home/site/wwwroot/output.tar.gz`, which the container extracts to `/tmp/<id>` at start-up.
//!
//! Settings Kudu reads (`SCM_DO_BUILD_DURING_DEPLOYMENT`, `WEBSITE_RUN_FROM_PACKAGE`) come from the app
//! settings and `.deployment`, never from `build.env`, which only Oryx reads (docs/platform.md, "The build.env file").
//!
//! A GitHub workflow that deploys with `azure/webapps-deploy` makes a zip deployment (the action calls
//! Kudu's OneDeploy API: Azure/webapps-deploy `src/DeploymentProvider/Providers/
//! WebAppDeploymentProvider.ts`), which Kudu builds only when `SCM_DO_BUILD_DURING_DEPLOYMENT` is true;
//! Microsoft's Python workflow samples say so (Azure/actions-workflow-samples `AppService/
//! Python-GHA-Samples/*.yml`). When the workflow itself installs the app's packages into `antenv` and
//! deploys it (`Python-Local-Built-Deploy-Sample.yml`), the packages arrive with the app.

use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

use crate::platform::app_settings::{AppSettings, BoolParser, InvalidBoolean, Setting, Source};
use crate::platform::build::{self, BUILD_VENV, BuildHooks, Phase};
use crate::platform::requirements::{self, DependencyKind, NOT_INSTALLING_MESSAGE, Requirements};
use crate::platform::runtime::PythonRuntime;
use crate::platform::sources::workflow::{ShippedVenv, WorkflowDeploy};
use crate::project::{FileId, Project, PythonVersion, Span};

/// The virtual environment Oryx creates (`-p virtualenv_name=antenv`, docs/platform.md, "How Kudu runs Oryx").
pub const VENV_NAME: &str = BUILD_VENV;
/// Where the compressed build output goes (docs/platform.md, "Build output").
pub const OUTPUT_ARCHIVE: &str = "/home/site/wwwroot/output.tar.gz";
/// The command Oryx runs for a Django app (docs/platform.md, "collectstatic").
pub const COLLECTSTATIC_COMMAND: &str = "python manage.py collectstatic --noinput";
/// Where the hooks, the install and `collectstatic` run (docs/platform.md, "Build order").
pub const RUNS_IN: &str = "$SOURCE_DIR: the root of a /tmp/<id> copy of the app";

/// Whether the deployment runs the Oryx build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildRuns {
    Yes,
    No,
    /// Depends on how the app is deployed (Git builds, zip does not), which the repository does not say.
    Unknown,
}

impl BuildRuns {
    pub fn as_str(self) -> &'static str {
        match self {
            BuildRuns::Yes => "yes",
            BuildRuns::No => "no",
            BuildRuns::Unknown => "unknown",
        }
    }
}

/// What decides whether the build runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerCause {
    /// `SCM_DO_BUILD_DURING_DEPLOYMENT` is set (true-like: build; anything else: no build).
    ScmDoBuild,
    /// `WEBSITE_RUN_FROM_PACKAGE=1`: the zip is mounted as the app, nothing is built.
    RunFromPackage,
    /// `WEBSITE_RUN_FROM_PACKAGE=<url>`: the app runs the package at the URL; Kudu neither deploys nor builds.
    RunFromPackageUrl,
    /// Nothing is set and a workflow zip-deploys the app with the packages it installed into `antenv`:
    /// Kudu does not build a zip deployment by default.
    ZipDeploy,
    /// Nothing is set: the kind of deployment decides.
    Default,
}

/// What is wrong with `CUSTOM_REQUIREMENTSTXT_PATH` (Oryx stops the build, docs/platform.md, "Custom requirements path").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomPathProblem {
    /// An absolute path: Oryx wants one relative to the repository root.
    Absolute,
    /// No such file in the app.
    Missing,
}

/// `CUSTOM_REQUIREMENTSTXT_PATH`, when set (not empty).
#[derive(Debug, Clone)]
pub struct CustomRequirementsPath {
    pub setting: Setting,
    /// The file it names, when it is in the app.
    pub file: Option<FileId>,
    pub problem: Option<CustomPathProblem>,
}

/// How the dependencies get installed.
#[derive(Debug, Clone)]
pub struct Dependencies {
    pub kind: DependencyKind,
    /// The file Oryx installs from (requirements file, `setup.py`, `pyproject.toml`).
    pub file: Option<FileId>,
    /// The install command Oryx runs (in the virtual environment).
    pub command: Option<String>,
    /// Oryx's message when there is nothing to install ([`NOT_INSTALLING_MESSAGE`]).
    pub message: Option<&'static str>,
    /// `CUSTOM_REQUIREMENTSTXT_PATH`, when set.
    pub custom_path: Option<CustomRequirementsPath>,
}

impl Dependencies {
    /// Whether the build would install something.
    pub fn installs_something(&self) -> bool {
        !matches!(self.kind, DependencyKind::None)
    }

    /// Whether the build installs the project itself (`pip install .`, `uv sync`, `poetry install`), which
    /// then enforces its `requires-python`; a requirements file installs only what it lists.
    pub fn installs_project(&self) -> bool {
        matches!(
            self.kind,
            DependencyKind::SetupPy | DependencyKind::PyprojectUv | DependencyKind::PyprojectPoetry
        )
    }
}

/// Why `collectstatic` does not run (or does not help).
#[derive(Debug, Clone)]
pub enum CollectstaticSkip {
    /// The deployment does not build (see [`OryxPlan::runs`]).
    BuildOff,
    /// The build stops before it gets there (`CUSTOM_REQUIREMENTSTXT_PATH` wrong, `DISABLE_COLLECTSTATIC`
    /// not a boolean, a requirements file pip cannot decode).
    BuildFails,
    /// `DISABLE_COLLECTSTATIC` is `true`.
    Disabled(Setting),
    /// No `manage.py` at the app root (`elsewhere`: the first one deeper in the app).
    NoManagePy { elsewhere: Option<FileId> },
    /// The requirements file Oryx greps (`requirements.txt` or `CUSTOM_REQUIREMENTSTXT_PATH`) is not there.
    NoRequirementsFile,
    /// `grep -iq Django <file>` finds nothing (`utf16`: the file is UTF-16, so grep cannot see the word).
    DjangoNotNamed { file: FileId, utf16: bool },
    /// `CUSTOM_BUILD_COMMAND` replaces Oryx's Python build steps (inference).
    CustomBuildCommand(Setting),
    /// The requirements file could not be read here (too large, unreadable): whether the grep matches
    /// is unknown, so nothing is said about it.
    Unknown,
}

/// Whether Oryx's `collectstatic` step runs.
#[derive(Debug, Clone)]
pub struct Collectstatic {
    /// It runs (when the build runs: see [`OryxPlan::runs`] for `unknown`).
    pub runs: bool,
    /// Why, in one sentence.
    pub reason: String,
    pub skip: Option<CollectstaticSkip>,
    /// The requirements file Oryx greps for `Django`, relative to the app root.
    pub grep_path: String,
}

/// Installed packages that arrive with the deployment, so the app has them without the Oryx build.
#[derive(Debug, Clone)]
pub enum ShippedPackages {
    /// A folder of installed packages in the app (`antenv`, `__oryx_packages__`, `.python_packages`).
    Folder(&'static str),
    /// The deploying workflow installs the packages into `antenv` and deploys it with the app.
    Workflow(ShippedVenv),
}

/// Folders that hold packages installed ahead of the deployment.
const SHIPPED_FOLDERS: &[&str] = &[BUILD_VENV, "__oryx_packages__", ".python_packages"];

/// A virtual environment inside the app folder, which a deployment of the folder would upload.
#[derive(Debug, Clone)]
pub struct DeployedVenv {
    /// The folder, relative to the app root ("" for the app root itself).
    pub path: String,
    /// What shows it is a virtual environment (`pyvenv.cfg`, `Lib/site-packages`, ...).
    pub evidence: String,
    /// Made on Windows (`Lib/`, `Scripts/`): its packages cannot load on Linux.
    pub windows: bool,
    /// The `.gitignore` line that keeps it out of Git (so only non-Git deployments upload it).
    pub gitignored: Option<Span>,
    /// A file of it to point at: its `pyvenv.cfg`, else its first file.
    pub file: Option<FileId>,
}

/// A pre- or post-build step and where it comes from.
#[derive(Debug, Clone)]
pub struct BuildStep {
    pub phase: Phase,
    /// What bash runs (a command, or a script Oryx executes).
    pub command: String,
    /// The setting or file that sets it, for a message (`PRE_BUILD_COMMAND in build.env`).
    pub set_by: String,
    /// Repository scripts the step runs.
    pub scripts: Vec<FileId>,
}

/// The Oryx build of the app.
#[derive(Debug)]
pub struct OryxPlan {
    /// Whether the deployment builds: `yes`, `no`, or `unknown` (it depends on the kind of deployment).
    pub runs: BuildRuns,
    /// Why, in one sentence.
    pub runs_reason: String,
    pub runs_cause: TriggerCause,
    /// The setting that decides `runs` (`SCM_DO_BUILD_DURING_DEPLOYMENT` or `WEBSITE_RUN_FROM_PACKAGE`).
    pub runs_setting: Option<Setting>,
    /// The Python the build uses (`--platform-version`, the site's version).
    pub python_version: PythonVersion,
    /// Where the version comes from (`None`: nothing says; the newest App Service offers is assumed).
    pub python_version_source: Option<Source>,
    pub dependencies: Dependencies,
    pub collectstatic: Collectstatic,
    /// The virtual environment the build creates and start-up activates: `antenv`.
    pub venv_name: &'static str,
    /// The output is compressed to [`OUTPUT_ARCHIVE`] and extracted to `/tmp/<id>` at start-up (when the
    /// build may run; without a build the files stay in `/home/site/wwwroot` and run from there).
    pub compressed_output: bool,
    /// The build's boolean settings whose values their program rejects or misreads.
    pub invalid_booleans: Vec<InvalidBoolean>,
    /// Virtual environments inside the app folder.
    pub deployed_venvs: Vec<DeployedVenv>,
    /// The workflow step that deploys the app's files, when there is one.
    pub deployed_by: Option<WorkflowDeploy>,
    /// Installed packages that come with the deployment (the app needs no build to have them).
    pub packages_shipped: Option<ShippedPackages>,
}

impl OryxPlan {
    pub fn detect(
        project: &Project,
        settings: &AppSettings,
        python: &PythonRuntime,
        requirements: &Requirements,
        _hooks: &BuildHooks,
        deploys: &[WorkflowDeploy],
        ignores: &crate::platform::gitignore::GitIgnores,
    ) -> OryxPlan {
        // The step that deploys this folder: one that ships `antenv` with it, else the first that deploys
        // the whole checkout or an archive (a step deploying a subfolder deploys another app).
        let deployed_by = deploys
            .iter()
            .find(|d| d.venv.is_some())
            .or_else(|| {
                deploys.iter().find(|d| {
                    d.package
                        .as_deref()
                        .is_some_and(|p| p.is_empty() || p.ends_with(".zip"))
                })
            })
            .cloned();
        let (runs, runs_reason, runs_cause, runs_setting) =
            trigger(project, settings, deployed_by.as_ref());
        let dependencies = dependencies(project, settings, requirements);
        let invalid_booleans = invalid_booleans(project, settings);
        let collectstatic = collectstatic(
            project,
            settings,
            runs,
            &dependencies,
            requirements,
            &invalid_booleans,
        );
        OryxPlan {
            runs,
            runs_reason,
            runs_cause,
            runs_setting,
            python_version: python.version,
            python_version_source: python.source.clone(),
            dependencies,
            collectstatic,
            venv_name: VENV_NAME,
            compressed_output: runs != BuildRuns::No,
            invalid_booleans,
            deployed_venvs: deployed_venvs(project, ignores),
            packages_shipped: packages_shipped(project, deployed_by.as_ref()),
            deployed_by,
        }
    }

    /// The pre- and post-build steps that run. A root `appsvc.yaml` that parses overrides the settings
    /// (Oryx `DefaultBuildScriptGenerator.ProcessAppSvcYamlFile`, docs/platform.md, "Build hooks"); the configuration
    /// sources already give its `pre-build`/`post-build` as `PRE_BUILD_COMMAND`/`POST_BUILD_COMMAND`.
    pub fn build_steps(project: &Project, hooks: &BuildHooks) -> Vec<BuildStep> {
        hooks
            .iter()
            .map(|hook| BuildStep {
                phase: hook.phase,
                command: hook.setting.value.clone(),
                set_by: describe_setting(project, &hook.setting),
                scripts: hook.scripts.iter().filter_map(|s| s.file).collect(),
            })
            .collect()
    }
}

/// Whether a setting's value comes from `build.env` (read by Oryx only, not by Kudu or the runtime).
pub fn from_build_env(project: &Project, setting: &Setting) -> bool {
    matches!(&setting.source, Source::File(span) if project.rel_path(span.file) == "build.env")
}

/// "`NAME` in build.env" or "`NAME` (`--app-setting`)".
pub fn describe_setting(project: &Project, setting: &Setting) -> String {
    format!("{} in {}", setting.name, setting.source.describe(project))
}

/// A setting as Kudu sees it: app settings and `.deployment`, not `build.env`.
fn kudu_setting<'a>(
    project: &Project,
    settings: &'a AppSettings,
    name: &str,
) -> Option<&'a Setting> {
    settings.get(name).filter(|s| !from_build_env(project, s))
}

/// The packages that come with the deployment: a folder of them in the app, else the workflow's `antenv`.
fn packages_shipped(project: &Project, deploy: Option<&WorkflowDeploy>) -> Option<ShippedPackages> {
    SHIPPED_FOLDERS
        .iter()
        .find(|dir| project.has_dir(dir))
        .map(|dir| ShippedPackages::Folder(dir))
        .or_else(|| {
            deploy
                .and_then(|d| d.venv.clone())
                .map(ShippedPackages::Workflow)
        })
}

/// How the workflow deploys, for the build's reason: "azure/webapps-deploy (.github/workflows/x.yml:30)
/// deploys a zip", and the `antenv` it ships.
fn deploy_note(project: &Project, deploy: &WorkflowDeploy) -> String {
    let mut note = format!(
        "{} ({}) deploys the app as a zip",
        deploy.tool,
        Source::File(deploy.span).describe_at(project)
    );
    if let Some(venv) = &deploy.venv {
        note.push_str(&format!(
            " with the `{VENV_NAME}` the workflow fills from {} ({})",
            venv.installs,
            Source::File(venv.installed).describe_at(project)
        ));
    }
    note
}

fn trigger(
    project: &Project,
    settings: &AppSettings,
    deploy: Option<&WorkflowDeploy>,
) -> (BuildRuns, String, TriggerCause, Option<Setting>) {
    if let Some(s) = kudu_setting(project, settings, "WEBSITE_RUN_FROM_PACKAGE") {
        let value = s.value.trim();
        let place = s.source.describe(project);
        if value == "1" {
            return (
                BuildRuns::No,
                format!(
                    "WEBSITE_RUN_FROM_PACKAGE=1 ({place}): Kudu mounts the uploaded zip as the app and runs no build"
                ),
                TriggerCause::RunFromPackage,
                Some(s.clone()),
            );
        }
        if value.starts_with("http://") || value.starts_with("https://") {
            return (
                BuildRuns::No,
                format!(
                    "WEBSITE_RUN_FROM_PACKAGE is a URL ({place}): the app runs that package, and Kudu neither deploys nor builds"
                ),
                TriggerCause::RunFromPackageUrl,
                Some(s.clone()),
            );
        }
    }
    if let Some(s) = kudu_setting(project, settings, "SCM_DO_BUILD_DURING_DEPLOYMENT") {
        let place = s.source.describe(project);
        let v = &s.value;
        let (runs, why) = if BoolParser::Kudu.is_true(v) {
            (
                BuildRuns::Yes,
                "Kudu runs the Oryx build on every deployment",
            )
        } else if v.eq_ignore_ascii_case("false") || v == "0" {
            (
                BuildRuns::No,
                "Kudu deploys the files as they are, without a build",
            )
        } else {
            (
                BuildRuns::No,
                "Kudu builds only for `true` or `1`, so it deploys the files without a build",
            )
        };
        let mut reason = format!("SCM_DO_BUILD_DURING_DEPLOYMENT={v} ({place}): {why}");
        if let Some(deploy) = deploy {
            reason.push_str(&format!("; {}", deploy_note(project, deploy)));
        }
        return (runs, reason, TriggerCause::ScmDoBuild, Some(s.clone()));
    }
    let mut reason = match deploy {
        Some(deploy) if deploy.venv.is_some() => {
            return (
                BuildRuns::No,
                format!(
                    "{}, and Kudu builds a zip deployment only when SCM_DO_BUILD_DURING_DEPLOYMENT is true, which nothing here sets: the packages come with the app",
                    deploy_note(project, deploy)
                ),
                TriggerCause::ZipDeploy,
                None,
            );
        }
        Some(deploy) => format!(
            "SCM_DO_BUILD_DURING_DEPLOYMENT is not set here: {}, which Kudu builds only when the site's SCM_DO_BUILD_DURING_DEPLOYMENT app setting is true (the Deployment Center sets it when it writes the workflow)",
            deploy_note(project, deploy)
        ),
        None => String::from(
            "SCM_DO_BUILD_DURING_DEPLOYMENT is not set: a Git deployment builds, a zip deployment (az webapp deploy, az webapp up without it, VS Code) does not",
        ),
    };
    if settings
        .get("SCM_DO_BUILD_DURING_DEPLOYMENT")
        .is_some_and(|s| from_build_env(project, s))
    {
        reason.push_str("; the value in build.env is not read by Kudu");
    }
    (BuildRuns::Unknown, reason, TriggerCause::Default, None)
}

fn not_empty<'a>(settings: &'a AppSettings, name: &str) -> Option<&'a Setting> {
    settings.get(name).filter(|s| !s.value.trim().is_empty())
}

fn dependencies(
    project: &Project,
    settings: &AppSettings,
    requirements: &Requirements,
) -> Dependencies {
    let custom_path = not_empty(settings, "CUSTOM_REQUIREMENTSTXT_PATH").map(|s| {
        let value = s.value.trim();
        let file = build::resolve_in_app(project, value);
        let problem = if value.starts_with('/') {
            Some(CustomPathProblem::Absolute)
        } else if file.is_none() {
            Some(CustomPathProblem::Missing)
        } else {
            None
        };
        CustomRequirementsPath {
            setting: s.clone(),
            file,
            problem,
        }
    });
    let kind = requirements.kind;
    let file = requirements.dependency_file;
    let command = match kind {
        DependencyKind::CustomBuildCommand => {
            not_empty(settings, "CUSTOM_BUILD_COMMAND").map(|s| s.value.clone())
        }
        DependencyKind::RequirementsTxt => file.map(|_| {
            format!(
                "python -m pip install --prefer-binary -r {}",
                requirements.requirements_path
            )
        }),
        DependencyKind::SetupPy => Some("pip install .".to_owned()),
        DependencyKind::PyprojectUv => Some("uv sync --active --link-mode copy".to_owned()),
        DependencyKind::PyprojectPoetry => Some("poetry install --only main".to_owned()),
        DependencyKind::None => None,
    };
    Dependencies {
        kind,
        file,
        command,
        message: (kind == DependencyKind::None).then_some(NOT_INSTALLING_MESSAGE),
        custom_path,
    }
}

/// The build's boolean settings that their program rejects (Oryx's build), or reads as the opposite of
/// what they say (Kudu). The start-up script generator's are [`crate::platform::Startup::invalid_booleans`].
fn invalid_booleans(project: &Project, settings: &AppSettings) -> Vec<InvalidBoolean> {
    let mut out = Vec::new();
    for (name, parser) in [
        ("SCM_DO_BUILD_DURING_DEPLOYMENT", BoolParser::Kudu),
        ("DISABLE_COLLECTSTATIC", BoolParser::DotNet),
    ] {
        let Some(setting) = settings.get(name) else {
            continue;
        };
        // Kudu never sees build.env.
        if parser == BoolParser::Kudu && from_build_env(project, setting) {
            continue;
        }
        let bad = match parser.parse(&setting.value) {
            None => true,
            // Kudu takes anything: it is wrong when it reads the opposite of what the value says.
            Some(read) => {
                parser == BoolParser::Kudu && read != BoolParser::intended(&setting.value)
            }
        };
        if bad {
            out.push(InvalidBoolean {
                setting: setting.clone(),
                parser,
            });
        }
    }
    out
}

fn collectstatic(
    project: &Project,
    settings: &AppSettings,
    runs: BuildRuns,
    deps: &Dependencies,
    requirements: &Requirements,
    invalid: &[InvalidBoolean],
) -> Collectstatic {
    let grep_path = deps.custom_path.as_ref().map_or_else(
        || "requirements.txt".to_owned(),
        |c| c.setting.value.trim().to_owned(),
    );
    let skip = |skip: CollectstaticSkip, reason: String| Collectstatic {
        runs: false,
        reason,
        skip: Some(skip),
        grep_path: grep_path.clone(),
    };
    if runs == BuildRuns::No {
        return skip(
            CollectstaticSkip::BuildOff,
            "the deployment runs no build".to_owned(),
        );
    }
    if let Some(bad) = invalid
        .iter()
        .find(|b| b.setting.name == "DISABLE_COLLECTSTATIC")
    {
        return skip(
            CollectstaticSkip::BuildFails,
            format!(
                "DISABLE_COLLECTSTATIC={} is neither true nor false: Oryx stops the build before it starts",
                bad.setting.value
            ),
        );
    }
    if let Some(c) = deps.custom_path.as_ref().filter(|c| c.problem.is_some()) {
        return skip(
            CollectstaticSkip::BuildFails,
            format!(
                "CUSTOM_REQUIREMENTSTXT_PATH={} names no file of the app: Oryx stops the build",
                c.setting.value
            ),
        );
    }
    if let Some(bad) = requirements.undecodable() {
        return skip(
            CollectstaticSkip::BuildFails,
            format!(
                "pip cannot decode {}: the install fails and stops the build before `collectstatic`",
                project.rel_path(bad.file)
            ),
        );
    }
    if let Some(s) = settings.get("DISABLE_COLLECTSTATIC")
        && BoolParser::DotNet.is_true(&s.value)
    {
        return skip(
            CollectstaticSkip::Disabled(s.clone()),
            format!(
                "DISABLE_COLLECTSTATIC=true ({}) turns it off",
                s.source.describe(project)
            ),
        );
    }
    if let Some(s) = not_empty(settings, "CUSTOM_BUILD_COMMAND") {
        return skip(
            CollectstaticSkip::CustomBuildCommand(s.clone()),
            "CUSTOM_BUILD_COMMAND replaces Oryx's Python build steps, collectstatic included (inference)"
                .to_owned(),
        );
    }
    if project.file("manage.py").is_none() {
        let elsewhere = project
            .files()
            .find(|&f| project.rel_path(f).ends_with("/manage.py") && !in_venv(project, f));
        let reason = match elsewhere {
            Some(f) => format!(
                "there is no manage.py at the app root (Oryx looks only there; this app has {})",
                project.rel_path(f)
            ),
            None => "there is no manage.py at the app root (not a Django app, or not at the root)"
                .to_owned(),
        };
        return skip(CollectstaticSkip::NoManagePy { elsewhere }, reason);
    }
    let grep_file = build::resolve_in_app(project, &grep_path);
    let Some(file) = grep_file else {
        return skip(
            CollectstaticSkip::NoRequirementsFile,
            format!("there is no {grep_path} for Oryx's `grep -iq Django {grep_path}`"),
        );
    };
    let bytes = match project.bytes(file) {
        Ok(bytes) => bytes,
        Err(err) => {
            project.notice(format!(
                "skipped `{}`: {err}; whether Oryx runs `collectstatic` is unknown",
                project.rel_path(file)
            ));
            return skip(
                CollectstaticSkip::Unknown,
                format!("unknown: {grep_path} could not be read here ({err})"),
            );
        }
    };
    if !requirements::grep_django(&bytes) {
        let utf16 = bytes.starts_with(&[0xFF, 0xFE])
            || bytes.starts_with(&[0xFE, 0xFF])
            || bytes.iter().skip(1).step_by(2).take(64).all(|&b| b == 0) && bytes.len() > 1;
        let reason = if utf16 {
            format!(
                "{grep_path} is UTF-16, so Oryx's `grep -iq Django {grep_path}` cannot find the word"
            )
        } else {
            format!("`grep -iq Django {grep_path}` finds nothing: the file does not name Django")
        };
        return skip(CollectstaticSkip::DjangoNotNamed { file, utf16 }, reason);
    }
    let when = if runs == BuildRuns::Unknown {
        " (when the build runs)"
    } else {
        ""
    };
    Collectstatic {
        runs: true,
        reason: format!(
            "manage.py is at the app root and {grep_path} names Django, so Oryx runs `{COLLECTSTATIC_COMMAND}` after the install{when}; a failure only logs a warning"
        ),
        skip: None,
        grep_path,
    }
}

fn in_venv(project: &Project, file: FileId) -> bool {
    let rel = project.rel_path(file);
    rel.split('/')
        .any(|p| p == "site-packages" || p == BUILD_VENV)
}

/// Line-ending and byte-order-mark problems of a script or startup file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptBytes {
    /// The file starts with a UTF-8 byte-order mark.
    pub bom: bool,
    /// The first line that ends with CRLF: its 1-based number and its range (line ending excluded) in
    /// the decoded text.
    pub first_crlf: Option<(usize, TextRange)>,
    /// How many lines end with CRLF.
    pub crlf_lines: usize,
    /// The first line as decoded (the byte-order mark removed), without its line ending.
    pub first_line: String,
    /// The text of the first line that ends with CRLF, without its line ending.
    pub first_crlf_text: String,
}

impl ScriptBytes {
    pub fn is_clean(&self) -> bool {
        !self.bom && self.first_crlf.is_none()
    }
}

/// Read a script's bytes for CRLF line endings and a UTF-8 byte-order mark.
pub fn script_bytes(project: &Project, file: FileId) -> ScriptBytes {
    let Ok(text) = project.text(file) else {
        return ScriptBytes::default();
    };
    let mut out = ScriptBytes {
        bom: text.had_bom,
        first_line: text.text.lines().next().unwrap_or("").to_owned(),
        ..ScriptBytes::default()
    };
    let mut start = 0usize;
    for (i, raw) in text.text.split_inclusive('\n').enumerate() {
        if let Some(body) = raw.strip_suffix("\r\n") {
            out.crlf_lines += 1;
            if out.first_crlf.is_none() {
                let range = TextRange::at(
                    TextSize::try_from(start).unwrap_or_default(),
                    TextSize::of(body),
                );
                out.first_crlf = Some((i + 1, range));
                out.first_crlf_text = body.to_owned();
            }
        }
        start += raw.len();
    }
    out
}

fn deployed_venvs(
    project: &Project,
    ignores: &crate::platform::gitignore::GitIgnores,
) -> Vec<DeployedVenv> {
    let mut found: Vec<(String, String, bool)> = project
        .virtual_envs()
        .iter()
        .map(|v| {
            let dir = project.root().join(v);
            // `Scripts/` (not `bin/`), or a `home` that is a Windows path.
            // The file is read through the project (size-capped, never through a link out of the app).
            let cfg = if v.is_empty() {
                "pyvenv.cfg".to_owned()
            } else {
                format!("{v}/pyvenv.cfg")
            };
            let windows = dir.join("Scripts").is_dir()
                || project
                    .file(&cfg)
                    .and_then(|f| project.text(f).ok())
                    .is_some_and(|t| {
                        t.text
                            .lines()
                            .any(|l| l.trim_start().starts_with("home") && l.contains('\\'))
                    });
            (v.clone(), "pyvenv.cfg".to_owned(), windows)
        })
        .collect();
    for file in project.files() {
        let rel = project.rel_path(file);
        let parts: Vec<&str> = rel.split('/').collect();
        if matches!(
            parts.first(),
            Some(&(".python_packages" | "__oryx_packages__" | "node_modules"))
        ) {
            continue;
        }
        let mut hit: Option<(usize, String, bool)> = None;
        for (i, part) in parts.iter().enumerate() {
            if *part == "site-packages" && i >= 1 && parts[i - 1] == "Lib" {
                hit = Some((i - 1, "Lib/site-packages".to_owned(), true));
                break;
            }
            if *part == "site-packages"
                && i >= 2
                && parts[i - 1].starts_with("python3")
                && parts[i - 2] == "lib"
            {
                hit = Some((i - 2, format!("lib/{}/site-packages", parts[i - 1]), false));
                break;
            }
            if i + 1 == parts.len()
                && i >= 1
                && parts[i - 1] == "Scripts"
                && matches!(*part, "activate" | "activate.bat" | "Activate.ps1")
            {
                hit = Some((i - 1, format!("Scripts/{part}"), true));
                break;
            }
        }
        let Some((depth, evidence, windows)) = hit else {
            continue;
        };
        let root = parts[..depth].join("/");
        if !found.iter().any(|(r, _, _)| within(&root, r)) {
            found.retain(|(r, _, _)| !within(r, &root));
            found.push((root, evidence, windows));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
        .into_iter()
        .map(|(path, evidence, windows)| DeployedVenv {
            gitignored: ignores.ignoring_line(project, &path, true),
            file: {
                let cfg = if path.is_empty() {
                    "pyvenv.cfg".to_owned()
                } else {
                    format!("{path}/pyvenv.cfg")
                };
                project.file(&cfg).or_else(|| {
                    let prefix = format!("{path}/");
                    project
                        .files()
                        .find(|&f| path.is_empty() || project.rel_path(f).starts_with(&prefix))
                })
            },
            path,
            evidence,
            windows,
        })
        .collect()
}

/// `path` is `dir` or inside it ("" is the root, which holds everything).
fn within(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn plan(
        files: &[(&str, &[u8])],
        flags: &[(&str, &str)],
    ) -> (tempfile::TempDir, Project, OryxPlan) {
        let (dir, project) = project(files);
        let flags: Vec<(String, String)> = flags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let inputs = crate::platform::Inputs {
            app_settings: flags,
            ..crate::platform::Inputs::default()
        };
        let sources = crate::platform::sources::Sources::load(&project, &inputs);
        let settings = sources.app_settings();
        let hooks = BuildHooks::detect(&project, &settings);
        let python = PythonRuntime {
            version: PythonVersion::PY312,
            source: None,
            site_declared: false,
        };
        let plan = OryxPlan::detect(
            &project,
            &settings,
            &python,
            &Requirements::detect(
                &project,
                &settings,
                &crate::platform::pyproject::Pyproject::read(&project),
            ),
            &hooks,
            &sources.deploys,
            &crate::platform::gitignore::GitIgnores::load(&project),
        );
        (dir, project, plan)
    }

    #[test]
    fn the_trigger_follows_kudu() {
        type Case<'a> = (&'a [(&'a str, &'a str)], BuildRuns, TriggerCause);
        let cases: &[Case] = &[
            (&[], BuildRuns::Unknown, TriggerCause::Default),
            (
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "true")],
                BuildRuns::Yes,
                TriggerCause::ScmDoBuild,
            ),
            (
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "TRUE")],
                BuildRuns::Yes,
                TriggerCause::ScmDoBuild,
            ),
            (
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "1")],
                BuildRuns::Yes,
                TriggerCause::ScmDoBuild,
            ),
            (
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "false")],
                BuildRuns::No,
                TriggerCause::ScmDoBuild,
            ),
            (
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "yes")],
                BuildRuns::No,
                TriggerCause::ScmDoBuild,
            ),
            (
                &[
                    ("SCM_DO_BUILD_DURING_DEPLOYMENT", "true"),
                    ("WEBSITE_RUN_FROM_PACKAGE", "1"),
                ],
                BuildRuns::No,
                TriggerCause::RunFromPackage,
            ),
            (
                &[("WEBSITE_RUN_FROM_PACKAGE", "https://example.com/app.zip")],
                BuildRuns::No,
                TriggerCause::RunFromPackageUrl,
            ),
            (
                &[("WEBSITE_RUN_FROM_PACKAGE", "0")],
                BuildRuns::Unknown,
                TriggerCause::Default,
            ),
        ];
        for (flags, runs, cause) in cases {
            let (_d, _p, plan) = plan(&[("app.py", b"")], flags);
            assert_eq!((plan.runs, plan.runs_cause), (*runs, *cause), "{flags:?}");
            assert!(!plan.runs_reason.is_empty());
        }
    }

    /// A workflow that deploys with `azure/webapps-deploy`, after `steps` (a `run` script, or nothing).
    fn workflow(run: &str) -> String {
        let run = if run.is_empty() {
            String::new()
        } else {
            format!(
                "      - run: |\n{}",
                run.lines()
                    .map(|l| format!("          {l}\n"))
                    .collect::<String>()
            )
        };
        format!(
            "jobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{run}      - uses: azure/webapps-deploy@v3\n        with:\n          app-name: shop\n"
        )
    }

    #[test]
    fn a_workflow_deployment_decides_the_build_with_what_it_deploys() {
        let wf = ".github/workflows/ship.yml";
        let app: [(&str, &[u8]); 2] = [("app.py", b""), ("requirements.txt", b"flask\n")];
        fn with<'t>(
            app: &[(&'t str, &'t [u8])],
            wf: &'t str,
            text: &'t str,
        ) -> Vec<(&'t str, &'t [u8])> {
            let mut files = app.to_vec();
            files.push((wf, text.as_bytes()));
            files
        }
        // The workflow fills antenv and deploys it: a zip deployment, not built, packages included.
        let local = workflow(
            "python -m venv antenv\nsource antenv/bin/activate\npip install -r requirements.txt",
        );
        let (_d, _p, got) = plan(&with(&app, wf, &local), &[]);
        assert_eq!(
            (got.runs, got.runs_cause),
            (BuildRuns::No, TriggerCause::ZipDeploy)
        );
        assert!(
            got.runs_reason.starts_with("azure/webapps-deploy (.github/workflows/ship.yml:10) deploys the app as a zip with the `antenv` the workflow fills from requirements.txt (.github/workflows/ship.yml:9)"),
            "{}",
            got.runs_reason
        );
        assert!(matches!(
            got.packages_shipped,
            Some(ShippedPackages::Workflow(_))
        ));
        // The source alone: the site's setting decides.
        let (_d, _p, got) = plan(&with(&app, wf, &workflow("")), &[]);
        assert_eq!(
            (got.runs, got.runs_cause),
            (BuildRuns::Unknown, TriggerCause::Default)
        );
        assert!(got.runs_reason.contains("the Deployment Center sets it"));
        // A step deploying a subfolder deploys another app.
        let front = workflow("").replace(
            "app-name: shop",
            "app-name: front\n          package: frontend/dist",
        );
        let (_d, _p, got) = plan(&with(&app, wf, &front), &[]);
        assert!(got.deployed_by.is_none());
        assert!(
            got.runs_reason
                .starts_with("SCM_DO_BUILD_DURING_DEPLOYMENT is not set:")
        );
        assert!(got.packages_shipped.is_none());
        // The workflow turns the build on before it deploys the source.
        let on = workflow(
            "az webapp config appsettings set -g rg -n shop --settings SCM_DO_BUILD_DURING_DEPLOYMENT=true",
        );
        let (_d, _p, got) = plan(&with(&app, wf, &on), &[]);
        assert_eq!(
            (got.runs, got.runs_cause),
            (BuildRuns::Yes, TriggerCause::ScmDoBuild)
        );
        assert!(
            got.runs_reason.starts_with(
                "SCM_DO_BUILD_DURING_DEPLOYMENT=true (.github/workflows/ship.yml): Kudu runs the Oryx build on every deployment; azure/webapps-deploy (.github/workflows/ship.yml:8)"
            ),
            "{}",
            got.runs_reason
        );
    }

    #[test]
    fn kudu_does_not_read_build_env() {
        let (_d, _p, plan) = plan(
            &[("build.env", b"SCM_DO_BUILD_DURING_DEPLOYMENT=false\n")],
            &[],
        );
        assert_eq!(plan.runs, BuildRuns::Unknown);
        assert!(plan.runs_reason.contains("build.env is not read"));
        assert!(plan.invalid_booleans.is_empty());
    }

    #[test]
    fn dependencies_follow_oryx_order() {
        let kind = |files: &[(&str, &[u8])], flags: &[(&str, &str)]| {
            plan(files, flags).2.dependencies.kind
        };
        assert_eq!(
            kind(
                &[
                    ("requirements.txt", b"flask"),
                    ("setup.py", b""),
                    ("pyproject.toml", b"")
                ],
                &[]
            ),
            DependencyKind::RequirementsTxt
        );
        assert_eq!(
            kind(&[("setup.py", b""), ("pyproject.toml", b"")], &[]),
            DependencyKind::SetupPy
        );
        assert_eq!(
            kind(&[("pyproject.toml", b""), ("uv.lock", b"")], &[]),
            DependencyKind::PyprojectUv
        );
        assert_eq!(
            kind(&[("pyproject.toml", b"")], &[]),
            DependencyKind::PyprojectPoetry
        );
        assert_eq!(kind(&[("app.py", b"")], &[]), DependencyKind::None);
        assert_eq!(
            kind(
                &[("app.py", b"")],
                &[("CUSTOM_BUILD_COMMAND", "make build")]
            ),
            DependencyKind::CustomBuildCommand
        );
        let (_d, p, custom) = plan(
            &[("reqs/prod.txt", b"django"), ("requirements.txt", b"flask")],
            &[("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/prod.txt")],
        );
        assert_eq!(
            p.rel_path(custom.dependencies.file.unwrap()),
            "reqs/prod.txt"
        );
        let none = plan(&[("app.py", b"")], &[]).2;
        assert_eq!(none.dependencies.message, Some(NOT_INSTALLING_MESSAGE));
    }

    #[test]
    fn custom_requirements_path_problems() {
        let problem = |value: &str| {
            plan(
                &[("requirements.txt", b"x"), ("reqs/a.txt", b"x")],
                &[("CUSTOM_REQUIREMENTSTXT_PATH", value)],
            )
            .2
            .dependencies
            .custom_path
            .and_then(|c| c.problem)
        };
        assert_eq!(problem("reqs/a.txt"), None);
        assert_eq!(problem("./reqs/a.txt"), None);
        assert_eq!(problem("reqs/b.txt"), Some(CustomPathProblem::Missing));
        assert_eq!(problem("reqs\\a.txt"), Some(CustomPathProblem::Missing));
        assert_eq!(
            problem("/home/site/wwwroot/reqs/a.txt"),
            Some(CustomPathProblem::Absolute)
        );
        let empty = plan(
            &[("requirements.txt", b"x")],
            &[("CUSTOM_REQUIREMENTSTXT_PATH", "")],
        )
        .2;
        assert!(empty.dependencies.custom_path.is_none());
    }

    #[test]
    fn collectstatic_conditions() {
        let django: &[(&str, &[u8])] =
            &[("manage.py", b""), ("requirements.txt", b"Django==5.0\n")];
        let c = plan(django, &[]).2.collectstatic;
        assert!(c.runs, "{}", c.reason);
        let c = plan(django, &[("DISABLE_COLLECTSTATIC", "True")])
            .2
            .collectstatic;
        assert!(matches!(c.skip, Some(CollectstaticSkip::Disabled(_))));
        let c = plan(django, &[("DISABLE_COLLECTSTATIC", "1")])
            .2
            .collectstatic;
        assert!(matches!(c.skip, Some(CollectstaticSkip::BuildFails)));
        let c = plan(django, &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "false")])
            .2
            .collectstatic;
        assert!(matches!(c.skip, Some(CollectstaticSkip::BuildOff)));
        let c = plan(
            &[("src/manage.py", b""), ("requirements.txt", b"django")],
            &[],
        )
        .2
        .collectstatic;
        assert!(matches!(
            c.skip,
            Some(CollectstaticSkip::NoManagePy { elsewhere: Some(_) })
        ));
        let c = plan(&[("manage.py", b""), ("pyproject.toml", b"django")], &[])
            .2
            .collectstatic;
        assert!(matches!(
            c.skip,
            Some(CollectstaticSkip::NoRequirementsFile)
        ));
        let c = plan(&[("manage.py", b""), ("requirements.txt", b"flask\n")], &[])
            .2
            .collectstatic;
        assert!(matches!(
            c.skip,
            Some(CollectstaticSkip::DjangoNotNamed { utf16: false, .. })
        ));
        let utf16: Vec<u8> = "\u{feff}Django==5.0\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let c = plan(&[("manage.py", b""), ("requirements.txt", &utf16)], &[])
            .2
            .collectstatic;
        assert!(matches!(
            c.skip,
            Some(CollectstaticSkip::DjangoNotNamed { utf16: true, .. })
        ));
        // Without the byte-order mark pip cannot decode it: the build fails before `collectstatic`.
        let c = plan(
            &[("manage.py", b""), ("requirements.txt", &utf16[2..])],
            &[],
        )
        .2
        .collectstatic;
        assert!(
            matches!(c.skip, Some(CollectstaticSkip::BuildFails)),
            "{}",
            c.reason
        );
        // grep -i: any case, anywhere (even a comment or another package's name).
        let c = plan(
            &[
                ("manage.py", b""),
                ("requirements.txt", b"# DJANGO app\nflask"),
            ],
            &[],
        )
        .2
        .collectstatic;
        assert!(c.runs);
        let c = plan(
            &[
                ("manage.py", b""),
                ("requirements.txt", b"flask"),
                ("reqs/p.txt", b"django"),
            ],
            &[("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/p.txt")],
        )
        .2
        .collectstatic;
        assert!(c.runs && c.grep_path == "reqs/p.txt");
    }

    #[test]
    fn invalid_build_booleans() {
        let (_d, _p, built) = plan(
            &[(
                "build.env",
                b"DISABLE_COLLECTSTATIC=1\nPYTHON_ENABLE_GUNICORN_MULTIWORKERS=yes\n",
            )],
            &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "on")],
        );
        let names: Vec<(&str, BoolParser)> = built
            .invalid_booleans
            .iter()
            .map(|b| (b.setting.name.as_str(), b.parser))
            .collect();
        // Start-up settings are the start-up model's.
        assert_eq!(
            names,
            vec![
                ("SCM_DO_BUILD_DURING_DEPLOYMENT", BoolParser::Kudu),
                ("DISABLE_COLLECTSTATIC", BoolParser::DotNet)
            ]
        );
        // Kudu reads `no` and `0` as false, which is what they say.
        for value in ["no", "0", "FALSE", "True"] {
            let (_d, _p, built) = plan(&[], &[("SCM_DO_BUILD_DURING_DEPLOYMENT", value)]);
            assert!(built.invalid_booleans.is_empty(), "{value}");
        }
    }

    #[test]
    fn finds_crlf_and_bom() {
        let (_d, p) = project(&[
            ("a.sh", b"#!/bin/bash\necho a\r\necho b\r\n"),
            ("b.sh", b"\xEF\xBB\xBF#!/bin/bash\necho a\n"),
            ("c.sh", b"echo a\n"),
        ]);
        let a = script_bytes(&p, p.file("a.sh").unwrap());
        assert!(!a.bom);
        assert_eq!(a.crlf_lines, 2);
        let (line, range) = a.first_crlf.unwrap();
        assert_eq!(line, 2);
        assert_eq!(
            &p.text(p.file("a.sh").unwrap()).unwrap().text[range],
            "echo a"
        );
        let b = script_bytes(&p, p.file("b.sh").unwrap());
        assert!(b.bom && b.first_crlf.is_none());
        assert!(script_bytes(&p, p.file("c.sh").unwrap()).is_clean());
    }

    #[test]
    fn finds_committed_virtual_envs() {
        let (_d, _p, plan) = plan(
            &[
                ("venv/pyvenv.cfg", b""),
                ("venv/lib/python3.12/site-packages/x.py", b""),
                ("env2/Lib/site-packages/flask/__init__.py", b""),
                ("env2/Scripts/activate", b""),
                ("tools/bin/activate", b""),
                (".python_packages/lib/site-packages/x.py", b""),
                ("app.py", b""),
                (".gitignore", b"# venvs\n/venv/\n"),
            ],
            &[],
        );
        let found: Vec<(&str, bool, bool)> = plan
            .deployed_venvs
            .iter()
            .map(|v| (v.path.as_str(), v.windows, v.gitignored.is_some()))
            .collect();
        assert_eq!(found, vec![("env2", true, false), ("venv", false, true)]);
    }
}
