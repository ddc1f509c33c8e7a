//! What gunicorn reads: its settings, from every place they can be set, with gunicorn's own precedence.
//! The one reader of gunicorn configuration files is here, and the one precedence function
//! ([`GunicornSettings::get`]); the start-up model asks it for each gunicorn command it finds, and for the
//! start App Service composes for an auto-detected app.
//!
//! Gunicorn reads its settings from, lowest first: the config file, the `GUNICORN_CMD_ARGS` environment
//! variable, the command line (gunicorn `app/base.py`, `Application.load_config`; gunicorn's docs,
//! "Configuration Overview"). The config file is the one `-c` names on the command line, else the one `-c`
//! names in `GUNICORN_CMD_ARGS`, else `gunicorn.conf.py` in the folder gunicorn starts in (gunicorn
//! `config.py`, `get_default_config_file`). A custom command runs in the app root (Oryx's generated startup
//! script starts with `cd <app>`), so a root `gunicorn.conf.py` is loaded; an auto-detected start passes
//! `-c $PYTHON_USE_GUNICORN_CONFIG_FROM_PATH` (/opt/startup/gunicorn.conf.py, set by the Python image) in
//! the `GUNICORN_CMD_ARGS` Oryx writes (`scriptgenerator.go`, `buildGunicornCommandForModule`), so the
//! repository's file is ignored (inference) and the platform's own arguments apply.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::platform::app_settings::{AppSettings, Setting, Source};
use crate::platform::command::{OptionArg, ServerCommand, server_commands};
use crate::platform::eval::Names;
use crate::platform::eval::{Evaluator, StrLit, Value};
use crate::platform::modules::resolve_module;
use crate::platform::shell::cd_to;
use crate::project::walk::{Block, walk};
use crate::project::{FileId, Project, Span};

/// Where the platform's own gunicorn config file is (`PYTHON_USE_GUNICORN_CONFIG_FROM_PATH`, set by the
/// App Service Python image).
pub const PLATFORM_CONFIG_PATH: &str = "/opt/startup/gunicorn.conf.py";
/// The worker class this tool suggests for an ASGI app (shipped with uvicorn itself).
pub const SUGGESTED_ASGI_WORKER: &str = "uvicorn.workers.UvicornWorker";

/// Whether and why the repository's gunicorn config file is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFileUse {
    /// No `-c`: gunicorn loads `gunicorn.conf.py` from the folder it starts in.
    Default,
    /// Named by `-c`/`--config` on the command line (the option's value, when it has a place).
    Named(Option<Span>),
    /// Named by `-c`/`--config` in the `GUNICORN_CMD_ARGS` app setting, the command giving none.
    NamedInEnvArgs(Option<Span>),
    /// An auto-detected start passes `-c /opt/startup/gunicorn.conf.py` (Oryx `scriptgenerator.go`; that
    /// the repository file is then ignored is an inference).
    IgnoredAutoStart,
    /// A custom command's `-c` names another file.
    IgnoredOtherConfig(Option<Span>),
}

/// The repository's gunicorn config file.
#[derive(Debug, Clone, Copy)]
pub struct ConfigFile {
    pub file: FileId,
    pub usage: ConfigFileUse,
}

