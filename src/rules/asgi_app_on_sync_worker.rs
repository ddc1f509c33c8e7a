//! AZ204 asgi-app-on-sync-worker

use ruff_text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::platform::EntryKind;
use crate::platform::apps::{self, Framework, Resolved, gunicorn_command};
use crate::platform::command::ServerKind;
use crate::platform::gunicorn::{SUGGESTED_ASGI_WORKER, WorkerClass};
use crate::platform::startup::{Server, StartupKind, StartupText, entry_object};
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ204",
    name: "asgi-app-on-sync-worker",
    category: Category::Blocker,
    summary: "An ASGI app (FastAPI, Starlette, Quart) is started on a sync worker",
    docs: include_str!("../../lints/AZ204.md"),
    security_severity: None,
};

const SYNC_CALLS_WSGI: &str = "gunicorn's own workers (sync, gthread, gevent, eventlet) call the app as WSGI, \
     `app(environ, start_response)`; an ASGI app takes `(scope, receive, send)`, so every request fails with a \
     `TypeError` and a 500 error";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    match ctx.startup.kind {
        StartupKind::Flask | StartupKind::Django => auto_detected(ctx, out),
        StartupKind::Custom => {
            let Some(text) = ctx.startup.run() else {
                return;
            };
            for server in &text.servers {
                if server.command.kind == ServerKind::Gunicorn {
                    custom(ctx, text, server, out);
                }
            }
        }
        StartupKind::FastApi | StartupKind::Default | StartupKind::NoScript => {}
    }
}

fn auto_detected(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let Some(entry) = &ctx.startup.entry else {
        return;
    };
    let Resolved::App { framework, span } = entry_object(project, entry) else {
        return;
    };
    if !framework.is_asgi() {
        return;
    }
    let rel = project.rel_path(entry.file);
    let started = if entry.kind == EntryKind::Django {
        entry.module.clone()
    } else {
        format!("{}:{}", entry.module, entry.attribute)
    };
    let target = format!("{}:{}", entry.module, entry.attribute);
    let mut d = Diagnostic::new(
        &META,
        Some(span),
        format!(
            "`{}` in `{rel}` is a {} app (ASGI), but auto-detection starts it on gunicorn's sync worker (`gunicorn {started}`)",
            entry.attribute,
            framework.label()
        ),
    )
    .label(format!("an ASGI app: it needs `-k {SUGGESTED_ASGI_WORKER}`"))
    .help(fixes::set_startup_help(&gunicorn_command("", true, &target)));
    if framework == Framework::FastApi
        && let Some(why) = ctx.startup.fastapi_not_detected(project, entry.file)
    {
        d = d.note(why);
    }
    out.push(d.note(SYNC_CALLS_WSGI));
}

