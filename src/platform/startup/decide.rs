//! The start-up decision, made once: what App Service starts and why. A startup command from a
//! configuration source comes first; without one, a root `startup.sh`/`startup.txt` is taken as the startup
//! command (an assumption the model records: App Service runs the file only when the site's startup command
//! names it, and that setting lives in the site, not in the repository); without either, Oryx's
//! auto-detection decides. Every rule and `plan` read this decision; none makes its own.
//!
//! The container's `init_container.sh` takes the startup command first: one word naming a file runs that
//! file when it is a `.sh` script and otherwise uses only the file's first line as the command; any other
//! text is the command. Without a command, Oryx's start-up script generator (`scriptgenerator.go`,
//! `frameworks.go` in microsoft/Oryx) tries, in order: Django (the first immediate subfolder, by name, holding
//! `wsgi.py`), FastAPI (Python 3.14 and later only), Flask (the first of `application.py`, `app.py`,
//! `run.py`, `index.py`, `server.py`, `wsgi.py` at the root), and otherwise starts the default page.

use std::cell::OnceCell;

use ruff_text_size::TextRange;
use serde::Serialize;

use crate::platform::app_settings::{AppSettings, BoolParser, InvalidBoolean, Setting, Source};
use crate::platform::apps::{self, AppObject};
use crate::platform::command::ServerKind;
use crate::platform::gunicorn::GunicornSettings;
use crate::platform::modules::{EntryKind, EntryModule};
use crate::platform::oryx::BuildRuns;
use crate::platform::shell;
use crate::platform::sources::manifest::Manifest;
use crate::platform::sources::values::AppsvcRun;
use crate::platform::startup::calls::{ServerCall, server_calls};
use crate::platform::startup::detect::{
    DISABLE_FASTAPI_DETECTION, FASTAPI_FILES, FLASK_FILES, FastApiText, MULTIWORKERS, WrongWsgi,
    fastapi_file, root_entry, wrong_wsgi, wsgi_folders,
};
use crate::platform::startup::script::{
    FastApiGate, Packages, PythonSource, StartupCommand, StartupInputs, packages, startup_python,
};
use crate::platform::startup::text::{Server, StartupText};
use crate::project::{FileId, Project, PythonVersion};

/// The root files taken as the startup command when no source sets one, in the order they are tried.
pub const ROOT_STARTUP_FILES: &[&str] = &["startup.sh", "startup.txt"];

/// Why the start-up runs what it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StartupDecision {
    /// A configuration source sets the startup command.
    Configured(Source),
    /// No source sets a startup command, and this root startup file is taken as the startup command: a
    /// user who wrote the file almost always configured it, in the portal or with
    /// `az webapp config set --startup-file`, where the repository cannot show it.
    AssumedStartupFile(FileId),
    /// No startup command and no root startup file: Oryx's auto-detection decides.
    #[default]
    AutoDetected,
}

/// How the app is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StartupKind {
    /// The startup command (or the startup file it names, or the root startup file taken as it).
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

/// The startup file that runs: the one the startup command names (`startup.sh`, `startup.txt`,
/// `sh scripts/start.sh`), or the root startup file taken as the startup command.
#[derive(Debug, Clone)]
pub struct StartupFile {
    /// As written in the command (the root file's name when it is assumed).
    pub path: String,
    /// `None`: not in the app.
    pub file: Option<FileId>,
    /// The whole file runs (a `.sh` file, or `sh FILE`); otherwise only its first line is the command.
    pub whole: bool,
    /// The range of the path in the command text (empty when the file is assumed).
    pub range: TextRange,
    /// For a file that gives only its first line: the later lines holding a command (not blank, not a
    /// comment), which never run, with their 1-based numbers and ranges in the file.
    pub unused_lines: Vec<(usize, TextRange, String)>,
}

/// How gunicorn runs, if it does.
#[derive(Debug, Clone, Default)]
pub enum GunicornStart {
    /// No gunicorn: another server, the default page, or nothing known.
    #[default]
    None,
    /// The start Oryx composes for an auto-detected app, with the settings it gives gunicorn.
    Auto(GunicornSettings),
    /// A custom start: the server at this index of the run text's servers.
    Custom(usize),
}

