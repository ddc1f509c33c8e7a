//! The app objects a repository defines, found without running it: module-level `NAME = Flask(...)`,
//! `FastAPI(...)`, `Starlette(...)`, `Quart(...)`, `get_wsgi_application()`, `get_asgi_application()`,
//! and factory functions that return one (`def create_app(): ...; return app`), with the module path a
//! server needs to load them (`hello:myapp`, `--chdir src proj.wsgi`, `"app:create_app()"`).
//!
//! Also the names a module defines at its top level ([`ModuleNames`]), which is what gunicorn's
//! `module:attr` lookup sees, and [`resolve_name`], which follows `from x import app` through the
//! repository to the object it names.

use std::collections::{BTreeSet, HashMap, HashSet};

use aho_corasick::AhoCorasick;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use serde::Serialize;

use crate::platform::modules::{absolute_import, resolve_module};
pub use crate::project::walk::all_statements;
use crate::project::walk::{Block, walk};
use crate::project::{FileId, MAX_FILE_BYTES, Project, Scanned, Span};

/// The web framework of an app object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    Flask,
    FastApi,
    Starlette,
    Quart,
    /// `get_wsgi_application()`.
    DjangoWsgi,
    /// `get_asgi_application()`.
    DjangoAsgi,
}

impl Framework {
    /// The app speaks ASGI: it needs an ASGI server or worker (uvicorn), not gunicorn's sync worker.
    pub fn is_asgi(self) -> bool {
        matches!(
            self,
            Framework::FastApi | Framework::Starlette | Framework::Quart | Framework::DjangoAsgi
        )
    }

    /// How the framework is named in messages.
    pub fn label(self) -> &'static str {
        match self {
            Framework::Flask => "Flask",
            Framework::FastApi => "FastAPI",
            Framework::Starlette => "Starlette",
            Framework::Quart => "Quart",
            Framework::DjangoWsgi => "Django WSGI",
            Framework::DjangoAsgi => "Django ASGI",
        }
    }

    /// The framework a call to this (import-expanded) dotted name makes.
    fn of_callee(qualified: &str, bare: bool) -> Option<Framework> {
        let (package, last) = match qualified.rsplit_once('.') {
            Some((package, last)) => (package.split('.').next().unwrap_or(""), last),
            None => ("", qualified),
        };
        let from = |expected: &[&str]| bare || expected.contains(&package);
        match last {
            "Flask" if from(&["flask"]) => Some(Framework::Flask),
            "APIFlask" if from(&["apiflask"]) => Some(Framework::Flask),
            "FastAPI" if from(&["fastapi"]) => Some(Framework::FastApi),
            "Starlette" if from(&["starlette"]) => Some(Framework::Starlette),
            "Quart" if from(&["quart"]) => Some(Framework::Quart),
            "get_wsgi_application" if from(&["django"]) => Some(Framework::DjangoWsgi),
            "get_asgi_application" if from(&["django"]) => Some(Framework::DjangoAsgi),
            _ => None,
        }
    }
}

/// What a module-level name is bound to.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    /// An app object: `app = Flask(__name__)`.
    App(Framework),
    /// A middleware wrapping an app object: `application = WhiteNoise(application)`. Still an app, but
    /// the wrapper may change its interface, so its framework says only what is inside.
    Wrapped(Framework),
    /// A function returning an app object. `no_args`: every parameter has a default, so gunicorn's
    /// `module:factory()` can call it.
    Factory {
        framework: Framework,
        no_args: bool,
    },
    /// `name = callee(...)` with a callee that is not a framework class: resolved later (a factory
    /// imported from another module makes this an app object).
    Call(String),
    /// `from module import name` (`name: Some`) or `import module`. A relative import's module is
    /// written from the app root (`src.app.core`), with `relative` set.
    Imported {
        module: String,
        name: Option<String>,
        relative: bool,
    },
    Function,
    Class,
    /// Any other assignment.
    Other,
}

/// One binding of a module-level name.
#[derive(Debug, Clone)]
pub struct Defined {
    pub name: String,
    pub binding: Binding,
    /// The range of the bound name.
    pub range: TextRange,
}

