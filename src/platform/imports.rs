//! The modules App Service imports at start-up, and whether each will be there.
//!
//! Read from the files [`Platform::startup_python_files`] lists (the entry module, the repository
//! modules it imports, the Django settings chain and `gunicorn.conf.py`): their top-level imports, and
//! the `INSTALLED_APPS` and `MIDDLEWARE` entries of the Django settings, which Django imports when it
//! starts. An import inside `try:` with an `except ImportError` (or broader) handler is optional, and one
//! under `if` may not run: neither is listed. Imports inside functions and classes run later or never.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ruff_python_ast::{ExceptHandler, Stmt};
use serde::Serialize;

use crate::platform::Platform;
use crate::platform::eval::Value;
use crate::platform::requirements;
use crate::project::walk::{Block, handler_catches, walk};
use crate::project::{FileId, Project, PythonVersion, Span};

/// Where an imported module name was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportOrigin {
    /// An `import` / `from ... import` statement.
    Statement,
    /// An entry of Django's `INSTALLED_APPS`.
    InstalledApps,
    /// An entry of Django's `MIDDLEWARE`.
    Middleware,
}

/// One module imported at start-up.
#[derive(Debug, Clone)]
pub struct StartupImport {
    /// The absolute dotted module name (`rest_framework.authtoken`, `whitenoise.middleware`).
    pub module: String,
    /// The name in the statement, or the string in the settings.
    pub span: Span,
    pub origin: ImportOrigin,
}

impl StartupImport {
    /// The top-level package (`rest_framework`).
    pub fn top(&self) -> &str {
        self.module.split('.').next().unwrap_or(&self.module)
    }
}

/// Whether a module will be importable on App Service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Availability {
    /// Part of the standard library of the app's Python.
    Stdlib,
    /// A module or package of the app itself.
    Repo,
    /// Installed by a requirement (its normalised distribution name).
    Requirement { distribution: String },
    /// Installed globally in the App Service image (docs/platform.md, "The Python image": gunicorn and Flask).
    Preinstalled,
    /// A standard-library module removed in this Python version.
    RemovedFromStdlib { version: String },
    /// A standard-library module added after the app's Python version.
    NewerStdlib { version: String },
    /// Nothing installs it: every requirement's modules are known, or the distributions known to
    /// install it are all absent. `distribution` is the most downloaded one known to install it, as
    /// its project spells it (`None`: no known distribution installs it).
    Missing { distribution: Option<String> },
    /// No requirement is known to install it, but one whose modules are not known may.
    Unknown,
}

/// The packages the App Service Python image installs globally (docs/platform.md, "The Python image": gunicorn and
/// Flask), with the packages they depend on, which pip installs with them (inference: the image's
/// `pip install gunicorn flask` brings Flask's dependencies).
pub const PREINSTALLED: &[&str] = &[
    "gunicorn",
    "packaging",
    "flask",
    "werkzeug",
    "jinja2",
    "markupsafe",
    "itsdangerous",
    "click",
    "blinker",
    // Every virtual environment has pip and the standard library's ensurepip.
    "pip",
];

/// Every module imported at start-up, in file order, then `INSTALLED_APPS` and `MIDDLEWARE`.
pub fn startup_imports(platform: &Platform) -> Vec<StartupImport> {
    let project = platform.project;
    let mut out = Vec::new();
    // With several candidate settings modules only one is loaded: an import that only some of them
    // make is not certain to run.
    let uncertain: Vec<FileId> = match &platform.django {
        Some(django) if django.modules.len() > 1 => django.loaded.clone(),
        _ => Vec::new(),
    };
    let entry = platform.startup.entry.as_ref().map(|e| e.file);
    for &file in platform.startup_python_files() {
        if uncertain.contains(&file) && Some(file) != entry {
            continue;
        }
        out.extend(file_imports(project, file));
    }
    if let Some(django) = &platform.django {
        for (setting, origin) in [
            ("INSTALLED_APPS", ImportOrigin::InstalledApps),
            ("MIDDLEWARE", ImportOrigin::Middleware),
        ] {
            for (value, span) in strings_in_every_branch(&django.get(setting)) {
                let module = match origin {
                    // `app.apps.AppConfig` or a package name.
                    ImportOrigin::InstalledApps => value.clone(),
                    // `package.module.Class`: the module is all but the last part.
                    _ => value
                        .rsplit_once('.')
                        .map_or(value.clone(), |(m, _)| m.to_owned()),
                };
                if is_dotted_name(&module) {
                    out.push(StartupImport {
                        module,
                        span,
                        origin,
                    });
                }
            }
        }
    }
    out
}