#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// The startup command a configuration source sets, as given.
    pub command: Option<StartupCommand>,
    /// Why the start-up runs what it runs: the one decision every rule and `plan` read.
    pub decision: StartupDecision,
    /// The startup file that runs: the one the configured command names (maybe missing from the app), or
    /// the root startup file taken as the startup command.
    pub startup_file: Option<StartupFile>,
    pub kind: StartupKind,
    pub entry: Option<EntryModule>,
    /// What a custom start runs: the startup file's text when the file is in the app, else the command.
    run: Option<StartupText>,
    pub gunicorn: GunicornStart,
    /// The servers the entry module starts when it is imported (outside `if __name__ == "__main__":`).
    pub entry_calls: Vec<ServerCall>,
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
    apps: OnceCell<Vec<AppObject>>,
}

impl Startup {
    /// The start-up of a built app with `command` on `python`, the container seeing `app_settings` (tests).
    #[cfg(test)]
    pub fn detect(
        project: &Project,
        command: Option<StartupCommand>,
        python: PythonVersion,
        app_settings: &AppSettings,
    ) -> Startup {
        let mut inputs = StartupInputs::new(command, python);
        inputs.runtime = app_settings.clone();
        Startup::detect_with(project, inputs)
    }

    /// The one start-up decision, from what the configuration gives.
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
        let app_settings = &inputs.runtime;
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
        if let Some(cmd) = startup.command.clone() {
            startup.fastapi_gate = FastApiGate::NotReached;
            startup.kind = StartupKind::Custom;
            startup.decision = StartupDecision::Configured(cmd.source.clone());
            let startup_file = startup_file(project, &cmd.command);
            startup.run = Some(match startup_file.as_ref().and_then(|f| f.file) {
                Some(file) => StartupText::of_file(
                    project,
                    app_settings,
                    file,
                    startup_file.as_ref().is_some_and(|f| f.whole),
                ),
                None => StartupText::of_command(project, app_settings, &cmd.command, &cmd.source),
            });
            startup.startup_file = startup_file;
        } else if let Some((name, file)) = ROOT_STARTUP_FILES
            .iter()
            .find_map(|name| Some((*name, project.file(name)?)))
        {
            let whole = name.ends_with(".sh");
            startup.kind = StartupKind::Custom;
            startup.decision = StartupDecision::AssumedStartupFile(file);
            startup.startup_file = Some(StartupFile {
                path: name.to_owned(),
                file: Some(file),
                whole,
                range: TextRange::default(),
                unused_lines: unused_lines(project, file, whole),
            });
            startup.fastapi_gate = FastApiGate::NotReached;
            startup.run = Some(StartupText::of_file(project, app_settings, file, whole));
        } else {
            startup.auto_detect(project);
        }
        if startup.kind == StartupKind::Custom {
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
        }
        startup.gunicorn = match startup.kind {
            StartupKind::Custom => startup
                .servers()
                .iter()
                .position(|s| s.command.kind == ServerKind::Gunicorn)
                .map_or(GunicornStart::None, GunicornStart::Custom),
            StartupKind::Django | StartupKind::Flask | StartupKind::FastApi => {
                GunicornStart::Auto(GunicornSettings::auto_start(project))
            }
            StartupKind::Default | StartupKind::NoScript => GunicornStart::None,
        };
        // A custom start that runs no server importing the entry module (a `python` script) does not
        // import it the way gunicorn does.
        let imports_entry = startup.kind != StartupKind::Custom
            || startup
                .servers()
                .iter()
                .any(|s| matches!(s.command.kind, ServerKind::Gunicorn | ServerKind::Uvicorn));
        if let Some(entry) = &startup.entry
            && imports_entry
        {
            startup.entry_calls = server_calls(
                project,
                app_settings,
                entry.file,
                &entry.import_root,
                false,
                Some(entry.attribute.as_str()),
            );
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

    /// The root startup file taken as the startup command, when no source sets one.
    pub fn assumed_file(&self) -> Option<FileId> {
        match self.decision {
            StartupDecision::AssumedStartupFile(file) => Some(file),
            _ => None,
        }
    }

    /// What a custom start runs: the startup file's text (the whole `.sh` script, or another file's first
    /// line), else the startup command.
    pub fn run(&self) -> Option<&StartupText> {
        self.run.as_ref()
    }

    /// The servers a custom start runs.
    pub fn servers(&self) -> &[Server] {
        self.run().map_or(&[], |r| r.servers.as_slice())
    }

    /// The gunicorn server of a custom start, if it runs one.
    pub fn gunicorn_server(&self) -> Option<&Server> {
        match self.gunicorn {
            GunicornStart::Custom(i) => self.servers().get(i),
            _ => None,
        }
    }

    /// The settings gunicorn starts with, if gunicorn starts the app.
    pub fn gunicorn_settings(&self) -> Option<&GunicornSettings> {
        match &self.gunicorn {
            GunicornStart::Auto(settings) => Some(settings),
            GunicornStart::Custom(_) => self.gunicorn_server()?.gunicorn.as_ref(),
            GunicornStart::None => None,
        }
    }

    /// Whether the server marks a request the front end received over HTTPS as `https` by itself (it
    /// trusts `X-Forwarded-Proto` from App Service's front end): gunicorn or uvicorn with
    /// `forwarded_allow_ips` `*`, from its command, config file, or `FORWARDED_ALLOW_IPS` in the
    /// environment. `None`: cannot be told (another server, a list of addresses, an unread config).
    pub fn server_trusts_forwarded_proto(&self) -> Option<bool> {
        let server = match &self.gunicorn {
            GunicornStart::Custom(_) => self.gunicorn_server(),
            GunicornStart::Auto(_) => None,
            GunicornStart::None => match self.servers() {
                [one] => Some(one),
                _ => return None,
            },
        };
        // What the server's process sees: a `NAME=value` word before the program, else the app setting.
        let env: Option<String> = server
            .and_then(|s| {
                s.env
                    .iter()
                    .rev()
                    .find(|(name, _)| name == "FORWARDED_ALLOW_IPS")
                    .map(|(_, value)| value.clone())
            })
            .or_else(|| {
                self.runtime
                    .get("FORWARDED_ALLOW_IPS")
                    .map(|s| s.value.clone())
            });
        if let Some(gunicorn) = self.gunicorn_settings() {
            return gunicorn.trusts_any_proxy(env.as_deref());
        }
        let server = server?;
        if server.command.kind != ServerKind::Uvicorn {
            return None;
        }
        // uvicorn reads `--forwarded-allow-ips`, else FORWARDED_ALLOW_IPS, else trusts 127.0.0.1 only.
        let given = server
            .command
            .value("--forwarded-allow-ips")
            .map(|w| w.text.clone())
            .or(env);
        match given {
            None => Some(false),
            Some(text) if text.split(',').any(|ip| ip.trim() == "*") => Some(true),
            Some(_) => None,
        }
    }

    /// Every app object and factory in the repository, best first (searched once, on first use).
    pub fn app_objects(&self, project: &Project) -> &[AppObject] {
        self.apps.get_or_init(|| apps::find_app_objects(project))
    }

    /// Why auto-detection's Django pick is not the app's (AZ203), if it is not.
    pub fn wrong_wsgi(&self, project: &Project, settings: &AppSettings) -> Option<WrongWsgi> {
        if self.kind != StartupKind::Django {
            return None;
        }
        wrong_wsgi(project, settings, &self.wsgi_folders, self.python, || {
            self.app_objects(project)
        })
    }
}

/// The startup file a command names: one word naming a file, or `sh FILE` (App Service's
/// `init_container.sh`).
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
        let whole = via_shell || word.text.ends_with(".sh");
        Some(StartupFile {
            path: word.text.clone(),
            file,
            whole,
            range: word.range,
            unused_lines: file.map_or_else(Vec::new, |f| unused_lines(project, f, whole)),
        })
    })
}

/// The lines after the first of a startup file that gives only its first line, when they hold a command.
fn unused_lines(project: &Project, file: FileId, whole: bool) -> Vec<(usize, TextRange, String)> {
    if whole {
        return Vec::new();
    }
    let Ok(text) = project.text(file) else {
        return Vec::new();
    };
    text.lines()
        .skip(1)
        .filter(|(_, _, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(n, range, l)| (n, range, l.to_owned()))
        .collect()
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
