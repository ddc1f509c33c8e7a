//! Oryx's auto-detection, as facts: the entry files it looks for, the folders holding `wsgi.py` in the
//! order it tries them, the root file it takes for a FastAPI app, and whether the `wsgi.py` it picks is the
//! project's (`frameworks.go` and `scriptgenerator.go` in microsoft/Oryx). The decision that uses them is
//! `decide.rs`'s.

use ruff_python_ast::{Expr, Stmt};

use crate::platform::app_settings::{AppSettings, BoolParser};
use crate::platform::apps::{self, AppObject, Framework, ModuleNames, Resolved};
use crate::platform::eval::Evaluator;
use crate::platform::modules::{EntryKind, EntryModule, resolve_module};
use crate::project::{FileId, Project, PythonVersion, Span};

/// The Flask entry files Oryx looks for at the root, in order (`frameworks.go`, Flask detection).
pub const FLASK_FILES: &[&str] = &[
    "application.py",
    "app.py",
    "run.py",
    "index.py",
    "server.py",
    "wsgi.py",
];
/// The FastAPI entry files Oryx looks for at the root, in order (`frameworks.go`, FastAPI detection).
pub const FASTAPI_FILES: &[&str] = &[
    "main.py",
    "app.py",
    "application.py",
    "server.py",
    "asgi.py",
    "api.py",
    "index.py",
    "run.py",
];
/// The setting that turns FastAPI detection off (Oryx `consts.PythonDisableFastAPIDetectionEnvVarName`).
pub const DISABLE_FASTAPI_DETECTION: &str = "DISABLE_FASTAPI_DETECTION";
/// The setting that gives an auto-detected start `--workers` (Oryx
/// `consts.PythonEnableGunicornMultiWorkersEnvVarName`).
pub const MULTIWORKERS: &str = "PYTHON_ENABLE_GUNICORN_MULTIWORKERS";
/// The text Oryx's FastAPI detection searches a candidate file for (any of them), and the text that makes
/// it a Flask file instead (`frameworks.go` `fastAPIDetector.detect`).
pub const FASTAPI_TEXTS: &[&str] = &["from fastapi", "import fastapi"];
pub const FLASK_TEXT: &str = "from flask";
/// The only folder Oryx's Django detection skips: the virtual environment it builds.
pub const ORYX_VENV: &str = "antenv";
/// The worker class Oryx gives an auto-detected FastAPI app (`frameworks.go`; Python 3.14 and later).
pub const ORYX_ASGI_WORKER: &str = "uvicorn_worker.UvicornWorker";
/// The port App Service's Python image sets in `PORT` (the App Service Python image).
pub const DEFAULT_PORT: &str = "8000";
/// Where the default page's app lives in the image, and its module (Oryx `main.go` defaults).
pub const DEFAULT_SITE: &str = "/opt/defaultsite";
pub const DEFAULT_SITE_MODULE: &str = "application:app";