/// The names a module defines when it is imported.
#[derive(Debug, Clone, Default)]
pub struct ModuleNames {
    /// In source order; a name bound twice appears twice (the last binding wins).
    pub names: Vec<Defined>,
    /// `from x import *`, a module `__getattr__` or a `globals()` write: any name may exist.
    pub open: bool,
    /// The file could not be read or parsed whole.
    pub unreadable: bool,
}

impl ModuleNames {
    /// The top level of a module: assignments, imports, `def`s and `class`es, also inside top-level
    /// `if`/`try`/`with`/`for`/`while` blocks (but not under `if __name__ == "__main__":`, which does
    /// not run when a server imports the module).
    pub fn of(project: &Project, file: FileId) -> ModuleNames {
        let parsed = project.python(file);
        let mut out = ModuleNames {
            unreadable: parsed.module.is_none() || !parsed.errors.is_empty(),
            ..ModuleNames::default()
        };
        let aliases = import_aliases(parsed.body());
        let rel = project.rel_path(file);
        let top_level = walk(parsed.body(), |_, block| {
            block.runs_at_import() && !matches!(block, Block::ClassBody | Block::MatchCase)
        });
        for stmt in top_level {
            match stmt {
                Stmt::Assign(assign) => {
                    let binding = out.wrapped(
                        value_binding(&assign.value, &aliases),
                        &assign.value,
                        &aliases,
                    );
                    for target in &assign.targets {
                        out.bind_target(target, &binding);
                    }
                    if mentions_globals(&assign.value)
                        || assign.targets.iter().any(mentions_globals)
                    {
                        out.open = true;
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let Some(value) = &assign.value {
                        let binding = out.wrapped(value_binding(value, &aliases), value, &aliases);
                        out.bind_target(&assign.target, &binding);
                    }
                }
                Stmt::AugAssign(assign) => out.bind_target(&assign.target, &Binding::Other),
                Stmt::Expr(expr) if mentions_globals(&expr.value) => out.open = true,
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let full = alias.name.as_str();
                        let (bound, module) = match &alias.asname {
                            Some(asname) => (asname.as_str(), full.to_owned()),
                            None => {
                                let top = full.split('.').next().unwrap_or(full);
                                (top, top.to_owned())
                            }
                        };
                        out.push(
                            bound,
                            Binding::Imported {
                                module,
                                name: None,
                                relative: false,
                            },
                            alias.range(),
                        );
                    }
                }
                Stmt::ImportFrom(import) => {
                    let module = import.module.as_ref().map(|m| m.as_str());
                    let Some(module) =
                        absolute_import(rel, import.level, module).filter(|m| !m.is_empty())
                    else {
                        continue;
                    };
                    for alias in &import.names {
                        if alias.name.as_str() == "*" {
                            out.open = true;
                            continue;
                        }
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        out.push(
                            bound,
                            Binding::Imported {
                                module: module.clone(),
                                name: Some(alias.name.as_str().to_owned()),
                                relative: import.level > 0,
                            },
                            alias.range(),
                        );
                    }
                }
                Stmt::FunctionDef(def) => {
                    let name = def.name.as_str();
                    if name == "__getattr__" {
                        out.open = true;
                    }
                    let binding = match factory_framework(def, &aliases) {
                        Some(framework) => Binding::Factory {
                            framework,
                            no_args: callable_without_args(&def.parameters),
                        },
                        None => Binding::Function,
                    };
                    out.push(name, binding, def.name.range());
                }
                Stmt::ClassDef(class) => {
                    out.push(class.name.as_str(), Binding::Class, class.name.range())
                }
                Stmt::With(s) => {
                    for item in &s.items {
                        if let Some(var) = &item.optional_vars {
                            out.bind_target(var, &Binding::Other);
                        }
                    }
                }
                Stmt::For(s) => out.bind_target(&s.target, &Binding::Other),
                _ => {}
            }
        }
        out
    }

    /// A call whose first argument is an app object (`WhiteNoise(application)`,
    /// `ProxyFix(Flask(__name__))`) makes a wrapped app, unless it converts between WSGI and ASGI.
    fn wrapped(
        &self,
        binding: Binding,
        value: &Expr,
        aliases: &HashMap<String, String>,
    ) -> Binding {
        // `app = application`: another name for the same object.
        if let Expr::Name(name) = value
            && let Some(defined) = self.get(name.id.as_str())
            && matches!(
                defined.binding,
                Binding::App(_) | Binding::Wrapped(_) | Binding::Factory { .. }
            )
        {
            return defined.binding.clone();
        }
        let Binding::Call(callee) = &binding else {
            return binding;
        };
        let last = callee.rsplit('.').next().unwrap_or(callee);
        if matches!(
            last,
            "ASGIMiddleware" | "WSGIMiddleware" | "AsgiToWsgi" | "WsgiToAsgi"
        ) {
            return binding;
        }
        let Expr::Call(call) = value else {
            return binding;
        };
        let inner = match call.arguments.args.first() {
            Some(Expr::Name(name)) => match self.get(name.id.as_str()).map(|d| &d.binding) {
                Some(Binding::App(f) | Binding::Wrapped(f)) => Some(*f),
                _ => None,
            },
            Some(arg) => call_framework(arg, aliases),
            None => None,
        };
        match inner {
            Some(framework) => Binding::Wrapped(framework),
            None => binding,
        }
    }

    fn push(&mut self, name: &str, binding: Binding, range: TextRange) {
        self.names.push(Defined {
            name: name.to_owned(),
            binding,
            range,
        });
    }

    fn bind_target(&mut self, target: &Expr, binding: &Binding) {
        match target {
            Expr::Name(name) => self.push(name.id.as_str(), binding.clone(), name.range),
            Expr::Tuple(t) => {
                for e in &t.elts {
                    self.bind_target(e, &Binding::Other);
                }
            }
            Expr::List(l) => {
                for e in &l.elts {
                    self.bind_target(e, &Binding::Other);
                }
            }
            Expr::Starred(s) => self.bind_target(&s.value, &Binding::Other),
            _ => {}
        }
    }

    /// The binding in effect after the module ran (the last one).
    pub fn get(&self, name: &str) -> Option<&Defined> {
        self.names.iter().rev().find(|d| d.name == name)
    }

    /// Whether the module defines `name`: `None` when it cannot be told (star import, dynamic names,
    /// a file that does not parse).
    pub fn defines(&self, name: &str) -> Option<bool> {
        if self.get(name).is_some() {
            Some(true)
        } else if self.open || self.unreadable {
            None
        } else {
            Some(false)
        }
    }
}

