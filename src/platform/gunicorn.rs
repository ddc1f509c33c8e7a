//! What gunicorn will do, on top of [`Startup`] (which reads the startup command and files once, splits
//! them into commands and servers and follows `cd`): where each text sits for fixes, the gunicorn settings
//! that apply, and the servers a Python module starts by itself (`app.run()`, `uvicorn.run()`,
//! `web.run_app()`).
//!
//! Gunicorn reads its settings from, lowest first: the config file, the `GUNICORN_CMD_ARGS` environment
//! variable, the command line (gunicorn `app/base.py`, `load_config`). The config file is the one `-c`
//! names, else `gunicorn.conf.py` in the folder gunicorn starts in (gunicorn `config.py`,
//! `get_default_config_file`). A custom command runs in the app root (Oryx's generated startup script
//! starts with `cd <app>`), so a root `gunicorn.conf.py` is loaded; an auto-detected start passes
//! `-c $PYTHON_USE_GUNICORN_CONFIG_FROM_PATH` (/opt/startup/gunicorn.conf.py), so the repository's file is
//! ignored (docs/platform.md, "Gunicorn configuration file", inference) and the platform's own arguments apply (docs/platform.md, "The gunicorn command").

use std::collections::HashMap;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::platform::app_settings::{AppSettings, Source};
use crate::platform::command::{ServerCommand, ServerKind, server_commands};
use crate::platform::django::eval::Names;
use crate::platform::django::{Evaluator, StrLit, Value};
use crate::platform::modules::EntryKind;
use crate::platform::startup::{
    GunicornConf, RunText, ShellCommand, Startup, StartupCommand, env_assignment, join_dir,
};
use crate::project::{FileId, Project, Span};

/// Where the platform's own gunicorn config file is (`PYTHON_USE_GUNICORN_CONFIG_FROM_PATH`, docs/platform.md, "The Python image").
pub const PLATFORM_CONFIG_PATH: &str = "/opt/startup/gunicorn.conf.py";

/// Where a [`StartupText`] sits, to turn its ranges into spans.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    /// A command-line flag: no file to point at.
    None,
    /// The text starts at this offset of a file: its ranges map exactly.
    At(FileId, TextSize),
    /// Somewhere inside this span (the value is quoted or escaped in its file).
    Whole(Span),
}

/// What a [`StartupText`] is.
#[derive(Debug, Clone)]
pub enum TextOrigin {
    /// The startup command.
    Command(Source),
    /// A startup file: a `.sh` file runs whole, any other file gives its first line (docs/platform.md, "The startup command").
    Script {
        file: FileId,
        /// `false`: no startup command is known and a root `startup.sh`/`startup.txt` is assumed to be it.
        configured: bool,
    },
}

/// The startup command or a startup file, with its commands.
#[derive(Debug, Clone)]
pub struct StartupText {
    /// What runs: the whole command, a whole `.sh` file, or the first line of another startup file.
    pub text: String,
    pub origin: TextOrigin,
    anchor: Anchor,
    pub commands: Vec<ShellCommand>,
}

impl StartupText {
    fn new(run: &RunText, origin: TextOrigin, anchor: Anchor) -> StartupText {
        StartupText {
            text: run.text.clone(),
            origin,
            anchor,
            commands: run.commands.clone(),
        }
    }

    /// The span of a range of the text (`None` for a command given as a flag).
    pub fn span(&self, range: TextRange) -> Option<Span> {
        match self.anchor {
            Anchor::None => None,
            Anchor::At(file, start) => Some(Span::new(file, range + start)),
            Anchor::Whole(span) => Some(span),
        }
    }

    /// The startup file, if this is one.
    pub fn file(&self) -> Option<FileId> {
        match self.origin {
            TextOrigin::Script { file, .. } => Some(file),
            TextOrigin::Command(_) => None,
        }
    }

    /// Whether the text only runs if a root startup file is the (unknown) startup command.
    pub fn assumed(&self) -> bool {
        matches!(
            self.origin,
            TextOrigin::Script {
                configured: false,
                ..
            }
        )
    }

    /// The line holding `offset`: its 1-based number and its range (line ending excluded).
    pub fn line_at(&self, offset: TextSize) -> (usize, TextRange) {
        let mut start = 0usize;
        let at = offset.to_usize();
        for (index, raw) in self.text.split_inclusive('\n').enumerate() {
            let end = start + raw.len();
            if at < end || end == self.text.len() {
                let body = raw.trim_end_matches(['\n', '\r']);
                let range = TextRange::at(
                    TextSize::try_from(start).unwrap_or_default(),
                    TextSize::of(body),
                );
                return (index + 1, range);
            }
            start = end;
        }
        (1, TextRange::empty(TextSize::default()))
    }

    /// `range` of the text with `edits` applied (ranges relative to the text, inside `range`).
    pub fn edited(&self, range: TextRange, edits: &[(TextRange, String)]) -> String {
        let mut edits: Vec<&(TextRange, String)> = edits
            .iter()
            .filter(|(r, _)| range.contains_range(*r))
            .collect();
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start()));
        let mut out = self.text[range.start().to_usize()..range.end().to_usize()].to_owned();
        for (r, with) in edits {
            let s = (r.start() - range.start()).to_usize();
            let e = (r.end() - range.start()).to_usize();
            out.replace_range(s..e, with);
        }
        out
    }
}

/// The range that removes a word from its text, with the blanks before it.
pub fn removal_range(text: &str, word: TextRange) -> TextRange {
    let start = word.start().to_usize();
    let before = text[..start].len() - text[..start].trim_end_matches([' ', '\t']).len();
    TextRange::new(
        word.start() - TextSize::try_from(before).unwrap_or_default(),
        word.end(),
    )
}

/// A server a startup text starts.
#[derive(Debug, Clone)]
pub struct StartupServer {
    /// Index of its text in [`GunicornConfig::texts`].
    pub text: usize,
    pub command: ServerCommand,
    /// The folder it starts in, relative to the app root (`None`: unknown).
    pub cwd: Option<String>,
    /// `NAME=value` words before the program (`FLASK_APP=hello.py flask run`).
    pub env: Vec<(String, String)>,
    /// For `python <script>.py`: the script, when it is in the app.
    pub script: Option<FileId>,
    /// For `python <script>.py`: the servers the script starts when run as `__main__`.
    pub script_calls: Vec<ServerCall>,
}

impl StartupServer {
    /// The program as written (`gunicorn`, `python -m uvicorn`, `flask run`, `python manage.py runserver`).
    pub fn program(&self) -> &'static str {
        match self.command.kind {
            ServerKind::Gunicorn => "gunicorn",
            ServerKind::Uvicorn => "uvicorn",
            ServerKind::FlaskRun => "flask run",
            ServerKind::DjangoRunserver => "manage.py runserver",
            ServerKind::PythonScript(_) => "python",
        }
    }
}

/// How gunicorn is started, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GunicornStart {
    /// No gunicorn: another server, or nothing known.
    #[default]
    None,
    /// The platform's auto-detected start (`GUNICORN_CMD_ARGS=... gunicorn <module>`, docs/platform.md, "The gunicorn command").
    Auto,
    /// A custom command: the server at this index of [`GunicornConfig::servers`].
    Custom(usize),
}