fn is_dotted_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !p.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// The strings of a list setting that it holds whatever branch is taken, with their spans.
fn strings_in_every_branch(
    alternatives: &[crate::platform::eval::Assigned],
) -> Vec<(String, Span)> {
    let mut lists: Vec<Vec<(String, Option<Span>)>> = Vec::new();
    for alt in alternatives {
        for value in alt.value.alternatives() {
            match value {
                Value::List(items) => lists.push(
                    items
                        .iter()
                        .filter_map(|i| match i {
                            Value::Str(s) => Some((s.value.clone(), s.span.or(alt.span))),
                            _ => None,
                        })
                        .collect(),
                ),
                Value::Unset => lists.push(Vec::new()),
                // Unknown, computed from the environment, ...: nothing is certain.
                _ => return Vec::new(),
            }
        }
    }
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|(v, _)| rest.iter().all(|l| l.iter().any(|(w, _)| w == v)))
        .filter_map(|(v, span)| span.map(|s| (v.clone(), s)))
        .collect()
}

/// The unconditional top-level imports of one file, relative ones resolved against its package.
pub fn file_imports(project: &Project, file: FileId) -> Vec<StartupImport> {
    let mut out = Vec::new();
    // Unconditional: not under `if`, and not in a `try` whose `except` catches a failed import.
    let unconditional = walk(project.python(file).body(), |holder, block| match block {
        Block::TryBody => match holder {
            Stmt::Try(t) => !t.handlers.iter().any(catches_import_error),
            _ => false,
        },
        Block::TryElse | Block::Finally | Block::WithBody => true,
        _ => false,
    });
    for stmt in unconditional {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    out.push(StartupImport {
                        module: alias.name.to_string(),
                        span: Span::new(file, alias.name.range),
                        origin: ImportOrigin::Statement,
                    });
                }
            }
            Stmt::ImportFrom(import) => {
                let Some(module) = &import.module else {
                    // `from . import x`: the app's own package.
                    continue;
                };
                if import.level > 0 {
                    // Relative: always the app's own package.
                    continue;
                }
                out.push(StartupImport {
                    module: module.to_string(),
                    span: Span::new(file, module.range),
                    origin: ImportOrigin::Statement,
                });
            }
            _ => {}
        }
    }
    out
}

/// An `except` clause that catches a failed import: `ImportError`, `ModuleNotFoundError`, `Exception`,
/// `BaseException`, or everything.
fn catches_import_error(handler: &ExceptHandler) -> bool {
    handler_catches(
        handler,
        &[
            "ImportError",
            "ModuleNotFoundError",
            "Exception",
            "BaseException",
        ],
    )
}

/// Answers whether modules are available, with what it needs worked out once.
pub struct Resolver<'p, 'a> {
    platform: &'p Platform<'a>,
    /// Folders on `sys.path` at start-up (relative to the app root, "" for the root).
    roots: Vec<String>,
    /// A start-up file edits `sys.path`: a module of that name anywhere in the app counts. These are the
    /// names of every folder and `.py` module of the app, gathered once (when that is so).
    lenient: Option<HashSet<&'a str>>,
}