impl ConfigFile {
    pub fn used(&self) -> bool {
        matches!(
            self.usage,
            ConfigFileUse::Default | ConfigFileUse::Named(_) | ConfigFileUse::NamedInEnvArgs(_)
        )
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
    /// The arguments Oryx gives an auto-detected start (`scriptgenerator.go`, `GUNICORN_CMD_ARGS`).
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

/// A setting with one string value, as the start-up model needs it (`chdir`, `pythonpath`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfValue {
    /// Not set anywhere: gunicorn's default.
    Unset,
    Literal(String),
    /// Set (or maybe set) to something this tool cannot read.
    Unknown,
}

/// The settings one gunicorn start reads, from every origin.
#[derive(Debug, Clone, Default)]
pub struct GunicornSettings {
    /// The repository's config file: the one gunicorn loads, else a `gunicorn.conf.py` it ignores.
    pub config_file: Option<ConfigFile>,
    /// Gunicorn loads a config file this tool cannot read (`-c python:module` not found, a file outside
    /// the app, or `gunicorn.conf.py` in a folder this tool cannot follow).
    config_unknown: bool,
    /// Every setting given, from every origin (see [`GunicornSettings::get`] for those that apply).
    settings: Vec<GunicornSetting>,
}

impl GunicornSettings {
    /// The settings of a gunicorn command starting in `cwd` (relative to the app root; `None`: unknown).
    /// `span_of` places a range of the command's text.
    pub fn read(
        project: &Project,
        app_settings: &AppSettings,
        command: &ServerCommand,
        cwd: Option<&str>,
        span_of: &dyn Fn(TextRange) -> Option<Span>,
    ) -> GunicornSettings {
        let mut settings = Vec::new();
        push_options(
            &mut settings,
            &command.options,
            &SettingOrigin::Command,
            span_of,
        );
        if let Some(setting) = app_settings
            .get("GUNICORN_CMD_ARGS")
            .filter(|s| runtime_setting(project, s))
        {
            const PREFIX: &str = "gunicorn ";
            let line = format!("{PREFIX}{}", setting.value);
            if let Some(args) = server_commands(&line).into_iter().next() {
                let span_of = |r: TextRange| {
                    setting
                        .value_span
                        .map(|vs| Span::new(vs.file, r - TextSize::of(PREFIX) + vs.range.start()))
                };
                push_options(
                    &mut settings,
                    &args.options,
                    &SettingOrigin::EnvArgs(setting.source.clone()),
                    &span_of,
                );
            }
        }
        let mut out = GunicornSettings {
            config_file: None,
            config_unknown: false,
            settings,
        };
        // `-c` on the command line, else in GUNICORN_CMD_ARGS; without one, `gunicorn.conf.py` where
        // gunicorn starts.
        let named = out
            .settings
            .iter()
            .filter(|s| s.name == "config")
            .min_by_key(|s| s.origin.rank())
            .map(|s| {
                let path = s.value.as_str().unwrap_or_default().to_owned();
                let usage = match s.origin {
                    SettingOrigin::EnvArgs(_) => ConfigFileUse::NamedInEnvArgs(s.span),
                    _ => ConfigFileUse::Named(s.span),
                };
                (path, s.span, usage)
            });
        let default = lookup(project, cwd, None);
        match named {
            None => match default {
                Lookup::File(file) => {
                    out.config_file = Some(ConfigFile {
                        file,
                        usage: ConfigFileUse::Default,
                    });
                }
                Lookup::Missing => {}
                Lookup::Unknown => out.config_unknown = true,
            },
            Some((path, span, usage)) => {
                match lookup(project, cwd, Some(&path)) {
                    Lookup::File(file) => out.config_file = Some(ConfigFile { file, usage }),
                    // Gunicorn stops: "Error: ... doesn't exist".
                    Lookup::Missing => {}
                    Lookup::Unknown => out.config_unknown = true,
                }
                if out.config_file.is_none()
                    && let Lookup::File(file) = default
                {
                    out.config_file = Some(ConfigFile {
                        file,
                        usage: ConfigFileUse::IgnoredOtherConfig(span),
                    });
                }
            }
        }
        if let Some(file) = out.used_config_file() {
            let root = parent_dir(project.rel_path(file)).to_owned();
            out.settings
                .extend(config_file_settings(project, app_settings, file, &root));
        }
        out
    }

    /// The settings of the start Oryx composes for an auto-detected app: the platform's arguments, with
    /// the platform's config file, so a repository `gunicorn.conf.py` is ignored.
    pub fn auto_start(project: &Project) -> GunicornSettings {
        let settings = [
            ("bind", "0.0.0.0:8000"),
            ("timeout", "600"),
            ("accesslog", "-"),
            ("errorlog", "-"),
            ("config", PLATFORM_CONFIG_PATH),
        ]
        .into_iter()
        .map(|(name, value)| GunicornSetting {
            name,
            value: str_value(value, None),
            span: None,
            origin: SettingOrigin::Platform,
        })
        .collect();
        GunicornSettings {
            config_file: project.file("gunicorn.conf.py").map(|file| ConfigFile {
                file,
                usage: ConfigFileUse::IgnoredAutoStart,
            }),
            config_unknown: true,
            settings,
        }
    }