/// Whether and why the repository's gunicorn config file is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFileUse {
    /// No `-c`: gunicorn loads `gunicorn.conf.py` from the folder it starts in.
    Default,
    /// Named by `-c`/`--config` (the option's value, when it has a place).
    Named(Option<Span>),
    /// An auto-detected start passes `-c /opt/startup/gunicorn.conf.py` (inference, docs/platform.md, "Gunicorn configuration file").
    IgnoredAutoStart,
    /// A custom command's `-c` names another file.
    IgnoredOtherConfig(Option<Span>),
    /// Gunicorn does not start the app.
    IgnoredNotGunicorn,
}

/// The repository's gunicorn config file.
#[derive(Debug, Clone, Copy)]
pub struct ConfigFile {
    pub file: FileId,
    pub usage: ConfigFileUse,
}

impl ConfigFile {
    pub fn used(&self) -> bool {
        matches!(self.usage, ConfigFileUse::Default | ConfigFileUse::Named(_))
    }
}

/// Where a gunicorn setting comes from, highest precedence first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingOrigin {
    /// The command line of a custom command.
    Command,
    /// The `GUNICORN_CMD_ARGS` app setting (read by gunicorn for a custom command).
    EnvArgs(Source),
    /// The repository's config file.
    ConfigFile(FileId),
    /// The arguments the platform gives an auto-detected start (docs/platform.md, "The gunicorn command").
    Platform,
}

impl SettingOrigin {
    fn rank(&self) -> u8 {
        match self {
            SettingOrigin::Command => 0,
            SettingOrigin::EnvArgs(_) => 1,
            SettingOrigin::ConfigFile(_) => 2,
            SettingOrigin::Platform => 3,
        }
    }
}

/// One value of a gunicorn setting. A config-file setting assigned differently on unknown branches has
/// one entry per alternative (`Value::Unset` where a branch leaves it to the default); `bind` may be given
/// several times on the command line (gunicorn binds them all).
#[derive(Debug, Clone)]
pub struct GunicornSetting {
    /// The setting's name in gunicorn (`bind`, `daemon`, `accesslog`, ...).
    pub name: &'static str,
    /// A flag is `Bool(true)`; command values are strings. In a config file's `bind`, environment reads are
    /// written `${VAR}` as in a shell (`f"0.0.0.0:{os.environ['PORT']}"` is `0.0.0.0:${PORT}`).
    pub value: Value,
    /// Where it is written (`None`: a flag, an app setting given on the command line, or the platform).
    pub span: Option<Span>,
    pub origin: SettingOrigin,
}

/// The server a Python call starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `<flask app>.run(host, port, ...)`: Werkzeug's development server.
    AppRun,
    /// `<SocketIO>.run(app, host, port, ...)` (Flask-SocketIO).
    SocketIoRun,
    /// `uvicorn.run(app, host=..., port=...)`.
    UvicornRun,
    /// `aiohttp.web.run_app(app, host=..., port=...)`.
    AiohttpRunApp,
}

impl CallKind {
    /// The address the server binds when the call names none.
    pub fn default_host(self) -> &'static str {
        match self {
            CallKind::AppRun | CallKind::SocketIoRun | CallKind::UvicornRun => "127.0.0.1",
            CallKind::AiohttpRunApp => "0.0.0.0",
        }
    }

    /// The port the server binds when the call names none.
    pub fn default_port(self) -> u16 {
        match self {
            CallKind::AppRun | CallKind::SocketIoRun => 5000,
            CallKind::UvicornRun => 8000,
            CallKind::AiohttpRunApp => 8080,
        }
    }
}

/// An argument of a server call.
#[derive(Debug, Clone)]
pub struct CallArg {
    pub value: Value,
    /// The argument's expression.
    pub range: TextRange,
    /// `host=...` rather than positional.
    pub keyword: bool,
}

/// A call that starts a server, in a Python module.
#[derive(Debug, Clone)]
pub struct ServerCall {
    pub kind: CallKind,
    pub file: FileId,
    /// The whole call.
    pub range: TextRange,
    /// The called expression as written (`app.run`, `uvicorn.run`, `web.run_app`).
    pub callee: String,
    /// The app it serves, as written: the receiver of `app.run`, else the first argument.
    pub app: Option<String>,
    pub host: Option<CallArg>,
    pub port: Option<CallArg>,
    /// The call has `*args`/`**kwargs`: host and port may be set where they cannot be seen.
    pub opaque: bool,
    /// The module-level call of the function that makes this call, when it is inside a function.
    pub via: Option<(String, TextRange)>,
}

impl ServerCall {
    pub fn span(&self) -> Span {
        Span::new(self.file, self.range)
    }
}

/// What gunicorn will do, and what the start-up runs.
#[derive(Debug, Default)]
pub struct GunicornConfig {
    /// The startup command, then the startup files.
    pub texts: Vec<StartupText>,
    /// Every server command of the texts, in order.
    pub servers: Vec<StartupServer>,
    pub start: GunicornStart,
    /// The repository's config file (the one gunicorn loads, else a `gunicorn.conf.py` it ignores).
    pub config_file: Option<ConfigFile>,
    /// Every gunicorn setting given, from every origin (see [`GunicornConfig::get`] for the one that applies).
    pub settings: Vec<GunicornSetting>,
    /// The servers the entry module starts at import time (outside `if __name__ == "__main__":`).
    pub entry_calls: Vec<ServerCall>,
    /// The settings of a custom gunicorn command that act differently in App Service's container
    /// (computed once; empty for any other start).
    pub container_settings: Vec<ContainerSetting>,
}

impl GunicornConfig {
    /// The model with no app settings known (environment facts limited to the platform's own variables).
    pub fn detect(project: &Project, startup: &Startup) -> GunicornConfig {
        GunicornConfig::detect_with(project, startup, &AppSettings::default())
    }