/// What a name of a module turns out to be, after following imports through the repository.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    App {
        framework: Framework,
        span: Span,
    },
    Factory {
        framework: Framework,
        no_args: bool,
        span: Span,
    },
    /// A middleware around an app object of this framework.
    Wrapped {
        framework: Framework,
        span: Span,
    },
    /// Defined, as something this tool does not recognise (another object, a module, an installed
    /// package's name).
    Other(Span),
    /// The module does not define the name.
    Missing,
    /// Cannot be told.
    Unknown,
}

impl Resolved {
    /// The app framework, when the name is an app object (not a factory).
    pub fn app_framework(&self) -> Option<Framework> {
        match self {
            Resolved::App { framework, .. } => Some(*framework),
            _ => None,
        }
    }
}

/// Resolve `name` in the module `file`. Absolute imports are looked up under `roots` and then the app
/// root.
pub fn resolve_name(project: &Project, file: FileId, name: &str, roots: &[String]) -> Resolved {
    resolve_in(project, file, name, roots, 0)
}

fn resolve_in(
    project: &Project,
    file: FileId,
    name: &str,
    roots: &[String],
    depth: usize,
) -> Resolved {
    if depth > 8 {
        return Resolved::Unknown;
    }
    let names = ModuleNames::of(project, file);
    let Some(defined) = names.get(name) else {
        return match names.defines(name) {
            Some(false) => Resolved::Missing,
            _ => Resolved::Unknown,
        };
    };
    let span = Span::new(file, defined.range);
    match &defined.binding {
        Binding::App(framework) => Resolved::App {
            framework: *framework,
            span,
        },
        Binding::Wrapped(framework) => Resolved::Wrapped {
            framework: *framework,
            span,
        },
        Binding::Factory { framework, no_args } => Resolved::Factory {
            framework: *framework,
            no_args: *no_args,
            span,
        },
        Binding::Call(callee) => {
            // `app = create_app()`: an app object when the callee is a factory.
            let local = callee.split('.').next().unwrap_or(callee);
            if callee.contains('.') || local == name {
                return Resolved::Other(span);
            }
            match resolve_in(project, file, local, roots, depth + 1) {
                Resolved::Factory { framework, .. } => Resolved::App { framework, span },
                _ => Resolved::Other(span),
            }
        }
        Binding::Imported {
            module,
            name: Some(imported),
            relative,
        } => {
            let lookup_roots: Vec<String> = if *relative {
                vec![String::new()]
            } else {
                roots
                    .iter()
                    .cloned()
                    .chain(std::iter::once(String::new()))
                    .collect()
            };
            let target = lookup_roots
                .iter()
                .find_map(|root| resolve_module(project, root, module));
            match target {
                Some(target) if target != file => {
                    match resolve_in(project, target, imported, roots, depth + 1) {
                        Resolved::Missing => {
                            // `from pkg import submodule`.
                            let sub = format!("{module}.{imported}");
                            if lookup_roots
                                .iter()
                                .any(|root| resolve_module(project, root, &sub).is_some())
                            {
                                Resolved::Other(span)
                            } else {
                                Resolved::Missing
                            }
                        }
                        found => found,
                    }
                }
                _ => Resolved::Other(span),
            }
        }
        _ => Resolved::Other(span),
    }
}

