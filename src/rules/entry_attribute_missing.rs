//! AZ202 entry-attribute-missing

use crate::diagnostic::Diagnostic;
use crate::platform::EntryKind;
use crate::platform::apps::{self, Framework, ModuleNames, Resolved, gunicorn_command};
use crate::platform::command::ServerKind;
use crate::platform::modules::EntryModule;
use crate::platform::startup::{Server, StartupKind, StartupText};
use crate::project::edit::Edit;
use crate::project::{FileId, Project, Span};
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ202",
    name: "entry-attribute-missing",
    category: Category::Blocker,
    summary: "The entry module lacks the attribute gunicorn will load",
    docs: include_str!("../../lints/AZ202.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let startup = &ctx.startup;
    match startup.kind {
        StartupKind::Flask | StartupKind::FastApi | StartupKind::Django => {
            let Some(entry) = &startup.entry else {
                return;
            };
            // A wsgi.py that is not the app's is AZ203's finding.
            if startup.kind == StartupKind::Django
                && startup.wrong_wsgi(project, &ctx.app_settings).is_some()
            {
                return;
            }
            if ModuleNames::of(project, entry.file).defines(&entry.attribute) == Some(false) {
                out.push(auto_missing(ctx, entry));
            }
        }
        StartupKind::Custom => {
            let Some(text) = startup.run() else {
                return;
            };
            for server in &text.servers {
                if !matches!(
                    server.command.kind,
                    ServerKind::Gunicorn | ServerKind::Uvicorn
                ) {
                    continue;
                }
                let (Some(file), Some(attribute)) = (server.file, &server.attribute) else {
                    continue;
                };
                if ModuleNames::of(project, file).defines(attribute) == Some(false) {
                    out.push(custom_missing(ctx, text, server, file, attribute));
                }
            }
        }
        StartupKind::Default | StartupKind::NoScript => {}
    }
}

/// An app object or factory the module does define, under another name.
struct Real {
    name: String,
    framework: Framework,
    factory: bool,
    span: Span,
}

fn real_in_module(project: &Project, file: FileId, roots: &[String]) -> Option<Real> {
    let names = ModuleNames::of(project, file);
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut found: Vec<Real> = Vec::new();
    for defined in names.names.iter().rev() {
        if !seen.insert(defined.name.as_str()) {
            continue;
        }
        // Only a binding that can be an app object is resolved (each resolution reads the module's names).
        if matches!(
            defined.binding,
            apps::Binding::Function | apps::Binding::Class | apps::Binding::Other
        ) {
            continue;
        }
        let span = Span::new(file, defined.range);
        match apps::resolve_name(project, file, &defined.name, roots) {
            Resolved::App { framework, .. } | Resolved::Wrapped { framework, .. } => {
                found.push(Real {
                    name: defined.name.clone(),
                    framework,
                    factory: false,
                    span,
                })
            }
            Resolved::Factory {
                framework,
                no_args: true,
                ..
            } => found.push(Real {
                name: defined.name.clone(),
                framework,
                factory: true,
                span,
            }),
            _ => {}
        }
    }
    found
        .into_iter()
        .min_by_key(|r| (r.factory, r.span.range.start()))
}

