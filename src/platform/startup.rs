//! What the container runs at start-up: the custom command or the auto-detected entry module, and what
//! Oryx's start-up script does around it.
//!
//! The container's `init_container.sh` takes the startup command first (docs/platform.md, "The startup
//! command"): one word naming a file runs that file when it is a `.sh` script and otherwise uses only the
//! file's first line as the command; any other text is the command. Oryx's start-up script generator
//! (`src/startupscriptgenerator/src/python/scriptgenerator.go` and `frameworks.go` in microsoft/Oryx;
//! docs/platform.md, "Start-up") then writes a script that, in order: extracts compressed build output,
//! runs `PRE_RUN_COMMAND`, enters the app folder and defaults `HOST` and `PORT`, puts the Python of the
//! version it was given first on `PATH`, sets up the app's packages (the virtual environment), runs the
//! command, and appends `appsvc.yaml`'s `run` line. Without a command it detects, in order: Django (the
//! first immediate subfolder, by name, holding `wsgi.py`), FastAPI (Python 3.14 and later, a text search),
//! Flask (the first of `application.py`, `app.py`, `run.py`, `index.py`, `server.py`, `wsgi.py` at the
//! root), and otherwise starts the default page.

use std::cell::OnceCell;

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

use crate::platform::app_settings::{AppSettings, BoolParser, InvalidBoolean, Setting, Source};
use crate::platform::apps::{self, AppObject, Framework, ModuleNames, Resolved};
use crate::platform::command::{ServerCommand, ServerKind, classify};
use crate::platform::django::Evaluator;
use crate::platform::modules::{EntryKind, EntryModule, resolve_module};
use crate::platform::oryx::BuildRuns;
use crate::platform::runtime::PythonRuntime;
use crate::platform::shell;
use crate::platform::sources::manifest::Manifest;
use crate::platform::sources::values::AppsvcRun;
use crate::project::{FileId, Project, PythonVersion, Span};

/// The Flask entry files Oryx looks for at the root, in order (`frameworks.go` `flaskDetector`).
pub const FLASK_FILES: &[&str] = &[
    "application.py",
    "app.py",
    "run.py",
    "index.py",
    "server.py",
    "wsgi.py",
];
/// The FastAPI entry files Oryx looks for at the root, in order (`frameworks.go` `fastAPIDetector`).
pub const FASTAPI_FILES: &[&str] = &[
    "main.py",
    "app.py",
    "application.py",
    "server.py",
    "asgi.py",
    "api.py",
    "index.py",
    "run.py",
];
/// The only folder Oryx's Django detection skips: the virtual environment it builds.
pub const ORYX_VENV: &str = "antenv";
/// The worker class Oryx gives an auto-detected FastAPI app (docs/platform.md, "FastAPI detection").
pub const ORYX_ASGI_WORKER: &str = "uvicorn_worker.UvicornWorker";
/// The worker class this tool suggests for an ASGI app (shipped with uvicorn itself).
pub const SUGGESTED_ASGI_WORKER: &str = "uvicorn.workers.UvicornWorker";
/// The port App Service's Python image sets in `PORT` (docs/platform.md, "The Python image").
pub const DEFAULT_PORT: &str = "8000";
/// The gunicorn configuration the image passes with `-c` to auto-detected starts (docs/platform.md, "The
/// Python image").
pub const IMAGE_GUNICORN_CONF: &str = "/opt/startup/gunicorn.conf.py";
/// Where the default page's app lives in the image, and its module (Oryx `main.go` defaults).
pub const DEFAULT_SITE: &str = "/opt/defaultsite";
pub const DEFAULT_SITE_MODULE: &str = "application:app";
/// The setting that turns FastAPI detection off (Oryx `consts.PythonDisableFastAPIDetectionEnvVarName`).
pub const DISABLE_FASTAPI_DETECTION: &str = "DISABLE_FASTAPI_DETECTION";
/// The setting that gives an auto-detected start `--workers` (Oryx
/// `consts.PythonEnableGunicornMultiWorkersEnvVarName`).
pub const MULTIWORKERS: &str = "PYTHON_ENABLE_GUNICORN_MULTIWORKERS";
/// The text Oryx's FastAPI detection searches a candidate file for (any of them), and the text that makes
/// it a Flask file instead (`frameworks.go` `fastAPIDetector.detect`).
pub const FASTAPI_TEXTS: &[&str] = &["from fastapi", "import fastapi"];
pub const FLASK_TEXT: &str = "from flask";

/// The startup command with its source.
#[derive(Debug, Clone)]
pub struct StartupCommand {
    pub command: String,
    pub source: Source,
}

/// A shell script or startup file that runs at start-up.
#[derive(Debug, Clone)]
pub struct StartupScript {
    pub file: FileId,
    /// Named by the startup command (`false`: a root `startup.sh`/`startup.txt` assumed to be the startup file).
    pub configured: bool,
}

/// How the app is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StartupKind {
    /// The startup command (or the startup file it names).
    Custom,
    Django,
    Flask,
    #[serde(rename = "fastapi")]
    FastApi,
    /// Nothing to start: App Service's default page.
    #[default]
    Default,
    /// The start-up script generator panics on a setting and writes no start-up script: nothing starts.
    #[serde(rename = "none")]
    NoScript,
}

impl StartupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StartupKind::Custom => "custom",
            StartupKind::Django => "django",
            StartupKind::Flask => "flask",
            StartupKind::FastApi => "fastapi",
            StartupKind::Default => "default",
            StartupKind::NoScript => "none",
        }
    }
}

/// A file the startup command names: `startup.sh`, `startup.txt`, `sh scripts/start.sh`.
#[derive(Debug, Clone)]
pub struct StartupFile {
    /// As written in the command.
    pub path: String,
    /// `None`: not in the app.
    pub file: Option<FileId>,
    /// The whole file runs (a `.sh` file, or `sh FILE`); otherwise only its first line is the command.
    pub whole: bool,
    /// The range of the path in the command text.
    pub range: TextRange,
}

/// A server command with the folders it runs in.
#[derive(Debug, Clone)]
pub struct ServerAt {
    pub command: ServerCommand,
    /// The working directory, relative to the app root ("" for the root); `None` when a `cd` leaves
    /// the app or goes somewhere this tool cannot follow.
    pub cwd: Option<String>,
    /// The folder the target is imported from: the working directory joined with `--chdir`
    /// (gunicorn) or `--app-dir` (uvicorn). `None`: unknown.
    pub import_root: Option<String>,
    /// The target's module and attribute (`create_app` for `app:create_app()`), if it has one.
    pub module: Option<String>,
    pub attribute: Option<String>,
    /// The target calls a factory (`app:create_app()`, uvicorn `--factory`).
    pub factory: bool,
    /// The module's file in the repository.
    pub file: Option<FileId>,
    /// gunicorn's configuration file: `-c FILE`, else `gunicorn.conf.py` in the working directory.
    pub conf: GunicornConf,
    /// The folders `--pythonpath` (or the configuration's `pythonpath`) adds, relative to the app root.
    pub pythonpath: Vec<String>,
}

impl ServerAt {
    /// The roots a module of this server is looked up under: the import root, then `--pythonpath`.
    pub fn roots(&self) -> Vec<String> {
        self.import_root
            .iter()
            .chain(self.pythonpath.iter())
            .cloned()
            .collect()
    }
}

/// The configuration file a gunicorn command reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GunicornConf {
    /// None: no `-c` and no `gunicorn.conf.py` where it runs (or not a gunicorn command).
    None,
    File(FileId),
    /// `-c python:module`, or a path this tool cannot follow.
    Unknown,
}

/// A setting of a gunicorn configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfValue {
    Unset,
    /// A string literal.
    Literal(String),
    /// Set, to something this tool cannot read.
    Unknown,
}

impl GunicornConf {
    /// The file gunicorn reads its configuration from when it starts in `cwd` (`None`: unknown) with
    /// `-c config`, or without `-c` (then `gunicorn.conf.py` in `cwd`): `-c python:module` is the module's
    /// file, `-c [file:]PATH` is relative to `cwd`; `None` when the file is not in the app.
    pub fn lookup(project: &Project, cwd: Option<&str>, config: Option<&str>) -> GunicornConf {
        let Some(cwd) = cwd else {
            return GunicornConf::Unknown;
        };
        let found = match config {
            Some(path) => match path.strip_prefix("python:") {
                Some(module) => match resolve_module(project, cwd, module) {
                    Some(file) => return GunicornConf::File(file),
                    None => return GunicornConf::Unknown,
                },
                None => join_dir(cwd, path.strip_prefix("file:").unwrap_or(path)),
            },
            None => join_dir(cwd, "gunicorn.conf.py"),
        };
        match found {
            Some(rel) => project
                .file(&rel)
                .map_or(GunicornConf::None, GunicornConf::File),
            None => GunicornConf::Unknown,
        }
    }

    /// The value of a top-level setting (`worker_class = "..."`).
    pub fn value(self, project: &Project, name: &str) -> ConfValue {
        match self {
            GunicornConf::None => ConfValue::Unset,
            GunicornConf::Unknown => ConfValue::Unknown,
            GunicornConf::File(file) => conf_value(project, file, name),
        }
    }
}

/// The text a custom start runs: the command, a whole `.sh` script, or a startup file's first line.
#[derive(Debug, Clone)]
pub struct RunText {
    pub text: String,
    /// The file `text` comes from (server ranges are in it); `None`: the startup command itself.
    pub file: Option<FileId>,
    pub servers: Vec<ServerAt>,
    /// Every `cd` in the text.
    pub cds: Vec<CdAt>,
    /// Every simple command of the text, in order, with the folder it runs in.
    pub commands: Vec<ShellCommand>,
}

/// One simple command of a startup text.
#[derive(Debug, Clone)]
pub struct ShellCommand {
    /// Its words, ranges relative to the start of the text.
    pub words: Vec<shell::Word>,
    /// 1-based line in the text.
    pub line: usize,
    /// The folder it runs in, relative to the app root ("" for the root); `None` after a `cd` that cannot be
    /// followed.
    pub cwd: Option<String>,
}