/// An app object or factory found in the repository.
#[derive(Debug, Clone)]
pub struct AppObject {
    pub file: FileId,
    /// The variable or factory function name.
    pub name: String,
    pub framework: Framework,
    pub factory: bool,
    /// The range of the name in its file.
    pub range: TextRange,
    /// The dotted module a server loads, importable from `import_root`.
    pub module: String,
    /// The folder (relative to the app root, "" for the root) a server must run in (`--chdir`).
    pub import_root: String,
}

impl AppObject {
    pub fn span(&self) -> Span {
        Span::new(self.file, self.range)
    }

    /// The server's target: `hello:myapp`, `app:create_app()`; a Django WSGI module is given as
    /// `proj.wsgi` (gunicorn's default attribute is `application`).
    pub fn target(&self) -> String {
        if self.framework == Framework::DjangoWsgi && self.name == "application" && !self.factory {
            return self.module.clone();
        }
        let call = if self.factory { "()" } else { "" };
        format!("{}:{}{call}", self.module, self.name)
    }

    /// A startup command that starts this app on App Service.
    pub fn startup_command(&self) -> String {
        gunicorn_command(&self.import_root, self.framework.is_asgi(), &self.target())
    }
}

/// `gunicorn --bind=0.0.0.0 --timeout 600 [--chdir DIR] [-k uvicorn.workers.UvicornWorker] TARGET`,
/// the startup command this tool suggests (a target with parentheses is quoted for the shell).
pub fn gunicorn_command(import_root: &str, asgi: bool, target: &str) -> String {
    let mut command = String::from("gunicorn --bind=0.0.0.0 --timeout 600");
    if !import_root.is_empty() {
        command.push_str(" --chdir ");
        command.push_str(import_root);
    }
    if asgi {
        command.push_str(" -k uvicorn.workers.UvicornWorker");
    }
    command.push(' ');
    if target.contains(['(', ')', ' ', '\'']) {
        command.push('"');
        command.push_str(target);
        command.push('"');
    } else {
        command.push_str(target);
    }
    command
}

/// Folder names never searched for app objects: virtual environments, tests, documentation.
const SKIPPED_DIRS: &[&str] = &[
    "venv",
    "env",
    "antenv",
    "virtualenv",
    "site-packages",
    "node_modules",
    "tests",
    "test",
    "testing",
    "docs",
    "doc",
    "examples",
    "example",
    "migrations",
];

/// Whether a Python file is searched for app objects (not in a virtual environment, tests, docs,
/// hidden folders).
pub fn searched(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let Some(name) = parts.pop() else {
        return false;
    };
    if !name.ends_with(".py")
        || name.starts_with("test_")
        || name.ends_with("_test.py")
        || matches!(
            name,
            "conftest.py" | "setup.py" | "noxfile.py" | "fabfile.py"
        )
    {
        return false;
    }
    !parts
        .iter()
        .any(|p| p.starts_with('.') || SKIPPED_DIRS.contains(&p.to_ascii_lowercase().as_str()))
}

