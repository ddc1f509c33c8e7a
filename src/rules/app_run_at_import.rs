//! AZ211 app-run-at-import

use crate::diagnostic::Diagnostic;
use crate::platform::EntryKind;
use crate::platform::command::ServerKind;
use crate::platform::startup::CallKind;
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ211",
    name: "app-run-at-import",
    category: Category::Blocker,
    summary: "The entry module starts a server (`app.run()`) when it is imported",
    docs: include_str!("../../lints/AZ211.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(entry) = &ctx.startup.entry else {
        return;
    };
    // The server that imports the entry module.
    let importer = match entry.kind {
        EntryKind::Custom => ctx
            .startup
            .servers()
            .iter()
            .find_map(|s| match s.command.kind {
                ServerKind::Gunicorn => Some("gunicorn"),
                ServerKind::Uvicorn => Some("uvicorn"),
                _ => None,
            })
            .unwrap_or("gunicorn"),
        _ => "gunicorn",
    };
    let project = ctx.project;
    let file = project.rel_path(entry.file);
    for call in &ctx.startup.entry_calls {
        let server = match call.kind {
            CallKind::AppRun | CallKind::SocketIoRun => "the development server",
            CallKind::UvicornRun => "a uvicorn server",
            CallKind::AiohttpRunApp => "an aiohttp server",
        };
        let message = format!(
            "`{}()` runs when {importer} imports {file}, so {server} starts inside the {importer} {}",
            call.callee,
            if importer == "gunicorn" {
                "worker"
            } else {
                "process"
            }
        );
        let label = format!(
            "{importer} imports {file} to get `{}`; this call then serves requests itself and never returns, \
             so the {importer} {} never finishes starting (or it fails with `Address already in use` on \
             {importer}'s own port)",
            entry.attribute,
            if importer == "gunicorn" {
                "worker"
            } else {
                "process"
            }
        );
        let (moved, at) = match &call.via {
            Some((name, range)) => (format!("{name}()"), Span::new(call.file, *range)),
            None => (
                project
                    .text(call.file)
                    .map(|t| t.slice(call.range).to_owned())
                    .unwrap_or_else(|_| format!("{}()", call.callee)),
                call.span(),
            ),
        };
        let moved = if moved.contains('\n') {
            format!("{}(...)", call.callee)
        } else {
            moved
        };
        let mut d = Diagnostic::new(&META, Some(call.span()), message)
            .label(label)
            .help(format!(
                "put `{moved}` under `if __name__ == \"__main__\":` at the end of {file}, so that only \
                 `python {file}` runs it and {importer} serves `{}` itself",
                entry.attribute
            ));
        if call.via.is_some() {
            d = d.secondary(at, "this call runs at import time");
        }
        if call.file != entry.file {
            d = d.note(format!("{file} is the module {importer} imports"));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    /// The messages of this rule for an app made of `files`, started with `command` if given.
    fn messages(files: &[(&str, &str)], command: Option<&str>) -> Vec<String> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |inputs| inputs.startup_command = command.map(str::to_owned),
            super::check,
        )
        .into_iter()
        .map(|d| d.message)
        .collect()
    }

    const APP: &str = "from flask import Flask\napp = Flask(__name__)\n";

    #[test]
    fn a_run_at_import_time_fires_for_the_auto_detected_app() {
        let found = messages(&[("app.py", &format!("{APP}app.run()\n"))], None);
        assert_eq!(
            found,
            [
                "`app.run()` runs when gunicorn imports app.py, so the development server starts inside the gunicorn worker"
            ]
        );
    }

    #[test]
    fn a_custom_uvicorn_command_names_uvicorn() {
        let source =
            "import uvicorn\nfrom fastapi import FastAPI\napi = FastAPI()\nuvicorn.run(api)\n";
        let found = messages(
            &[("main.py", source)],
            Some("uvicorn main:api --host 0.0.0.0"),
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("when uvicorn imports main.py"),
            "{found:?}"
        );
    }

    #[test]
    fn guarded_or_scripted_runs_are_fine() {
        let guarded = format!("{APP}if __name__ == '__main__':\n    app.run()\n");
        assert!(messages(&[("app.py", &guarded)], None).is_empty());
        let at_import = format!("{APP}app.run(host='0.0.0.0', port=8000)\n");
        assert!(messages(&[("app.py", &at_import)], Some("python app.py")).is_empty());
        let local =
            format!("import os\n{APP}if not os.environ.get('WEBSITE_HOSTNAME'):\n    app.run()\n");
        assert!(messages(&[("app.py", &local)], None).is_empty());
    }
}