impl ShellCommand {
    /// The range the command covers in its text.
    pub fn range(&self) -> TextRange {
        let start = self
            .words
            .first()
            .map_or_else(TextSize::default, |w| w.range.start());
        let end = self.words.last().map_or(start, |w| w.range.end());
        TextRange::new(start, end)
    }

    /// The words after `NAME=value` assignments and `exec`/`nohup`/`env`/`time`/`sudo` prefixes.
    pub fn program_words(&self) -> &[shell::Word] {
        let start = self
            .words
            .iter()
            .position(|w| {
                !(matches!(w.text.as_str(), "exec" | "nohup" | "env" | "time" | "sudo")
                    || env_assignment(&w.text).is_some())
            })
            .unwrap_or(self.words.len());
        &self.words[start..]
    }
}

/// A `NAME=value` shell assignment word.
pub fn env_assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    (!name.is_empty()
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit()))
    .then_some((name, value))
}

/// A `cd DIR` of a startup command or script.
#[derive(Debug, Clone)]
pub struct CdAt {
    /// The folder as written, and its range.
    pub path: String,
    pub range: TextRange,
    /// The folder relative to the app root; `None` when it is outside the app or cannot be followed.
    pub resolved: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Startup {
    pub command: Option<StartupCommand>,
    pub scripts: Vec<StartupScript>,
    pub entry: Option<EntryModule>,
    pub kind: StartupKind,
    /// The file the startup command names.
    pub startup_file: Option<StartupFile>,
    /// The startup command, then the startup files (`scripts`), each read once, with its commands.
    pub texts: Vec<RunText>,
    /// What a custom start runs: the index in `texts` of the command, or of the startup file it names.
    run: Option<usize>,
    /// Every immediate subfolder holding `wsgi.py`, in the order Oryx's Django detection tries them.
    pub wsgi_folders: Vec<(String, FileId)>,
    /// A root file that Oryx's FastAPI detection would take, which it does not start because the detection
    /// does not run ([`Startup::fastapi_gate`]).
    pub fastapi_skipped: Option<FileId>,
    /// Whether FastAPI detection runs (only for an auto-detected start with no Django folder).
    pub fastapi_gate: FastApiGate,
    /// The Python version the start-up script is written for (`None`: a version Oryx cannot compare,
    /// so it is not "3.14 or later").
    pub python: Option<PythonVersion>,
    /// Where that version comes from.
    pub python_source: PythonSource,
    /// Boolean settings the start-up script generator reads and rejects, in the order it reads them: it
    /// panics at the first and writes no start-up script ([`StartupKind::NoScript`]).
    pub invalid_booleans: Vec<InvalidBoolean>,
    /// `PRE_RUN_COMMAND`: it runs first, before `HOST`/`PORT` and the packages are set up.
    pub pre_run: Option<Setting>,
    /// How the app's packages are made importable.
    pub packages: Packages,
    /// The build output is compressed: it is extracted to `/tmp/<id>`, which is `$APP_PATH`.
    pub compressed: bool,
    /// The model assumes the deployment runs Oryx's build (whether it does is unknown).
    pub assumes_build: bool,
    /// `appsvc.yaml`'s `run` line, appended after the command (it runs when the command exits).
    pub appended: Option<AppsvcRun>,
    /// The app settings the container sees (not `build.env` or `.deployment`).
    pub runtime: AppSettings,
    /// The command's source span holds exactly the command's text (ranges map one to one).
    command_is_verbatim: bool,
    apps: OnceCell<Vec<AppObject>>,
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
            Some(source) => format!(
                "the site's version, from {}",
                describe_source(project, source)
            ),
            None => "the site's version, not set here (the newest App Service offers is assumed)"
                .to_owned(),
        };
        match self {
            PythonSource::Build(source) => {
                format!("the oryx-manifest.toml the build writes: {}", site(source))
            }
            PythonSource::Manifest { span, .. } => format!(
                "PythonVersion in the repository's {}, which comes before PYTHON_VERSION",
                describe_source(project, &Source::File(*span))
            ),
            PythonSource::Setting(s) => format!(
                "the PYTHON_VERSION app setting ({}), which replaces the image's",
                describe_source(project, &s.source)
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

impl Startup {
    /// The start-up of a built app with `command` on `python` (tests).
    #[cfg(test)]
    pub fn detect(
        project: &Project,
        command: Option<StartupCommand>,
        python: PythonVersion,
    ) -> Startup {
        Startup::detect_with(project, StartupInputs::new(command, python))
    }

    pub fn detect_with(project: &Project, inputs: StartupInputs) -> Startup {
        // A repository that ships its build output is deployed as it is; otherwise, when the build may run,
        // the model assumes it does (without it nothing is installed, which AZ113 reports).
        let built = match inputs.build_runs {
            BuildRuns::Yes => true,
            BuildRuns::No => false,
            BuildRuns::Unknown => inputs.manifest.is_none(),
        };
        let manifest = inputs.manifest.as_ref().filter(|_| !built);
        let (python, python_source) = startup_python(&inputs, manifest, built);
        let compressed = built || manifest.is_some_and(Manifest::compressed);
        let mut startup = Startup {
            command: inputs.command.clone(),
            python,
            python_source,
            wsgi_folders: wsgi_folders(project),
            pre_run: inputs.pre_run.clone(),
            packages: packages(project, manifest, built),
            compressed,
            assumes_build: built && inputs.build_runs == BuildRuns::Unknown,
            appended: inputs.appsvc_run.clone().filter(|r| !r.command.is_empty()),
            runtime: inputs.runtime.clone(),
            ..Startup::default()
        };
        if let Some(cmd) = inputs.command {
            startup.fastapi_gate = FastApiGate::NotReached;
            startup.kind = StartupKind::Custom;
            startup.command_is_verbatim = cmd.source.span().is_some_and(|span| {
                project
                    .text(span.file)
                    .is_ok_and(|t| t.slice(span.range) == cmd.command)
            });
            let startup_file = startup_file(project, &cmd.command);
            startup
                .texts
                .push(RunText::scan(project, cmd.command.clone(), None));
            startup.run = Some(0);
            if let Some(sf) = &startup_file
                && let Some(file) = sf.file
            {
                startup.scripts.push(StartupScript {
                    file,
                    configured: true,
                });
                startup.texts.push(script_text(project, file, sf.whole));
                startup.run = Some(1);
            }
            startup.entry = startup
                .servers()
                .iter()
                .find_map(|s| Some((s, s.file?)))
                .map(|(s, file)| EntryModule {
                    kind: EntryKind::Custom,
                    file,
                    module: s.module.clone().unwrap_or_default(),
                    attribute: s.attribute.clone().unwrap_or_default(),
                    import_root: s.import_root.clone().unwrap_or_default(),
                });
            startup.startup_file = startup_file;
        } else {
            for name in ["startup.sh", "startup.txt"] {
                if let Some(file) = project.file(name) {
                    startup.scripts.push(StartupScript {
                        file,
                        configured: false,
                    });
                    startup
                        .texts
                        .push(script_text(project, file, name.ends_with(".sh")));
                }
            }
            startup.auto_detect(project);
        }
        startup
    }

    /// Oryx's auto-detection when there is no custom command, and the settings its generator then reads.
    fn auto_detect(&mut self, project: &Project) {
        let read_multiworkers = |startup: &mut Startup| {
            if let Some(s) = startup.runtime.get(MULTIWORKERS)
                && BoolParser::Go.parse(&s.value).is_none()
            {
                startup.invalid_booleans.push(InvalidBoolean {
                    setting: s.clone(),
                    parser: BoolParser::Go,
                });
            }
            if !startup.invalid_booleans.is_empty() {
                startup.kind = StartupKind::NoScript;
                startup.entry = None;
            }
        };
        if let Some((dir, file)) = self.wsgi_folders.first() {
            self.fastapi_gate = FastApiGate::NotReached;
            self.kind = StartupKind::Django;
            self.entry = Some(EntryModule {
                kind: EntryKind::Django,
                file: *file,
                module: format!("{dir}.wsgi"),
                attribute: "application".to_owned(),
                import_root: String::new(),
            });
            read_multiworkers(self);
            return;
        }
        self.fastapi_gate = if self.python.is_none_or(|v| v < PythonVersion::PY314) {
            FastApiGate::TooOld
        } else {
            match self.runtime.get(DISABLE_FASTAPI_DETECTION) {
                Some(s) => match BoolParser::Go.parse(&s.value) {
                    Some(true) => FastApiGate::Disabled(s.clone()),
                    Some(false) => FastApiGate::Runs,
                    None => FastApiGate::Rejected(s.clone()),
                },
                None => FastApiGate::Runs,
            }
        };
        if let FastApiGate::Rejected(s) = &self.fastapi_gate {
            self.invalid_booleans.push(InvalidBoolean {
                setting: s.clone(),
                parser: BoolParser::Go,
            });
        }
        if let Some((name, file)) = fastapi_file(project) {
            if matches!(self.fastapi_gate, FastApiGate::Runs) {
                self.kind = StartupKind::FastApi;
                self.entry = Some(root_entry(EntryKind::FastApi, file, name, "app"));
                read_multiworkers(self);
                return;
            }
            self.fastapi_skipped = Some(file);
        }
        if let Some((name, file)) = FLASK_FILES
            .iter()
            .find_map(|name| Some((*name, project.file(name)?)))
        {
            self.kind = StartupKind::Flask;
            self.entry = Some(root_entry(EntryKind::Flask, file, name, "app"));
        }
        // The default page is started with gunicorn too, so it reads the setting as well.
        read_multiworkers(self);
    }

    /// Why Oryx's FastAPI detection did not start `file` (a root file of [`FASTAPI_FILES`]), for a note.
    pub fn fastapi_not_detected(&self, project: &Project, file: FileId) -> Option<String> {
        let rel = project.rel_path(file);
        if !FASTAPI_FILES.contains(&rel) {
            return None;
        }
        Some(match &self.fastapi_gate {
            FastApiGate::TooOld | FastApiGate::Disabled(_) | FastApiGate::Rejected(_) => {
                self.fastapi_gate_note(project)
            }
            FastApiGate::NotReached => return None,
            FastApiGate::Runs => {
                let text = FastApiText::of(project, file);
                if !text.imports {
                    format!(
                        "Oryx's FastAPI detection searches `{rel}` for the text `from fastapi` or `import fastapi`, which it does not hold"
                    )
                } else if text.flask {
                    format!(
                        "`{rel}` holds the text `from flask` (Oryx's FastAPI detection searches the text, comments and strings included), so Oryx's FastAPI detection passes over it"
                    )
                } else {
                    return None;
                }
            }
        })
    }

    /// A root FastAPI file that imports fastapi, which the running FastAPI detection passes over because
    /// of its text (no `from fastapi`/`import fastapi` as written, or a `from flask` somewhere), and why.
    pub fn fastapi_passed_over(&self, project: &Project) -> Option<(FileId, String)> {
        if !matches!(self.fastapi_gate, FastApiGate::Runs) || self.kind == StartupKind::FastApi {
            return None;
        }
        FASTAPI_FILES.iter().find_map(|name| {
            let file = project.file(name)?;
            let imports = apps::imports_module(project, file, |m| {
                m == "fastapi" || m.starts_with("fastapi.")
            });
            if !imports {
                return None;
            }
            Some((file, self.fastapi_not_detected(project, file)?))
        })
    }

    /// Why FastAPI detection does not run, for a note ("" when it runs).
    pub fn fastapi_gate_note(&self, project: &Project) -> String {
        match &self.fastapi_gate {
            FastApiGate::TooOld => format!(
                "Oryx detects FastAPI apps only on Python 3.14 or later (this app's start-up Python is {}{})",
                self.python_text(),
                self.python_origin(project)
                    .map(|o| format!(", from {o}"))
                    .unwrap_or_default()
            ),
            FastApiGate::Disabled(s) => format!(
                "{DISABLE_FASTAPI_DETECTION}={} ({}) turns Oryx's FastAPI detection off",
                s.value,
                s.source.describe(project)
            ),
            FastApiGate::Rejected(s) => format!(
                "{DISABLE_FASTAPI_DETECTION}={} ({}) is not a boolean Go's strconv.ParseBool takes, so the start-up script generator panics",
                s.value,
                s.source.describe(project)
            ),
            FastApiGate::Runs | FastApiGate::NotReached => String::new(),
        }
    }

    /// Where the start-up Python is set, in a few words (`None`: nowhere known, the newest is assumed).
    pub fn python_origin(&self, project: &Project) -> Option<String> {
        match &self.python_source {
            PythonSource::Build(source) | PythonSource::Site(source) => {
                source.as_ref().map(|s| s.describe(project))
            }
            PythonSource::Manifest { span, .. } => Some(project.rel_path(span.file).to_owned()),
            PythonSource::Setting(s) => {
                Some(format!("PYTHON_VERSION in {}", s.source.describe(project)))
            }
        }
    }

    /// The start-up Python as written where it is set (`3.12`, a manifest's `3.12.9`).
    pub fn python_text(&self) -> String {
        match &self.python_source {
            PythonSource::Manifest { written, .. } => written.clone(),
            PythonSource::Setting(s) => s.value.trim().to_owned(),
            _ => self.python.map_or_else(String::new, |v| v.to_string()),
        }
    }

    /// Every app object and factory in the repository, best first (searched once, on first use).
    pub fn app_objects(&self, project: &Project) -> &[AppObject] {
        self.apps.get_or_init(|| apps::find_app_objects(project))
    }

    /// Where a range of the run text is: in the startup file, or (for the command itself) where the
    /// command is configured: the exact place when the file holds the command verbatim (a Bicep or
    /// workflow value), else the whole value.
    pub fn span_of(&self, range: TextRange) -> Option<Span> {
        if let Some(file) = self.run().and_then(|r| r.file) {
            return Some(Span::new(file, range));
        }
        let command = self.command.as_ref()?;
        let span = command.source.span()?;
        self.command_is_verbatim
            .then(|| Span::new(span.file, range + span.range.start()))
            .or(Some(span))
    }

    /// The line of the run text holding `at` (a range of the run text) with `edits` applied: its 1-based
    /// number and its text, trimmed. The line is in the startup file when [`Startup::run`] has one, else
    /// it is the startup command.
    pub fn edited_line(
        &self,
        at: TextRange,
        edits: &[(TextRange, String)],
    ) -> Option<(usize, String)> {
        let run = self.run()?;
        let mut offset = 0usize;
        for (index, raw) in run.text.split_inclusive('\n').enumerate() {
            let start = TextSize::try_from(offset).ok()?;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let end = start + TextSize::of(line);
            if at.start() < start || at.start() > end {
                continue;
            }
            let mut edits: Vec<&(TextRange, String)> = edits
                .iter()
                .filter(|(r, _)| r.start() >= start && r.end() <= end)
                .collect();
            edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start()));
            let mut fixed = line.to_owned();
            for (range, with) in edits {
                let (a, b) = (
                    (range.start() - start).to_usize(),
                    (range.end() - start).to_usize(),
                );
                fixed.replace_range(a..b, with);
            }
            return Some((index + 1, fixed.trim().to_owned()));
        }
        None
    }

    /// What a custom start runs: the command, a whole `.sh` script, or a startup file's first line.
    pub fn run(&self) -> Option<&RunText> {
        self.texts.get(self.run?)
    }

    /// The servers a custom start runs.
    pub fn servers(&self) -> &[ServerAt] {
        self.run().map_or(&[], |r| r.servers.as_slice())
    }

    /// What will run, for `plan`.
    pub fn plan(&self, project: &Project, settings: &AppSettings) -> StartupPlan {
        let mut plan = self.command_plan(project, settings);
        plan.python_version = self.python_text();
        plan.python_version_source = self.python_source.describe(project);
        plan.steps = self.steps(project);
        plan.appended_command = self.appended.as_ref().map(|r| r.command.clone());
        plan
    }

    /// What the start-up script does, in order (`scriptgenerator.go` `GenerateEntrypointScript`); empty
    /// when no script is written.
    pub fn steps(&self, project: &Project) -> Vec<String> {
        if self.kind == StartupKind::NoScript {
            return Vec::new();
        }
        let mut steps = Vec::new();
        if self.compressed {
            let when = if self.assumes_build {
                "when the deployment builds (assumed here), "
            } else {
                ""
            };
            steps.push(format!(
                "{when}extract the compressed build output to /tmp/<id>, which becomes $APP_PATH"
            ));
        }
        if let Some(pre) = &self.pre_run {
            steps.push(format!(
                "run PRE_RUN_COMMAND `{}` ({}) in $APP_PATH, before HOST, PORT and the packages are set up",
                pre.value,
                describe_source(project, &pre.source)
            ));
        }
        steps.push(
            "cd $APP_PATH; set HOST=0.0.0.0 and PORT=80 where they are not set (the image sets PORT=8000)"
                .to_owned(),
        );
        steps.push(format!(
            "put /opt/python/{}/bin first on PATH",
            self.python_text()
        ));
        steps.push(match &self.packages {
            Packages::Activated { venv, because } => format!(
                "add {venv}'s site-packages to PYTHONPATH, then activate {venv} ({because})"
            ),
            Packages::OnPythonPath { venv } => format!(
                "add {venv}'s site-packages to PYTHONPATH without activating it (no compressed build output): its bin/ is not on PATH"
            ),
            Packages::PackageDir { venv } => format!(
                "warn that there is no {venv} folder, then put __oryx_packages__ on the module path"
            ),
            Packages::Missing => {
                "warn that there is no antenv folder and go on with only the image's packages".to_owned()
            }
        });
        steps.push("run the command".to_owned());
        if let Some(run) = &self.appended {
            steps.push(format!(
                "then appsvc.yaml's run line, appended as {:?} ({}): it runs only if the command exits",
                run.command,
                describe_source(project, &Source::File(run.span))
            ));
        }
        steps
    }

    fn command_plan(&self, project: &Project, settings: &AppSettings) -> StartupPlan {
        let entry = self.entry.as_ref();
        let runtime = &self.runtime;
        let auto =
            |module: String, asgi: bool| oryx_gunicorn_command(runtime, &module, asgi, "$APP_PATH");
        match self.kind {
            StartupKind::NoScript => {
                let reason = match self.invalid_booleans.first() {
                    Some(bad) => format!(
                        "the start-up script generator reads {}={} ({}) with Go's strconv.ParseBool, which takes only {}: it panics and writes no start-up script, so the container does not start",
                        bad.setting.name,
                        bad.setting.value,
                        describe_source(project, &bad.setting.source),
                        BoolParser::Go.spellings()
                    ),
                    None => "the start-up script generator writes no start-up script".to_owned(),
                };
                StartupPlan {
                    kind: self.kind,
                    command: "none (no start-up script)".to_owned(),
                    source: "auto-detection".to_owned(),
                    reason,
                    ..StartupPlan::default()
                }
            }
            StartupKind::Custom => {
                let cmd = self.command.as_ref();
                let given = cmd.map(|c| c.command.trim().to_owned()).unwrap_or_default();
                let server = self.servers().iter().find(|s| s.module.is_some());
                let (command, reason) = match &self.startup_file {
                    Some(sf) if sf.file.is_none() => (
                        given.clone(),
                        format!(
                            "the startup command names `{}`, which is not in the app",
                            sf.path
                        ),
                    ),
                    Some(sf) if sf.whole => (
                        given.clone(),
                        format!("the startup command runs the script `{}`", sf.path),
                    ),
                    Some(sf) => (
                        self.run()
                            .map(|r| r.text.trim().to_owned())
                            .unwrap_or_default(),
                        format!(
                            "the startup command names the file `{}`: its first line is the command",
                            sf.path
                        ),
                    ),
                    None => (
                        given.clone(),
                        "the startup command runs as given".to_owned(),
                    ),
                };
                StartupPlan {
                    kind: self.kind,
                    command,
                    module: server.and_then(|s| s.module.clone()),
                    attribute: server.and_then(|s| {
                        let attr = s.attribute.clone()?;
                        Some(if s.factory && s.command.kind == ServerKind::Gunicorn {
                            format!("{attr}()")
                        } else {
                            attr
                        })
                    }),
                    source: cmd.map_or_else(String::new, |c| describe_source(project, &c.source)),
                    reason,
                    startup_file: self.startup_file.as_ref().map(|s| s.path.clone()),
                    ..StartupPlan::default()
                }
            }
            StartupKind::Django => {
                let entry = entry.expect("a Django start has an entry");
                let dir = entry.module.trim_end_matches(".wsgi");
                let others: Vec<&str> = self
                    .wsgi_folders
                    .iter()
                    .skip(1)
                    .map(|(d, _)| d.as_str())
                    .collect();
                let mut reason = format!(
                    "`{dir}/wsgi.py`: Django detection takes the first folder at the root, by name, holding `wsgi.py`"
                );
                if !others.is_empty() {
                    reason.push_str(&format!(
                        " (also there: {})",
                        quoted_list(&others, "/wsgi.py")
                    ));
                }
                let mut plan = self.auto_plan(auto(entry.module.clone(), false), entry, reason);
                match self.wrong_wsgi(project, settings) {
                    Some(WrongWsgi::OtherProject {
                        project: own,
                        because,
                        ..
                    }) => {
                        plan.reason.push_str(&format!(
                            "; it is not the project's, `{}/wsgi.py` is: {because}",
                            own.dir
                        ));
                        plan.suggested_command = Some(apps::gunicorn_command(
                            "",
                            false,
                            &format!("{}.wsgi", own.dir),
                        ));
                    }
                    Some(WrongWsgi::NotDjango { intended, .. }) => {
                        plan.reason.push_str(&format!(
                            "; it is not a Django module and has no `application`: {}",
                            intended.why
                        ));
                        plan.suggested_command = Some(intended.command);
                    }
                    None => {}
                }
                plan
            }
            StartupKind::FastApi => {
                let entry = entry.expect("a FastAPI start has an entry");
                let reason = format!(
                    "`{}` is the first of {} at the root whose text holds `from fastapi` or `import fastapi` and not `from flask`, and the start-up Python is {} (FastAPI detection runs on 3.14 or later)",
                    project.rel_path(entry.file),
                    quoted_list(FASTAPI_FILES, ""),
                    self.python_text()
                );
                let mut plan = self.auto_plan(
                    auto(format!("{}:{}", entry.module, entry.attribute), true),
                    entry,
                    reason,
                );
                // The text search can pick a WSGI app, which the uvicorn worker cannot serve.
                if let Some(framework) = resolve_name_framework(project, entry.file, "app")
                    && !framework.is_asgi()
                {
                    plan.reason.push_str(&format!(
                        "; but `app` there is a {} app (WSGI), which the uvicorn worker cannot serve",
                        framework.label()
                    ));
                    plan.suggested_command = Some(apps::gunicorn_command(
                        "",
                        false,
                        &format!("{}:app", entry.module),
                    ));
                }
                plan
            }
            StartupKind::Flask => {
                let entry = entry.expect("a Flask start has an entry");
                let mut reason = format!(
                    "`{}` is the first of {} at the root (its contents are not checked)",
                    project.rel_path(entry.file),
                    quoted_list(FLASK_FILES, "")
                );
                if let Some(skipped) = self.fastapi_skipped {
                    reason.push_str(&format!(
                        "; {}",
                        self.fastapi_skipped_note(project, skipped)
                    ));
                }
                if let Some((_, why)) = self.fastapi_passed_over(project) {
                    reason.push_str(&format!("; {why}"));
                }
                self.auto_plan(
                    auto(format!("{}:{}", entry.module, entry.attribute), false),
                    entry,
                    reason,
                )
            }
            StartupKind::Default => {
                let mut reason = format!(
                    "no startup command, no folder at the root with `wsgi.py`, and none of {} at the root",
                    quoted_list(FLASK_FILES, "")
                );
                if let Some(skipped) = self.fastapi_skipped {
                    reason.push_str(&format!(
                        "; {}",
                        self.fastapi_skipped_note(project, skipped)
                    ));
                }
                if let Some((_, why)) = self.fastapi_passed_over(project) {
                    reason.push_str(&format!("; {why}"));
                }
                let app = self.app_objects(project).first();
                if let Some(app) = app {
                    reason.push_str(&format!(
                        "; the app is `{}` in {}",
                        app.target(),
                        project.rel_path(app.file)
                    ));
                }
                StartupPlan {
                    kind: self.kind,
                    command: oryx_gunicorn_command(
                        runtime,
                        DEFAULT_SITE_MODULE,
                        false,
                        DEFAULT_SITE,
                    ),
                    module: None,
                    attribute: None,
                    source: "auto-detection".to_owned(),
                    reason,
                    startup_file: None,
                    suggested_command: app.map(AppObject::startup_command),
                    ..StartupPlan::default()
                }
            }
        }
    }

    fn auto_plan(&self, command: String, entry: &EntryModule, reason: String) -> StartupPlan {
        StartupPlan {
            kind: self.kind,
            command,
            module: Some(entry.module.clone()),
            attribute: Some(entry.attribute.clone()),
            source: "auto-detection".to_owned(),
            reason,
            ..StartupPlan::default()
        }
    }

    /// "`main.py` imports fastapi, but Oryx detects FastAPI apps only on Python 3.14 or later (...)".
    pub fn fastapi_skipped_note(&self, project: &Project, file: FileId) -> String {
        format!(
            "`{}` imports fastapi, but {}",
            project.rel_path(file),
            self.fastapi_gate_note(project)
        )
    }

    /// Why auto-detection's Django pick is not the app's (AZ203), if it is not.
    pub fn wrong_wsgi(&self, project: &Project, settings: &AppSettings) -> Option<WrongWsgi> {
        if self.kind != StartupKind::Django {
            return None;
        }
        let (chosen_dir, chosen_file) = self.wsgi_folders.first()?.clone();
        let chosen = WsgiFolder {
            dir: chosen_dir,
            file: chosen_file,
        };
        let mut evaluator = Evaluator::new(project, settings, vec![String::new()]);
        let mut settings_of = |file: FileId| -> Vec<String> {
            let written: Vec<String> = evaluator
                .module(file)
                .env_writes
                .iter()
                .rev()
                .find(|w| w.var == "DJANGO_SETTINGS_MODULE")
                .map(|w| {
                    w.value
                        .alternatives()
                        .into_iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if written.is_empty() {
                // `manage.py` sets it inside `main()`, which the top-level evaluation does not run.
                settings_literal(project, file).into_iter().collect()
            } else {
                written
            }
        };
        // The settings module the project names: the app setting, else manage.py's.
        let expected: Option<(String, String)> = match settings.get("DJANGO_SETTINGS_MODULE") {
            Some(s) => Some((
                s.value.clone(),
                "the DJANGO_SETTINGS_MODULE app setting".to_owned(),
            )),
            None => project.file("manage.py").and_then(|m| {
                settings_of(m)
                    .into_iter()
                    .next()
                    .map(|s| (s, "manage.py".to_owned()))
            }),
        };
        let written: Vec<Vec<String>> = self
            .wsgi_folders
            .iter()
            .map(|(_, f)| settings_of(*f))
            .collect();
        let resolves = |name: &str| resolve_module(project, "", name).is_some();
        let owner = match &expected {
            Some((name, _)) => written
                .iter()
                .position(|w| w.iter().any(|s| s == name))
                .or_else(|| {
                    let top = name.split('.').next().unwrap_or(name);
                    self.wsgi_folders
                        .iter()
                        .position(|(d, _)| d == top)
                        .filter(|_| resolves(name))
                }),
            None => {
                let valid: Vec<usize> = written
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.iter().any(|s| resolves(s)))
                    .map(|(i, _)| i)
                    .collect();
                (valid.len() == 1).then(|| valid[0])
            }
        };
        if let Some(index) = owner.filter(|&i| i > 0) {
            let (dir, file) = self.wsgi_folders[index].clone();
            let settings_module = match &expected {
                Some((name, _)) => name.clone(),
                None => written[index].first().cloned().unwrap_or_default(),
            };
            let because = match &expected {
                Some((name, from)) => format!("{from} names the settings module `{name}`"),
                None => format!(
                    "`{dir}/wsgi.py` is the only `wsgi.py` naming settings that exist (`{settings_module}`)"
                ),
            };
            return Some(WrongWsgi::OtherProject {
                chosen,
                project: WsgiFolder { dir, file },
                because,
            });
        }
        // A stray wsgi.py: not Django, no `application`, while the app is elsewhere.
        let is_django = !written[0].is_empty()
            || apps::imports_module(project, chosen.file, |m| {
                m == "django" || m.starts_with("django.")
            });
        if is_django || ModuleNames::of(project, chosen.file).defines("application") != Some(false)
        {
            return None;
        }
        // Without the folder, FastAPI detection would run when the version and the setting allow it.
        let fastapi_runs = self.python.is_some_and(|v| v >= PythonVersion::PY314)
            && self
                .runtime
                .get(DISABLE_FASTAPI_DETECTION)
                .is_none_or(|s| BoolParser::Go.parse(&s.value) == Some(false));
        let root_entry_file = fastapi_file(project)
            .filter(|_| fastapi_runs)
            .map(|(name, file)| (name, file, true))
            .or_else(|| {
                FLASK_FILES
                    .iter()
                    .find_map(|name| Some((*name, project.file(name)?, false)))
            });
        let intended = match root_entry_file {
            Some((name, file, fastapi)) => {
                let asgi = fastapi
                    || resolve_name_framework(project, file, "app").is_some_and(Framework::is_asgi);
                let module = name.trim_end_matches(".py");
                Some(Intended {
                    command: apps::gunicorn_command("", asgi, &format!("{module}:app")),
                    span: Span::file_start(file),
                    why: format!(
                        "without `{}/wsgi.py`, Oryx would start `{name}`",
                        chosen.dir
                    ),
                })
            }
            None => self
                .app_objects(project)
                .iter()
                .find(|a| a.file != chosen.file)
                .map(|a| Intended {
                    command: a.startup_command(),
                    span: a.span(),
                    why: format!("the app is `{}` in {}", a.name, project.rel_path(a.file)),
                }),
        }?;
        Some(WrongWsgi::NotDjango { chosen, intended })
    }
}

/// The settings module a file writes to `DJANGO_SETTINGS_MODULE` as a string literal anywhere in it
/// (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")` or
/// `os.environ["DJANGO_SETTINGS_MODULE"] = "x.settings"`), the first one.
fn settings_literal(project: &Project, file: FileId) -> Option<String> {
    let literal = |e: &Expr| match e {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
        _ => None,
    };
    for stmt in apps::all_statements(project.python(file).body()) {
        match stmt {
            Stmt::Expr(e) => {
                if let Expr::Call(call) = e.value.as_ref()
                    && matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "setdefault")
                    && let [name, value, ..] = &call.arguments.args[..]
                    && literal(name).as_deref() == Some("DJANGO_SETTINGS_MODULE")
                    && let Some(value) = literal(value)
                {
                    return Some(value);
                }
            }
            Stmt::Assign(assign) => {
                if let [Expr::Subscript(sub)] = &assign.targets[..]
                    && literal(&sub.slice).as_deref() == Some("DJANGO_SETTINGS_MODULE")
                    && let Some(value) = literal(&assign.value)
                {
                    return Some(value);
                }
            }
            _ => {}
        }
    }
    None
}

/// The framework of `name` in a module, when it is an app object.
fn resolve_name_framework(project: &Project, file: FileId, name: &str) -> Option<Framework> {
    apps::resolve_name(project, file, name, &[String::new()]).app_framework()
}

/// A folder of the app root holding `wsgi.py`.
#[derive(Debug, Clone)]
pub struct WsgiFolder {
    pub dir: String,
    pub file: FileId,
}

/// The app auto-detection should have started instead.
#[derive(Debug, Clone)]
pub struct Intended {
    /// A startup command that starts it.
    pub command: String,
    pub span: Span,
    pub why: String,
}

/// Auto-detection starts a `wsgi.py` that is not the app's.
#[derive(Debug, Clone)]
pub enum WrongWsgi {
    /// Another folder's `wsgi.py` belongs to the project (the one whose settings module manage.py or
    /// the app setting names).
    OtherProject {
        chosen: WsgiFolder,
        project: WsgiFolder,
        because: String,
    },
    /// The `wsgi.py` found is not Django and has no `application`, while the app is elsewhere.
    NotDjango {
        chosen: WsgiFolder,
        intended: Intended,
    },
}

/// The start-up part of `plan`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StartupPlan {
    pub kind: StartupKind,
    /// The Python version the start-up script is written for, and where it comes from.
    pub python_version: String,
    pub python_version_source: String,
    /// What the start-up script does, in order (empty when none is written).
    pub steps: Vec<String>,
    /// The command that runs: the custom command (a startup file's first line), or the gunicorn
    /// command Oryx composes for an auto-detected app (its `GUNICORN_CMD_ARGS` written out as options).
    pub command: String,
    pub module: Option<String>,
    pub attribute: Option<String>,
    /// Where the command comes from: a flag, a file and line, or `auto-detection`.
    pub source: String,
    /// Why this command runs.
    pub reason: String,
    /// The startup file the command names.
    pub startup_file: Option<String>,
    /// A startup command that would start the app this tool found, when what runs is not the app
    /// (the default page, or a `wsgi.py` that is not the project's).
    pub suggested_command: Option<String>,
    /// `appsvc.yaml`'s `run` line as appended after the command.
    pub appended_command: Option<String>,
    /// How that differs from what the YAML says, when it does.
    pub appended_note: Option<String>,
}