impl<'p, 'a> Resolver<'p, 'a> {
    pub fn new(platform: &'p Platform<'a>) -> Self {
        let project = platform.project;
        let mut roots: Vec<String> = vec![String::new()];
        let mut package_root = |rel: &str, module: &str| {
            let depth = module.split('.').count();
            let parts: Vec<&str> = rel.split('/').collect();
            if parts.len() >= depth {
                roots.push(parts[..parts.len() - depth].join("/"));
            }
        };
        if let Some(entry) = &platform.startup.entry {
            package_root(project.rel_path(entry.file), &entry.module);
        }
        if let Some(django) = &platform.django {
            for m in &django.modules {
                package_root(project.rel_path(m.file), &m.name);
            }
        }
        if let Some(entry) = &platform.startup.entry {
            roots.push(entry.import_root.clone());
        }
        for server in platform.startup.servers() {
            roots.extend(server.pythonpath.iter().cloned());
        }
        for dir in platform.requirements.local_package_dirs() {
            roots.push(format!("{dir}/src"));
            roots.push(dir);
        }
        let roots = roots
            .into_iter()
            .map(|r| {
                r.trim_start_matches("./")
                    .trim_end_matches('/')
                    .trim_start_matches('.')
                    .to_owned()
            })
            .collect();
        let edits_path = platform.startup_python_files().iter().any(|&f| {
            project
                .text(f)
                .is_ok_and(|t| t.text.contains("sys.path") || t.text.contains("site.addsitedir"))
        });
        let lenient = edits_path.then(|| {
            let mut names = HashSet::new();
            for file in project.files() {
                let mut parts = project.rel_path(file).rsplit('/');
                if let Some(module) = parts.next().and_then(|name| name.strip_suffix(".py")) {
                    names.insert(module);
                }
                names.extend(parts);
            }
            names
        });
        Resolver {
            platform,
            roots,
            lenient,
        }
    }

    /// Whether `top` is the app's own: `top.py` or a `top/` folder under the app root, the entry
    /// module's import root, a `--pythonpath` folder, or a folder requirements install from.
    pub fn in_repo(&self, top: &str) -> bool {
        let project = self.platform.project;
        let has = |root: &str| {
            let prefix = if root.is_empty() {
                String::new()
            } else {
                format!("{root}/")
            };
            project.file(&format!("{prefix}{top}.py")).is_some()
                || project.has_dir(&format!("{prefix}{top}"))
        };
        if self.roots.iter().any(|r| has(r)) {
            return true;
        }
        self.lenient
            .as_ref()
            .is_some_and(|names| names.contains(top))
    }

    /// Whether a module is available on App Service, and from where.
    pub fn availability(&self, module: &str) -> Availability {
        let platform = self.platform;
        let top = module.split('.').next().unwrap_or(module);
        match stdlib_status(top, platform.python.version) {
            StdlibStatus::Present => return Availability::Stdlib,
            StdlibStatus::NotStdlib => {}
            status => {
                if let Some(dist) = platform.requirements.provider(module) {
                    return Availability::Requirement { distribution: dist };
                }
                if platform.requirements.may_provide(module, true) {
                    return Availability::Unknown;
                }
                return match status {
                    StdlibStatus::Removed(version) => Availability::RemovedFromStdlib { version },
                    StdlibStatus::Added(version) => Availability::NewerStdlib { version },
                    _ => Availability::Stdlib,
                };
            }
        }
        if self.in_repo(top) {
            return Availability::Repo;
        }
        if let Some(dist) = platform.requirements.provider(module) {
            return Availability::Requirement { distribution: dist };
        }
        // The image's global gunicorn and Flask are visible only in a virtual environment made with
        // `--system-site-packages`, which Oryx passes when it installs from a requirements file
        // (docs/platform.md, "The virtual environment"); a setup.py or pyproject build gets a bare environment.
        if PREINSTALLED.contains(&top.to_ascii_lowercase().as_str())
            && platform.requirements.kind == requirements::DependencyKind::RequirementsTxt
        {
            return Availability::Preinstalled;
        }
        // `python -m venv` installs setuptools into the environment before Python 3.12.
        if matches!(top, "setuptools" | "pkg_resources" | "_distutils_hack")
            && platform.python.version < PythonVersion::PY312
        {
            return Availability::Preinstalled;
        }
        let distribution = requirements::suggested_distribution(module);
        if platform
            .requirements
            .may_provide(module, distribution.is_some())
        {
            return Availability::Unknown;
        }
        Availability::Missing { distribution }
    }
}

/// Whether a module is available on App Service (see [`Resolver`] to ask about many).
pub fn availability(platform: &Platform, module: &str) -> Availability {
    Resolver::new(platform).availability(module)
}