    /// Whether gunicorn takes `X-Forwarded-Proto` from any peer (`forwarded_allow_ips` holds `*`), so a
    /// request the front end received over HTTPS gets the `https` scheme. `env` is `FORWARDED_ALLOW_IPS` as
    /// gunicorn's process sees it: gunicorn's default for the setting (else `127.0.0.1,::1`, which App
    /// Service's front end is not; docs/platform.md, "HTTPS behind the front end"). `None`: cannot be told (a
    /// list of addresses, a value this tool cannot read, or a config file it cannot follow). The platform's
    /// own config file of an auto-detected start is taken not to set it (observed: such apps loop on
    /// `SECURE_SSL_REDIRECT` without a proxy header).
    pub fn trusts_any_proxy(&self, env: Option<&str>) -> Option<bool> {
        let star = |text: &str| text.split(',').any(|ip| ip.trim() == "*");
        match self.get("forwarded_allow_ips").as_slice() {
            [] => {}
            [one] => return one.value.as_str().filter(|t| star(t)).map(|_| true),
            _ => return None,
        }
        let platform_only = self
            .settings
            .iter()
            .any(|s| s.name == "config" && s.origin == SettingOrigin::Platform)
            && self.config_file.is_none_or(|c| !c.used());
        if self.config_unknown && !platform_only {
            return None;
        }
        match env {
            None => Some(false),
            Some(text) if star(text) => Some(true),
            Some(_) => None,
        }
    }

    /// The repository config file gunicorn loads, if it loads one.
    pub fn used_config_file(&self) -> Option<FileId> {
        self.config_file.filter(ConfigFile::used).map(|c| c.file)
    }

    /// The values of a setting that apply: those of its highest-precedence origin (command line over
    /// `GUNICORN_CMD_ARGS` over the config file); empty when gunicorn's default applies (or the setting is
    /// only in a config file this tool cannot read).
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

    /// The one string value of a setting that applies, by [`GunicornSettings::get`].
    pub fn text(&self, name: &str) -> ConfValue {
        match self.get(name).as_slice() {
            [] if self.config_unknown => ConfValue::Unknown,
            [] => ConfValue::Unset,
            [one] => match one.value.as_str() {
                Some(text) => ConfValue::Literal(text.to_owned()),
                None => ConfValue::Unknown,
            },
            _ => ConfValue::Unknown,
        }
    }

    /// The worker class `command` runs with, and where it is set.
    pub fn worker_class(&self, project: &Project, command: &ServerCommand) -> WorkerClass {
        let Some(setting) = self.get("worker_class").first().copied() else {
            return if self.config_unknown {
                WorkerClass::Unknown
            } else {
                WorkerClass::Default
            };
        };
        let ConfValue::Literal(class) = self.text("worker_class") else {
            return WorkerClass::Unknown;
        };
        let origin = match &setting.origin {
            SettingOrigin::Command => format!(
                "`{}`",
                command
                    .option("--worker-class")
                    .last()
                    .map_or("-k", |o| o.word.text.as_str())
            ),
            SettingOrigin::EnvArgs(_) => "GUNICORN_CMD_ARGS".to_owned(),
            SettingOrigin::ConfigFile(file) => project.rel_path(*file).to_owned(),
            SettingOrigin::Platform => "the platform".to_owned(),
        };
        WorkerClass::Named { class, origin }
    }
}

/// The settings a list of command-line options gives.
fn push_options(
    out: &mut Vec<GunicornSetting>,
    options: &[OptionArg],
    origin: &SettingOrigin,
    span_of: &dyn Fn(TextRange) -> Option<Span>,
) {
    for option in options {
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
        out.push(GunicornSetting {
            name,
            value,
            span,
            origin: origin.clone(),
        });
    }
}

/// A config file gunicorn is asked to read, looked up in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    File(FileId),
    /// Not in the app.
    Missing,
    /// `-c python:module` not found in the app, a path outside the app, or a folder this tool cannot follow.
    Unknown,
}