/// Why the `wsgi.py` Django detection picks (the first of `wsgi_folders`) is not the app's, if it is not.
pub fn wrong_wsgi<'x>(
    project: &Project,
    settings: &AppSettings,
    wsgi_folders: &[(String, FileId)],
    python: Option<PythonVersion>,
    // Lazily: the search reads every Python file of the repository, and only a stray `wsgi.py` needs it.
    app_objects: impl FnOnce() -> &'x [AppObject],
) -> Option<WrongWsgi> {
    let (chosen_dir, chosen_file) = wsgi_folders.first()?.clone();
    let chosen = WsgiFolder {
        dir: chosen_dir,
        file: chosen_file,
    };
    let mut evaluator = Evaluator::new(project, settings, vec![String::new()]);
    let mut settings_of = |file: FileId| -> Vec<String> {
        let written: Vec<String> = evaluator
            .module(file)
            .env_writes
            .iter()
            .rev()
            .find(|w| w.var == "DJANGO_SETTINGS_MODULE")
            .map(|w| {
                w.value
                    .alternatives()
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if written.is_empty() {
            // `manage.py` sets it inside `main()`, which the top-level evaluation does not run.
            settings_literal(project, file).into_iter().collect()
        } else {
            written
        }
    };
    // The settings module the project names: the app setting, else manage.py's.
    let expected: Option<(String, String)> = match settings.get("DJANGO_SETTINGS_MODULE") {
        Some(s) => Some((
            s.value.clone(),
            "the DJANGO_SETTINGS_MODULE app setting".to_owned(),
        )),
        None => project.file("manage.py").and_then(|m| {
            settings_of(m)
                .into_iter()
                .next()
                .map(|s| (s, "manage.py".to_owned()))
        }),
    };
    let written: Vec<Vec<String>> = wsgi_folders.iter().map(|(_, f)| settings_of(*f)).collect();
    let resolves = |name: &str| resolve_module(project, "", name).is_some();
    let owner = match &expected {
        Some((name, _)) => written
            .iter()
            .position(|w| w.iter().any(|s| s == name))
            .or_else(|| {
                let top = name.split('.').next().unwrap_or(name);
                wsgi_folders
                    .iter()
                    .position(|(d, _)| d == top)
                    .filter(|_| resolves(name))
            }),
        None => {
            let valid: Vec<usize> = written
                .iter()
                .enumerate()
                .filter(|(_, w)| w.iter().any(|s| resolves(s)))
                .map(|(i, _)| i)
                .collect();
            (valid.len() == 1).then(|| valid[0])
        }
    };
    if let Some(index) = owner.filter(|&i| i > 0) {
        let (dir, file) = wsgi_folders[index].clone();
        let settings_module = match &expected {
            Some((name, _)) => name.clone(),
            None => written[index].first().cloned().unwrap_or_default(),
        };
        let because = match &expected {
            Some((name, from)) => format!("{from} names the settings module `{name}`"),
            None => format!(
                "`{dir}/wsgi.py` is the only `wsgi.py` naming settings that exist (`{settings_module}`)"
            ),
        };
        return Some(WrongWsgi::OtherProject {
            chosen,
            project: WsgiFolder { dir, file },
            because,
        });
    }
    // A stray wsgi.py: not Django, no `application`, while the app is elsewhere.
    let is_django = !written[0].is_empty()
        || apps::imports_module(project, chosen.file, |m| {
            m == "django" || m.starts_with("django.")
        });
    if is_django || ModuleNames::of(project, chosen.file).defines("application") != Some(false) {
        return None;
    }
    // Without the folder, FastAPI detection would run when the version and the setting allow it
    // (`settings` are the ones the container sees).
    let fastapi_runs = python.is_some_and(|v| v >= PythonVersion::PY314)
        && settings
            .get(DISABLE_FASTAPI_DETECTION)
            .is_none_or(|s| BoolParser::Go.parse(&s.value) == Some(false));
    let root_entry_file = fastapi_file(project)
        .filter(|_| fastapi_runs)
        .map(|(name, file)| (name, file, true))
        .or_else(|| {
            FLASK_FILES
                .iter()
                .find_map(|name| Some((*name, project.file(name)?, false)))
        });
    let intended = match root_entry_file {
        Some((name, file, fastapi)) => {
            let asgi = fastapi
                || resolve_name_framework(project, file, "app").is_some_and(Framework::is_asgi);
            let module = name.trim_end_matches(".py");
            Some(Intended {
                command: apps::gunicorn_command("", asgi, &format!("{module}:app")),
                span: Span::file_start(file),
                why: format!(
                    "without `{}/wsgi.py`, Oryx would start `{name}`",
                    chosen.dir
                ),
            })
        }
        None => app_objects()
            .iter()
            .find(|a| a.file != chosen.file)
            .map(|a| Intended {
                command: a.startup_command(),
                span: a.span(),
                why: format!("the app is `{}` in {}", a.name, project.rel_path(a.file)),
            }),
    }?;
    Some(WrongWsgi::NotDjango { chosen, intended })
}

/// The settings module a file writes to `DJANGO_SETTINGS_MODULE` as a string literal anywhere in it
/// (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")` or
/// `os.environ["DJANGO_SETTINGS_MODULE"] = "x.settings"`), the first one.
fn settings_literal(project: &Project, file: FileId) -> Option<String> {
    let literal = |e: &Expr| match e {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
        _ => None,
    };
    for stmt in apps::all_statements(project.python(file).body()) {
        match stmt {
            Stmt::Expr(e) => {
                if let Expr::Call(call) = e.value.as_ref()
                    && matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "setdefault")
                    && let [name, value, ..] = &call.arguments.args[..]
                    && literal(name).as_deref() == Some("DJANGO_SETTINGS_MODULE")
                    && let Some(value) = literal(value)
                {
                    return Some(value);
                }
            }
            Stmt::Assign(assign) => {
                if let [Expr::Subscript(sub)] = &assign.targets[..]
                    && literal(&sub.slice).as_deref() == Some("DJANGO_SETTINGS_MODULE")
                    && let Some(value) = literal(&assign.value)
                {
                    return Some(value);
                }
            }
            _ => {}
        }
    }
    None
}

/// The framework of `name` in a module, when it is an app object.
pub fn resolve_name_framework(project: &Project, file: FileId, name: &str) -> Option<Framework> {
    apps::resolve_name(project, file, name, &[String::new()]).app_framework()
}

/// A folder of the app root holding `wsgi.py`.
#[derive(Debug, Clone)]
pub struct WsgiFolder {
    pub dir: String,
    pub file: FileId,
}

/// The app auto-detection should have started instead.
#[derive(Debug, Clone)]
pub struct Intended {
    /// A startup command that starts it.
    pub command: String,
    pub span: Span,
    pub why: String,
}

/// Auto-detection starts a `wsgi.py` that is not the app's.
#[derive(Debug, Clone)]
pub enum WrongWsgi {
    /// Another folder's `wsgi.py` belongs to the project (the one whose settings module manage.py or
    /// the app setting names).
    OtherProject {
        chosen: WsgiFolder,
        project: WsgiFolder,
        because: String,
    },
    /// The `wsgi.py` found is not Django and has no `application`, while the app is elsewhere.
    NotDjango {
        chosen: WsgiFolder,
        intended: Intended,
    },
}

/// Every immediate subfolder holding `wsgi.py`, sorted by name as Go's `ioutil.ReadDir` returns them
/// (byte order); only `antenv` is skipped (`frameworks.go`, Django detection).
pub fn wsgi_folders(project: &Project) -> Vec<(String, FileId)> {
    let mut folders: Vec<(String, FileId)> = project
        .files()
        .filter_map(|f| {
            let (dir, name) = project.rel_path(f).split_once('/')?;
            (name == "wsgi.py" && dir != ORYX_VENV).then(|| (dir.to_owned(), f))
        })
        .collect();
    folders.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    folders
}

/// What Oryx's FastAPI detection finds in a file's text: it reads the bytes and searches them, so a
/// comment, a string or a longer name (`from fastapi_users import ...`) counts, and `import flask` does not
/// exclude (`frameworks.go` `fastAPIDetector.detect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastApiText {
    /// `from fastapi` or `import fastapi` is in the text.
    pub imports: bool,
    /// `from flask` is in the text.
    pub flask: bool,
}