/// A module's place in the standard library of one Python version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdlibStatus {
    Present,
    NotStdlib,
    /// Removed in this version (`"3.13"`).
    Removed(String),
    /// Added in this later version.
    Added(String),
}

/// The top-level module `top` in the standard library of `version` (3.10 to 3.14).
pub fn stdlib_status(top: &str, version: PythonVersion) -> StdlibStatus {
    match stdlib().get(top) {
        None => StdlibStatus::NotStdlib,
        Some(Bound::Always) => StdlibStatus::Present,
        Some(Bound::RemovedIn(v)) => {
            if version >= *v {
                StdlibStatus::Removed(format!("{}.{}", v.major, v.minor))
            } else {
                StdlibStatus::Present
            }
        }
        Some(Bound::AddedIn(v)) => {
            if version < *v {
                StdlibStatus::Added(format!("{}.{}", v.major, v.minor))
            } else {
                StdlibStatus::Present
            }
        }
    }
}

/// Whether `top` is a standard-library module in some supported version (3.10 to 3.14).
pub fn is_stdlib_name(top: &str) -> bool {
    stdlib().contains_key(top)
}

#[derive(Debug, Clone, Copy)]
enum Bound {
    Always,
    RemovedIn(PythonVersion),
    AddedIn(PythonVersion),
}

const STDLIB_MODULES: &str = include_str!("data/stdlib_modules.txt");

fn stdlib() -> &'static HashMap<String, Bound> {
    static MAP: OnceLock<HashMap<String, Bound>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for line in STDLIB_MODULES.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let Some(name) = words.next() else { continue };
            let bound = match words.next() {
                Some(v) if v.starts_with('+') => parse_version(&v[1..]).map(Bound::AddedIn),
                Some(v) => parse_version(v).map(Bound::RemovedIn),
                None => Some(Bound::Always),
            };
            map.insert(name.to_owned(), bound.unwrap_or(Bound::Always));
        }
        map
    })
}

