//! AZ207 server-not-reachable

use ruff_text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::platform::command::ServerKind;
use crate::platform::eval::Value;
use crate::platform::gunicorn::{ConfigFileUse, GunicornSetting, SettingOrigin, split_bind};
use crate::platform::startup::{CallKind, Server, ServerCall, StartupText};
use crate::project::Span;
use crate::project::edit::Edit;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ207",
    name: "server-not-reachable",
    category: Category::Blocker,
    summary: "The server binds a local address or a port other than `$PORT`",
    docs: include_str!("../../lints/AZ207.md"),
    security_severity: None,
};

/// The port App Service sends requests to on a built-in Python image (the image sets PORT=8000).
const PLATFORM_PORT: u16 = 8000;

const LOCAL: &str = "only connections from inside the container reach this address, and App Service connects from outside";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let accepted = accepted_ports(ctx);
    let Some(text) = ctx.startup.run() else {
        return;
    };
    for server in &text.servers {
        let found = match &server.command.kind {
            ServerKind::Gunicorn => gunicorn(ctx, server, text, &accepted),
            ServerKind::Uvicorn => options_server(ctx, server, text, &accepted, UVICORN),
            ServerKind::FlaskRun => options_server(ctx, server, text, &accepted, FLASK_RUN),
            ServerKind::DjangoRunserver => runserver(ctx, server, text, &accepted),
            ServerKind::PythonScript(_) => server
                .script_calls
                .iter()
                .filter_map(|call| python_call(ctx, server, text, call, &accepted))
                .collect(),
        };
        for mut d in found {
            if let Some(note) = fixes::assumed_startup_file_note(ctx.project, &ctx.startup) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
}

/// The ports App Service may send requests to: 8000, or the `PORT`/`WEBSITES_PORT` app setting
/// (inference: the platform routes to the port the app settings name).
fn accepted_ports(ctx: &Context) -> Vec<u16> {
    let mut ports = vec![PLATFORM_PORT];
    for name in ["PORT", "WEBSITES_PORT"] {
        if let Some(p) = ctx
            .app_settings
            .get(name)
            .and_then(|s| s.value.trim().parse().ok())
        {
            ports.push(p);
        }
    }
    ports
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Fine,
    Bad,
    Unknown,
}

fn host_verdict(host: &str) -> Verdict {
    let h = host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if h.contains('$') {
        Verdict::Unknown
    } else if h == "localhost" || h == "::1" || h == "ip6-localhost" || h.starts_with("127.") {
        Verdict::Bad
    } else if matches!(h.as_str(), "" | "0" | "0.0.0.0" | "::" | "*") {
        Verdict::Fine
    } else {
        Verdict::Unknown
    }
}

/// The variable a `$VAR`, `${VAR}` or `${VAR:-default}` word reads.
fn shell_var(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let name = match rest.strip_prefix('{') {
        Some(inner) => {
            let inner = inner.strip_suffix('}')?;
            inner.split([':', '-', '=', '+', '?']).next()?
        }
        None => rest,
    };
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

fn port_verdict(port: &str, accepted: &[u16]) -> Verdict {
    let p = port.trim();
    if let Some(var) = shell_var(p) {
        // App Service always sets PORT (the image sets 8000; Oryx's startup script sets it if unset).
        return if var == "PORT" {
            Verdict::Fine
        } else {
            Verdict::Unknown
        };
    }
    match p.parse::<u16>() {
        Ok(n) if accepted.contains(&n) => Verdict::Fine,
        Ok(_) => Verdict::Bad,
        Err(_) => Verdict::Unknown,
    }
}

/// What is wrong with an address, if anything.
struct Problem {
    host_bad: bool,
    port_bad: bool,
}

impl Problem {
    /// A loopback host made `0.0.0.0` is a safe fix; a port change is not (something may rely on it).
    fn applicability(&self) -> crate::diagnostic::Applicability {
        if self.port_bad {
            crate::diagnostic::Applicability::Unsafe
        } else {
            crate::diagnostic::Applicability::Safe
        }
    }

    fn of(host: Verdict, port: Verdict) -> Option<Problem> {
        (host == Verdict::Bad || port == Verdict::Bad).then_some(Problem {
            host_bad: host == Verdict::Bad,
            port_bad: port == Verdict::Bad,
        })
    }

    fn label(&self) -> String {
        match (self.host_bad, self.port_bad) {
            (true, false) => LOCAL.to_owned(),
            (false, _) => {
                format!("App Service sends requests to port {PLATFORM_PORT} (the PORT variable)")
            }
            (true, true) => format!(
                "App Service connects from outside the container, to port {PLATFORM_PORT} (the PORT variable)"
            ),
        }
    }

    fn what(&self) -> &'static str {
        match (self.host_bad, self.port_bad) {
            (true, false) => "a local address",
            (false, _) => "a port App Service does not send requests to",
            (true, true) => "a local address and a port App Service does not send requests to",
        }
    }
}

/// The address to write instead: `0.0.0.0`, the port kept when it is right.
fn fixed_address(host_bad: bool, host: &str, port: Option<&str>, port_bad: bool) -> String {
    let host = if host_bad || host.is_empty() {
        "0.0.0.0"
    } else {
        host
    };
    match port {
        Some(_) if port_bad => format!("{host}:{PLATFORM_PORT}"),
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// A bind candidate: its text, where it is written, and how to replace it.
struct Bind<'a> {
    text: String,
    /// Range in the startup text (a command option).
    range: Option<TextRange>,
    setting: Option<&'a GunicornSetting>,
}

fn gunicorn(
    ctx: &Context,
    server: &Server,
    text: &StartupText,
    accepted: &[u16],
) -> Vec<Diagnostic> {
    let Some(settings) = &server.gunicorn else {
        return Vec::new();
    };
    let own: Vec<Bind> = server
        .command
        .option("--bind")
        .filter_map(|o| o.value.as_ref())
        .map(|w| Bind {
            text: w.text.clone(),
            range: Some(w.range),
            setting: None,
        })
        .collect();
    let binds: Vec<Bind> = if !own.is_empty() {
        own
    } else {
        settings
            .get("bind")
            .into_iter()
            .flat_map(|s| {
                let texts: Vec<Option<String>> = match &s.value {
                    Value::Str(v) => vec![Some(v.value.clone())],
                    Value::List(items) => items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    _ => vec![None],
                };
                texts.into_iter().map(move |t| Bind {
                    text: t.unwrap_or_else(|| "$?".to_owned()),
                    range: None,
                    setting: Some(s),
                })
            })
            .collect()
    };
    // Without `--bind`, gunicorn binds 0.0.0.0:$PORT when PORT is set, as it always is on App Service.
    let judged: Vec<(&Bind, Option<Problem>)> = binds
        .iter()
        .map(|b| {
            let problem = match split_bind(&b.text) {
                Some((host, port)) => Problem::of(
                    host_verdict(&host),
                    port.as_deref()
                        .map_or(Verdict::Fine, |p| port_verdict(p, accepted)),
                ),
                None => None,
            };
            (b, problem)
        })
        .collect();
    if judged.is_empty() || judged.iter().any(|(_, p)| p.is_none()) {
        return Vec::new();
    }
    let project = ctx.project;
    let mut out = Vec::new();
    for (bind, problem) in judged {
        let Some(problem) = problem else { continue };
        let (host, port) = split_bind(&bind.text).unwrap_or_default();
        let fixed = fixed_address(problem.host_bad, &host, port.as_deref(), problem.port_bad);
        let message = format!("gunicorn binds `{}`, {}", bind.text, problem.what());
        let d = match (bind.range, bind.setting) {
            (Some(range), _) => {
                let edits = [Edit::replacement(fixed, range)];
                Diagnostic::new(&META, text.span(range), message)
                    .label(problem.label())
                    .help(fixes::edit_startup(project, text, &edits))
                    .fix(fixes::startup_fix_as(text, &edits, problem.applicability()))
            }
            (None, Some(setting)) => {
                let d = Diagnostic::new(&META, setting.span, message).label(problem.label());
                match &setting.origin {
                    SettingOrigin::ConfigFile(file) => {
                        let python_port = match port.as_deref() {
                            Some(p) if !problem.port_bad && shell_var(p).is_some() => {
                                "\"0.0.0.0:\" + os.environ.get(\"PORT\", \"8000\")".to_owned()
                            }
                            _ => format!("\"{fixed}\""),
                        };
                        // The value the help writes, as the fix: safe for a literal address (the host
                        // alone changes), unsafe where an expression is rewritten to read PORT.
                        let applicability = if python_port.contains("os.environ") {
                            crate::diagnostic::Applicability::Unsafe
                        } else {
                            problem.applicability()
                        };
                        let fix = setting.span.filter(|s| s.file == *file).and_then(|span| {
                            fixes::replace_value(project, span, &python_port, applicability)
                        });
                        let mut d = d
                            .help(format!(
                                "write `bind = {python_port}` in {}",
                                project.rel_path(*file)
                            ))
                            .fix(fix);
                        let how = match settings.config_file.map(|c| c.usage) {
                            Some(ConfigFileUse::Named(_)) => {
                                "the startup command names it with `-c`"
                            }
                            Some(ConfigFileUse::NamedInEnvArgs(_)) => {
                                "the app setting GUNICORN_CMD_ARGS names it with `-c`"
                            }
                            _ => "the startup command gives no `-c`",
                        };
                        let loaded = format!(
                            "gunicorn loads {} ({how}) and the command gives no `--bind` of its own",
                            project.rel_path(*file)
                        );
                        match text.span(server.command.range()) {
                            Some(span) => d = d.secondary(span, loaded),
                            None => d = d.note(loaded),
                        }
                        d
                    }
                    SettingOrigin::EnvArgs(source) => {
                        let value = ctx
                            .app_settings
                            .get("GUNICORN_CMD_ARGS")
                            .map(|s| s.value.replacen(&bind.text, &fixed, 1))
                            .unwrap_or_else(|| format!("--bind={fixed}"));
                        d.help(fixes::set_app_setting_help(
                            project,
                            "GUNICORN_CMD_ARGS",
                            &value,
                            source,
                        ))
                        .note(format!(
                            "the bind comes from the app setting GUNICORN_CMD_ARGS (set by {})",
                            source.describe(project)
                        ))
                    }
                    _ => continue,
                }
            }
            _ => continue,
        };
        out.push(d);
    }
    out
}

/// How a server that takes `--host` and `--port` behaves.
struct HostPortServer {
    name: &'static str,
    default_host: &'static str,
    default_port: u16,
    host_var: &'static str,
    port_var: &'static str,
}

const UVICORN: HostPortServer = HostPortServer {
    name: "uvicorn",
    default_host: "127.0.0.1",
    default_port: 8000,
    host_var: "UVICORN_HOST",
    port_var: "UVICORN_PORT",
};

const FLASK_RUN: HostPortServer = HostPortServer {
    name: "flask run",
    default_host: "127.0.0.1",
    default_port: 5000,
    host_var: "FLASK_RUN_HOST",
    port_var: "FLASK_RUN_PORT",
};

/// A runtime environment value: a `NAME=value` prefix of the command, else an app setting.
fn env_value(ctx: &Context, server: &Server, name: &str) -> Option<String> {
    server
        .env
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .or_else(|| ctx.app_settings.get(name).map(|s| s.value.clone()))
}

fn options_server(
    ctx: &Context,
    server: &Server,
    text: &StartupText,
    accepted: &[u16],
    kind: HostPortServer,
) -> Vec<Diagnostic> {
    let command = &server.command;
    if ["--uds", "--fd"].iter().any(|o| command.has_flag(o)) {
        return Vec::new();
    }
    let host_word = command.value("--host");
    let port_word = command.value("--port");
    let host = host_word
        .map(|w| w.text.clone())
        .or_else(|| env_value(ctx, server, kind.host_var))
        .unwrap_or_else(|| kind.default_host.to_owned());
    let port = port_word
        .map(|w| w.text.clone())
        .or_else(|| env_value(ctx, server, kind.port_var))
        .unwrap_or_else(|| kind.default_port.to_string());
    let Some(problem) = Problem::of(host_verdict(&host), port_verdict(&port, accepted)) else {
        return Vec::new();
    };
    let mut edits: Vec<Edit> = Vec::new();
    let end = TextRange::empty(command.range().end());
    let mut append = String::new();
    if problem.host_bad {
        match host_word {
            Some(w) => edits.push(Edit::replacement("0.0.0.0", w.range)),
            None => append.push_str(" --host 0.0.0.0"),
        }
    }
    if problem.port_bad {
        match port_word {
            Some(w) => edits.push(Edit::replacement(PLATFORM_PORT.to_string(), w.range)),
            None => append.push_str(&format!(" --port {PLATFORM_PORT}")),
        }
    }
    if !append.is_empty() {
        edits.push(Edit::replacement(append, end));
    }
    let defaults = match (host_word.is_none(), port_word.is_none()) {
        (true, true) => " (its default without `--host` and `--port`)",
        (true, false) if problem.host_bad => " (its default without `--host`)",
        (false, true) if problem.port_bad => " (its default without `--port`)",
        _ => "",
    };
    let primary = if problem.host_bad {
        host_word
    } else {
        port_word
    }
    .map_or(command.range(), |w| w.range);
    vec![
        Diagnostic::new(
            &META,
            text.span(primary),
            format!(
                "{} binds `{host}:{port}`{defaults}, {}",
                kind.name,
                problem.what()
            ),
        )
        .label(problem.label())
        .help(fixes::edit_startup(ctx.project, text, &edits))
        .fix(fixes::startup_fix_as(text, &edits, problem.applicability())),
    ]
}

fn runserver(
    ctx: &Context,
    server: &Server,
    text: &StartupText,
    accepted: &[u16],
) -> Vec<Diagnostic> {
    let command = &server.command;
    let addr_word = command.value("--bind");
    let addr = addr_word.map_or("127.0.0.1:8000", |w| w.text.as_str());
    // `runserver 8000` is a port on 127.0.0.1; `runserver 0:8000` is 0.0.0.0.
    let (host, port) = if addr.chars().all(|c| c.is_ascii_digit()) || shell_var(addr).is_some() {
        ("127.0.0.1".to_owned(), Some(addr.to_owned()))
    } else {
        split_bind(addr).unwrap_or_default()
    };
    let port_text = port.clone().unwrap_or_else(|| "8000".to_owned());
    let Some(problem) = Problem::of(host_verdict(&host), port_verdict(&port_text, accepted)) else {
        return Vec::new();
    };
    let fixed = fixed_address(true, &host, Some(&port_text), problem.port_bad);
    let (edit, primary) = match addr_word {
        Some(w) => (Edit::replacement(fixed, w.range), w.range),
        None => {
            let after = command
                .words
                .iter()
                .find(|w| w.text == "runserver")
                .map_or(command.range().end(), |w| w.range.end());
            (Edit::insertion(format!(" {fixed}"), after), command.range())
        }
    };
    let defaults = if addr_word.is_none() {
        " (its default without an address)"
    } else {
        ""
    };
    vec![
        Diagnostic::new(
            &META,
            text.span(primary),
            format!(
                "manage.py runserver binds `{host}:{port_text}`{defaults}, {}",
                problem.what()
            ),
        )
        .label(problem.label())
        .help(fixes::edit_startup(
            ctx.project,
            text,
            std::slice::from_ref(&edit),
        ))
        .fix(fixes::startup_fix(text, &[edit])),
    ]
}

/// The text of a Python argument for judging: a literal, `$PORT` for a read of PORT, else unknown.
fn python_value(value: &Value) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.value.clone()),
        Value::Int(i) => Some(i.to_string()),
        v if v.env_vars().iter().any(|var| var == "PORT") => Some("$PORT".to_owned()),
        _ => None,
    }
}