/// Words one of which a file must contain to be parsed by the finder.
const MARKERS: &[&str] = &[
    "Flask",
    "FastAPI",
    "Starlette",
    "Quart",
    "get_wsgi_application",
    "get_asgi_application",
];

/// Every app object and no-argument factory in the repository, best candidate first: app objects
/// before factories, shallower files first, `app`/`application` before other names.
pub fn find_app_objects(project: &Project) -> Vec<AppObject> {
    // Files naming a framework, then files calling a factory those define (`app = create_app()`).
    let searched_files: Vec<FileId> = project
        .files()
        .filter(|&f| searched(project.rel_path(f)))
        .collect();
    // Raw bytes are searched (on the cores there are), and only files that match are decoded and kept: a
    // repository of 200,000 Python files must not be held in memory to find one app. UTF-16 and
    // unreadable files are decoded through the project (which keeps a read error with the file).
    let matching = |files: &[FileId], words: &AhoCorasick| -> Vec<FileId> {
        let utf16 =
            |bytes: &[u8]| bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let scanned = project.scan(files, MAX_FILE_BYTES, |bytes, _| {
            utf16(bytes) || words.is_match(bytes)
        });
        files
            .iter()
            .zip(scanned)
            .filter(|(file, scanned)| match scanned {
                Scanned::No => false,
                _ => project.text(**file).is_ok_and(|t| words.is_match(&t.text)),
            })
            .map(|(file, _)| *file)
            .collect()
    };
    let Ok(markers) = AhoCorasick::new(MARKERS) else {
        return Vec::new();
    };
    let mut files: Vec<FileId> = matching(&searched_files, &markers);
    let factories: BTreeSet<String> = files
        .iter()
        .flat_map(|&f| ModuleNames::of(project, f).names)
        .filter(|d| matches!(d.binding, Binding::Factory { .. }))
        .map(|d| format!("{}(", d.name))
        .collect();
    if let Ok(factories) = AhoCorasick::new(&factories)
        && factories.patterns_len() > 0
    {
        let matched: HashSet<FileId> = files.iter().copied().collect();
        let rest: Vec<FileId> = searched_files
            .iter()
            .copied()
            .filter(|f| !matched.contains(f))
            .collect();
        files.extend(matching(&rest, &factories));
    }
    let mut found = Vec::new();
    for file in files {
        let names = ModuleNames::of(project, file);
        let (import_root, module) = module_location(project, file);
        let roots = [import_root.clone()];
        let mut seen: HashSet<&str> = HashSet::new();
        for defined in names.names.iter().rev() {
            if !seen.insert(defined.name.as_str()) {
                continue;
            }
            let (framework, factory) = match &defined.binding {
                Binding::App(framework) | Binding::Wrapped(framework) => (*framework, false),
                Binding::Factory { framework, no_args } if *no_args => (*framework, true),
                Binding::Call(_) => {
                    match resolve_name(project, file, &defined.name, &roots).app_framework() {
                        Some(framework) => (framework, false),
                        None => continue,
                    }
                }
                _ => continue,
            };
            let (import_root, module) =
                if matches!(framework, Framework::DjangoWsgi | Framework::DjangoAsgi) {
                    django_location(project, file)
                } else {
                    (import_root.clone(), module.clone())
                };
            found.push(AppObject {
                file,
                name: defined.name.clone(),
                framework,
                factory,
                range: defined.range,
                module,
                import_root,
            });
        }
    }
    found.sort_by_key(|a| {
        let rel = project.rel_path(a.file);
        (
            a.factory,
            // A Django project has both; `wsgi.py` is the one App Service's gunicorn starts without an
            // extra worker package, and it may choose other settings than `asgi.py` does.
            a.framework == Framework::DjangoAsgi,
            rel.matches('/').count(),
            !matches!(a.name.as_str(), "app" | "application"),
            rel.to_owned(),
            a.range.start(),
        )
    });
    found
}