fn auto_missing(ctx: &Context, entry: &EntryModule) -> Diagnostic {
    let project = ctx.project;
    let rel = project.rel_path(entry.file);
    let attribute = &entry.attribute;
    let target = if entry.kind == EntryKind::Django {
        entry.module.clone()
    } else {
        format!("{}:{attribute}", entry.module)
    };
    let message = format!(
        "`{rel}` has no top-level `{attribute}`, the name auto-detection starts (`gunicorn {target}`)"
    );
    let roots = [entry.import_root.clone()];
    let (mut d, help) = match real_in_module(project, entry.file, &roots) {
        Some(real) => {
            let (line, new_target) = if real.factory {
                (
                    format!("{attribute} = {}()", real.name),
                    format!("{}:{}()", entry.module, real.name),
                )
            } else {
                (
                    format!("{attribute} = {}", real.name),
                    format!("{}:{}", entry.module, real.name),
                )
            };
            let command = gunicorn_command("", real.framework.is_asgi(), &new_target);
            let what = if real.factory {
                format!("`{}` makes the {} app", real.name, real.framework.label())
            } else {
                format!(
                    "the {} app is named `{}`",
                    real.framework.label(),
                    real.name
                )
            };
            (
                Diagnostic::new(&META, Some(real.span), message).label(what),
                format!(
                    "add `{line}` at the end of `{rel}`, or {}",
                    fixes::set_startup_help(&command)
                ),
            )
        }
        None => {
            let d = Diagnostic::new(&META, Some(Span::file_start(entry.file)), message).label(
                format!("gunicorn imports this module and looks up `{attribute}`"),
            );
            match elsewhere(ctx, entry.file) {
                Some((command, note)) => (d.note(note), fixes::set_startup_help(&command)),
                None => {
                    let example = if entry.kind == EntryKind::Django {
                        "application = get_wsgi_application()"
                    } else {
                        "app = Flask(__name__)"
                    };
                    (
                        d,
                        format!(
                            "define `{attribute}` at the top level of `{rel}`: the app object, e.g. `{example}`"
                        ),
                    )
                }
            }
        }
    };
    d = d.help(help);
    if let Some(note) = startup_kind_note(entry) {
        d = d.note(note);
    }
    d
}

fn startup_kind_note(entry: &EntryModule) -> Option<String> {
    Some(match entry.kind {
        EntryKind::Django => format!(
            "Oryx takes the first folder at the app root holding `wsgi.py` as a Django project and runs `gunicorn {}`, which loads `application`",
            entry.module
        ),
        EntryKind::Flask => format!(
            "Oryx starts the first of `application.py`, `app.py`, `run.py`, `index.py`, `server.py`, `wsgi.py` at the root as `{}:app`, without reading it",
            entry.module
        ),
        EntryKind::FastApi => format!(
            "Oryx starts a root file whose text holds `from fastapi` or `import fastapi` as `{}:app`",
            entry.module
        ),
        EntryKind::Custom => return None,
    })
}

/// The best app found in another file: its startup command and a note saying where it is.
fn elsewhere(ctx: &Context, not_in: FileId) -> Option<(String, String)> {
    let project = ctx.project;
    let app = ctx
        .startup
        .app_objects(project)
        .iter()
        .find(|a| a.file != not_in)?;
    Some((
        app.startup_command(),
        format!(
            "the {} app is `{}` in {}",
            app.framework.label(),
            app.name,
            project.rel_path(app.file)
        ),
    ))
}

fn custom_missing(
    ctx: &Context,
    text: &StartupText,
    server: &Server,
    file: FileId,
    attribute: &str,
) -> Diagnostic {
    let project = ctx.project;
    let startup = &ctx.startup;
    let rel = project.rel_path(file);
    let target = server
        .command
        .target
        .as_ref()
        .expect("a server with an attribute has a target");
    let module = server.module.clone().unwrap_or_default();
    let message = format!(
        "`{rel}` has no top-level `{attribute}`, the name the startup command loads (`{}`)",
        target.text
    );
    let span = text.span(target.range);
    let mut d =
        Diagnostic::new(&META, span, message).label(format!("`{module}` has no `{attribute}`"));
    let help = match real_in_module(project, file, &server.roots()) {
        Some(real) => {
            let call = if real.factory && server.command.kind == ServerKind::Gunicorn {
                "()"
            } else {
                ""
            };
            let new_target = format!("{module}:{}{call}", real.name);
            let written = if call.is_empty() {
                new_target
            } else {
                format!("\"{new_target}\"")
            };
            d = d.secondary(
                real.span,
                if real.factory {
                    format!("`{}` makes the {} app", real.name, real.framework.label())
                } else {
                    format!(
                        "the {} app is named `{}`",
                        real.framework.label(),
                        real.name
                    )
                },
            );
            Some(fixes::edit_startup(
                project,
                text,
                &[Edit::replacement(written, target.range)],
            ))
        }
        None => match elsewhere(ctx, file) {
            Some((command, note)) => {
                d = d.note(note);
                Some(fixes::set_startup_help(&command))
            }
            None => None,
        },
    };
    if let Some(note) = fixes::startup_flag_note(startup) {
        d = d.note(note);
    }
    if let Some(note) = fixes::assumed_startup_file_note(project, startup) {
        d = d.note(note);
    }
    d.help(help.unwrap_or_else(|| {
        format!("define `{attribute}` at the top level of `{rel}`, or name the app object in the startup command")
    }))
}