    pub fn detect_with(
        project: &Project,
        startup: &Startup,
        app_settings: &AppSettings,
    ) -> GunicornConfig {
        let mut model = GunicornConfig {
            texts: startup_texts(project, startup),
            ..GunicornConfig::default()
        };
        for (index, text) in startup.texts.iter().enumerate() {
            for at in &text.servers {
                let command = at.command.clone();
                let shell = text
                    .commands
                    .iter()
                    .find(|c| c.range().contains_range(command.range()));
                let cwd = at.cwd.clone();
                let env = shell
                    .map(|c| {
                        c.words
                            .iter()
                            .take_while(|w| w.range.start() < command.range().start())
                            .filter_map(|w| env_assignment(&w.text))
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut server = StartupServer {
                    text: index,
                    command,
                    cwd,
                    env,
                    script: None,
                    script_calls: Vec::new(),
                };
                if let ServerKind::PythonScript(path) = &server.command.kind {
                    server.script = resolve_path(project, server.cwd.as_deref(), path);
                    if let Some(file) = server.script {
                        let root = parent_dir(project.rel_path(file)).to_owned();
                        server.script_calls =
                            server_calls(project, app_settings, file, &root, true, None);
                    }
                }
                model.servers.push(server);
            }
        }
        model.start = match model
            .servers
            .iter()
            .position(|s| s.command.kind == ServerKind::Gunicorn)
        {
            Some(i) => GunicornStart::Custom(i),
            None if startup.command.is_none()
                && !startup.scripts.iter().any(|s| s.configured)
                && startup
                    .entry
                    .as_ref()
                    .is_some_and(|e| e.kind != EntryKind::Custom) =>
            {
                GunicornStart::Auto
            }
            None => GunicornStart::None,
        };
        model.settings_and_config(project, app_settings);
        model.container_settings = model.find_container_settings();
        if let Some(entry) = &startup.entry {
            let custom_non_server = entry.kind == EntryKind::Custom
                && !model
                    .servers
                    .iter()
                    .any(|s| matches!(s.command.kind, ServerKind::Gunicorn | ServerKind::Uvicorn));
            if !custom_non_server {
                model.entry_calls = server_calls(
                    project,
                    app_settings,
                    entry.file,
                    &entry.import_root,
                    false,
                    Some(entry.attribute.as_str()),
                );
            }
        }
        model
    }

    /// The custom gunicorn command, if gunicorn is started by one.
    pub fn command(&self) -> Option<&StartupServer> {
        match self.start {
            GunicornStart::Custom(i) => self.servers.get(i),
            _ => None,
        }
    }

    /// The repository config file gunicorn loads, if it loads one.
    pub fn used_config_file(&self) -> Option<FileId> {
        self.config_file.filter(ConfigFile::used).map(|c| c.file)
    }

    /// The settings of a custom gunicorn command that have a [`ContainerEffect`] on every branch that
    /// sets them. An auto-detected start ignores the repository's config file (item 21) and gets the
    /// platform's own arguments, so it has none.
    fn find_container_settings(&self) -> Vec<ContainerSetting> {
        if self.command().is_none() {
            return Vec::new();
        }
        let effects = [
            ("daemon", ContainerEffect::Daemon),
            ("chdir", ContainerEffect::AbsoluteChdir),
            ("reload", ContainerEffect::Reload),
            ("accesslog", ContainerEffect::LogFile),
            ("errorlog", ContainerEffect::LogFile),
        ];
        let mut out = Vec::new();
        for (name, effect) in effects {
            // A value that has the effect only on some branch of the config file is not one.
            let Some(found) = self
                .get(name)
                .into_iter()
                .map(|s| {
                    effect.shown(&s.value).map(|shown| ContainerSetting {
                        effect,
                        setting: s.clone(),
                        shown,
                    })
                })
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            out.extend(found);
        }
        out
    }

    /// The values of a setting that apply: those of its highest-precedence origin (command line over
    /// `GUNICORN_CMD_ARGS` over the config file); empty when gunicorn's default applies.
    pub fn get(&self, name: &str) -> Vec<&GunicornSetting> {
        let best = self
            .settings
            .iter()
            .filter(|s| s.name == name)
            .map(|s| s.origin.rank())
            .min();
        self.settings
            .iter()
            .filter(|s| s.name == name && Some(s.origin.rank()) == best)
            .collect()
    }

    fn settings_and_config(&mut self, project: &Project, app_settings: &AppSettings) {
        match self.start {
            GunicornStart::None => {
                if let Some(file) = project.file("gunicorn.conf.py") {
                    self.config_file = Some(ConfigFile {
                        file,
                        usage: ConfigFileUse::IgnoredNotGunicorn,
                    });
                }
            }
            GunicornStart::Auto => {
                if let Some(file) = project.file("gunicorn.conf.py") {
                    self.config_file = Some(ConfigFile {
                        file,
                        usage: ConfigFileUse::IgnoredAutoStart,
                    });
                }
                for (name, value) in [
                    ("bind", "0.0.0.0:8000"),
                    ("timeout", "600"),
                    ("accesslog", "-"),
                    ("errorlog", "-"),
                    ("config", PLATFORM_CONFIG_PATH),
                ] {
                    self.settings.push(GunicornSetting {
                        name,
                        value: str_value(value, None),
                        span: None,
                        origin: SettingOrigin::Platform,
                    });
                }
            }
            GunicornStart::Custom(i) => {
                let server = self.servers[i].clone();
                let text = &self.texts[server.text];
                for option in &server.command.options {
                    let Some(name) = cli_setting(&option.name) else {
                        continue;
                    };
                    let (value, span) = if FLAG_OPTIONS.contains(&option.name.as_str()) {
                        (Value::Bool(true), text.span(option.word.range))
                    } else {
                        let Some(v) = &option.value else { continue };
                        let span = text.span(v.range);
                        (str_value(&v.text, span), span)
                    };
                    self.settings.push(GunicornSetting {
                        name,
                        value,
                        span,
                        origin: SettingOrigin::Command,
                    });
                }
                if let Some(setting) = app_settings
                    .get("GUNICORN_CMD_ARGS")
                    .filter(|s| runtime_setting(project, s))
                {
                    const PREFIX: &str = "gunicorn ";
                    let line = format!("{PREFIX}{}", setting.value);
                    if let Some(args) = server_commands(&line).into_iter().next() {
                        let span_of = |r: TextRange| {
                            setting.value_span.map(|vs| {
                                Span::new(vs.file, r - TextSize::of(PREFIX) + vs.range.start())
                            })
                        };
                        for option in &args.options {
                            let Some(name) = cli_setting(&option.name) else {
                                continue;
                            };
                            let (value, span) = if FLAG_OPTIONS.contains(&option.name.as_str()) {
                                (Value::Bool(true), span_of(option.word.range))
                            } else {
                                let Some(v) = &option.value else { continue };
                                let span = span_of(v.range);
                                (str_value(&v.text, span), span)
                            };
                            self.settings.push(GunicornSetting {
                                name,
                                value,
                                span,
                                origin: SettingOrigin::EnvArgs(setting.source.clone()),
                            });
                        }
                    }
                }
                self.config_file = config_file_of(project, &self.settings, server.cwd.as_deref());
                if let Some(file) = self.used_config_file() {
                    let root = parent_dir(project.rel_path(file)).to_owned();
                    self.settings
                        .extend(config_file_settings(project, app_settings, file, &root));
                }
            }
        }
    }
}

/// The startup command and the startup files, as [`Startup`] read them, with where they are.
fn startup_texts(project: &Project, startup: &Startup) -> Vec<StartupText> {
    let anchor_of_command = |command: &StartupCommand| match &command.source {
        Source::Flag(_) => Anchor::None,
        Source::File(span) => match project.text(span.file) {
            Ok(t) => match t.slice(span.range).find(command.command.as_str()) {
                Some(i) => Anchor::At(
                    span.file,
                    span.range.start() + TextSize::try_from(i).unwrap_or_default(),
                ),
                None => Anchor::Whole(*span),
            },
            Err(_) => Anchor::Whole(*span),
        },
    };
    startup
        .texts
        .iter()
        .filter_map(|run| {
            let (origin, anchor) = match run.file {
                Some(file) => (
                    TextOrigin::Script {
                        file,
                        configured: startup
                            .scripts
                            .iter()
                            .any(|s| s.file == file && s.configured),
                    },
                    Anchor::At(file, TextSize::default()),
                ),
                None => {
                    let command = startup.command.as_ref()?;
                    (
                        TextOrigin::Command(command.source.clone()),
                        anchor_of_command(command),
                    )
                }
            };
            Some(StartupText::new(run, origin, anchor))
        })
        .collect()
}

/// What a gunicorn setting does in App Service's container that it does not do on a server of one's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerEffect {
    /// `daemon`: gunicorn forks into the background and the process that started it exits.
    Daemon,
    /// `chdir` to an absolute folder: the app is not there on App Service (it runs from `/tmp/<id>`).
    AbsoluteChdir,
    /// `reload`: gunicorn watches the app's files and restarts its workers when one changes.
    Reload,
    /// `accesslog` or `errorlog` written to a file instead of the console the log stream shows.
    LogFile,
}

impl ContainerEffect {
    /// The value as a message shows it when the setting has this effect, else `None`.
    fn shown(self, value: &Value) -> Option<String> {
        match self {
            ContainerEffect::Daemon | ContainerEffect::Reload => {
                gunicorn_bool(value).filter(|on| *on).map(|_| "True".into())
            }
            ContainerEffect::AbsoluteChdir => value
                .as_str()
                .filter(|p| p.starts_with('/'))
                .map(str::to_owned),
            ContainerEffect::LogFile => value
                .as_str()
                .filter(|p| !matches!(p.trim(), "-" | "" | "/dev/stdout" | "/dev/stderr"))
                .map(str::to_owned),
        }
    }
}

/// A setting with a [`ContainerEffect`]: its value on every branch that sets it has the effect.
#[derive(Debug, Clone)]
pub struct ContainerSetting {
    pub effect: ContainerEffect,
    pub setting: GunicornSetting,
    /// The value as a message shows it: `True`, or the path.
    pub shown: String,
}

/// Gunicorn's booleans: `True`/`False`, or the strings `true`/`false` (gunicorn `validate_bool`).
pub fn gunicorn_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => match s.value.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Options that are flags (no value) among those mapped to settings.
const FLAG_OPTIONS: &[&str] = &["--reload", "--daemon", "--preload", "--capture-output"];

/// Command-line options and the gunicorn settings they set (an option's first entry is its usual spelling).
const CLI_OPTIONS: &[(&str, &str)] = &[
    ("--bind", "bind"),
    ("--workers", "workers"),
    ("--worker-class", "worker_class"),
    ("--threads", "threads"),
    ("--timeout", "timeout"),
    ("--reload", "reload"),
    ("--daemon", "daemon"),
    ("--chdir", "chdir"),
    ("--access-logfile", "accesslog"),
    ("--error-logfile", "errorlog"),
    ("--log-file", "errorlog"),
    ("--log-level", "loglevel"),
    ("--config", "config"),
    ("--preload", "preload_app"),
    ("--capture-output", "capture_output"),
    ("--pythonpath", "pythonpath"),
    ("--pid", "pidfile"),
    ("--worker-tmp-dir", "worker_tmp_dir"),
];

/// The gunicorn setting a command-line option sets.
fn cli_setting(option: &str) -> Option<&'static str> {
    CLI_OPTIONS
        .iter()
        .find(|(o, _)| *o == option)
        .map(|(_, setting)| *setting)
}