/// The folder a module must be imported from and its dotted name: the file's folder, climbing while
/// the folder is a package (`__init__.py`).
pub fn module_location(project: &Project, file: FileId) -> (String, String) {
    let rel = project.rel_path(file);
    let mut parts: Vec<&str> = rel.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    let stem = name.trim_end_matches(".py");
    let mut module: Vec<&str> = if stem == "__init__" {
        Vec::new()
    } else {
        vec![stem]
    };
    if stem == "__init__" {
        match parts.pop() {
            Some(dir) => module.push(dir),
            None => return (String::new(), String::new()),
        }
    }
    while let Some(dir) = parts.last() {
        let init = format!("{}/__init__.py", parts.join("/"));
        if project.file(&init).is_none() {
            break;
        }
        module.push(dir);
        parts.pop();
    }
    module.reverse();
    (parts.join("/"), module.join("."))
}

/// A Django project's `wsgi.py`/`asgi.py`: its folder is the project package even without
/// `__init__.py` (the settings are `<folder>.settings`).
fn django_location(project: &Project, file: FileId) -> (String, String) {
    let (root, module) = module_location(project, file);
    if module.contains('.') {
        return (root, module);
    }
    match root.rsplit_once('/') {
        Some((parent, dir)) => (parent.to_owned(), format!("{dir}.{module}")),
        None if !root.is_empty() => (String::new(), format!("{root}.{module}")),
        None => (root, module),
    }
}

/// Whether a module imports a module `wanted` accepts, anywhere in it: `import x[...]` or
/// `from x[...] import ...` (absolute imports only).
pub fn imports_module(project: &Project, file: FileId, wanted: impl Fn(&str) -> bool) -> bool {
    imports(project, file, wanted, true)
}

/// Like [`imports_module`], counting only `from x import ...` statements.
pub fn imports_from(project: &Project, file: FileId, wanted: impl Fn(&str) -> bool) -> bool {
    imports(project, file, wanted, false)
}

fn imports(
    project: &Project,
    file: FileId,
    wanted: impl Fn(&str) -> bool,
    plain_imports: bool,
) -> bool {
    let parsed = project.python(file);
    all_statements(parsed.body())
        .into_iter()
        .any(|stmt| match stmt {
            Stmt::Import(import) => {
                plain_imports && import.names.iter().any(|a| wanted(a.name.as_str()))
            }
            Stmt::ImportFrom(import) => {
                import.level == 0 && import.module.as_ref().is_some_and(|m| wanted(m.as_str()))
            }
            _ => false,
        })
}

/// Local name → imported dotted name, from every import in the file (`F` → `flask.Flask`).
fn import_aliases(body: &[Stmt]) -> HashMap<String, String> {
    let mut aliases = HashMap::new();
    // In source order, so a later import of a name wins, as in Python.
    for stmt in all_statements(body) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.as_str();
                    match &alias.asname {
                        Some(asname) => {
                            aliases.insert(asname.as_str().to_owned(), full.to_owned());
                        }
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            aliases.insert(top.to_owned(), top.to_owned());
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) if import.level == 0 => {
                let Some(module) = &import.module else {
                    continue;
                };
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        continue;
                    }
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    aliases.insert(
                        bound.to_owned(),
                        format!("{}.{}", module.as_str(), alias.name.as_str()),
                    );
                }
            }
            _ => {}
        }
    }
    aliases
}

/// `a.b.c` of a name or attribute chain.
fn dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str().to_owned()),
        Expr::Attribute(attr) => Some(format!("{}.{}", dotted(&attr.value)?, attr.attr.as_str())),
        _ => None,
    }
}

/// The framework of an app made by a call, if the callee is a framework class or function.
fn call_framework(expr: &Expr, aliases: &HashMap<String, String>) -> Option<Framework> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let callee = dotted(&call.func)?;
    let (head, rest) = match callee.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (callee.as_str(), None),
    };
    match aliases.get(head) {
        Some(full) => {
            let qualified = match rest {
                Some(rest) => format!("{full}.{rest}"),
                None => full.clone(),
            };
            Framework::of_callee(&qualified, false)
        }
        None => Framework::of_callee(&callee, rest.is_none()),
    }
}

