//! AZ201 no-entry-point-detected

use crate::diagnostic::Diagnostic;
use crate::platform::apps::Framework;
use crate::platform::startup::{FLASK_FILES, StartupKind};
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ201",
    name: "no-entry-point-detected",
    category: Category::Blocker,
    summary: "No startup command and nothing auto-detected: App Service will serve its default page",
    docs: include_str!("../../lints/AZ201.md"),
    security_severity: None,
};

const WHERE_ORYX_LOOKS: &str = "without a startup command, App Service starts only `<folder>/wsgi.py` for the first folder \
     at the app root holding one (Django), a root `main.py`, `app.py`, ... whose text holds `from fastapi` or `import fastapi` (Python 3.14 and later), \
     or the first of `application.py`, `app.py`, `run.py`, `index.py`, `server.py`, `wsgi.py` at the root as \
     `<name>:app` (Flask)";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let startup = &ctx.startup;
    if startup.kind != StartupKind::Default {
        return;
    }
    // Not a Python app at all: nothing to say.
    if !project
        .files()
        .any(|f| project.rel_path(f).ends_with(".py"))
    {
        return;
    }
    // A root startup file is taken as the startup command, so this runs only without one.
    let apps = startup.app_objects(project);
    let mut d = match apps.first() {
        Some(app) => {
            let target = app.target();
            let mut d = Diagnostic::new(
                &META,
                Some(app.span()),
                format!(
                    "no startup command is set and auto-detection does not find `{target}`, so App Service serves its default page"
                ),
            )
            .label(if app.factory {
                format!("makes the {} app: App Service does not look here", app.framework.label())
            } else {
                format!("the {} app: App Service does not look here", app.framework.label())
            });
            d = d.help(fixes::set_startup_help(&app.startup_command()));
            // A root FastAPI file the text search passes over (the skipped note below covers the rest).
            if let Some((_, why)) = startup.fastapi_passed_over(project) {
                d = d.note(why);
            }
            // A root Flask file named otherwise: renaming is the other fix.
            let rel = project.rel_path(app.file);
            if !rel.contains('/')
                && app.framework == Framework::Flask
                && !app.factory
                && !FLASK_FILES.contains(&rel)
            {
                let rename = if app.name == "app" {
                    format!("renaming `{rel}` to `app.py`")
                } else {
                    format!("renaming `{rel}` to `app.py` and `{}` to `app`", app.name)
                };
                d = d.note(format!("{rename} also lets auto-detection find the app"));
            }
            let others: Vec<String> = apps
                .iter()
                .skip(1)
                .take(3)
                .map(|a| format!("`{}` in {}", a.target(), project.rel_path(a.file)))
                .collect();
            if !others.is_empty() {
                d = d.note(format!("other apps found: {}", others.join(", ")));
            }
            d
        }
        None => {
            Diagnostic::new(
                &META,
                None,
                "no startup command is set and auto-detection finds no app, so App Service serves its default page",
            )
            .help(
                "set the startup command that starts the app, e.g. `gunicorn --bind=0.0.0.0 --timeout 600 <module>:<app>`: \
                 `az webapp config set --resource-group <group> --name <app> --startup-file \"<command>\"`; or add \
                 `app.py` at the app root defining the WSGI app as `app`",
            )
        }
    };
    if let Some(skipped) = startup.fastapi_skipped {
        d = d.note(startup.fastapi_skipped_note(project, skipped));
    }
    out.push(d.note(WHERE_ORYX_LOOKS));
}

#[cfg(test)]
mod tests {
    use crate::project::PythonVersion;

    fn run(
        files: &[(&str, &str)],
        python: Option<PythonVersion>,
    ) -> Vec<crate::diagnostic::Diagnostic> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
        crate::rules::run_check(&files, |c| c.python_version = python, super::check)
    }

    #[test]
    fn prints_the_working_command() {
        let d = run(
            &[(
                "src/hello.py",
                "from flask import Flask\nmyapp = Flask(__name__)\n",
            )],
            None,
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`hello:myapp`"), "{}", d[0].message);
        assert!(
            d[0].help.as_deref().unwrap().contains(
                "--startup-file \"gunicorn --bind=0.0.0.0 --timeout 600 --chdir src hello:myapp\""
            ),
            "{:?}",
            d[0].help
        );
    }

    #[test]
    fn factories_are_called() {
        let d = run(
            &[(
                "web/factory.py",
                "from flask import Flask\ndef create_app(config=None):\n    app = Flask(__name__)\n    return app\n",
            )],
            None,
        );
        assert!(
            d[0].help.as_deref().unwrap().contains(
                "gunicorn --bind=0.0.0.0 --timeout 600 --chdir web \"factory:create_app()\""
            ),
            "{:?}",
            d[0].help
        );
    }

    #[test]
    fn fastapi_before_314_is_not_detected() {
        let files = [("main.py", "from fastapi import FastAPI\napp = FastAPI()\n")];
        let d = run(&files, Some(PythonVersion::PY312));
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("-k uvicorn.workers.UvicornWorker main:app")
        );
        assert!(run(&files, Some(PythonVersion::PY314)).is_empty());
    }

    #[test]
    fn a_root_startup_file_is_the_startup_command() {
        // Auto-detection would find nothing here, but the root startup.sh is taken as the command.
        let files = [
            (
                "src/hello.py",
                "from flask import Flask\nmyapp = Flask(__name__)\n",
            ),
            ("startup.sh", "gunicorn --chdir src hello:myapp\n"),
        ];
        assert!(run(&files, None).is_empty());
        assert_eq!(run(&files[..1], None).len(), 1);
    }

    #[test]
    fn silent_when_something_is_detected_or_no_python() {
        assert!(run(&[("app.py", "print('hi')\n")], None).is_empty());
        assert!(run(&[("proj/wsgi.py", "application = None\n")], None).is_empty());
        assert!(run(&[("index.html", "<p>hi</p>\n")], None).is_empty());
    }
}
