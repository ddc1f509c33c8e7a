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

use crate::platform::app_settings::{AppSettings, Source};
use crate::platform::apps::{self, AppObject};
use crate::platform::command::ServerKind;
use crate::platform::gunicorn::GunicornSettings;
use crate::platform::modules::{EntryKind, EntryModule};
use crate::platform::shell;
use crate::platform::startup::calls::{ServerCall, server_calls};
use crate::platform::startup::detect::{
    FLASK_FILES, WrongWsgi, fastapi_file, root_entry, wrong_wsgi, wsgi_folders,
};
use crate::platform::startup::text::{Server, StartupText};
use crate::project::{FileId, Project, PythonVersion};

/// The root files taken as the startup command when no source sets one, in the order they are tried.
pub const ROOT_STARTUP_FILES: &[&str] = &["startup.sh", "startup.txt"];

/// The startup command a configuration source sets, with that source.
#[derive(Debug, Clone)]
pub struct StartupCommand {
    pub command: String,
    pub source: Source,
}

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
}

impl StartupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StartupKind::Custom => "custom",
            StartupKind::Django => "django",
            StartupKind::Flask => "flask",
            StartupKind::FastApi => "fastapi",
            StartupKind::Default => "default",
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
    /// A root file importing FastAPI that Oryx does not start because Python is older than 3.14.
    pub fastapi_skipped: Option<FileId>,
    /// The Python version the detection used.
    pub python: Option<PythonVersion>,
    apps: OnceCell<Vec<AppObject>>,
}

impl Startup {
    pub fn detect(
        project: &Project,
        command: Option<StartupCommand>,
        python: PythonVersion,
        app_settings: &AppSettings,
    ) -> Startup {
        let mut startup = Startup {
            command,
            python: Some(python),
            wsgi_folders: wsgi_folders(project),
            ..Startup::default()
        };
        if let Some(cmd) = startup.command.clone() {
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
            startup.run = Some(StartupText::of_file(project, app_settings, file, whole));
        } else {
            startup.auto_detect(project, python);
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
            StartupKind::Default => GunicornStart::None,
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

    /// Oryx's auto-detection when there is no custom command.
    fn auto_detect(&mut self, project: &Project, python: PythonVersion) {
        if let Some((dir, file)) = self.wsgi_folders.first() {
            self.kind = StartupKind::Django;
            self.entry = Some(EntryModule {
                kind: EntryKind::Django,
                file: *file,
                module: format!("{dir}.wsgi"),
                attribute: "application".to_owned(),
                import_root: String::new(),
            });
            return;
        }
        if let Some((name, file)) = fastapi_file(project) {
            if python >= PythonVersion::PY314 {
                self.kind = StartupKind::FastApi;
                self.entry = Some(root_entry(EntryKind::FastApi, file, name, "app"));
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

    /// Every app object and factory in the repository, best first (searched once, on first use).
    pub fn app_objects(&self, project: &Project) -> &[AppObject] {
        self.apps.get_or_init(|| apps::find_app_objects(project))
    }

    /// Why auto-detection's Django pick is not the app's (AZ203), if it is not.
    pub fn wrong_wsgi(&self, project: &Project, settings: &AppSettings) -> Option<WrongWsgi> {
        if self.kind != StartupKind::Django {
            return None;
        }
        wrong_wsgi(
            project,
            settings,
            &self.wsgi_folders,
            self.python.unwrap_or(PythonVersion::PY314),
            self.app_objects(project),
        )
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