#[cfg(test)]
mod tests {
    fn run(files: &[(&str, &str)], command: Option<&str>) -> Vec<crate::diagnostic::Diagnostic> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |c| c.startup_command = command.map(str::to_owned),
            super::check,
        )
    }

    #[test]
    fn flask_file_with_another_name() {
        let d = run(
            &[(
                "app.py",
                "from flask import Flask\napplication = Flask(__name__)\n",
            )],
            None,
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with("`app.py` has no top-level `app`"));
        let help = d[0].help.as_deref().unwrap();
        assert!(
            help.starts_with("add `app = application` at the end of `app.py`"),
            "{help}"
        );
        assert!(
            help.contains("gunicorn --bind=0.0.0.0 --timeout 600 app:application"),
            "{help}"
        );
    }

    #[test]
    fn factories_and_definitions_that_count() {
        let d = run(
            &[(
                "app.py",
                "from flask import Flask\ndef create_app():\n    return Flask(__name__)\nif __name__ == '__main__':\n    app = create_app()\n    app.run()\n",
            )],
            None,
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("add `app = create_app()`")
        );
        for body in [
            "from web import app\n",
            "try:\n    from web import app\nexcept ImportError:\n    app = None\n",
            "def app(environ, start_response):\n    pass\n",
            "from web import *\n",
            "import os\nif os.environ.get('X'):\n    app = object()\n",
        ] {
            assert!(run(&[("app.py", body)], None).is_empty(), "{body}");
        }
    }

    #[test]
    fn a_root_startup_file_replaces_the_auto_detected_name() {
        // Auto-detection would load `app:app`; the root startup.txt (taken as the command) loads
        // `app:application`, which exists.
        let app = "from flask import Flask\napplication = Flask(__name__)\n";
        let startup = "gunicorn --bind=0.0.0.0 app:application\n";
        assert!(run(&[("app.py", app), ("startup.txt", startup)], None).is_empty());
        assert_eq!(run(&[("app.py", app)], None).len(), 1);
        // What the file loads is judged, with the assumption in a note.
        let d = run(
            &[("app.py", app), ("startup.txt", "gunicorn app:app\n")],
            None,
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].notes
                .iter()
                .any(|n| n.contains("`startup.txt` at the app root is assumed")),
            "{:?}",
            d[0].notes
        );
    }

    #[test]
    fn custom_command_attribute() {
        let files = [(
            "src/main.py",
            "from fastapi import FastAPI\napi = FastAPI()\n",
        )];
        let d = run(
            &files,
            Some("gunicorn -k uvicorn.workers.UvicornWorker --chdir src main:app"),
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help.as_deref().unwrap().contains(
                "--startup-file \"gunicorn -k uvicorn.workers.UvicornWorker --chdir src main:api\""
            ),
            "{:?}",
            d[0].help
        );
        assert!(run(&files, Some("uvicorn --app-dir src main:api")).is_empty());
    }

    #[test]
    fn django_wsgi_without_application() {
        let d = run(
            &[
                (
                    "manage.py",
                    "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
                ),
                ("proj/settings.py", "DEBUG = False\n"),
                (
                    "proj/wsgi.py",
                    "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\napp = get_wsgi_application()\n",
                ),
            ],
            None,
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("add `application = app` at the end of `proj/wsgi.py`")
        );
    }
}