fn python_call(
    ctx: &Context,
    server: &Server,
    text: &StartupText,
    call: &ServerCall,
    accepted: &[u16],
) -> Option<Diagnostic> {
    if call.opaque {
        return None;
    }
    let host = match &call.host {
        Some(arg) => python_value(&arg.value)?,
        None => call.kind.default_host().to_owned(),
    };
    let port = match &call.port {
        Some(arg) => python_value(&arg.value)?,
        None => call.kind.default_port().to_string(),
    };
    let problem = Problem::of(host_verdict(&host), port_verdict(&port, accepted))?;
    let project = ctx.project;
    let source = project.text(call.file).ok()?;
    // The call with `host="0.0.0.0"` and `port=8000`, replacing or adding the arguments.
    let mut edits: Vec<Edit> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    if problem.host_bad {
        match &call.host {
            Some(arg) => edits.push(Edit::replacement("\"0.0.0.0\"", arg.range)),
            None => added.push("host=\"0.0.0.0\"".to_owned()),
        }
    }
    if problem.port_bad {
        match &call.port {
            Some(arg) => edits.push(Edit::replacement(PLATFORM_PORT.to_string(), arg.range)),
            None => added.push(format!("port={PLATFORM_PORT}")),
        }
    }
    let call_text = source.slice(call.range);
    let mut fixed =
        crate::project::edit::apply(call_text, &crate::project::edit::within(&edits, call.range));
    if !added.is_empty() {
        let close = fixed.rfind(')')?;
        let inside = fixed[..close].trim_end();
        let open = fixed.find('(')?;
        let sep = if inside.len() == open + 1 || inside.ends_with(',') {
            ""
        } else {
            ", "
        };
        fixed = format!("{inside}{sep}{}{}", added.join(", "), &fixed[close..]);
    }
    let mut defaults = Vec::new();
    if call.host.is_none() {
        defaults.push("host");
    }
    if call.port.is_none() {
        defaults.push("port");
    }
    let defaults = if defaults.is_empty() {
        String::new()
    } else {
        format!(" (the default without {})", defaults.join(" and "))
    };
    let what = match call.kind {
        CallKind::AppRun | CallKind::SocketIoRun => "the development server",
        CallKind::UvicornRun => "uvicorn",
        CallKind::AiohttpRunApp => "aiohttp",
    };
    let script = project.rel_path(call.file);
    let mut d = Diagnostic::new(
        &META,
        Some(call.span()),
        format!(
            "`{}()` starts {what} on `{host}:{port}`{defaults}, {}",
            call.callee,
            problem.what()
        ),
    )
    .label(problem.label())
    .help(format!(
        "write `{fixed}` in {script}{}",
        if problem.port_bad {
            ", or read the port with `int(os.environ.get(\"PORT\", 8000))`"
        } else {
            ""
        }
    ));
    let runs = format!("the startup command runs {script} with `python`");
    match text.span(server.command.range()) {
        Some(span) => d = d.secondary(span, runs),
        None => d = d.note(runs),
    }
    if let Some((name, range)) = &call.via {
        d = d.secondary(
            Span::new(call.file, *range),
            format!("`{name}()` is called here"),
        );
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(host_verdict("127.0.0.1"), Verdict::Bad);
        assert_eq!(host_verdict("[::1]"), Verdict::Bad);
        assert_eq!(host_verdict("localhost"), Verdict::Bad);
        assert_eq!(host_verdict("0.0.0.0"), Verdict::Fine);
        assert_eq!(host_verdict("0"), Verdict::Fine);
        assert_eq!(host_verdict("$HOST"), Verdict::Unknown);
        assert_eq!(port_verdict("${PORT:-5000}", &[8000]), Verdict::Fine);
        assert_eq!(port_verdict("$PORT", &[8000]), Verdict::Fine);
        assert_eq!(port_verdict("8000", &[8000]), Verdict::Fine);
        assert_eq!(port_verdict("5000", &[8000]), Verdict::Bad);
        assert_eq!(port_verdict("5000", &[8000, 5000]), Verdict::Fine);
        assert_eq!(port_verdict("$APP_PORT", &[8000]), Verdict::Unknown);
    }

    #[test]
    fn fixed_addresses() {
        assert_eq!(
            fixed_address(true, "127.0.0.1", Some("5000"), true),
            "0.0.0.0:8000"
        );
        assert_eq!(
            fixed_address(true, "localhost", Some("$PORT"), false),
            "0.0.0.0:$PORT"
        );
        assert_eq!(
            fixed_address(false, "0.0.0.0", Some("5000"), true),
            "0.0.0.0:8000"
        );
        assert_eq!(fixed_address(true, "127.0.0.1", None, false), "0.0.0.0");
    }
}