fn value_binding(value: &Expr, aliases: &HashMap<String, String>) -> Binding {
    if let Some(framework) = call_framework(value, aliases) {
        return Binding::App(framework);
    }
    if let Expr::Call(call) = value
        && let Some(callee) = dotted(&call.func)
    {
        return Binding::Call(callee);
    }
    Binding::Other
}

/// The framework of the app a function returns: `return Flask(...)`, or `return app` where `app` is
/// assigned a framework call in the function.
fn factory_framework(
    def: &ast::StmtFunctionDef,
    aliases: &HashMap<String, String>,
) -> Option<Framework> {
    let mut locals: HashMap<&str, Framework> = HashMap::new();
    let mut returned: Vec<&Expr> = Vec::new();
    let own_body = walk(&def.body, |_, block| {
        !matches!(block, Block::FunctionBody | Block::ClassBody)
    });
    for stmt in own_body {
        match stmt {
            Stmt::Assign(assign) => {
                if let Some(framework) = call_framework(&assign.value, aliases) {
                    for target in &assign.targets {
                        if let Expr::Name(name) = target {
                            locals.insert(name.id.as_str(), framework);
                        }
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(name), Some(value)) = (assign.target.as_ref(), &assign.value)
                    && let Some(framework) = call_framework(value, aliases)
                {
                    locals.insert(name.id.as_str(), framework);
                }
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    returned.push(value);
                }
            }
            _ => {}
        }
    }
    returned.iter().find_map(|value| match value {
        Expr::Name(name) => locals.get(name.id.as_str()).copied(),
        other => call_framework(other, aliases),
    })
}

fn callable_without_args(parameters: &ast::Parameters) -> bool {
    parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .chain(parameters.kwonlyargs.iter())
        .all(|p| p.default.is_some())
}

