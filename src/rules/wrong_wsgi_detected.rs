//! AZ203 wrong-wsgi-detected

use crate::diagnostic::Diagnostic;
use crate::platform::apps::gunicorn_command;
use crate::platform::startup::WrongWsgi;
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ203",
    name: "wrong-wsgi-detected",
    category: Category::Blocker,
    summary: "Auto-detection will start a different `wsgi.py` than the app's",
    docs: include_str!("../../lints/AZ203.md"),
    security_severity: None,
};

const FIRST_BY_NAME: &str = "without a startup command, Oryx takes the first folder at the app root, in name order, \
     that holds a `wsgi.py`, as a Django project, and runs `gunicorn <folder>.wsgi`";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let Some(wrong) = ctx.startup.wrong_wsgi(project, &ctx.app_settings) else {
        return;
    };
    match wrong {
        WrongWsgi::OtherProject {
            chosen,
            project: own,
            because,
        } => {
            let command = gunicorn_command("", false, &format!("{}.wsgi", own.dir));
            out.push(
                Diagnostic::new(
                    &META,
                    Some(Span::file_start(chosen.file)),
                    format!(
                        "auto-detection starts `{}/wsgi.py`, not the project's `{}/wsgi.py`: `{}` comes first by name",
                        chosen.dir, own.dir, chosen.dir
                    ),
                )
                .label(format!("App Service runs `gunicorn {}.wsgi`", chosen.dir))
                .secondary(Span::file_start(own.file), "the project's wsgi.py")
                .help(format!(
                    "{}; or move `{}/wsgi.py` out of the `{}` folder",
                    fixes::set_startup_help(&command),
                    chosen.dir,
                    chosen.dir
                ))
                .note(format!("`{}/wsgi.py` is the project's: {because}", own.dir))
                .note(FIRST_BY_NAME),
            );
        }
        WrongWsgi::NotDjango { chosen, intended } => {
            out.push(
                Diagnostic::new(
                    &META,
                    Some(Span::file_start(chosen.file)),
                    format!(
                        "`{}/wsgi.py` makes auto-detection start the app as Django (`gunicorn {}.wsgi`), but it is not a Django module and has no `application`",
                        chosen.dir, chosen.dir
                    ),
                )
                .label("App Service starts this file and looks up `application`")
                .secondary(intended.span, intended.why)
                .help(format!(
                    "{}; or rename `{}/wsgi.py` so that no folder at the app root holds a `wsgi.py`",
                    fixes::set_startup_help(&intended.command),
                    chosen.dir
                ))
                .note(FIRST_BY_NAME),
            );
        }
    }
}

#[cfg(test)]
mod tests {

    fn run(
        files: &[(&str, &str)],
        settings: &[(&str, &str)],
    ) -> Vec<crate::diagnostic::Diagnostic> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |c| {
                c.app_settings = settings
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect()
            },
            super::check,
        )
    }

    const MANAGE: &str =
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n";
    const WSGI: &str = "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n";

    #[test]
    fn an_earlier_folder_wins() {
        let files = [
            ("manage.py", MANAGE),
            ("mysite/settings.py", "DEBUG = False\n"),
            ("mysite/wsgi.py", WSGI),
            (
                "deploy/wsgi.py",
                "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'mysite.settings_prod'\nfrom django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
            ),
        ];
        let d = run(&files, &[]);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message
                .contains("`deploy/wsgi.py`, not the project's `mysite/wsgi.py`")
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("gunicorn --bind=0.0.0.0 --timeout 600 mysite.wsgi")
        );
        // The app setting names the settings module too.
        let d = run(
            &files[1..],
            &[("DJANGO_SETTINGS_MODULE", "mysite.settings")],
        );
        assert_eq!(d.len(), 1);
        // The first folder is the project's: silent.
        let files = [
            ("manage.py", MANAGE),
            ("mysite/settings.py", "DEBUG = False\n"),
            ("mysite/wsgi.py", WSGI),
            ("zdocs/wsgi.py", "application = None\n"),
        ];
        assert!(run(&files, &[]).is_empty());
    }

    #[test]
    fn a_stray_wsgi_in_a_flask_app() {
        let files = [
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            ("scripts/wsgi.py", "from app import app\n"),
        ];
        let d = run(&files, &[]);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("gunicorn --bind=0.0.0.0 --timeout 600 app:app")
        );
        // With `application` defined it starts: silent.
        let files = [
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            ("scripts/wsgi.py", "from app import app as application\n"),
        ];
        assert!(run(&files, &[]).is_empty());
    }
}