fn parse_version(v: &str) -> Option<PythonVersion> {
    let (major, minor) = v.split_once('.')?;
    Some(PythonVersion {
        major: major.parse().ok()?,
        minor: minor.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Inputs;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn modules(imports: &[StartupImport]) -> Vec<String> {
        imports.iter().map(|i| i.module.clone()).collect()
    }

    #[test]
    fn top_level_imports_without_optional_or_conditional_ones() {
        let (_d, p) = project(&[(
            "app.py",
            "import os, yaml.loader\nfrom flask import Flask\nfrom . import views\nfrom .models import User\n\
try:\n    import ujson\nexcept ImportError:\n    ujson = None\n\
try:\n    import redis\nexcept (ValueError, ModuleNotFoundError):\n    pass\n\
try:\n    import celery\nexcept KeyError:\n    pass\nelse:\n    import kombu\n\
if DEBUG:\n    import debug_toolbar\n\
with open('x') as f:\n    import toml\n\
def view():\n    import numpy\n",
        )]);
        let file = p.file("app.py").unwrap();
        let imports = file_imports(&p, file);
        assert_eq!(
            modules(&imports),
            vec!["os", "yaml.loader", "flask", "celery", "kombu", "toml"]
        );
        assert_eq!(imports[1].top(), "yaml");
        assert_eq!(
            p.text(file).unwrap().slice(imports[1].span.range),
            "yaml.loader"
        );
    }

    #[test]
    fn django_apps_and_middleware_are_imports() {
        let (_dir, p) = project(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
            ),
            ("mysite/__init__.py", ""),
            (
                "mysite/wsgi.py",
                "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n",
            ),
            (
                "mysite/settings.py",
                "import os\nINSTALLED_APPS = ['django.contrib.admin', 'rest_framework', 'polls.apps.PollsConfig']\n\
if os.environ.get('X'):\n    INSTALLED_APPS = ['django.contrib.admin', 'rest_framework', 'debug_toolbar']\n\
MIDDLEWARE = ['whitenoise.middleware.WhiteNoiseMiddleware']\n",
            ),
            ("polls/__init__.py", ""),
            ("requirements.txt", "Django==5.1\n"),
        ]);
        let config = Inputs::default();
        let platform = Platform::build(&p, &config);
        let imports = startup_imports(&platform);
        let django: Vec<(String, ImportOrigin)> = imports
            .iter()
            .filter(|i| i.origin != ImportOrigin::Statement)
            .map(|i| (i.module.clone(), i.origin))
            .collect();
        // `polls` and `debug_toolbar` are in one branch only.
        assert_eq!(
            django,
            vec![
                (
                    "django.contrib.admin".to_owned(),
                    ImportOrigin::InstalledApps
                ),
                ("rest_framework".to_owned(), ImportOrigin::InstalledApps),
                ("whitenoise.middleware".to_owned(), ImportOrigin::Middleware),
            ]
        );
        let resolver = Resolver::new(&platform);
        assert_eq!(
            resolver.availability("django.contrib.admin"),
            Availability::Requirement {
                distribution: "django".into()
            }
        );
        assert_eq!(
            resolver.availability("rest_framework"),
            Availability::Missing {
                distribution: Some("djangorestframework".into())
            }
        );
        assert_eq!(resolver.availability("polls.apps"), Availability::Repo);
        assert_eq!(resolver.availability("os"), Availability::Stdlib);
        assert_eq!(
            resolver.availability("gunicorn.app"),
            Availability::Preinstalled
        );
        assert_eq!(resolver.availability("jinja2"), Availability::Preinstalled);
        // The newest Python is assumed: its virtual environments have no setuptools.
        assert_eq!(
            resolver.availability("pkg_resources"),
            Availability::Missing {
                distribution: Some("setuptools".into())
            }
        );
    }

    #[test]
    fn custom_command_roots_and_sys_path_edits() {
        let (_dir, p) = project(&[
            (
                "src/web/app.py",
                "from flask import Flask\nimport helpers\napp = Flask(__name__)\n",
            ),
            ("src/web/helpers.py", ""),
            ("lib/tools/__init__.py", ""),
            ("requirements.txt", "Flask\n"),
        ]);
        let config = Inputs {
            startup_command: Some("gunicorn --chdir src/web app:app".to_owned()),
            ..Inputs::default()
        };
        let platform = Platform::build(&p, &config);
        let resolver = Resolver::new(&platform);
        assert_eq!(resolver.availability("helpers"), Availability::Repo);
        // Flask's modules are known, and none is `tools`; no known distribution installs it.
        assert_eq!(
            resolver.availability("tools"),
            Availability::Missing { distribution: None }
        );

        let (_dir, p) = project(&[
            (
                "app.py",
                "import sys\nsys.path.insert(0, 'lib')\nimport tools\nfrom flask import Flask\napp = Flask(__name__)\n",
            ),
            ("lib/tools/__init__.py", ""),
            ("requirements.txt", "Flask\n"),
        ]);
        let config = Inputs::default();
        let platform = Platform::build(&p, &config);
        assert_eq!(availability(&platform, "tools"), Availability::Repo);
    }

    #[test]
    fn standard_library_by_version() {
        let v = |minor| PythonVersion { major: 3, minor };
        assert_eq!(stdlib_status("cgi", v(12)), StdlibStatus::Present);
        assert_eq!(
            stdlib_status("cgi", v(13)),
            StdlibStatus::Removed("3.13".into())
        );
        assert_eq!(
            stdlib_status("distutils", v(12)),
            StdlibStatus::Removed("3.12".into())
        );
        assert_eq!(
            stdlib_status("tomllib", v(10)),
            StdlibStatus::Added("3.11".into())
        );
        assert_eq!(stdlib_status("tomllib", v(11)), StdlibStatus::Present);
        assert_eq!(stdlib_status("os", v(14)), StdlibStatus::Present);
        assert_eq!(stdlib_status("_thread", v(10)), StdlibStatus::Present);
        assert_eq!(stdlib_status("requests", v(12)), StdlibStatus::NotStdlib);
        assert!(is_stdlib_name("zoneinfo"));
        assert!(!is_stdlib_name("django"));
    }
}