/// The expression calls `globals()` or `vars()` (names written dynamically).
fn mentions_globals(expr: &Expr) -> bool {
    let mut stack = vec![expr];
    let mut seen = 0;
    while let Some(e) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            return false;
        }
        match e {
            Expr::Call(call) => {
                if matches!(call.func.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "globals" | "vars" | "exec"))
                {
                    return true;
                }
                stack.push(&call.func);
            }
            Expr::Attribute(attr) => stack.push(&attr.value),
            Expr::Subscript(sub) => stack.push(&sub.value),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    #[test]
    fn module_names_follow_top_level_blocks() {
        let (_d, p) = project(&[(
            "app.py",
            "import os\nfrom flask import Flask as F\ntry:\n    application = F(__name__)\nexcept ImportError:\n    pass\nif os.environ.get('X'):\n    def handler(): pass\nif __name__ == '__main__':\n    app = F(__name__)\nclass Config: pass\n",
        )]);
        let names = ModuleNames::of(&p, p.file("app.py").unwrap());
        assert_eq!(
            names.get("application").unwrap().binding,
            Binding::App(Framework::Flask)
        );
        assert_eq!(names.defines("handler"), Some(true));
        assert_eq!(names.defines("Config"), Some(true));
        assert_eq!(names.defines("os"), Some(true));
        // The `__main__` block does not run under a server.
        assert_eq!(names.defines("app"), Some(false));
    }

    #[test]
    fn wrapped_apps_and_aliases() {
        let (_d, p) = project(&[(
            "proj/wsgi.py",
            "from django.core.wsgi import get_wsgi_application\nfrom whitenoise import WhiteNoise\napplication = get_wsgi_application()\napplication = WhiteNoise(application, root='static')\napp = application\nasgi = ASGIMiddleware(application)\n",
        )]);
        let names = ModuleNames::of(&p, p.file("proj/wsgi.py").unwrap());
        assert_eq!(
            names.get("application").unwrap().binding,
            Binding::Wrapped(Framework::DjangoWsgi)
        );
        assert_eq!(
            names.get("app").unwrap().binding,
            Binding::Wrapped(Framework::DjangoWsgi)
        );
        assert_eq!(
            names.get("asgi").unwrap().binding,
            Binding::Call("ASGIMiddleware".into())
        );
        let targets: Vec<String> = find_app_objects(&p).iter().map(AppObject::target).collect();
        assert_eq!(targets, ["proj.wsgi", "proj.wsgi:app"]);
    }

    #[test]
    fn star_imports_and_getattr_make_names_unknown() {
        let (_d, p) = project(&[
            ("a.py", "from flask import *\napp2 = 1\n"),
            ("b.py", "def __getattr__(name):\n    return 1\n"),
            ("c.py", "globals()['app'] = object()\n"),
        ]);
        for f in ["a.py", "b.py", "c.py"] {
            assert_eq!(ModuleNames::of(&p, p.file(f).unwrap()).defines("app"), None);
        }
    }

    #[test]
    fn factories_and_imports_resolve_to_app_objects() {
        let (_d, p) = project(&[
            (
                "app/__init__.py",
                "from fastapi import FastAPI\n\ndef create_app(settings=None):\n    api = FastAPI()\n    return api\n",
            ),
            (
                "wsgi.py",
                "from app import create_app\napp = create_app()\n",
            ),
            ("main.py", "from wsgi import app\n"),
            (
                "needs_args.py",
                "import flask\ndef make(config):\n    return flask.Flask(__name__)\n",
            ),
        ]);
        let wsgi = p.file("wsgi.py").unwrap();
        assert_eq!(
            resolve_name(&p, wsgi, "app", &[String::new()]).app_framework(),
            Some(Framework::FastApi)
        );
        let main = p.file("main.py").unwrap();
        assert_eq!(
            resolve_name(&p, main, "app", &[String::new()]).app_framework(),
            Some(Framework::FastApi)
        );
        assert_eq!(
            resolve_name(&p, main, "nothing", &[String::new()]),
            Resolved::Missing
        );
        let make = ModuleNames::of(&p, p.file("needs_args.py").unwrap());
        assert_eq!(
            make.get("make").unwrap().binding,
            Binding::Factory {
                framework: Framework::Flask,
                no_args: false
            }
        );
        let found = find_app_objects(&p);
        let targets: Vec<String> = found.iter().map(AppObject::target).collect();
        assert_eq!(targets, ["wsgi:app", "app:create_app()"]);
        assert_eq!(
            found[0].startup_command(),
            "gunicorn --bind=0.0.0.0 --timeout 600 -k uvicorn.workers.UvicornWorker wsgi:app"
        );
        assert_eq!(
            found[1].startup_command(),
            "gunicorn --bind=0.0.0.0 --timeout 600 -k uvicorn.workers.UvicornWorker \"app:create_app()\""
        );
    }

    #[test]
    fn app_objects_in_subfolders_get_their_chdir() {
        let (_d, p) = project(&[
            (
                "src/hello.py",
                "from flask import Flask\nmyapp = Flask(__name__)\n",
            ),
            (
                "src/proj/wsgi.py",
                "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\napplication = get_wsgi_application()\n",
            ),
            ("backend/api/__init__.py", ""),
            (
                "backend/api/main.py",
                "import starlette.applications\napp = starlette.applications.Starlette()\n",
            ),
            (
                "tests/test_app.py",
                "from flask import Flask\napp = Flask(__name__)\n",
            ),
            (
                ".venv2/x.py",
                "from flask import Flask\napp = Flask(__name__)\n",
            ),
        ]);
        let found = find_app_objects(&p);
        let commands: Vec<String> = found.iter().map(AppObject::startup_command).collect();
        assert_eq!(
            commands,
            [
                "gunicorn --bind=0.0.0.0 --timeout 600 --chdir src hello:myapp",
                "gunicorn --bind=0.0.0.0 --timeout 600 --chdir backend -k uvicorn.workers.UvicornWorker api.main:app",
                "gunicorn --bind=0.0.0.0 --timeout 600 --chdir src proj.wsgi",
            ]
        );
    }

    #[test]
    fn fastapi_imports_are_read_from_the_tree() {
        let (_d, p) = project(&[
            ("main.py", "# fastapi is great\nimport os\n"),
            (
                "api.py",
                "try:\n    from fastapi.responses import JSONResponse\nexcept ImportError:\n    pass\n",
            ),
        ]);
        let is_fastapi = |m: &str| m == "fastapi" || m.starts_with("fastapi.");
        assert!(!imports_module(&p, p.file("main.py").unwrap(), is_fastapi));
        assert!(imports_module(&p, p.file("api.py").unwrap(), is_fastapi));
    }
}