/// The command-line option that gives a setting, for messages and fixes (`reload` is `--reload`).
pub fn cli_option(setting: &str) -> Option<&'static str> {
    CLI_OPTIONS
        .iter()
        .find(|(_, s)| *s == setting)
        .map(|(option, _)| *option)
}

/// The settings read from a config file.
const FILE_SETTINGS: &[&str] = &[
    "bind",
    "workers",
    "worker_class",
    "threads",
    "timeout",
    "reload",
    "daemon",
    "chdir",
    "accesslog",
    "errorlog",
    "loglevel",
    "preload_app",
    "capture_output",
    "pythonpath",
    "pidfile",
    "worker_tmp_dir",
    "wsgi_app",
    "raw_env",
];

fn str_value(text: &str, span: Option<Span>) -> Value {
    Value::Str(StrLit {
        value: text.to_owned(),
        span,
    })
}

/// Whether an app setting exists at run time (`build.env` only feeds the build).
fn runtime_setting(project: &Project, setting: &crate::platform::app_settings::Setting) -> bool {
    match &setting.source {
        Source::File(span) => project.rel_path(span.file) != "build.env",
        Source::Flag(_) => true,
    }
}

/// The config file gunicorn loads for a custom command starting in `cwd`, given its settings.
fn config_file_of(
    project: &Project,
    settings: &[GunicornSetting],
    cwd: Option<&str>,
) -> Option<ConfigFile> {
    let named = settings
        .iter()
        .filter(|s| s.name == "config")
        .min_by_key(|s| s.origin.rank());
    // Where the folder gunicorn starts in is unknown, its files are looked up from the app root.
    let lookup = |config| GunicornConf::lookup(project, Some(cwd.unwrap_or("")), config);
    let default = || match lookup(None) {
        GunicornConf::File(file) => Some(file),
        _ => None,
    };
    let usage = match named {
        None => ConfigFileUse::Default,
        Some(named) => match lookup(Some(named.value.as_str().unwrap_or_default())) {
            GunicornConf::File(file) => {
                return Some(ConfigFile {
                    file,
                    usage: ConfigFileUse::Named(named.span),
                });
            }
            _ => ConfigFileUse::IgnoredOtherConfig(named.span),
        },
    };
    default().map(|file| ConfigFile { file, usage })
}

/// The settings a config file assigns, each alternative with where it is assigned.
fn config_file_settings(
    project: &Project,
    app_settings: &AppSettings,
    file: FileId,
    root: &str,
) -> Vec<GunicornSetting> {
    let mut evaluator = Evaluator::new(project, app_settings, vec![root.to_owned(), String::new()]);
    let result = evaluator.module(file);
    let body = project.python(file).body();
    let mut out = Vec::new();
    for name in FILE_SETTINGS {
        let Some(alternatives) = result.names.get(*name) else {
            continue;
        };
        for alt in alternatives {
            let mut value = alt.value.clone();
            if *name == "bind"
                && let Some(span) = alt.span
                && let Some(expr) = find_assigned_expr(body, span.range)
                && let Some(v) = bind_value(&mut evaluator, (file, body), &result.names, expr, span)
            {
                value = v;
            }
            out.push(GunicornSetting {
                name,
                value,
                span: alt.span,
                origin: SettingOrigin::ConfigFile(file),
            });
        }
    }
    out
}

/// The expression assigned at `range` in a module's top level (in any block).
fn find_assigned_expr(body: &[Stmt], range: TextRange) -> Option<&Expr> {
    let mut stack: Vec<&Stmt> = body.iter().collect();
    while let Some(stmt) = stack.pop() {
        match stmt {
            Stmt::Assign(a) if a.value.range() == range => return Some(&a.value),
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value
                    && v.range() == range
                {
                    return Some(v);
                }
            }
            Stmt::If(s) => {
                stack.extend(s.body.iter());
                for c in &s.elif_else_clauses {
                    stack.extend(c.body.iter());
                }
            }
            Stmt::Try(s) => {
                stack.extend(s.body.iter());
                stack.extend(s.orelse.iter());
                stack.extend(s.finalbody.iter());
                for h in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    stack.extend(h.body.iter());
                }
            }
            Stmt::With(s) => stack.extend(s.body.iter()),
            Stmt::For(s) => stack.extend(s.body.iter()),
            Stmt::While(s) => stack.extend(s.body.iter()),
            _ => {}
        }
    }
    None
}