fn custom(ctx: &Context, text: &StartupText, server: &Server, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let startup = &ctx.startup;
    let (Some(file), Some(attribute), Some(target)) =
        (server.file, &server.attribute, &server.command.target)
    else {
        return;
    };
    let (framework, app_span) = match apps::resolve_name(project, file, attribute, &server.roots())
    {
        Resolved::App { framework, span } if !server.factory => (framework, span),
        Resolved::Factory {
            framework, span, ..
        } if server.factory => (framework, span),
        _ => return,
    };
    if !framework.is_asgi() {
        return;
    }
    let Some(settings) = &server.gunicorn else {
        return;
    };
    let class = settings.worker_class(project, &server.command);
    if class.serves_asgi() != Some(false) {
        return;
    }
    let worker = match &class {
        WorkerClass::Named { class, origin } => {
            format!("gunicorn's `{class}` worker (set by {origin})")
        }
        _ => "gunicorn's sync worker".to_owned(),
    };
    let message = format!(
        "`{}` is a {} app (ASGI), but the startup command runs it on {worker}",
        target.text,
        framework.label()
    );
    // Set the worker class on the command line: it overrides GUNICORN_CMD_ARGS and config files.
    let edit = match server.command.option("--worker-class").last() {
        Some(option) => match &option.value {
            Some(value) => (value.range, SUGGESTED_ASGI_WORKER.to_owned()),
            None => (option.word.range, format!("-k {SUGGESTED_ASGI_WORKER}")),
        },
        None => {
            let program = server
                .command
                .words
                .iter()
                .find(|w| w.text.rsplit('/').next() == Some("gunicorn"))
                .unwrap_or(&server.command.words[0]);
            (
                TextRange::empty(program.range.end()),
                format!(" -k {SUGGESTED_ASGI_WORKER}"),
            )
        }
    };
    let edits = [edit.into()];
    let help = fixes::edit_startup(project, text, &edits);
    let mut d = Diagnostic::new(&META, text.span(target.range), message)
        .label("an ASGI app on a WSGI worker")
        .secondary(app_span, format!("the {} app", framework.label()))
        .help(help)
        .fix(fixes::startup_fix(text, &edits));
    if let Some(note) = fixes::startup_flag_note(startup) {
        d = d.note(note);
    }
    if let Some(note) = fixes::assumed_startup_file_note(project, startup) {
        d = d.note(note);
    }
    out.push(d.note(SYNC_CALLS_WSGI));
}

#[cfg(test)]
mod tests {
    use crate::project::PythonVersion;

    fn run(
        files: &[(&str, &str)],
        command: Option<&str>,
        python: PythonVersion,
    ) -> Vec<crate::diagnostic::Diagnostic> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |c| {
                c.startup_command = command.map(str::to_owned);
                c.python_version = Some(python);
            },
            super::check,
        )
    }

    const FASTAPI: &str = "from fastapi import FastAPI\napp = FastAPI()\n";

    #[test]
    fn auto_detected_flask_path() {
        let files = [("app.py", FASTAPI)];
        let d = run(&files, None, PythonVersion::PY312);
        assert_eq!(d.len(), 1);
        assert!(d[0].help.as_deref().unwrap().contains(
            "gunicorn --bind=0.0.0.0 --timeout 600 -k uvicorn.workers.UvicornWorker app:app"
        ));
        // 3.14 starts it with a uvicorn worker.
        assert!(run(&files, None, PythonVersion::PY314).is_empty());
        // Quart is never detected as FastAPI.
        let quart = [("app.py", "from quart import Quart\napp = Quart(__name__)\n")];
        assert_eq!(run(&quart, None, PythonVersion::PY314).len(), 1);
    }

    #[test]
    fn custom_commands() {
        let files = [
            ("src/api.py", FASTAPI),
            ("src/gunicorn.conf.py", "workers = 4\n"),
        ];
        let d = run(
            &files,
            Some("cd src && gunicorn --bind=0.0.0.0 api:app"),
            PythonVersion::PY312,
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help.as_deref().unwrap().contains(
                "\"cd src && gunicorn -k uvicorn.workers.UvicornWorker --bind=0.0.0.0 api:app\""
            ),
            "{:?}",
            d[0].help
        );
        let d = run(
            &files,
            Some("gunicorn -k gthread --chdir src api:app"),
            PythonVersion::PY312,
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("-k uvicorn.workers.UvicornWorker --chdir src")
        );
        for ok in [
            "gunicorn -k uvicorn_worker.UvicornWorker --chdir src api:app",
            "uvicorn --app-dir src api:app --host 0.0.0.0",
            "gunicorn --chdir src -k custom.Worker api:app",
        ] {
            assert!(
                run(&files, Some(ok), PythonVersion::PY312).is_empty(),
                "{ok}"
            );
        }
        // A worker class from the config file in the working directory.
        let files = [
            ("api.py", FASTAPI),
            (
                "gunicorn.conf.py",
                "worker_class = 'uvicorn.workers.UvicornWorker'\n",
            ),
        ];
        assert!(run(&files, Some("gunicorn api:app"), PythonVersion::PY312).is_empty());
    }
}