/// The gunicorn command Oryx runs for an auto-detected module (`scriptgenerator.go`
/// `buildGunicornCommandForModule`; docs/platform.md, "The gunicorn command"), with its `GUNICORN_CMD_ARGS`
/// written out as options: `--timeout 600`, logs to stdout, the image's `-c` config, `--workers` when
/// `PYTHON_ENABLE_GUNICORN_MULTIWORKERS` is true to Go's `strconv.ParseBool` (`t` included), the bind
/// address (`0.0.0.0:$PORT`, what gunicorn binds with `PORT` set even without `--bind`) and `--chdir` to
/// the app's folder (`$APP_PATH`: `/tmp/<id>` when Oryx built the app, else `/home/site/wwwroot`).
/// `settings` are the ones the container sees.
pub fn oryx_gunicorn_command(
    settings: &AppSettings,
    module: &str,
    asgi: bool,
    chdir: &str,
) -> String {
    let port = settings
        .get("PORT")
        .map_or(DEFAULT_PORT, |s| s.value.as_str());
    let mut command = format!(
        "gunicorn --bind=0.0.0.0:{port} --timeout 600 --access-logfile '-' --error-logfile '-' -c {IMAGE_GUNICORN_CONF}"
    );
    let multi = settings
        .get(MULTIWORKERS)
        .is_some_and(|s| BoolParser::Go.is_true(&s.value));
    if multi {
        let workers = settings
            .get("PYTHON_GUNICORN_CUSTOM_WORKER_NUM")
            .map_or_else(|| "<2 x CPUs + 1>".to_owned(), |s| s.value.clone());
        command.push_str(&format!(" --workers={workers}"));
        if let Some(threads) = settings.get("PYTHON_GUNICORN_CUSTOM_THREAD_NUM") {
            command.push_str(&format!(" --threads={}", threads.value));
        }
    }
    if asgi {
        command.push_str(&format!(" -k {ORYX_ASGI_WORKER}"));
    }
    command.push_str(&format!(" --chdir={chdir} {module}"));
    command
}