/// A `bind` value with environment reads kept as `${VAR}`: a string or a list of strings.
fn bind_value(
    evaluator: &mut Evaluator,
    (file, body): (FileId, &[Stmt]),
    names: &Names,
    expr: &Expr,
    span: Span,
) -> Option<Value> {
    match expr {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            let items: Option<Vec<Value>> = elts
                .iter()
                .map(|e| {
                    template(evaluator, (file, body), names, e, 0)
                        .map(|t| str_value(&t, Some(Span::new(file, e.range()))))
                })
                .collect();
            items.map(Value::List)
        }
        _ => template(evaluator, (file, body), names, expr, 0).map(|t| str_value(&t, Some(span))),
    }
}

/// The text of a string expression with environment reads written `${VAR}`; `None` when a part is
/// unknown.
fn template(
    evaluator: &mut Evaluator,
    (file, body): (FileId, &[Stmt]),
    names: &Names,
    expr: &Expr,
    depth: usize,
) -> Option<String> {
    if depth > 16 {
        return None;
    }
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
        Expr::FString(f) => {
            let mut out = String::new();
            for element in f.value.elements() {
                match element {
                    ast::InterpolatedStringElement::Literal(lit) => out.push_str(&lit.value),
                    ast::InterpolatedStringElement::Interpolation(i) => {
                        out.push_str(&template(
                            evaluator,
                            (file, body),
                            names,
                            &i.expression,
                            depth + 1,
                        )?);
                    }
                }
            }
            Some(out)
        }
        Expr::BinOp(bin) if bin.op == ast::Operator::Add => Some(format!(
            "{}{}",
            template(evaluator, (file, body), names, &bin.left, depth + 1)?,
            template(evaluator, (file, body), names, &bin.right, depth + 1)?
        )),
        Expr::Call(call)
            if call.arguments.keywords.is_empty()
                && matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "format"
                    && matches!(a.value.as_ref(), Expr::StringLiteral(_))) =>
        {
            let Expr::Attribute(a) = call.func.as_ref() else {
                return None;
            };
            let Expr::StringLiteral(fmt) = a.value.as_ref() else {
                return None;
            };
            let fmt = fmt.value.to_str();
            let mut args = call.arguments.args.iter();
            let mut out = String::new();
            let mut rest = fmt;
            while let Some(open) = rest.find('{') {
                out.push_str(&rest[..open]);
                let close = rest[open..].find('}')? + open;
                if !rest[open + 1..close].is_empty() {
                    return None;
                }
                out.push_str(&template(
                    evaluator,
                    (file, body),
                    names,
                    args.next()?,
                    depth + 1,
                )?);
                rest = &rest[close + 1..];
            }
            out.push_str(rest);
            Some(out)
        }
        // `str(x)`, `int(x)`: the text of `x`.
        Expr::Call(call)
            if call.arguments.args.len() == 1
                && call.arguments.keywords.is_empty()
                && matches!(call.func.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "str" | "int")) =>
        {
            template(
                evaluator,
                (file, body),
                names,
                &call.arguments.args[0],
                depth + 1,
            )
        }
        Expr::Name(n) => {
            // A name assigned once to an expression of this module: follow it, else use its value.
            let alternatives = names.get(n.id.as_str())?;
            if let [one] = alternatives.as_slice()
                && let Some(span) = one.span
                && span.file == file
                && let Some(assigned) = find_assigned_expr(body, span.range)
                && !matches!(assigned, Expr::Name(_))
            {
                return template(evaluator, (file, body), names, assigned, depth + 1);
            }
            value_template(&evaluator.expr_in(file, names, expr))
        }
        _ => value_template(&evaluator.expr_in(file, names, expr)),
    }
}

/// A value as template text: literals as written, one environment read as `${VAR}`.
fn value_template(value: &Value) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.value.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Env(read) => Some(format!("${{{}}}", read.var)),
        Value::EnvBool(b) => Some(format!("${{{}}}", b.var)),
        Value::EnvDerived(vars) if vars.len() == 1 => Some(format!("${{{}}}", vars[0])),
        _ => None,
    }
}

/// The file at `path` (relative to the folder `cwd`, or absolute under /home/site/wwwroot).
fn resolve_path(project: &Project, cwd: Option<&str>, path: &str) -> Option<FileId> {
    project.file(&join_dir(cwd.unwrap_or(""), path)?)
}

/// The folder of a relative path ("" at the root).
fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

// ---------------------------------------------------------------------------------------------------
// Servers started from Python code.

/// What a module-level name is bound to.
#[derive(Debug, Clone)]
enum Binding {
    /// An import: the full dotted name (`uvicorn`, `aiohttp.web`, `flask.Flask`).
    Imported(String),
    /// The result of a call: the callee's dotted name (`flask.Flask`, `create_app`).
    Made(String),
}

/// Classes whose instances' `.run()` starts a development server.
const APP_CLASSES: &[&str] = &["Flask", "Quart", "APIFlask"];
/// Classes whose instances have no `.run()` that serves (ASGI apps).
const NOT_SERVERS: &[&str] = &["FastAPI", "Starlette", "APIRouter", "Blueprint"];

/// The calls that start a server in a module: at import time (`as_main` false: outside
/// `if __name__ == "__main__":`), or when the file runs as a script (`as_main` true). A call inside a
/// module-level function is found through the module-level call of that function.
pub fn server_calls(
    project: &Project,
    app_settings: &AppSettings,
    file: FileId,
    import_root: &str,
    as_main: bool,
    entry_attribute: Option<&str>,
) -> Vec<ServerCall> {
    let body = project.python(file).body();
    if body.is_empty() {
        return Vec::new();
    }
    let mut evaluator = Evaluator::new(
        project,
        app_settings,
        vec![import_root.to_owned(), String::new()],
    );
    let names = evaluator.module(file).names.clone();
    let mut finder = CallFinder {
        project,
        file,
        as_main,
        entry_attribute,
        bindings: HashMap::new(),
        functions: HashMap::new(),
        evaluator,
        names,
        out: Vec::new(),
        active: Vec::new(),
    };
    finder.collect_bindings(body);
    finder.block(body, None, 0);
    finder.out
}

struct CallFinder<'p, 'e> {
    project: &'p Project,
    file: FileId,
    as_main: bool,
    entry_attribute: Option<&'e str>,
    bindings: HashMap<String, Binding>,
    functions: HashMap<String, &'p ast::StmtFunctionDef>,
    evaluator: Evaluator<'p>,
    names: Names,
    out: Vec<ServerCall>,
    /// Functions being walked (recursion guard).
    active: Vec<String>,
}