/// The file gunicorn reads its configuration from when it starts in `cwd` (`None`: unknown) with
/// `-c config`, or without `-c` (then `gunicorn.conf.py` in `cwd`): `-c python:module` is the module's
/// file, `-c [file:]PATH` is relative to `cwd`.
fn lookup(project: &Project, cwd: Option<&str>, config: Option<&str>) -> Lookup {
    let rel = match config {
        Some(path) => match path.strip_prefix("python:") {
            Some(module) => {
                return cwd
                    .and_then(|c| resolve_module(project, c, module))
                    .map_or(Lookup::Unknown, Lookup::File);
            }
            None => cd_to(cwd, Some(path.strip_prefix("file:").unwrap_or(path))),
        },
        None => cd_to(cwd, Some("gunicorn.conf.py")),
    };
    match rel {
        Some(rel) => project.file(&rel).map_or(Lookup::Missing, Lookup::File),
        None => Lookup::Unknown,
    }
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

/// Options that are flags (no value) among those mapped to settings.
const FLAG_OPTIONS: &[&str] = &["--reload", "--daemon", "--preload", "--capture-output"];

/// The gunicorn setting a command-line option sets.
fn cli_setting(option: &str) -> Option<&'static str> {
    Some(match option {
        "--bind" => "bind",
        "--workers" => "workers",
        "--worker-class" => "worker_class",
        "--threads" => "threads",
        "--timeout" => "timeout",
        "--reload" => "reload",
        "--daemon" => "daemon",
        "--chdir" => "chdir",
        "--access-logfile" => "accesslog",
        "--error-logfile" | "--log-file" => "errorlog",
        "--log-level" => "loglevel",
        "--config" => "config",
        "--preload" => "preload_app",
        "--capture-output" => "capture_output",
        "--pythonpath" => "pythonpath",
        "--pid" => "pidfile",
        "--worker-tmp-dir" => "worker_tmp_dir",
        "--forwarded-allow-ips" => "forwarded_allow_ips",
        _ => return None,
    })
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
    "forwarded_allow_ips",
];

fn str_value(text: &str, span: Option<Span>) -> Value {
    Value::Str(StrLit {
        value: text.to_owned(),
        span,
    })
}