/// Where a source sets a value: the flag as given, or `path:line`.
pub fn describe_source(project: &Project, source: &Source) -> String {
    match source {
        Source::Flag(flag) => flag.to_string(),
        Source::File(span) => {
            let path = project.rel_path(span.file);
            match project.text(span.file) {
                Ok(text) => format!("{path}:{}", text.line_column(span.range.start()).0),
                Err(_) => path.to_owned(),
            }
        }
    }
}

fn quoted_list(items: &[&str], suffix: &str) -> String {
    items
        .iter()
        .map(|i| format!("`{i}{suffix}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every immediate subfolder holding `wsgi.py`, sorted by name as Go's `ioutil.ReadDir` returns them
/// (byte order); only `antenv` is skipped (FW:87-114).
pub fn wsgi_folders(project: &Project) -> Vec<(String, FileId)> {
    let mut folders: Vec<(String, FileId)> = project
        .files()
        .filter_map(|f| {
            let (dir, name) = project.rel_path(f).split_once('/')?;
            (name == "wsgi.py" && dir != ORYX_VENV).then(|| (dir.to_owned(), f))
        })
        .collect();
    folders.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    folders
}

/// What Oryx's FastAPI detection finds in a file's text: it reads the bytes and searches them, so a
/// comment, a string or a longer name (`from fastapi_users import ...`) counts, and `import flask` does not
/// exclude (`frameworks.go` `fastAPIDetector.detect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastApiText {
    /// `from fastapi` or `import fastapi` is in the text.
    pub imports: bool,
    /// `from flask` is in the text.
    pub flask: bool,
}

impl FastApiText {
    pub fn of(project: &Project, file: FileId) -> FastApiText {
        let bytes = project.bytes(file).unwrap_or_default();
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        FastApiText {
            imports: FASTAPI_TEXTS.iter().any(|t| has(t)),
            flask: has(FLASK_TEXT),
        }
    }

    /// Oryx takes the file for a FastAPI app.
    pub fn detected(self) -> bool {
        self.imports && !self.flask
    }
}

/// The first of Oryx's FastAPI file names at the root whose text Oryx's FastAPI detection takes.
pub fn fastapi_file(project: &Project) -> Option<(&'static str, FileId)> {
    FASTAPI_FILES.iter().find_map(|name| {
        let file = project.file(name)?;
        FastApiText::of(project, file)
            .detected()
            .then_some((*name, file))
    })
}

/// The start-up's Python version and where it comes from: the build's manifest (the site's version), the
/// repository's manifest, a `PYTHON_VERSION` app setting, or the image's (the site's version).
fn startup_python(
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
fn packages(project: &Project, manifest: Option<&Manifest>, built: bool) -> Packages {
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

fn root_entry(kind: EntryKind, file: FileId, name: &str, attribute: &str) -> EntryModule {
    EntryModule {
        kind,
        file,
        module: name.trim_end_matches(".py").to_owned(),
        attribute: attribute.to_owned(),
        import_root: String::new(),
    }
}

/// The startup file a command names (docs/platform.md, "The startup command").
fn startup_file(project: &Project, command: &str) -> Option<StartupFile> {
    let words: Vec<shell::Word> = shell::words(command);
    let plain = words.iter().all(|w| !w.operator);
    let named = match words.as_slice() {
        [one] if plain => Some((one, false)),
        [sh, one]
            if plain && matches!(sh.text.as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash") =>
        {
            Some((one, true))
        }
        _ => None,
    };
    named.and_then(|(word, via_shell)| {
        let file = project.file(&app_relative(&word.text));
        if file.is_none() && !via_shell && !looks_like_file(&word.text) {
            return None;
        }
        Some(StartupFile {
            path: word.text.clone(),
            file,
            whole: via_shell || word.text.ends_with(".sh"),
            range: word.range,
        })
    })
}

/// What a startup file runs: the whole file, or only its first line (docs/platform.md, "The startup command").
fn script_text(project: &Project, file: FileId, whole: bool) -> RunText {
    let text = match project.text(file) {
        Ok(text) if whole => text.text.clone(),
        Ok(text) => text
            .text
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_owned(),
        Err(_) => String::new(),
    };
    RunText::scan(project, text, Some(file))
}

/// A word that names a file rather than a program: a path or a script/text file name.
fn looks_like_file(word: &str) -> bool {
    word.contains('/')
        || [".sh", ".txt", ".bash", ".py", ".cfg"]
            .iter()
            .any(|ext| word.ends_with(ext))
}

/// A path as written in a command, relative to the app root (`./x`, `/home/site/wwwroot/x` → `x`).
fn app_relative(path: &str) -> String {
    let path = path
        .strip_prefix("/home/site/wwwroot/")
        .or_else(|| path.strip_prefix("$APP_PATH/"))
        .unwrap_or(path);
    path.trim_start_matches("./").to_owned()
}

/// `base` joined with a relative or app path, normalised; `None` for a path outside the app or one
/// this tool cannot follow (`$HOME`, `~`).
pub fn join_dir(base: &str, path: &str) -> Option<String> {
    let path = path.trim();
    let (mut parts, rest): (Vec<&str>, &str) = if let Some(rest) =
        ["/home/site/wwwroot", "$APP_PATH", "${APP_PATH}"]
            .iter()
            .find_map(|p| {
                path.strip_prefix(p)
                    .filter(|r| r.is_empty() || r.starts_with('/'))
            }) {
        (Vec::new(), rest)
    } else if path.starts_with('/')
        || path.starts_with('~')
        || path.contains('$')
        || path.contains('`')
    {
        return None;
    } else {
        (base.split('/').filter(|p| !p.is_empty()).collect(), path)
    };
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

impl RunText {
    /// Splits a text into its commands and servers, following `cd` (the only place it is followed).
    fn scan(project: &Project, text: String, file: Option<FileId>) -> RunText {
        let mut run = RunText {
            text: String::new(),
            file,
            servers: Vec::new(),
            cds: Vec::new(),
            commands: Vec::new(),
        };
        let mut cwd = Some(String::new());
        for (line, words) in shell::text_commands(&text) {
            let command = ShellCommand {
                words,
                line,
                cwd: cwd.clone(),
            };
            if command.words[0].text == "cd" {
                let dir = command.words.get(1);
                cwd = cd_to(cwd.as_deref(), dir.map(|d| d.text.as_str()));
                if let Some(dir) = dir {
                    run.cds.push(CdAt {
                        path: dir.text.clone(),
                        range: dir.range,
                        resolved: cwd.clone(),
                    });
                }
            }
            if let Some(server) = classify(command.words.clone(), line) {
                run.servers
                    .push(server_at(project, server, command.cwd.clone()));
            }
            run.commands.push(command);
        }
        run.text = text;
        run
    }
}

/// The folder a `cd` goes to from `cwd` (`None`: unknown): `cd` alone, `cd -`, a variable or a folder
/// outside the app cannot be followed; a folder named from the app root is known even after one that cannot.
fn cd_to(cwd: Option<&str>, dir: Option<&str>) -> Option<String> {
    let dir = dir.filter(|d| *d != "-")?;
    match cwd {
        Some(c) => join_dir(c, dir),
        None if dir.starts_with(['/', '$']) => join_dir("", dir),
        None => None,
    }
}

/// A server command with the folders it runs in, its target and its gunicorn configuration file.
fn server_at(project: &Project, command: ServerCommand, cwd: Option<String>) -> ServerAt {
    let gunicorn = command.kind == ServerKind::Gunicorn;
    let conf = if gunicorn {
        GunicornConf::lookup(
            project,
            cwd.as_deref(),
            command.value("--config").map(|w| w.text.as_str()),
        )
    } else {
        GunicornConf::None
    };
    let dir_option = match command.kind {
        ServerKind::Gunicorn => command.value("--chdir").map(|w| w.text.clone()),
        ServerKind::Uvicorn => command.value("--app-dir").map(|w| w.text.clone()),
        _ => None,
    };
    let dir_setting = match dir_option {
        Some(dir) => ConfValue::Literal(dir),
        None if gunicorn => conf.value(project, "chdir"),
        None => ConfValue::Unset,
    };
    let import_root = match (&cwd, dir_setting) {
        (Some(c), ConfValue::Literal(dir)) => join_dir(c, &dir),
        (c, ConfValue::Unset) => c.clone(),
        _ => None,
    };
    let paths = match command.value("--pythonpath") {
        Some(w) => ConfValue::Literal(w.text.clone()),
        None if gunicorn => conf.value(project, "pythonpath"),
        None => ConfValue::Unset,
    };
    let pythonpath = match (&import_root, paths) {
        (Some(base), ConfValue::Literal(list)) => list
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .filter_map(|p| join_dir(base, p))
            .collect(),
        _ => Vec::new(),
    };
    let mut server = ServerAt {
        cwd,
        import_root,
        module: None,
        attribute: None,
        factory: command.kind == ServerKind::Uvicorn && command.has_flag("--factory"),
        file: None,
        conf,
        pythonpath,
        command,
    };
    if let Some(target) = &server.command.target
        && !target.text.contains('$')
        && let Some((module, attribute)) = server.command.module_and_attribute()
    {
        let (name, call) = match attribute.split_once('(') {
            Some((name, _)) => (name.trim().to_owned(), true),
            None => (attribute.trim().to_owned(), false),
        };
        server.factory |= call;
        server.file = server
            .roots()
            .iter()
            .find_map(|root| resolve_module(project, root, &module));
        server.module = Some(module);
        server.attribute = Some(name);
    }
    server
}

/// The worker class a gunicorn command runs with, and where it is set.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerClass {
    /// Not set anywhere: gunicorn's `sync` worker.
    Default,
    /// Set to this class by `origin` (`-k`, `GUNICORN_CMD_ARGS`, a config file's path).
    Named { class: String, origin: String },
    /// Set in a way this tool cannot read.
    Unknown,
}

impl WorkerClass {
    /// Whether the worker serves ASGI apps: `None` for a class this tool does not know.
    pub fn serves_asgi(&self) -> Option<bool> {
        match self {
            WorkerClass::Default => Some(false),
            WorkerClass::Unknown => None,
            WorkerClass::Named { class, .. } => {
                let class = class.trim();
                let lower = class.to_ascii_lowercase();
                // uvicorn's workers, and gunicorn's own ASGI worker (`asgi`, gunicorn 25).
                if lower.contains("uvicorn")
                    || lower == "asgi"
                    || lower.contains("gasgi")
                    || lower.ends_with("#asgi")
                {
                    Some(true)
                } else if matches!(
                    class,
                    "sync"
                        | "gthread"
                        | "eventlet"
                        | "gevent"
                        | "tornado"
                        | "gevent_wsgi"
                        | "gevent_pywsgi"
                ) || class.starts_with("gunicorn.workers.")
                    || class.starts_with("egg:gunicorn#")
                {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }
}

/// The worker class of a gunicorn server: `-k` on the command line, else `GUNICORN_CMD_ARGS`, else the
/// config file (`-c FILE`, or `gunicorn.conf.py` in the working directory), else gunicorn's default.
pub fn worker_class(project: &Project, server: &ServerAt, settings: &AppSettings) -> WorkerClass {
    if let Some(value) = server.command.value("--worker-class") {
        return WorkerClass::Named {
            class: value.text.clone(),
            origin: format!(
                "`{}`",
                server
                    .command
                    .option("--worker-class")
                    .last()
                    .map_or("-k", |o| o.word.text.as_str())
            ),
        };
    }
    if let Some(args) = settings.get("GUNICORN_CMD_ARGS")
        && let Some(class) = worker_class_in_args(&args.value)
    {
        return WorkerClass::Named {
            class,
            origin: "GUNICORN_CMD_ARGS".to_owned(),
        };
    }
    match server.conf.value(project, "worker_class") {
        ConfValue::Unset => WorkerClass::Default,
        ConfValue::Unknown => WorkerClass::Unknown,
        ConfValue::Literal(class) => WorkerClass::Named {
            class,
            origin: match server.conf {
                GunicornConf::File(file) => project.rel_path(file).to_owned(),
                _ => "the gunicorn configuration".to_owned(),
            },
        },
    }
}

/// `-k CLASS` / `--worker-class[=]CLASS` in a `GUNICORN_CMD_ARGS` value.
fn worker_class_in_args(args: &str) -> Option<String> {
    let words = shell::words(args);
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        let text = w.text.as_str();
        if text == "-k" || text == "--worker-class" {
            found = words.get(i + 1).map(|v| v.text.clone());
        } else if let Some(v) = text.strip_prefix("--worker-class=") {
            found = Some(v.to_owned());
        } else if let Some(v) = text.strip_prefix("-k").filter(|v| !v.is_empty()) {
            found = Some(v.to_owned());
        }
    }
    found
}

/// A setting at the top level of a gunicorn configuration file (inside top-level `if`/`try` too):
/// the last string literal assigned, `Unknown` for any other value or a star import.
fn conf_value(project: &Project, file: FileId, name: &str) -> ConfValue {
    let parsed = project.python(file);
    if parsed.module.is_none() {
        return ConfValue::Unknown;
    }
    let mut result = ConfValue::Unset;
    let mut stack: Vec<&Stmt> = parsed.body().iter().rev().collect();
    while let Some(stmt) = stack.pop() {
        match stmt {
            Stmt::Assign(assign) => {
                let named = assign
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name));
                if named {
                    result = match assign.value.as_ref() {
                        Expr::StringLiteral(s) => ConfValue::Literal(s.value.to_str().to_owned()),
                        _ => return ConfValue::Unknown,
                    };
                }
            }
            Stmt::ImportFrom(import) if import.names.iter().any(|a| a.name.as_str() == "*") => {
                return ConfValue::Unknown;
            }
            Stmt::If(s) => {
                for clause in s.elif_else_clauses.iter().rev() {
                    stack.extend(clause.body.iter().rev());
                }
                stack.extend(s.body.iter().rev());
            }
            Stmt::Try(s) => {
                stack.extend(s.finalbody.iter().rev());
                stack.extend(s.orelse.iter().rev());
                stack.extend(s.body.iter().rev());
            }
            _ => {}
        }
    }
    result
}

/// What an app object's name resolves to in the entry module of a start.
pub fn entry_object(project: &Project, entry: &EntryModule) -> Resolved {
    apps::resolve_name(
        project,
        entry.file,
        &entry.attribute,
        std::slice::from_ref(&entry.import_root),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::app_settings::AppSettings;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn flag(command: &str) -> Option<StartupCommand> {
        Some(StartupCommand {
            command: command.to_owned(),
            source: Source::Flag("--startup-command".into()),
        })
    }

    const FLASK: &str = "from flask import Flask\napp = Flask(__name__)\n";
    const FASTAPI: &str = "from fastapi import FastAPI\napp = FastAPI()\n";

    #[test]
    fn auto_detection_order() {
        let (_d, p) = project(&[
            ("app.py", FLASK),
            ("zeta/wsgi.py", "application = None\n"),
            ("alpha/wsgi.py", "application = None\n"),
            ("antenv/wsgi.py", ""),
        ]);
        let s = Startup::detect(&p, None, PythonVersion::PY312);
        assert_eq!(s.kind, StartupKind::Django);
        assert_eq!(s.entry.as_ref().unwrap().module, "alpha.wsgi");
        let dirs: Vec<&str> = s.wsgi_folders.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(dirs, ["alpha", "zeta"]);

        let (_d, p) = project(&[("main.py", FASTAPI), ("app.py", FLASK)]);
        let s = Startup::detect(&p, None, PythonVersion::PY314);
        assert_eq!(s.kind, StartupKind::FastApi);
        assert_eq!(s.entry.as_ref().unwrap().module, "main");
        let s = Startup::detect(&p, None, PythonVersion::PY313);
        assert_eq!(s.kind, StartupKind::Flask);
        assert_eq!(s.entry.as_ref().unwrap().module, "app");
        assert!(s.fastapi_skipped.is_some());

        // Detection is a text search: `from flask` anywhere disqualifies a file (even in a comment or as
        // `from flask_cors`), `import flask` does not; `from fastapi`/`import fastapi` anywhere counts
        // (a comment, a string, `from fastapi_users`), a bare mention of fastapi does not.
        let (_d, p) = project(&[
            ("main.py", "import fastapi\n# from flask_cors import CORS\n"),
            ("app.py", "# fastapi\nimport os\n"),
            (
                "application.py",
                "import flask\nHELP = 'import fastapi to serve'\n",
            ),
        ]);
        let s = Startup::detect(&p, None, PythonVersion::PY314);
        assert_eq!(s.kind, StartupKind::FastApi);
        assert_eq!(s.entry.as_ref().unwrap().module, "application");
        let (_d, p) = project(&[("server.py", "from fastapi_users import FastAPIUsers\n")]);
        let s = Startup::detect(&p, None, PythonVersion::PY314);
        assert_eq!(s.kind, StartupKind::FastApi);
        let (_d, p) = project(&[(
            "main.py",
            "from flask_cors import CORS\nfrom fastapi import FastAPI\n",
        )]);
        let s = Startup::detect(&p, None, PythonVersion::PY314);
        assert_eq!(s.kind, StartupKind::Default);

        let (_d, p) = project(&[("hello.py", FLASK)]);
        let s = Startup::detect(&p, None, PythonVersion::PY314);
        assert_eq!(s.kind, StartupKind::Default);
        assert!(s.entry.is_none());
    }

    #[test]
    fn what_oryx_reads_around_the_command() {
        use crate::platform::sources::manifest::Manifest;
        let setting = |name: &str, value: &str| Setting {
            name: name.to_owned(),
            value: value.to_owned(),
            source: Source::flag("--app-setting"),
            value_span: None,
        };
        let (_d, p) = project(&[
            ("main.py", FASTAPI),
            (
                "oryx-manifest.toml",
                "PythonVersion=\"3.12.9\"\nVirtualEnvName=\"antenv\"\nCompressDestinationDir=\"false\"\n",
            ),
            ("antenv/pyvenv.cfg", ""),
        ]);
        let mut inputs = StartupInputs::new(None, PythonVersion::PY314);
        inputs.manifest = Manifest::load(&p);
        // The build rewrites the manifest: the site's version and an activated `antenv`.
        let built = Startup::detect_with(&p, inputs.clone());
        assert_eq!(built.python, Some(PythonVersion::PY314));
        assert_eq!(built.kind, StartupKind::FastApi);
        assert!(matches!(built.packages, Packages::Activated { .. }));
        // Deployed as it is: the manifest's 3.12 turns FastAPI detection off, and an uncompressed
        // output with no build folder named is not activated.
        inputs.build_runs = BuildRuns::No;
        let shipped = Startup::detect_with(&p, inputs.clone());
        assert_eq!(shipped.python, Some(PythonVersion::PY312));
        assert_eq!(shipped.python_text(), "3.12.9");
        assert!(matches!(shipped.fastapi_gate, FastApiGate::TooOld));
        assert_eq!(shipped.kind, StartupKind::Default);
        assert!(matches!(shipped.packages, Packages::OnPythonPath { .. }));
        assert!(!shipped.compressed);
        // Without a manifest, a `PYTHON_VERSION` app setting replaces the image's.
        inputs.manifest = None;
        inputs.runtime.insert(setting("PYTHON_VERSION", "3.13"));
        let env = Startup::detect_with(&p, inputs.clone());
        assert_eq!(env.python, Some(PythonVersion::PY313));

        // DISABLE_FASTAPI_DETECTION: Go booleans; a value Go rejects writes no script.
        let mut inputs = StartupInputs::new(None, PythonVersion::PY314);
        inputs
            .runtime
            .insert(setting(DISABLE_FASTAPI_DETECTION, "t"));
        assert_eq!(
            Startup::detect_with(&p, inputs.clone()).kind,
            StartupKind::Default
        );
        inputs
            .runtime
            .insert(setting(DISABLE_FASTAPI_DETECTION, "yes"));
        let panics = Startup::detect_with(&p, inputs.clone());
        assert_eq!(panics.kind, StartupKind::NoScript);
        assert!(panics.entry.is_none() && panics.steps(&p).is_empty());
        assert_eq!(panics.invalid_booleans.len(), 1);

        // PRE_RUN_COMMAND runs before HOST/PORT and the packages; multi-workers take `t`.
        let mut inputs = StartupInputs::new(None, PythonVersion::PY314);
        inputs.pre_run = Some(setting("PRE_RUN_COMMAND", "sh prep.sh"));
        inputs.runtime.insert(setting(MULTIWORKERS, "t"));
        let s = Startup::detect_with(&p, inputs);
        let steps = s.steps(&p);
        let at = |needle: &str| steps.iter().position(|x| x.contains(needle)).unwrap();
        assert!(at("PRE_RUN_COMMAND") < at("HOST=0.0.0.0"));
        assert!(at("HOST=0.0.0.0") < at("site-packages"));
        let plan = s.plan(&p, &AppSettings::default());
        assert!(
            plan.command.contains("--workers=<2 x CPUs + 1>"),
            "{}",
            plan.command
        );
    }

    #[test]
    fn startup_files_and_first_lines() {
        let (_d, p) = project(&[
            ("src/app.py", FLASK),
            ("startup.txt", "gunicorn --chdir src app:app\necho never\n"),
            ("startup.sh", "#!/bin/sh\ncd src\nexec gunicorn app:app\n"),
        ]);
        let s = Startup::detect(&p, flag("startup.txt"), PythonVersion::PY312);
        let sf = s.startup_file.as_ref().unwrap();
        assert!(sf.file.is_some() && !sf.whole);
        assert_eq!(s.run().unwrap().text, "gunicorn --chdir src app:app");
        assert_eq!(s.entry.as_ref().unwrap().import_root, "src");
        assert_eq!(s.scripts.len(), 1);

        let s = Startup::detect(&p, flag("./startup.sh"), PythonVersion::PY312);
        assert!(s.startup_file.as_ref().unwrap().whole);
        let server = &s.servers()[0];
        assert_eq!(server.cwd.as_deref(), Some("src"));
        assert_eq!(p.rel_path(server.file.unwrap()), "src/app.py");

        let s = Startup::detect(
            &p,
            flag("sh /home/site/wwwroot/startup.sh"),
            PythonVersion::PY312,
        );
        assert!(s.startup_file.as_ref().unwrap().file.is_some());

        let s = Startup::detect(&p, flag("run.sh"), PythonVersion::PY312);
        let sf = s.startup_file.as_ref().unwrap();
        assert!(sf.file.is_none() && sf.whole);

        // A one-word program is not a file.
        let s = Startup::detect(&p, flag("gunicorn"), PythonVersion::PY312);
        assert!(s.startup_file.is_none());

        // Without a command, root startup files are assumed, not run.
        let s = Startup::detect(&p, None, PythonVersion::PY312);
        assert_eq!(s.scripts.len(), 2);
        assert!(s.scripts.iter().all(|x| !x.configured));
        assert_eq!(s.kind, StartupKind::Default);
    }

    #[test]
    fn custom_command_targets() {
        let (_d, p) = project(&[
            ("src/proj/__init__.py", ""),
            ("src/proj/wsgi.py", "application = None\n"),
            ("api/main.py", FASTAPI),
        ]);
        let s = Startup::detect(
            &p,
            flag("cd src && gunicorn --workers 2 proj.wsgi"),
            PythonVersion::PY312,
        );
        let e = s.entry.as_ref().unwrap();
        assert_eq!(
            (e.module.as_str(), e.attribute.as_str()),
            ("proj.wsgi", "application")
        );
        assert_eq!(e.import_root, "src");

        let s = Startup::detect(
            &p,
            flag("gunicorn --chdir=/home/site/wwwroot/api 'main:create()'"),
            PythonVersion::PY312,
        );
        let server = &s.servers()[0];
        assert!(server.factory);
        assert_eq!(server.attribute.as_deref(), Some("create"));
        assert_eq!(server.import_root.as_deref(), Some("api"));

        let s = Startup::detect(
            &p,
            flag("python -m uvicorn --app-dir api main:app"),
            PythonVersion::PY312,
        );
        assert_eq!(p.rel_path(s.entry.unwrap().file), "api/main.py");

        let s = Startup::detect(
            &p,
            flag("gunicorn --pythonpath api main:app"),
            PythonVersion::PY312,
        );
        assert_eq!(p.rel_path(s.entry.unwrap().file), "api/main.py");

        let (_d, p) = project(&[
            ("src/app.py", "app = None\n"),
            ("lib/shared.py", ""),
            ("gunicorn.conf.py", "chdir = 'src'\npythonpath = '../lib'\n"),
            (
                "conf/dynamic.py",
                "import os\nchdir = os.environ['APP_DIR']\n",
            ),
        ]);
        let s = Startup::detect(&p, flag("gunicorn app:app"), PythonVersion::PY312);
        let server = &s.servers()[0];
        assert_eq!(server.import_root.as_deref(), Some("src"));
        assert_eq!(server.roots(), ["src", "lib"]);
        assert_eq!(p.rel_path(server.file.unwrap()), "src/app.py");
        let s = Startup::detect(
            &p,
            flag("gunicorn -c conf/dynamic.py app:app"),
            PythonVersion::PY312,
        );
        assert_eq!(s.servers()[0].import_root, None);

        // `cd` is followed once, here: `$APP_PATH` and absolute app folders are known even after an
        // unknown one; `cd -` and `cd` alone are not followed.
        assert_eq!(
            cd_to(Some("src"), Some("$APP_PATH/api")),
            Some("api".into())
        );
        assert_eq!(
            cd_to(None, Some("/home/site/wwwroot/api")),
            Some("api".into())
        );
        assert_eq!(cd_to(None, Some("api")), None);
        assert_eq!(cd_to(Some("src"), Some("-")), None);
        assert_eq!(cd_to(Some("src"), None), None);
        let conf = |cwd, config| GunicornConf::lookup(&p, cwd, config);
        assert_eq!(
            conf(Some(""), Some("python:gunicorn")),
            GunicornConf::Unknown
        );
        assert_eq!(
            conf(Some(""), Some("/opt/startup/gunicorn.conf.py")),
            GunicornConf::Unknown
        );
        assert_eq!(conf(Some("src"), Some("../missing.py")), GunicornConf::None);
        assert!(matches!(
            conf(Some(""), Some("file:conf/dynamic.py")),
            GunicornConf::File(_)
        ));
        assert!(matches!(
            conf(Some(""), Some("python:conf.dynamic")),
            GunicornConf::File(_)
        ));
        assert_eq!(conf(None, None), GunicornConf::Unknown);

        assert_eq!(join_dir("src", "../api/./x"), Some("api/x".into()));
        assert_eq!(join_dir("src", "../.."), None);
        assert_eq!(join_dir("src", "/opt/x"), None);
        assert_eq!(join_dir("src", "/home/site/wwwroot"), Some(String::new()));
    }

    #[test]
    fn plans() {
        let settings = AppSettings::default();
        let (_d, p) = project(&[("app.py", FLASK)]);
        let plan = Startup::detect(&p, None, PythonVersion::PY312).plan(&p, &settings);
        assert_eq!(plan.kind, StartupKind::Flask);
        assert_eq!(
            plan.command,
            "gunicorn --bind=0.0.0.0:8000 --timeout 600 --access-logfile '-' --error-logfile '-' -c /opt/startup/gunicorn.conf.py --chdir=$APP_PATH app:app"
        );
        assert_eq!(plan.attribute.as_deref(), Some("app"));

        let (_d, p) = project(&[("main.py", FASTAPI)]);
        let plan = Startup::detect(&p, None, PythonVersion::PY314).plan(&p, &settings);
        assert_eq!(plan.kind, StartupKind::FastApi);
        assert!(
            plan.command
                .ends_with("-k uvicorn_worker.UvicornWorker --chdir=$APP_PATH main:app")
        );
        let plan = Startup::detect(&p, None, PythonVersion::PY312).plan(&p, &settings);
        assert_eq!(plan.kind, StartupKind::Default);
        assert!(
            plan.command
                .ends_with("--chdir=/opt/defaultsite application:app")
        );
        assert!(
            plan.reason.contains(
                "`main.py` imports fastapi, but Oryx detects FastAPI apps only on Python 3.14"
            ),
            "{}",
            plan.reason
        );

        let (_d, p) = project(&[("startup.txt", "gunicorn app:app\n\n"), ("app.py", FLASK)]);
        let plan =
            Startup::detect(&p, flag("startup.txt"), PythonVersion::PY312).plan(&p, &settings);
        assert_eq!(plan.kind, StartupKind::Custom);
        assert_eq!(plan.command, "gunicorn app:app");
        assert_eq!(plan.source, "--startup-command");
        assert_eq!(plan.module.as_deref(), Some("app"));
        assert_eq!(plan.startup_file.as_deref(), Some("startup.txt"));
    }

    #[test]
    fn worker_classes() {
        let settings = AppSettings::default();
        let (_d, p) = project(&[
            ("main.py", FASTAPI),
            (
                "gunicorn.conf.py",
                "worker_class = 'uvicorn_worker.UvicornWorker'\n",
            ),
            ("conf/sync.py", "import os\nworkers = 2\n"),
        ]);
        let class = |cmd: &str| {
            let s = Startup::detect(&p, flag(cmd), PythonVersion::PY312);
            worker_class(&p, &s.servers()[0], &settings)
        };
        assert_eq!(class("gunicorn main:app").serves_asgi(), Some(true));
        assert_eq!(
            class("gunicorn -c conf/sync.py main:app"),
            WorkerClass::Default
        );
        assert_eq!(
            class("gunicorn -k gthread main:app").serves_asgi(),
            Some(false)
        );
        assert_eq!(class("gunicorn -k asgi main:app").serves_asgi(), Some(true));
        assert_eq!(
            class("gunicorn -k myworkers.Custom main:app").serves_asgi(),
            None
        );
        assert_eq!(
            worker_class_in_args("--timeout 600 -kuvicorn.workers.UvicornWorker").as_deref(),
            Some("uvicorn.workers.UvicornWorker")
        );
    }
}

#[cfg(test)]
mod plan_fixture_tests {
    use crate::platform::{Inputs, Platform};
    use crate::project::Project;

    /// The start-up plan of a `fixtures/plan/<case>` app, with the flags of its `.args`.
    fn plan_of(case: &str) -> super::StartupPlan {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/plan")
            .join(case);
        let mut config = Inputs::default();
        if let Ok(args) = std::fs::read_to_string(root.join(".args")) {
            let words = shlex::split(args.trim()).expect("shell words");
            let mut it = words.iter();
            while let Some(w) = it.next() {
                if w == "--startup-command" {
                    config.startup_command = it.next().cloned();
                }
            }
        }
        let project = Project::discover(&root).unwrap();
        let platform = Platform::build(&project, &config);
        platform.startup.plan(&project, &platform.app_settings)
    }

    #[test]
    fn acceptance_cases() {
        use super::StartupKind::*;
        const ORYX: &str = "gunicorn --bind=0.0.0.0:8000 --timeout 600 --access-logfile '-' --error-logfile '-' -c /opt/startup/gunicorn.conf.py";
        type Case<'a> = (
            &'a str,
            super::StartupKind,
            String,
            Option<&'a str>,
            Option<&'a str>,
        );
        let cases: [Case; 6] = [
            (
                "flask-root-app",
                Flask,
                format!("{ORYX} --chdir=$APP_PATH app:app"),
                Some("app:app"),
                None,
            ),
            (
                "hello-myapp",
                Default,
                format!("{ORYX} --chdir=/opt/defaultsite application:app"),
                None,
                Some("gunicorn --bind=0.0.0.0 --timeout 600 hello:myapp"),
            ),
            (
                "django-in-src",
                Default,
                format!("{ORYX} --chdir=/opt/defaultsite application:app"),
                None,
                Some("gunicorn --bind=0.0.0.0 --timeout 600 --chdir src proj.wsgi"),
            ),
            (
                "two-wsgi-folders",
                Django,
                format!("{ORYX} --chdir=$APP_PATH deploy.wsgi"),
                Some("deploy.wsgi:application"),
                Some("gunicorn --bind=0.0.0.0 --timeout 600 mysite.wsgi"),
            ),
            (
                "fastapi-main",
                FastApi,
                format!("{ORYX} -k uvicorn_worker.UvicornWorker --chdir=$APP_PATH main:app"),
                Some("main:app"),
                None,
            ),
            (
                "fastapi-main-custom",
                Custom,
                "gunicorn -k uvicorn.workers.UvicornWorker main:app".to_owned(),
                Some("main:app"),
                None,
            ),
        ];
        for (case, kind, command, target, suggested) in cases {
            let plan = plan_of(case);
            assert_eq!(plan.kind, kind, "{case}");
            assert_eq!(plan.command, command, "{case}");
            let got = plan
                .module
                .as_ref()
                .map(|m| format!("{m}:{}", plan.attribute.as_deref().unwrap_or("")));
            assert_eq!(got.as_deref(), target, "{case}");
            assert_eq!(plan.suggested_command.as_deref(), suggested, "{case}");
        }
    }
}