impl<'p> CallFinder<'p, '_> {
    /// Imports and call results bound anywhere in the module (functions included), and module-level
    /// functions.
    fn collect_bindings(&mut self, body: &'p [Stmt]) {
        let mut stack: Vec<(&'p Stmt, bool)> = body.iter().rev().map(|s| (s, true)).collect();
        while let Some((stmt, top)) = stack.pop() {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let full = alias.name.as_str();
                        match &alias.asname {
                            Some(name) => {
                                self.bindings
                                    .insert(name.to_string(), Binding::Imported(full.to_owned()));
                            }
                            None => {
                                let top_name = full.split('.').next().unwrap_or(full);
                                self.bindings.insert(
                                    top_name.to_owned(),
                                    Binding::Imported(top_name.to_owned()),
                                );
                            }
                        }
                    }
                }
                Stmt::ImportFrom(import) if import.level == 0 => {
                    let module = import.module.as_ref().map_or("", |m| m.as_str());
                    for alias in &import.names {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                        self.bindings
                            .insert(bound, Binding::Imported(format!("{module}.{}", alias.name)));
                    }
                }
                Stmt::Assign(assign) => {
                    if let Expr::Call(call) = assign.value.as_ref()
                        && let Some(callee) = self.dotted(&call.func)
                    {
                        for target in &assign.targets {
                            if let Expr::Name(n) = target {
                                self.bindings
                                    .insert(n.id.to_string(), Binding::Made(callee.clone()));
                            }
                        }
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let Some(value) = &assign.value
                        && let Expr::Call(call) = value.as_ref()
                        && let Some(callee) = self.dotted(&call.func)
                        && let Expr::Name(n) = assign.target.as_ref()
                    {
                        self.bindings
                            .insert(n.id.to_string(), Binding::Made(callee));
                    }
                }
                Stmt::FunctionDef(def) => {
                    if top {
                        self.functions.insert(def.name.to_string(), def);
                    }
                    stack.extend(def.body.iter().rev().map(|s| (s, false)));
                }
                Stmt::If(s) => {
                    stack.extend(s.body.iter().rev().map(|x| (x, top)));
                    for c in &s.elif_else_clauses {
                        stack.extend(c.body.iter().rev().map(|x| (x, top)));
                    }
                }
                Stmt::Try(s) => {
                    for b in [&s.body, &s.orelse, &s.finalbody] {
                        stack.extend(b.iter().rev().map(|x| (x, top)));
                    }
                    for h in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        stack.extend(h.body.iter().rev().map(|x| (x, top)));
                    }
                }
                Stmt::With(s) => stack.extend(s.body.iter().rev().map(|x| (x, top))),
                _ => {}
            }
        }
    }

    /// The dotted name of an expression, imports resolved (`web.run_app` → `aiohttp.web.run_app`).
    fn dotted(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(n) => Some(match self.bindings.get(n.id.as_str()) {
                Some(Binding::Imported(full)) => full.clone(),
                _ => n.id.to_string(),
            }),
            Expr::Attribute(a) => Some(format!("{}.{}", self.dotted(&a.value)?, a.attr)),
            _ => None,
        }
    }

    fn block(&mut self, body: &'p [Stmt], via: Option<&(String, TextRange)>, depth: usize) {
        if depth > 8 {
            return;
        }
        for stmt in body {
            match stmt {
                Stmt::Expr(e) => {
                    if let Expr::Call(call) = e.value.as_ref() {
                        self.call(call, via, depth);
                    }
                }
                Stmt::Assign(a) => {
                    if let Expr::Call(call) = a.value.as_ref() {
                        self.call(call, via, depth);
                    }
                }
                Stmt::If(s) => {
                    if let Some(positive) = main_guard(&s.test) {
                        // `if __name__ == "__main__":` runs its body only as a script.
                        let taken = positive == self.as_main;
                        if taken {
                            self.block(&s.body, via, depth + 1);
                        } else {
                            for c in &s.elif_else_clauses {
                                self.block(&c.body, via, depth + 1);
                            }
                        }
                        continue;
                    }
                    let mut clauses: Vec<(Option<&Expr>, &'p [Stmt])> =
                        vec![(Some(&s.test), s.body.as_slice())];
                    clauses.extend(
                        s.elif_else_clauses
                            .iter()
                            .map(|c| (c.test.as_ref(), c.body.as_slice())),
                    );
                    for (test, body) in clauses {
                        let verdict = test.and_then(|t| {
                            let v = self.evaluator.expr_in(self.file, &self.names, t);
                            self.evaluator.truthy(&v)
                        });
                        match verdict {
                            Some(false) => continue,
                            Some(true) | None if test.is_none() => {
                                self.block(body, via, depth + 1);
                                break;
                            }
                            Some(true) => {
                                self.block(body, via, depth + 1);
                                break;
                            }
                            None => self.block(body, via, depth + 1),
                        }
                    }
                }
                Stmt::Try(s) => {
                    self.block(&s.body, via, depth + 1);
                    for h in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        self.block(&h.body, via, depth + 1);
                    }
                    self.block(&s.orelse, via, depth + 1);
                    self.block(&s.finalbody, via, depth + 1);
                }
                Stmt::With(s) => self.block(&s.body, via, depth + 1),
                Stmt::For(s) => self.block(&s.body, via, depth + 1),
                Stmt::While(s) => self.block(&s.body, via, depth + 1),
                _ => {}
            }
        }
    }

    fn call(&mut self, call: &'p ast::ExprCall, via: Option<&(String, TextRange)>, depth: usize) {
        if let Some(found) = self.server_call(call, via) {
            self.out.push(found);
            return;
        }
        // A module-level function called here: what it calls runs now too.
        if let Expr::Name(n) = call.func.as_ref()
            && let Some(def) = self.functions.get(n.id.as_str()).copied()
            && !self.active.iter().any(|a| a == n.id.as_str())
        {
            let via = via
                .cloned()
                .unwrap_or_else(|| (n.id.to_string(), call.range()));
            self.active.push(n.id.to_string());
            self.block(&def.body, Some(&via), depth + 1);
            self.active.pop();
        }
    }

    fn server_call(
        &mut self,
        call: &ast::ExprCall,
        via: Option<&(String, TextRange)>,
    ) -> Option<ServerCall> {
        let dotted = self.dotted(&call.func)?;
        let kind = match dotted.as_str() {
            "uvicorn.run" => CallKind::UvicornRun,
            "aiohttp.web.run_app" => CallKind::AiohttpRunApp,
            _ => {
                let Expr::Attribute(attr) = call.func.as_ref() else {
                    return None;
                };
                if attr.attr.as_str() != "run" {
                    return None;
                }
                let Expr::Name(receiver) = attr.value.as_ref() else {
                    return None;
                };
                let name = receiver.id.as_str();
                let app_name =
                    matches!(name, "app" | "application") || self.entry_attribute == Some(name);
                match self.bindings.get(name) {
                    Some(Binding::Made(callee)) => {
                        let class = callee.rsplit('.').next().unwrap_or(callee);
                        if APP_CLASSES.contains(&class) {
                            CallKind::AppRun
                        } else if class == "SocketIO" {
                            CallKind::SocketIoRun
                        } else if NOT_SERVERS.contains(&class) || !app_name {
                            return None;
                        } else {
                            CallKind::AppRun
                        }
                    }
                    Some(Binding::Imported(full)) => {
                        let last = full.rsplit('.').next().unwrap_or(full);
                        if full.contains('.') && (matches!(last, "app" | "application") || app_name)
                        {
                            CallKind::AppRun
                        } else {
                            return None;
                        }
                    }
                    None if app_name => CallKind::AppRun,
                    None => return None,
                }
            }
        };
        let source = self.project.text(self.file).ok()?;
        let text_of = |e: &Expr| source.slice(e.range()).to_owned();
        let args = &call.arguments;
        let positional = |i: usize| args.args.get(i).filter(|a| !matches!(a, Expr::Starred(_)));
        let (app, host_pos, port_pos) = match kind {
            CallKind::AppRun => {
                let Expr::Attribute(attr) = call.func.as_ref() else {
                    return None;
                };
                (Some(text_of(&attr.value)), Some(0), Some(1))
            }
            CallKind::SocketIoRun => (positional(0).map(text_of), Some(1), Some(2)),
            CallKind::UvicornRun | CallKind::AiohttpRunApp => {
                (positional(0).map(text_of), None, None)
            }
        };
        let mut arg = |keyword: &str, position: Option<usize>| -> Option<CallArg> {
            let (expr, is_keyword) = match args
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == keyword))
            {
                Some(k) => (&k.value, true),
                None => (positional(position?)?, false),
            };
            Some(CallArg {
                value: self.evaluator.expr_in(self.file, &self.names, expr),
                range: expr.range(),
                keyword: is_keyword,
            })
        };
        let host = arg("host", host_pos);
        let port = arg("port", port_pos);
        let opaque = args.args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || args.keywords.iter().any(|k| k.arg.is_none());
        Some(ServerCall {
            kind,
            file: self.file,
            range: call.range(),
            callee: text_of(&call.func),
            app,
            host,
            port,
            opaque,
            via: via.cloned(),
        })
    }
}