impl FastApiText {
    pub fn of(project: &Project, file: FileId) -> FastApiText {
        let bytes = project.bytes(file).unwrap_or_default();
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        FastApiText {
            imports: FASTAPI_TEXTS.iter().any(|t| has(t)),
            flask: has(FLASK_TEXT),
        }
    }

    /// Oryx takes the file for a FastAPI app.
    pub fn detected(self) -> bool {
        self.imports && !self.flask
    }
}

/// The first of Oryx's FastAPI file names at the root whose text Oryx's FastAPI detection takes.
pub fn fastapi_file(project: &Project) -> Option<(&'static str, FileId)> {
    FASTAPI_FILES.iter().find_map(|name| {
        let file = project.file(name)?;
        FastApiText::of(project, file)
            .detected()
            .then_some((*name, file))
    })
}

pub fn root_entry(kind: EntryKind, file: FileId, name: &str, attribute: &str) -> EntryModule {
    EntryModule {
        kind,
        file,
        module: name.trim_end_matches(".py").to_owned(),
        attribute: attribute.to_owned(),
        import_root: String::new(),
    }
}

/// What an app object's name resolves to in the entry module of a start.
pub fn entry_object(project: &Project, entry: &EntryModule) -> Resolved {
    apps::resolve_name(
        project,
        entry.file,
        &entry.attribute,
        std::slice::from_ref(&entry.import_root),
    )
}