/// Whether an app setting exists at run time (`build.env` only feeds the build).
fn runtime_setting(project: &Project, setting: &Setting) -> bool {
    match &setting.source {
        Source::File(span) => project.rel_path(span.file) != "build.env",
        Source::Flag(_) => true,
    }
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
    let top_level = walk(body, |_, block| {
        !matches!(
            block,
            Block::FunctionBody | Block::ClassBody | Block::MatchCase
        )
    });
    top_level.into_iter().find_map(|stmt| match stmt {
        Stmt::Assign(a) if a.value.range() == range => Some(a.value.as_ref()),
        Stmt::AnnAssign(a) => a.value.as_deref().filter(|v| v.range() == range),
        _ => None,
    })
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

/// The folder of a relative path ("" at the root).
fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
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
    use crate::platform::startup::{GunicornStart, Startup, StartupCommand};
    use crate::project::PythonVersion;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn startup(project: &Project, command: Option<&str>, settings: &AppSettings) -> Startup {
        let command = command.map(|c| StartupCommand {
            command: c.to_owned(),
            source: Source::flag("--startup-command"),
        });
        Startup::detect(project, command, PythonVersion::PY312, settings)
    }

    /// The gunicorn settings of a start with `command`.
    fn read(project: &Project, command: &str) -> GunicornSettings {
        read_with(project, command, &AppSettings::default())
    }

    fn read_with(project: &Project, command: &str, settings: &AppSettings) -> GunicornSettings {
        startup(project, Some(command), settings)
            .gunicorn_settings()
            .expect("gunicorn starts")
            .clone()
    }

    fn values(model: &GunicornSettings, name: &str) -> Vec<String> {
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
        let model = read(&project, "gunicorn --timeout 600 app:app");
        assert_eq!(model.config_file.unwrap().usage, ConfigFileUse::Default);
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
        let model = read(&project, "gunicorn -b 0.0.0.0:8000 -c conf/prod.py app:app");
        assert_eq!(values(&model, "bind"), ["0.0.0.0:8000"]);
        assert_eq!(model.get("bind")[0].origin, SettingOrigin::Command);
        assert_eq!(values(&model, "reload"), ["true"]);
        assert_eq!(
            project.rel_path(model.used_config_file().unwrap()),
            "conf/prod.py"
        );
        // The platform's config file: the repository's is ignored, and what the other sets is unknown.
        let model = read(
            &project,
            "gunicorn -c /opt/startup/gunicorn.conf.py app:app",
        );
        assert!(model.used_config_file().is_none());
        assert!(matches!(
            model.config_file.unwrap().usage,
            ConfigFileUse::IgnoredOtherConfig(_)
        ));
        assert!(model.get("bind").is_empty());
        assert_eq!(model.text("chdir"), ConfValue::Unknown);
    }

    #[test]
    fn config_files_are_looked_up_where_gunicorn_starts() {
        let (_d, p) = project(&[
            ("src/app.py", "app = None\n"),
            (
                "conf/dynamic.py",
                "import os\nchdir = os.environ['APP_DIR']\n",
            ),
        ]);
        assert_eq!(
            lookup(&p, Some(""), Some("python:gunicorn")),
            Lookup::Unknown
        );
        assert_eq!(
            lookup(&p, Some(""), Some(PLATFORM_CONFIG_PATH)),
            Lookup::Unknown
        );
        assert_eq!(
            lookup(&p, Some("src"), Some("../missing.py")),
            Lookup::Missing
        );
        assert!(matches!(
            lookup(&p, Some(""), Some("file:conf/dynamic.py")),
            Lookup::File(_)
        ));
        assert!(matches!(
            lookup(&p, Some(""), Some("python:conf.dynamic")),
            Lookup::File(_)
        ));
        assert!(matches!(
            lookup(&p, None, Some("/home/site/wwwroot/conf/dynamic.py")),
            Lookup::File(_)
        ));
        assert_eq!(lookup(&p, None, None), Lookup::Unknown);
        // A `chdir` the config file computes is unknown.
        let model = read(&p, "gunicorn -c conf/dynamic.py app:app");
        assert_eq!(model.text("chdir"), ConfValue::Unknown);
    }

    #[test]
    fn an_auto_detected_start_ignores_the_repository_file() {
        let (_d, project) = project(&[
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            ("gunicorn.conf.py", "daemon = True\n"),
        ]);
        let startup = startup(&project, None, &AppSettings::default());
        let GunicornStart::Auto(model) = &startup.gunicorn else {
            panic!("an auto-detected start: {:?}", startup.gunicorn)
        };
        assert_eq!(
            model.config_file.unwrap().usage,
            ConfigFileUse::IgnoredAutoStart
        );
        assert!(model.get("daemon").is_empty());
        assert_eq!(values(model, "bind"), ["0.0.0.0:8000"]);
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
        let startup = startup(&project, Some("startup.sh"), &AppSettings::default());
        let server = startup.gunicorn_server().unwrap();
        assert_eq!(server.cwd.as_deref(), Some("src"));
        let model = server.gunicorn.as_ref().unwrap();
        assert_eq!(
            project.rel_path(model.used_config_file().unwrap()),
            "src/gunicorn.conf.py"
        );
        let span = model.get("bind")[0].span.unwrap();
        assert_eq!(
            project.text(span.file).unwrap().slice(span.range),
            "127.0.0.1:5000"
        );
        let text = startup.run().unwrap();
        assert_eq!(text.commands.len(), 3);
        assert_eq!(text.commands[0].words[0].text, "pip");
        assert_eq!(text.commands[0].line, 2);
    }

    #[test]
    fn gunicorn_cmd_args_sit_between_the_file_and_the_command() {
        let (_d, project) = project(&[
            ("app.py", "app = None\n"),
            (
                "gunicorn.conf.py",
                "bind = '127.0.0.1:8000'\nworkers = 2\ntimeout = 30\n",
            ),
            ("other.conf.py", "timeout = 90\n"),
        ]);
        let settings = crate::platform::sources::test_app_settings(
            &project,
            &[(
                "GUNICORN_CMD_ARGS".to_owned(),
                "--bind=0.0.0.0:8000 --workers 4".to_owned(),
            )],
        );
        let model = read_with(&project, "gunicorn --workers 8 app:app", &settings);
        assert_eq!(values(&model, "bind"), ["0.0.0.0:8000"]);
        assert!(matches!(
            model.get("bind")[0].origin,
            SettingOrigin::EnvArgs(_)
        ));
        assert_eq!(values(&model, "workers"), ["8"]);
        assert_eq!(values(&model, "timeout"), ["30"]);
        // `-c` in GUNICORN_CMD_ARGS picks the config file when the command gives none.
        let settings = crate::platform::sources::test_app_settings(
            &project,
            &[(
                "GUNICORN_CMD_ARGS".to_owned(),
                "-c other.conf.py".to_owned(),
            )],
        );
        let model = read_with(&project, "gunicorn app:app", &settings);
        assert_eq!(values(&model, "timeout"), ["90"]);
        assert!(matches!(
            model.config_file.unwrap().usage,
            ConfigFileUse::NamedInEnvArgs(_)
        ));
        assert_eq!(
            project.rel_path(model.used_config_file().unwrap()),
            "other.conf.py"
        );
        let model = read_with(&project, "gunicorn -c gunicorn.conf.py app:app", &settings);
        assert_eq!(values(&model, "timeout"), ["30"]);
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