/// `Some(true)` for `__name__ == "__main__"`, `Some(false)` for `!=`, else `None`.
fn main_guard(test: &Expr) -> Option<bool> {
    let Expr::Compare(cmp) = test else {
        return None;
    };
    if cmp.ops.len() != 1 {
        return None;
    }
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    let right = &cmp.comparators[0];
    if !((is_name(&cmp.left) && is_main(right)) || (is_main(&cmp.left) && is_name(right))) {
        return None;
    }
    match cmp.ops[0] {
        ast::CmpOp::Eq | ast::CmpOp::Is => Some(true),
        ast::CmpOp::NotEq | ast::CmpOp::IsNot => Some(false),
        _ => None,
    }
}

/// A bind address split into host and port (`None` port: not given). Unix sockets and file descriptors
/// are `None`.
pub fn split_bind(bind: &str) -> Option<(String, Option<String>)> {
    let bind = bind.trim();
    if bind.starts_with("unix:") || bind.starts_with("fd://") {
        return None;
    }
    let bind = bind
        .strip_prefix("tcp://")
        .or_else(|| bind.strip_prefix("http://"))
        .unwrap_or(bind);
    if let Some(rest) = bind.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':').map(str::to_owned);
        return Some((format!("[{host}]"), port));
    }
    // The last `:` outside `${...}`.
    let mut depth = 0usize;
    let mut split = None;
    let bytes = bind.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => split = Some(i),
            _ => {}
        }
    }
    Some(match split {
        // A bare IPv6 address (`::1`) has several colons and no port.
        Some(_) if bind.matches(':').count() > 1 && !bind.contains('$') => (bind.to_owned(), None),
        Some(i) => (bind[..i].to_owned(), Some(bind[i + 1..].to_owned())),
        None => (bind.to_owned(), None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::modules::EntryModule;
    use crate::project::PythonVersion;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn with_command(project: &Project, command: &str) -> Startup {
        let command = StartupCommand {
            command: command.to_owned(),
            source: Source::flag("--startup-command"),
        };
        Startup::detect(project, Some(command), PythonVersion::PY312)
    }

    fn values(model: &GunicornConfig, name: &str) -> Vec<String> {
        model
            .get(name)
            .iter()
            .map(|s| match &s.value {
                Value::Str(s) => s.value.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Int(i) => i.to_string(),
                Value::List(items) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_custom_command_loads_the_root_config_file() {
        let (_d, project) = project(&[
            ("app.py", "app = None\n"),
            (
                "gunicorn.conf.py",
                "import os\nbind = f\"127.0.0.1:{os.environ.get('PORT', '8000')}\"\ndaemon = True\nworkers = 4\n",
            ),
        ]);
        let model = GunicornConfig::detect(
            &project,
            &with_command(&project, "gunicorn --timeout 600 app:app"),
        );
        assert_eq!(model.start, GunicornStart::Custom(0));
        let config = model.config_file.unwrap();
        assert_eq!(config.usage, ConfigFileUse::Default);
        assert_eq!(values(&model, "bind"), ["127.0.0.1:${PORT}"]);
        assert_eq!(values(&model, "daemon"), ["true"]);
        assert_eq!(values(&model, "workers"), ["4"]);
        assert_eq!(values(&model, "timeout"), ["600"]);
        let span = model.get("daemon")[0].span.unwrap();
        assert_eq!(project.text(span.file).unwrap().slice(span.range), "True");
    }

    #[test]
    fn the_command_line_wins_and_c_picks_the_file() {
        let (_d, project) = project(&[
            ("app.py", "app = None\n"),
            ("gunicorn.conf.py", "bind = '127.0.0.1:8000'\n"),
            ("conf/prod.py", "bind = ['0.0.0.0:8000']\nreload = True\n"),
        ]);
        let model = GunicornConfig::detect(
            &project,
            &with_command(&project, "gunicorn -b 0.0.0.0:8000 -c conf/prod.py app:app"),
        );
        assert_eq!(values(&model, "bind"), ["0.0.0.0:8000"]);
        assert_eq!(model.get("bind")[0].origin, SettingOrigin::Command);
        assert_eq!(values(&model, "reload"), ["true"]);
        assert_eq!(
            project.rel_path(model.used_config_file().unwrap()),
            "conf/prod.py"
        );
        let model = GunicornConfig::detect(
            &project,
            &with_command(
                &project,
                "gunicorn -c /opt/startup/gunicorn.conf.py app:app",
            ),
        );
        assert!(model.used_config_file().is_none());
        assert!(matches!(
            model.config_file.unwrap().usage,
            ConfigFileUse::IgnoredOtherConfig(_)
        ));
        assert!(model.get("bind").is_empty());
    }

    #[test]
    fn an_auto_detected_start_ignores_the_repository_file() {
        let (_d, project) = project(&[
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            ("gunicorn.conf.py", "daemon = True\n"),
        ]);
        let mut startup = Startup::default();
        startup.entry = Some(EntryModule {
            kind: EntryKind::Flask,
            file: project.file("app.py").unwrap(),
            module: "app".into(),
            attribute: "app".into(),
            import_root: String::new(),
        });
        let model = GunicornConfig::detect(&project, &startup);
        assert_eq!(model.start, GunicornStart::Auto);
        assert_eq!(
            model.config_file.unwrap().usage,
            ConfigFileUse::IgnoredAutoStart
        );
        assert!(model.get("daemon").is_empty());
        assert_eq!(values(&model, "bind"), ["0.0.0.0:8000"]);
    }

    #[test]
    fn scripts_are_read_with_their_folders_and_spans() {
        let (_d, project) = project(&[
            ("src/app.py", "app = None\n"),
            ("src/gunicorn.conf.py", "daemon = True\n"),
            (
                "startup.sh",
                "#!/bin/sh\npip install -r requirements.txt\ncd src\ngunicorn --bind=127.0.0.1:5000 app:app\n",
            ),
        ]);
        let startup = with_command(&project, "startup.sh");
        let model = GunicornConfig::detect(&project, &startup);
        assert_eq!(model.texts.len(), 2);
        let server = model.command().unwrap();
        assert_eq!(server.cwd.as_deref(), Some("src"));
        assert_eq!(
            project.rel_path(model.used_config_file().unwrap()),
            "src/gunicorn.conf.py"
        );
        let bind = model.get("bind")[0];
        let span = bind.span.unwrap();
        assert_eq!(
            project.text(span.file).unwrap().slice(span.range),
            "127.0.0.1:5000"
        );
        let text = &model.texts[1];
        assert_eq!(text.commands.len(), 3);
        assert_eq!(text.commands[0].words[0].text, "pip");
        assert_eq!(text.commands[0].line, 2);
        let edit = (
            server.command.value("--bind").unwrap().range,
            "0.0.0.0:8000".to_owned(),
        );
        let (line, range) = text.line_at(edit.0.start());
        assert_eq!(line, 4);
        assert_eq!(
            text.edited(range, &[edit]),
            "gunicorn --bind=0.0.0.0:8000 app:app"
        );
    }

    #[test]
    fn a_flag_command_fix_is_the_whole_command() {
        let (_d, project) = project(&[("app.py", "")]);
        let model = GunicornConfig::detect(
            &project,
            &with_command(&project, "uvicorn main:app --port 8000"),
        );
        let text = &model.texts[0];
        let server = &model.servers[0];
        let end = server.command.range().end();
        let whole = text.edited(
            TextRange::up_to(TextSize::of(text.text.as_str())),
            &[(TextRange::empty(end), " --host 0.0.0.0".into())],
        );
        assert_eq!(whole, "uvicorn main:app --port 8000 --host 0.0.0.0");
        assert!(text.span(server.command.range()).is_none());
    }

    #[test]
    fn txt_startup_files_give_their_first_line() {
        let (_d, project) = project(&[("startup.txt", "flask run\npip install x\n")]);
        let startup = Startup::detect(&project, None, PythonVersion::PY312);
        let model = GunicornConfig::detect(&project, &startup);
        assert_eq!(model.texts[0].commands.len(), 1);
        assert!(model.texts[0].assumed());
        assert_eq!(model.servers[0].command.kind, ServerKind::FlaskRun);
    }

    #[test]
    fn import_time_and_script_server_calls() {
        let source = r#"
import os
from flask import Flask
import uvicorn
from aiohttp import web

app = Flask(__name__)
PORT = int(os.environ.get("PORT", 5000))

def main():
    app.run(host="0.0.0.0", port=PORT)

if not os.environ.get("WEBSITE_HOSTNAME"):
    app.run()

with app.app_context():
    uvicorn.run("app:app", port=9000)

if __name__ == "__main__":
    main()
else:
    web.run_app(app)
"#;
        let (_d, project) = project(&[("app.py", source)]);
        let file = project.file("app.py").unwrap();
        let settings = AppSettings::default();
        let at_import = server_calls(&project, &settings, file, "", false, Some("app"));
        let kinds: Vec<_> = at_import.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [CallKind::UvicornRun, CallKind::AiohttpRunApp]);
        assert_eq!(at_import[0].app.as_deref(), Some("\"app:app\""));
        assert_eq!(at_import[0].port.as_ref().unwrap().value, Value::Int(9000));
        let as_script = server_calls(&project, &settings, file, "", true, None);
        let kinds: Vec<_> = as_script.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [CallKind::UvicornRun, CallKind::AppRun]);
        let run = &as_script[1];
        assert_eq!(run.callee, "app.run");
        assert_eq!(run.via.as_ref().unwrap().0, "main");
        assert!(
            run.port
                .as_ref()
                .unwrap()
                .value
                .env_vars()
                .contains(&"PORT".to_owned())
        );
    }

    #[test]
    fn other_run_methods_are_not_servers() {
        let source = "import asyncio, subprocess\nfrom fastapi import FastAPI\napi = FastAPI()\nsubprocess.run(['ls'])\nasyncio.run(main())\napi.run()\nbot.run()\n";
        let (_d, project) = project(&[("main.py", source)]);
        let file = project.file("main.py").unwrap();
        assert!(server_calls(&project, &AppSettings::default(), file, "", false, None).is_empty());
    }

    #[test]
    fn gunicorn_cmd_args_sit_between_the_file_and_the_command() {
        let (_d, project) = project(&[
            ("app.py", "app = None\n"),
            (
                "gunicorn.conf.py",
                "bind = '127.0.0.1:8000'\nworkers = 2\ntimeout = 30\n",
            ),
        ]);
        let settings = crate::platform::sources::test_app_settings(
            &project,
            &[(
                "GUNICORN_CMD_ARGS".to_owned(),
                "--bind=0.0.0.0:8000 --workers 4".to_owned(),
            )],
        );
        let model = GunicornConfig::detect_with(
            &project,
            &with_command(&project, "gunicorn --workers 8 app:app"),
            &settings,
        );
        assert_eq!(values(&model, "bind"), ["0.0.0.0:8000"]);
        assert!(matches!(
            model.get("bind")[0].origin,
            SettingOrigin::EnvArgs(_)
        ));
        assert_eq!(values(&model, "workers"), ["8"]);
        assert_eq!(values(&model, "timeout"), ["30"]);
    }

    #[test]
    fn container_settings_of_a_custom_command_only() {
        let (_d, project) = project(&[
            ("app.py", "app = None\n"),
            (
                "gunicorn.conf.py",
                "import os\ndaemon = 'TRUE'\nchdir = 'src'\nreload = os.environ.get('DEV') == '1'\naccesslog = '-'\nerrorlog = 'logs/error.log'\n",
            ),
        ]);
        let model = GunicornConfig::detect(&project, &with_command(&project, "gunicorn app:app"));
        let found: Vec<(ContainerEffect, &str, &str)> = model
            .container_settings
            .iter()
            .map(|c| (c.effect, c.setting.name, c.shown.as_str()))
            .collect();
        // A relative `chdir`, a `reload` that depends on the environment and a console log are not.
        assert_eq!(
            found,
            [
                (ContainerEffect::Daemon, "daemon", "True"),
                (ContainerEffect::LogFile, "errorlog", "logs/error.log"),
            ]
        );
        let model = GunicornConfig::detect(
            &project,
            &with_command(&project, "gunicorn --chdir /srv app:app"),
        );
        assert!(
            model
                .container_settings
                .iter()
                .any(|c| c.effect == ContainerEffect::AbsoluteChdir && c.shown == "/srv")
        );
        // An auto-detected start ignores the file.
        let auto = GunicornConfig::detect(
            &project,
            &Startup::detect(&project, None, PythonVersion::PY312),
        );
        assert!(auto.container_settings.is_empty());
        assert_eq!(gunicorn_bool(&str_value(" false ", None)), Some(false));
        assert_eq!(gunicorn_bool(&Value::Int(1)), None);
        assert_eq!(cli_option("errorlog"), Some("--error-logfile"));
        assert_eq!(cli_setting("--log-file"), Some("errorlog"));
    }

    #[test]
    fn bind_addresses() {
        assert_eq!(
            split_bind("0.0.0.0:${PORT:-8000}"),
            Some(("0.0.0.0".into(), Some("${PORT:-8000}".into())))
        );
        assert_eq!(
            split_bind("[::1]:80"),
            Some(("[::1]".into(), Some("80".into())))
        );
        assert_eq!(split_bind("::1"), Some(("::1".into(), None)));
        assert_eq!(split_bind("localhost"), Some(("localhost".into(), None)));
        assert_eq!(split_bind("unix:/tmp/g.sock"), None);
    }
}
