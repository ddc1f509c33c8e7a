//! AZ209 dev-server-in-production

use crate::diagnostic::Diagnostic;
use crate::platform::command::ServerKind;
use crate::platform::startup::{CallKind, Server, StartupText};
use crate::project::Project;
use crate::project::edit::Edit;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ209",
    name: "dev-server-in-production",
    category: Category::Risk,
    summary: "The startup command runs a development server (`runserver`, `flask run`, `app.run()`)",
    docs: include_str!("../../lints/AZ209.md"),
    security_severity: None,
};

const FLASK_DEV: &str = "Flask's documentation says its development server is not designed to be efficient, stable or secure";

/// The arguments App Service gives gunicorn on an auto-detected start (docs/platform.md, "The gunicorn command").
const GUNICORN: &str = "gunicorn --bind=0.0.0.0:8000 --timeout 600";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(text) = ctx.startup.run() else {
        return;
    };
    for server in &text.servers {
        let written = text.edited(server.command.range(), &[]);
        let d = match &server.command.kind {
            ServerKind::DjangoRunserver => {
                let target = django_target(ctx.project, server);
                Diagnostic::new(
                    &META,
                    text.span(server.command.range()),
                    format!("the startup command runs Django's development server: `{written}`"),
                )
                .label(
                    "Django's documentation says runserver has not gone through security audits or \
                     performance tests and must not be used in production",
                )
                .help(replace_help(ctx.project, text, server, &target))
            }
            ServerKind::FlaskRun => {
                let target = flask_target(ctx, server);
                Diagnostic::new(
                    &META,
                    text.span(server.command.range()),
                    format!("the startup command runs Flask's development server: `{written}`"),
                )
                .label(FLASK_DEV)
                .help(replace_help(ctx.project, text, server, &target))
            }
            ServerKind::PythonScript(_) => {
                // Only a script that starts Werkzeug's server (`app.run()`); uvicorn.run() and
                // web.run_app() start production servers.
                let Some(call) = server
                    .script_calls
                    .iter()
                    .find(|c| c.kind == CallKind::AppRun)
                else {
                    continue;
                };
                let Some(script) = server.script else {
                    continue;
                };
                let rel = ctx.project.rel_path(script);
                let app = call.app.clone().unwrap_or_else(|| "app".to_owned());
                let target = script_target(rel, server.cwd.as_deref().unwrap_or(""), &app);
                let message = format!(
                    "the startup command runs `{written}`, which starts Flask's development server with `{}()`",
                    call.callee
                );
                let d = match text.span(server.command.range()) {
                    Some(span) => Diagnostic::new(&META, Some(span), message)
                        .label(FLASK_DEV)
                        .secondary(call.span(), "the development server starts here"),
                    None => Diagnostic::new(&META, Some(call.span()), message).label(FLASK_DEV),
                };
                d.help(replace_help(ctx.project, text, server, &target))
            }
            _ => continue,
        };
        let d = d.note(
            "gunicorn is the server App Service itself starts for an app it detects, with these arguments, \
             and it is installed in every Python image",
        );
        let d = match fixes::assumed_startup_file_note(ctx.project, &ctx.startup) {
            Some(note) => d.note(note),
            None => d,
        };
        out.push(d);
    }
}

/// The startup command or line with the server replaced by gunicorn serving `target`.
fn replace_help(project: &Project, text: &StartupText, server: &Server, target: &str) -> String {
    fixes::edit_startup(
        project,
        text,
        &[Edit::replacement(
            format!("{GUNICORN} {target}"),
            server.command.range(),
        )],
    )
}

/// `[--chdir DIR ]MODULE.wsgi` for the project whose `manage.py` the command runs.
fn django_target(project: &Project, server: &Server) -> String {
    let cwd = server.cwd.as_deref().unwrap_or("");
    let manage = server
        .command
        .words
        .iter()
        .find(|w| w.text.ends_with("manage.py"))
        .map_or("manage.py", |w| w.text.as_str());
    let manage_dir = manage.rsplit_once('/').map_or("", |(d, _)| d);
    let base = join(cwd, manage_dir);
    // The project package: a folder next to manage.py with wsgi.py (the first by name, as Oryx picks).
    let mut packages: Vec<&str> = project
        .files()
        .map(|f| project.rel_path(f))
        .filter_map(|rel| {
            let inner = if base.is_empty() {
                Some(rel)
            } else {
                rel.strip_prefix(base.as_str())?.strip_prefix('/')
            }?;
            let (dir, name) = inner.split_once('/')?;
            (name == "wsgi.py").then_some(dir)
        })
        .collect();
    packages.sort_unstable();
    let module = packages
        .first()
        .map_or_else(|| "<project>.wsgi".to_owned(), |p| format!("{p}.wsgi"));
    with_chdir(manage_dir, &module)
}

/// `MODULE:ATTR` for `flask run`: `--app`, else `FLASK_APP`, else what Flask finds (`wsgi.py`, `app.py`).
fn flask_target(ctx: &Context, server: &Server) -> String {
    let spec = server
        .command
        .value("--app")
        .map(|w| w.text.clone())
        .or_else(|| {
            server
                .env
                .iter()
                .find(|(k, _)| k == "FLASK_APP")
                .map(|(_, v)| v.clone())
        })
        .or_else(|| ctx.app_settings.get("FLASK_APP").map(|s| s.value.clone()))
        .unwrap_or_else(|| {
            let cwd = server.cwd.as_deref().unwrap_or("");
            ["wsgi.py", "app.py"]
                .into_iter()
                .find(|f| ctx.project.file(&join(cwd, f)).is_some())
                .unwrap_or("app.py")
                .to_owned()
        });
    let (module, attr) = match spec.split_once(':') {
        Some((m, a)) => (m.to_owned(), a.to_owned()),
        None => (spec.clone(), "app".to_owned()),
    };
    let path = module.trim_end_matches(".py");
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let target = format!("{}:{attr}", name.replace('/', "."));
    let target = if attr.contains('(') {
        format!("\"{target}\"")
    } else {
        target
    };
    with_chdir(dir, &target)
}

/// `[--chdir DIR ]MODULE:APP` for a script run with `python`.
fn script_target(rel: &str, cwd: &str, app: &str) -> String {
    let rel_to_cwd = if cwd.is_empty() {
        rel
    } else {
        rel.strip_prefix(cwd)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(rel)
    };
    let path = rel_to_cwd.trim_end_matches(".py");
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    with_chdir(dir, &format!("{name}:{app}"))
}

fn with_chdir(dir: &str, target: &str) -> String {
    if dir.is_empty() || dir == "." {
        target.to_owned()
    } else {
        format!("--chdir {dir} {target}")
    }
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_owned(),
        (false, true) => base.to_owned(),
        _ => format!("{base}/{rel}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(script_target("app.py", "", "app"), "app:app");
        assert_eq!(
            script_target("src/app.py", "", "app"),
            "--chdir src app:app"
        );
        assert_eq!(script_target("src/app.py", "src", "server"), "app:server");
        assert_eq!(with_chdir(".", "x:app"), "x:app");
        assert_eq!(join("", "app.py"), "app.py");
        assert_eq!(join("src", "app.py"), "src/app.py");
    }
}
