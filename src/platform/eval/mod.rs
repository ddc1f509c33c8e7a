//! The one static Python evaluator: it runs the top level of a module in its head, the way Python would on
//! App Service, keeping for every name the values it can have and where they were assigned. The Django
//! settings, `gunicorn.conf.py`, the start-up's server calls and `plan`'s environment all read modules
//! through it.
//!
//! - this file: the evaluator's state, modules and imports, and the value helpers;
//! - `stmt.rs`: statements (assignments, `if`/`try`/`with`/`class`, imports, local functions);
//! - `expr.rs`: expressions (operators, comparisons, truthiness, string methods);
//! - `env.rs`: the library models: `os.environ`/`os.getenv`, python-decouple and django-environ reads
//!   and casts;
//! - `value.rs`: the values.
//!
//! It never guesses: what it cannot evaluate is `Value::Unknown`, and a branch whose condition is unknown is
//! taken both ways, its results kept as alternatives.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use ruff_python_ast::{self as ast, BoolOp, CmpOp, Expr, Operator, Stmt, UnaryOp};
use ruff_text_size::Ranged;

mod env;
mod expr;
mod stmt;
pub mod value;

use crate::platform::app_settings::AppSettings;
use crate::platform::modules::{absolute_import, resolve_module};
use crate::project::{FileId, Project, Span};
pub use value::{Assigned, EnvBool, EnvRead, Fallback, ReadApi, StrLit, Value};

/// Expressions nested deeper than this evaluate to `Unknown` (the tree is never walked without bound).
const MAX_DEPTH: usize = 64;

/// The most a value built by the evaluator may hold (list items and nested values, counted together;
/// string bytes): `s += s` forty times, or `l = [l, l]` in a loop, becomes `Unknown` instead of gigabytes.
const MAX_VALUE_NODES: usize = 10_000;
const MAX_VALUE_BYTES: usize = 1 << 20;

/// `v`, or `Unknown` when it is larger than the evaluator keeps (counted without walking past the cap).
pub(crate) fn capped(v: Value) -> Value {
    let (mut nodes, mut bytes) = (0usize, 0usize);
    let mut stack: Vec<&Value> = vec![&v];
    while let Some(x) = stack.pop() {
        nodes += 1;
        match x {
            Value::Str(s) => bytes += s.value.len(),
            Value::List(items) => stack.extend(items.iter()),
            Value::Dict(entries) => {
                for (key, value) in entries {
                    bytes += key.len();
                    stack.push(value);
                }
            }
            _ => {}
        }
        if nodes > MAX_VALUE_NODES || bytes > MAX_VALUE_BYTES {
            return Value::Unknown;
        }
    }
    v
}

/// The variables App Service sets in every Linux app (`data/platform_vars.txt`, with its sources).
const PLATFORM_VARS_DATA: &str = include_str!("../data/platform_vars.txt");

/// Whether App Service sets `var` in every app's container, for certain: code that branches on it is
/// decided (`WEBSITE_HOSTNAME`, `WEBSITE_SITE_NAME`, `PORT`).
pub fn is_platform_var(var: &str) -> bool {
    platform_vars("always").any(|v| v == var)
}

/// Whether `var` is one App Service provides, by its documentation (the certain ones and the documented
/// read-only ones): a read of it is not a missing app setting.
pub fn is_provided_var(var: &str) -> bool {
    platform_vars("always")
        .chain(platform_vars("read-only"))
        .any(|v| v == var)
}

fn platform_vars(kind: &'static str) -> impl Iterator<Item = &'static str> {
    PLATFORM_VARS_DATA
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(move |l| l.split_once(' ').filter(|(k, _)| *k == kind))
        .map(|(_, name)| name.trim())
}

/// Variables other hosting platforms set and App Service does not.
pub const FOREIGN_VARS: &[&str] = &[
    "RENDER",
    "RENDER_EXTERNAL_HOSTNAME",
    "HEROKU_APP_NAME",
    "DYNO",
    "RAILWAY_PUBLIC_DOMAIN",
    "RAILWAY_ENVIRONMENT",
    "FLY_APP_NAME",
    "VERCEL",
    "VERCEL_URL",
    "GAE_APPLICATION",
    "K_SERVICE",
    "PYTHONANYWHERE_DOMAIN",
];

/// Functions whose result is new in every process.
const GENERATORS: &[&str] = &[
    "django.core.management.utils.get_random_secret_key",
    "django.utils.crypto.get_random_string",
    "secrets.token_urlsafe",
    "secrets.token_hex",
    "secrets.token_bytes",
    "os.urandom",
    "uuid.uuid4",
    "uuid.uuid1",
];

/// Every name of a module, each with the values it can have once the module has run.
pub type Names = BTreeMap<String, Vec<Assigned>>;

/// A write to `os.environ` seen at the top level of a module.
#[derive(Debug, Clone)]
pub struct EnvWrite {
    pub var: String,
    pub value: Value,
    /// `os.environ.setdefault(...)` (an existing app setting wins) rather than `os.environ[...] = ...`.
    pub setdefault: bool,
    pub span: Span,
}

/// How the code writes a key of a Flask app's configuration.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigHow {
    /// `app.config['KEY'] = value`.
    Item,
    /// `app.config.update(KEY=value)`, `from_mapping(...)`.
    Update,
    /// `app.secret_key = value`, `app.debug = value`.
    Attribute,
    /// `app.config.from_object(Config)`: an attribute of this class (or module).
    Object(String),
    /// `app.run(debug=...)`.
    Run,
    /// `SessionMiddleware(secret_key=...)` of Starlette (FastAPI).
    SessionMiddleware,
    /// A loader this tool does not read (`from_pyfile`, `from_envvar`, `from_prefixed_env`, an object it
    /// cannot find): any key may be set by it.
    Opaque,
}

/// A write to a Flask (or Quart) app's configuration seen in the code, in the order the code runs them.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigWrite {
    /// The key (empty for [`ConfigHow::Opaque`]).
    pub key: String,
    pub value: Value,
    /// The value's expression (the class attribute's, for `from_object`).
    pub span: Span,
    pub how: ConfigHow,
    /// Inside a branch that may not run.
    pub conditional: bool,
    /// Inside a function the module does not call at import (an app factory, a handler).
    pub in_function: bool,
    /// Written by the object `from_object` picks when this environment variable is not set
    /// (`config[os.getenv('FLASK_CONFIG', 'default')]`): the variable.
    pub when_unset: Option<String>,
}

/// A database connection opened in the code: a SQLAlchemy engine (`create_engine(url)` of SQLAlchemy or
/// SQLModel, `create_async_engine(url)`), or a SQLite file opened directly (`sqlite3.connect(path)`).
#[derive(Debug, Clone, PartialEq)]
pub struct EngineCall {
    /// The URL (SQLAlchemy), or the file's path (`sqlite3`).
    pub url: Value,
    /// `sqlite3.connect(path)`: `url` is a path, not a URL.
    pub sqlite3: bool,
    /// The URL argument (the call when it has none).
    pub span: Span,
    pub conditional: bool,
    pub in_function: bool,
}

/// What the code does about HTTPS behind a proxy: forces it, or trusts `X-Forwarded-Proto`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpsMarker {
    /// `true`: the code redirects plain-HTTP requests to HTTPS; `false`: it trusts the proxy's scheme.
    pub forces: bool,
    /// `url_for(..., _external=True)`: an absolute URL built from the request's scheme (neither forces
    /// nor trusts).
    pub external_url: bool,
    /// What does it: `Flask-Talisman`, `HTTPSRedirectMiddleware`, `ProxyFix`.
    pub what: &'static str,
    pub span: Span,
    pub conditional: bool,
}

/// A write of a file in the code: `open(path, 'w')`, `os.makedirs(path)`, `Path(...).write_text(...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileWrite {
    /// The path, as far as it is known.
    pub path: Value,
    /// What writes: `open(..., 'a')`, `os.makedirs`.
    pub call: String,
    pub span: Span,
    pub conditional: bool,
    pub in_function: bool,
}

/// What running a module's top level leaves behind.
#[derive(Debug, Default)]
pub struct ModuleResult {
    pub names: Names,
    pub env_writes: Vec<EnvWrite>,
    /// The module binds names the evaluator cannot see (`from <library> import *`, django-split-settings'
    /// `include()`, `globals().update(...)`, `exec`): a name it does not show may still be set.
    pub opaque: bool,
    /// The evaluation was cut by one of its caps (imports nested past `MAX_IMPORT_DEPTH`, the copy
    /// budget): every name may have values not shown, and each carries `Unknown` among its alternatives.
    pub partial: bool,
}

/// What is known of the environment on App Service.
pub struct EnvFacts<'a> {
    pub app_settings: &'a AppSettings,
    /// Variables taken as not set, to ask what the app does without them ([`Evaluator::assume_absent`]).
    pub absent: Vec<String>,
}

impl EnvFacts<'_> {
    /// Whether `var` is set on App Service: `Some(true)` always, `Some(false)` never, `None` unknown.
    pub fn presence(&self, var: &str) -> Option<bool> {
        if self.absent.iter().any(|a| a == var) {
            Some(false)
        } else if self.app_settings.contains(var) || is_platform_var(var) {
            Some(true)
        } else if FOREIGN_VARS.contains(&var) || !is_app_setting_name(var) {
            // App setting names hold letters, digits, `.` and `_`, and Linux turns `.` into `_`: a
            // name with anything else (`myapp.azurewebsites.net`) is never set.
            Some(false)
        } else {
            None
        }
    }

    /// The value of `var` when it is known (an app setting given to the tool).
    fn known_value(&self, var: &str) -> Option<&str> {
        if self.absent.iter().any(|a| a == var) {
            return None;
        }
        self.app_settings.get(var).map(|s| s.value.as_str())
    }
}

enum Flow {
    Normal,
    /// The block raised (a `raise`, or an import of a repository module that does not exist).
    Raised,
}

/// Evaluates modules of one project; results are cached per file.
pub struct Evaluator<'a> {
    project: &'a Project,
    facts: EnvFacts<'a>,
    /// Folders on `sys.path` ("" is the app root).
    import_roots: Vec<String>,
    cache: HashMap<FileId, Rc<ModuleResult>>,
    in_progress: HashSet<FileId>,
    /// Every module evaluated, in the order first reached.
    pub loaded: Vec<FileId>,
    /// Every environment read, in order.
    reads: RefCell<Vec<EnvReadSite>>,
    /// How many branches of unknown outcome enclose the code being evaluated.
    conditional: Cell<usize>,
    /// How many calls of a module's own functions enclose the code being evaluated.
    call_depth: Cell<usize>,
    /// How many class bodies enclose the code being evaluated.
    class_depth: Cell<usize>,
    /// The module functions already followed from a top-level call: each is followed once per module (its
    /// environment writes are the same on every call), so nested calls cannot multiply the work.
    followed: HashSet<(FileId, String)>,
    /// Names copied so far to evaluate branches apart (see `MAX_FORK_WORK`).
    fork_work: Cell<usize>,
    /// Writes to a Flask app's configuration, in order.
    config: RefCell<Vec<ConfigWrite>>,
    /// SQLAlchemy engines created.
    engines: RefCell<Vec<EngineCall>>,
    /// HTTPS redirects and proxy trust set up in the code.
    https: RefCell<Vec<HttpsMarker>>,
    /// Files the code writes.
    writes: RefCell<Vec<FileWrite>>,
    /// While recording the writes of the object `from_object` picks when this variable is unset.
    when_unset: RefCell<Option<String>>,
    /// The code being evaluated is a function body the module does not call at import.
    in_function: Cell<bool>,
}

/// Where the code reads an environment variable.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvReadSite {
    pub var: String,
    /// Read without a default: the app fails (KeyError, ImproperlyConfigured) when it is missing.
    pub required: bool,
    /// Inside a branch that may not run.
    pub conditional: bool,
    pub span: Span,
}

struct Frame {
    file: FileId,
    names: Names,
    env_writes: Vec<EnvWrite>,
    opaque: bool,
    /// Bodies of the functions the module defines, for calls made at its top level.
    functions: HashMap<String, Rc<Vec<Stmt>>>,
    /// A cap cut the evaluation (see `ModuleResult::partial`).
    cut: bool,
}

/// How deep imports of repository modules are followed (settings chains are a few modules deep; 10,000
/// chained `from .next import *` must not be).
const MAX_IMPORT_DEPTH: usize = 32;

/// How deep calls to a module's own functions are followed (`main()` calling `setup()`).
const MAX_CALL_DEPTH: usize = 3;

/// How deep nested class bodies are evaluated.
const MAX_CLASS_DEPTH: usize = 8;

/// How many names, in all, the evaluator copies to run branches apart (each `if` of unknown outcome, loop,
/// `try`, class body and followed call copies the module's names). Past it, a branch is no longer run:
/// every name it may bind becomes unknown and the module is marked opaque, so thousands of names under
/// thousands of `if`s cost linear time, and what is lost is a value, never a false one.
const MAX_FORK_WORK: usize = 500_000;

/// Functions with more statements than this are not followed.
const MAX_FOLLOWED_BODY: usize = 200;

/// Whether `var` can be the name of an environment variable an app setting sets on Linux: letters,
/// digits and `_` (a `.` in a setting's name becomes `_`).
fn is_app_setting_name(var: &str) -> bool {
    !var.is_empty() && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How many configuration writes and engines are recorded, in all.
const MAX_RECORDS: usize = 4096;

/// A name Flask's `from_object` takes as a configuration key: upper case.
fn is_config_key(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Starlette's session middleware class, however imported.
fn is_session_middleware(v: &Value) -> bool {
    matches!(v, Value::Module(m) | Value::Func(m) if m.ends_with("sessions.SessionMiddleware"))
}

/// Where a value was written, when it is a literal that knows.
fn value_span(value: &Value) -> Option<Span> {
    match value {
        Value::Str(s) => s.span,
        Value::Env(read) => Some(read.span),
        _ => None,
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(
        project: &'a Project,
        app_settings: &'a AppSettings,
        import_roots: Vec<String>,
    ) -> Self {
        Evaluator {
            project,
            facts: EnvFacts {
                app_settings,
                absent: Vec::new(),
            },
            import_roots,
            cache: HashMap::new(),
            in_progress: HashSet::new(),
            loaded: Vec::new(),
            reads: RefCell::new(Vec::new()),
            conditional: Cell::new(0),
            call_depth: Cell::new(0),
            followed: HashSet::new(),
            class_depth: Cell::new(0),
            fork_work: Cell::new(0),
            config: RefCell::new(Vec::new()),
            engines: RefCell::new(Vec::new()),
            https: RefCell::new(Vec::new()),
            writes: RefCell::new(Vec::new()),
            when_unset: RefCell::new(None),
            in_function: Cell::new(false),
        }
    }

    /// Every write to a Flask app's configuration met so far, in the order the code runs them.
    pub fn config_writes(&self) -> Vec<ConfigWrite> {
        self.config.borrow().clone()
    }

    /// Every SQLAlchemy engine created in the code met so far.
    pub fn engines(&self) -> Vec<EngineCall> {
        self.engines.borrow().clone()
    }

    /// Every HTTPS redirect and proxy trust met so far.
    pub fn https_markers(&self) -> Vec<HttpsMarker> {
        self.https.borrow().clone()
    }

    /// Every file write met so far.
    pub fn file_writes(&self) -> Vec<FileWrite> {
        self.writes.borrow().clone()
    }

    fn file_write(&self, path: Value, call: String, span: Span) {
        let mut writes = self.writes.borrow_mut();
        if writes.len() < MAX_RECORDS {
            writes.push(FileWrite {
                path,
                call,
                span,
                conditional: self.conditional.get() > 0,
                in_function: self.in_function.get(),
            });
        }
    }

    fn https_marker(&self, forces: bool, what: &'static str, span: Span) {
        self.push_https(forces, false, what, span);
    }

    fn push_https(&self, forces: bool, external_url: bool, what: &'static str, span: Span) {
        let mut https = self.https.borrow_mut();
        if https.len() < MAX_RECORDS {
            https.push(HttpsMarker {
                forces,
                external_url,
                what,
                span,
                conditional: self.conditional.get() > 0,
            });
        }
    }

    fn config_write(&self, key: String, value: Value, span: Span, how: ConfigHow) {
        let mut config = self.config.borrow_mut();
        if config.len() >= MAX_RECORDS {
            return;
        }
        let write = ConfigWrite {
            key,
            value,
            span,
            how,
            conditional: self.conditional.get() > 0,
            in_function: self.in_function.get(),
            when_unset: self.when_unset.borrow().clone(),
        };
        if !config.contains(&write) {
            config.push(write);
        }
    }

    fn engine_call(&self, url: Value, sqlite3: bool, span: Span) {
        let mut engines = self.engines.borrow_mut();
        if engines.len() >= MAX_RECORDS {
            return;
        }
        let call = EngineCall {
            url,
            sqlite3,
            span,
            conditional: self.conditional.get() > 0,
            in_function: self.in_function.get(),
        };
        if !engines.contains(&call) {
            engines.push(call);
        }
    }

    /// Run the bodies of the module's top-level functions that its top level does not call (an app
    /// factory run by the server, `create_app()`; request handlers), each once, with parameters bound to
    /// their defaults: their configuration writes, engines and environment reads are recorded as
    /// `in_function` (an environment read there is never one the import needs).
    pub fn uncalled_functions(&mut self, file: FileId) {
        const MAX_FUNCTIONS: usize = 256;
        let result = self.module(file);
        if self.project.text_or_notice(file).is_none() {
            return;
        }
        let parsed = self.project.python(file);
        let mut frame = Frame {
            file,
            names: result.names.clone(),
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
            cut: false,
        };
        let was = self.in_function.replace(true);
        // Top-level functions, and the methods of top-level classes (`MethodView`, Flask-RESTful resources).
        let mut defs: Vec<&ast::StmtFunctionDef> = Vec::new();
        for stmt in parsed.body() {
            match stmt {
                Stmt::FunctionDef(def) => defs.push(def),
                Stmt::ClassDef(class) => defs.extend(class.body.iter().filter_map(|s| match s {
                    Stmt::FunctionDef(def) => Some(def),
                    _ => None,
                })),
                _ => {}
            }
        }
        let mut budget = MAX_FUNCTIONS;
        for def in defs {
            if !self.followed.insert((file, def.name.as_str().to_owned())) {
                continue;
            }
            if !self.run_function_body(&mut frame, def, 0, &mut budget) {
                break;
            }
        }
        self.in_function.set(was);
    }

    /// Take `var` as not set (an app setting of that name included), to ask what the code does when it is
    /// missing. Call before evaluating any module.
    pub fn assume_absent(&mut self, var: &str) {
        self.facts.absent.push(var.to_owned());
    }

    /// Run one function body (`uncalled_functions`) in a frame of its own made from `frame`'s names, with
    /// its parameters bound to their defaults, then the functions it defines (route handlers inside an
    /// app factory), two levels deep. `false` when the copy budget or `budget` is spent.
    fn run_function_body(
        &mut self,
        frame: &mut Frame,
        def: &ast::StmtFunctionDef,
        depth: usize,
        budget: &mut usize,
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if def.body.len() > MAX_FOLLOWED_BODY || depth > 2 {
            return true;
        }
        let Some(mut names) = self.fork(frame) else {
            return false;
        };
        // A caller that passes arguments (`create_app('production')`) may replace any default.
        let passed = self.called_with_arguments(def.name.as_str());
        for param in def.parameters.iter_non_variadic_params() {
            let value = match &param.default {
                Some(default) if passed => {
                    either(vec![self.expr(frame, default, 0), Value::Unknown])
                }
                Some(default) => self.expr(frame, default, 0),
                None => Value::Unknown,
            };
            let alts = value
                .alternatives()
                .into_iter()
                .map(|value| Assigned {
                    value: value.clone(),
                    span: None,
                })
                .collect();
            names.insert(param.parameter.name.as_str().to_owned(), alts);
        }
        let mut local = Frame {
            file: frame.file,
            names,
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
            cut: false,
        };
        self.block(&mut local, &def.body);
        for stmt in &def.body {
            if let Stmt::FunctionDef(inner) = stmt
                && !self.run_function_body(&mut local, inner, depth + 1, budget)
            {
                return false;
            }
        }
        true
    }

    /// Whether a module evaluated so far calls `name(...)` with arguments (`create_app('production')`),
    /// read from its text: then the function's parameter defaults are not what it runs with.
    fn called_with_arguments(&self, name: &str) -> bool {
        const MAX_HITS: usize = 1024;
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        for &file in &self.loaded {
            let Ok(text) = self.project.text(file) else {
                continue;
            };
            let text = text.text.as_str();
            let bytes = text.as_bytes();
            for (at, _) in text.match_indices(name).take(MAX_HITS) {
                let end = at + name.len();
                if at > 0 && word(bytes[at - 1]) || bytes.get(end) != Some(&b'(') {
                    continue;
                }
                if text[..at].trim_end().ends_with("def") {
                    continue;
                }
                let rest = text[end + 1..].trim_start();
                if !rest.starts_with(')') {
                    return true;
                }
            }
        }
        false
    }

    /// Every environment read met so far (each module is evaluated once).
    pub fn env_reads(&self) -> Vec<EnvReadSite> {
        self.reads.borrow().clone()
    }

    fn required_reads(&self) -> usize {
        self.reads.borrow().iter().filter(|r| r.required).count()
    }

    fn record_read(&self, var: &str, required: bool, span: Span) {
        let site = EnvReadSite {
            var: var.to_owned(),
            required,
            conditional: self.conditional.get() > 0 || self.in_function.get(),
            span,
        };
        let mut reads = self.reads.borrow_mut();
        if !reads.contains(&site) {
            reads.push(site);
        }
    }

    pub fn facts(&self) -> &EnvFacts<'a> {
        &self.facts
    }

    /// Run a module's top level (once) and return what it leaves.
    pub fn module(&mut self, file: FileId) -> Rc<ModuleResult> {
        if let Some(done) = self.cache.get(&file) {
            return done.clone();
        }
        if self.in_progress.len() >= MAX_IMPORT_DEPTH {
            self.project.notice(format!(
                "not evaluated: `{}`, imported more than {MAX_IMPORT_DEPTH} modules deep; the names it \
                 would set are taken as unknown",
                self.project.rel_path(file)
            ));
            return Rc::new(ModuleResult {
                opaque: true,
                partial: true,
                ..ModuleResult::default()
            });
        }
        if !self.in_progress.insert(file) {
            return Rc::new(ModuleResult::default());
        }
        self.loaded.push(file);
        let project = self.project;
        if project.text_or_notice(file).is_none() {
            // Not read (not text, too large): what it sets is unknown, and the notice says so.
            self.in_progress.remove(&file);
            let result = Rc::new(ModuleResult {
                opaque: true,
                partial: true,
                ..ModuleResult::default()
            });
            self.cache.insert(file, result.clone());
            return result;
        }
        let parsed = project.python(file);
        let mut frame = Frame {
            file,
            names: Names::new(),
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
            cut: false,
        };
        if let Flow::Raised = self.block(&mut frame, parsed.body()) {
            // The module stops part-way (an ImportError, a raise): what it would set later is unknown.
            frame.opaque = true;
        }
        self.in_progress.remove(&file);
        if frame.cut {
            // Any name may have been set by what was not evaluated: each gains `Unknown` (once, here).
            for alts in frame.names.values_mut() {
                if !alts.iter().any(|a| matches!(a.value, Value::Unknown)) {
                    alts.push(Assigned {
                        value: Value::Unknown,
                        span: None,
                    });
                }
            }
            frame.opaque = true;
        }
        let result = Rc::new(ModuleResult {
            names: frame.names,
            env_writes: frame.env_writes,
            opaque: frame.opaque,
            partial: frame.cut,
        });
        self.cache.insert(file, result.clone());
        result
    }

    /// Resolve a module name as imported from `from_file` (`level` leading dots).
    pub fn resolve_import(
        &self,
        from_file: FileId,
        module: Option<&str>,
        level: u32,
    ) -> Option<FileId> {
        if level == 0 {
            let module = module?;
            return self
                .import_roots
                .iter()
                .find_map(|root| resolve_module(self.project, root, module));
        }
        let rel = self.project.rel_path(from_file);
        let absolute = absolute_import(rel, level, module).filter(|m| !m.is_empty())?;
        resolve_module(self.project, "", &absolute)
    }

    fn block(&mut self, frame: &mut Frame, body: &[Stmt]) -> Flow {
        for stmt in body {
            if let Flow::Raised = self.stmt(frame, stmt) {
                return Flow::Raised;
            }
        }
        Flow::Normal
    }
}

/// Functions that raise `TypeError` (or `AttributeError`) when given `None`.
const REJECT_NONE: &[&str] = &[
    "builtins.int",
    "builtins.float",
    "builtins.len",
    "json.loads",
    "os.path.join",
    "pathlib.Path",
    "urllib.parse.urlparse",
    "urllib.parse.urlsplit",
];

/// Whether an `except` clause catches what a missing variable raises: `KeyError` from `os.environ[...]`,
/// `AttributeError`/`TypeError` from using `None`, python-decouple's `UndefinedValueError`,
/// django-environ's `ImproperlyConfigured`, or anything (`except:`, `Exception`).
fn catches_missing_variable(handler: &ast::ExceptHandler) -> bool {
    crate::project::walk::handler_catches(
        handler,
        &[
            "Exception",
            "BaseException",
            "KeyError",
            "LookupError",
            "AttributeError",
            "TypeError",
            "UndefinedValueError",
            "ImproperlyConfigured",
        ],
    )
}

/// Libraries whose use means settings come from places the evaluator does not follow.
const OPAQUE_LIBRARIES: &[&str] = &["split_settings", "configurations"];

/// `globals().update(...)`, `vars().update(...)`, `locals().update(...)`, `exec(...)`, `include(...)`.
fn binds_unseen_names(call: &ast::ExprCall) -> bool {
    match call.func.as_ref() {
        Expr::Name(name) => matches!(name.id.as_str(), "exec" | "include" | "optional"),
        Expr::Attribute(attr) => {
            attr.attr.as_str() == "update"
                && matches!(attr.value.as_ref(), Expr::Call(inner)
                    if matches!(inner.func.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "globals" | "vars" | "locals")))
        }
        _ => false,
    }
}

/// A boolean decided by what App Service's environment is known to hold.
fn known(value: bool, var: &str, span: Span) -> Value {
    Value::Known {
        value,
        var: var.to_owned(),
        span,
    }
}

/// The name under which a write to `os.environ[var]` is kept in a frame (not a Python identifier, so it
/// never clashes), so writes in branches merge like assignments.
pub fn env_key(var: &str) -> String {
    format!("$env:{var}")
}

/// What a read of `var` gives when the variable is unset but the module wrote it earlier.
fn written_fallback(frame: &Frame, var: &str) -> Option<Fallback> {
    let alts = frame.names.get(&env_key(var))?;
    match alts.as_slice() {
        [one] => Some(Fallback::Default(Box::new(one.value.clone()))),
        _ => None,
    }
}

fn set(frame: &mut Frame, name: &str, value: Value, span: Option<Span>) {
    let alts = match value {
        Value::Either(values) => values
            .into_iter()
            .map(|value| Assigned { value, span })
            .collect(),
        value => vec![Assigned { value, span }],
    };
    frame.names.insert(name.to_owned(), alts);
}

fn lookup(frame: &Frame, name: &str) -> Value {
    match frame.names.get(name) {
        Some(alts) if alts.len() == 1 => alts[0].value.clone(),
        Some(alts) => either(alts.iter().map(|a| a.value.clone()).collect()),
        None => match name {
            "bool" | "int" | "str" | "list" | "tuple" | "set" | "float" | "len" | "open" => {
                Value::Func(format!("builtins.{name}"))
            }
            "__file__" => Value::AppPath(String::new()),
            _ => Value::Unknown,
        },
    }
}

/// `module.attr` for the modules and objects the evaluator knows.
fn attribute(base: &Value, attr: &str) -> Value {
    match base {
        Value::Module(m) => {
            let path = format!("{m}.{attr}");
            match path.as_str() {
                "os.environ" => Value::Environ,
                "decouple.config" => Value::Func(path),
                "environ.Env" | "environ.FileAwareEnv" => Value::Func(path),
                _ if is_known_func(&path) => Value::Func(path),
                _ => Value::Module(path),
            }
        }
        Value::Environ => match attr {
            "get" | "setdefault" => Value::Func(format!("os.environ.{attr}")),
            _ => Value::Unknown,
        },
        Value::DjEnv(_) => Value::Func(format!("environ.Env.{attr}")),
        // `Path(...).parent`: still in the app (the tail loses its last part).
        Value::AppPath(tail) if attr == "parent" => Value::AppPath(
            tail.rsplit_once('/')
                .map_or(String::new(), |(head, _)| head.to_owned()),
        ),
        Value::Func(f) if f == "environ.Env" => Value::Func(format!("environ.Env.{attr}")),
        // `Config.DEBUG`: the class attribute's values.
        Value::Class(class) => class.attr(attr).map_or(Value::Unknown, |alts| {
            either(alts.iter().map(|a| a.value.clone()).collect())
        }),
        _ => Value::Unknown,
    }
}

fn is_known_func(path: &str) -> bool {
    APP_FUNCS.contains(&path)
        || GENERATORS.contains(&path)
        || REJECT_NONE.contains(&path)
        || matches!(
            path,
            "os.getenv" | "distutils.util.strtobool" | "str2bool.str2bool"
        )
        || PATH_FUNCS.contains(&path)
        || matches!(path, "dj_database_url.parse" | "dj_database_url.config")
        || path.ends_with("strtobool")
}

/// The app objects and engines the evaluator models: Flask and Quart apps, SQLAlchemy engines.
const APP_FUNCS: &[&str] = &[
    "flask.Flask",
    "quart.Quart",
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.create_engine",
    "sqlite3.connect",
    "flask_talisman.Talisman",
    "werkzeug.middleware.proxy_fix.ProxyFix",
    "werkzeug.contrib.fixers.ProxyFix",
    "builtins.open",
    "os.makedirs",
    "os.mkdir",
    "flask.url_for",
];

/// Functions that keep a path inside the app when given one: `os.path.join(BASE_DIR, 'media')`.
const PATH_FUNCS: &[&str] = &[
    "os.path.join",
    "os.path.dirname",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.normpath",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
];

/// `path` joined with `parts` (string literals; `None` when one is not).
fn join_app_path(tail: &str, parts: &[Value]) -> Option<Value> {
    let mut out = tail.to_owned();
    for part in parts {
        let part = part.as_str()?;
        if part.starts_with('/') {
            // An absolute part replaces the path: it is no longer the app's.
            return None;
        }
        for piece in part.split('/').filter(|p| !p.is_empty() && *p != ".") {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(piece);
        }
    }
    Some(Value::AppPath(out))
}

/// What `dj_database_url.parse` makes of a literal URL: the engine, name, user, password, host and port,
/// each a literal with the URL's span (so a password in it can be pointed at and masked).
fn database_url(url: &StrLit) -> Value {
    let text = url.value.trim();
    let Some((scheme, rest)) = text.split_once("://") else {
        return Value::Unknown;
    };
    let engine = match scheme.split('+').next().unwrap_or(scheme) {
        "postgres" | "postgresql" | "pgsql" | "postgis" => "django.db.backends.postgresql",
        "mysql" | "mysql2" | "mysqlgis" => "django.db.backends.mysql",
        "sqlite" | "spatialite" => "django.db.backends.sqlite3",
        "oracle" => "django.db.backends.oracle",
        "mssql" => "mssql",
        _ => return Value::Unknown,
    };
    let s = |v: &str| {
        Value::Str(StrLit {
            value: v.to_owned(),
            span: url.span,
        })
    };
    let mut entries = vec![("ENGINE".to_owned(), s(engine))];
    if engine.ends_with("sqlite3") {
        // `sqlite:///db.sqlite3` is relative, `sqlite:////home/x.db` absolute.
        let name = rest.strip_prefix('/').unwrap_or(rest);
        entries.push((
            "NAME".to_owned(),
            s(if name.is_empty() { ":memory:" } else { name }),
        ));
        return Value::Dict(entries);
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, ""));
    let (name, query) = path.split_once('?').unwrap_or((path, ""));
    for (key, value) in [
        ("NAME", name),
        ("USER", user),
        ("PASSWORD", password),
        ("HOST", host),
        ("PORT", port),
    ] {
        entries.push((key.to_owned(), s(value)));
    }
    // Query parameters become `OPTIONS` (`?sslmode=require`), as dj-database-url makes them.
    let options: Vec<(String, Value)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| !k.is_empty())
        .take(32)
        .map(|(k, v)| (k.to_owned(), s(v)))
        .collect();
    if !options.is_empty() {
        entries.push(("OPTIONS".to_owned(), Value::Dict(options)));
    }
    Value::Dict(entries)
}

/// `dj_database_url`'s `ssl_require=True`: `OPTIONS['sslmode'] = 'require'` on the parsed URL.
pub(crate) fn require_ssl(mut db: Value) -> Value {
    if let Value::Dict(entries) = &mut db {
        let mode = Value::Str(StrLit {
            value: "require".to_owned(),
            span: None,
        });
        match entries.iter_mut().rev().find(|(k, _)| k == "OPTIONS") {
            Some((_, Value::Dict(options))) => options.push(("sslmode".to_owned(), mode)),
            Some((_, other)) => *other = Value::Unknown,
            None => entries.push((
                "OPTIONS".to_owned(),
                Value::Dict(vec![("sslmode".to_owned(), mode)]),
            )),
        }
    }
    db
}

fn is_environ(v: &Value) -> bool {
    matches!(v, Value::Environ)
}

/// Merge the names after a `try` body that reads a required variable and its `except` handler: a name the
/// body sets to that read and the handler to something else is the read with the handler's value as its
/// fallback (`try: X = os.environ['X'] except KeyError: X = 'dev'` is `os.environ.get('X', 'dev')`).
fn fallback_merge(body: Names, mut handler: Names) -> Names {
    let mut out = Names::new();
    for (name, alts) in body {
        let other = handler.remove(&name);
        let merged = match (alts.as_slice(), other.as_deref()) {
            (
                [
                    Assigned {
                        value: Value::Env(read),
                        span,
                    },
                ],
                Some([fallback]),
            ) if read.fallback == Fallback::Required
                && fallback.value != Value::Env(read.clone()) =>
            {
                let mut read = read.clone();
                read.fallback = Fallback::Default(Box::new(fallback.value.clone()));
                vec![Assigned {
                    value: Value::Env(read),
                    span: *span,
                }]
            }
            _ => union(alts, other.unwrap_or_else(|| vec![Assigned::unset()])),
        };
        out.insert(name, merged);
    }
    for (name, alts) in handler {
        out.insert(name, union(vec![Assigned::unset()], alts));
    }
    out
}

/// Merge the names after two paths of which either may have run.
fn merge(a: Names, mut b: Names) -> Names {
    let mut out = Names::new();
    for (name, alts_a) in a {
        let alts_b = b.remove(&name).unwrap_or_else(|| vec![Assigned::unset()]);
        out.insert(name, union(alts_a, alts_b));
    }
    for (name, alts_b) in b {
        out.insert(name, union(vec![Assigned::unset()], alts_b));
    }
    out
}

/// The most alternatives one name keeps: past that (thousands of environment-dependent `if`s assigning it),
/// its value is simply unknown, which no rule reports on.
const MAX_ALTERNATIVES: usize = 64;

fn union(mut a: Vec<Assigned>, b: Vec<Assigned>) -> Vec<Assigned> {
    for alt in b {
        if a.len() >= MAX_ALTERNATIVES {
            return vec![Assigned {
                value: Value::Unknown,
                span: None,
            }];
        }
        if !a.contains(&alt) {
            a.push(alt);
        }
    }
    a
}

fn either(values: Vec<Value>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for v in values {
        for alt in v.alternatives() {
            if !out.contains(alt) {
                out.push(alt.clone());
            }
        }
    }
    if out.len() == 1 {
        out.remove(0)
    } else {
        Value::Either(out)
    }
}

/// The result of an operation the evaluator does not follow: env-derived when an operand is.
fn derived(operands: &[&Value]) -> Value {
    let mut vars = Vec::new();
    for v in operands {
        for var in v.env_vars() {
            if !vars.contains(&var) {
                vars.push(var);
            }
        }
    }
    if vars.is_empty() {
        Value::Unknown
    } else {
        Value::EnvDerived(vars)
    }
}

fn extend_unknown(mut items: Vec<Value>, other: &Value) -> Value {
    items.push(derived(&[other]));
    Value::List(items)
}

fn generated_of(v: &Value) -> Option<Value> {
    matches!(v, Value::Generated { .. }).then(|| v.clone())
}

fn combine_bools(a: Value, b: Value, op: BoolOp) -> Value {
    match (&a, &b) {
        (Value::EnvBool(x), Value::EnvBool(y)) => {
            let when_unset = match (x.when_unset, y.when_unset, op) {
                (Some(p), Some(q), BoolOp::Or) => Some(p || q),
                (Some(p), Some(q), BoolOp::And) => Some(p && q),
                _ => None,
            };
            Value::EnvBool(EnvBool {
                when_unset,
                string_truthiness: x.string_truthiness || y.string_truthiness,
                ..x.clone()
            })
        }
        _ => derived(&[&a, &b]),
    }
}

/// Compare two literal values, when both are literals.
fn literal_compare(a: &Value, op: CmpOp, b: &Value) -> Option<bool> {
    let eq = |x: &Value, y: &Value| -> Option<bool> {
        match (x, y) {
            (Value::Str(p), Value::Str(q)) => Some(p.value == q.value),
            (Value::Bool(p), Value::Bool(q)) => Some(p == q),
            (Value::Int(p), Value::Int(q)) => Some(p == q),
            (Value::None, Value::None) => Some(true),
            (Value::None, Value::Str(_) | Value::Bool(_) | Value::Int(_))
            | (Value::Str(_) | Value::Bool(_) | Value::Int(_), Value::None) => Some(false),
            (Value::Str(_), Value::Bool(_) | Value::Int(_))
            | (Value::Bool(_) | Value::Int(_), Value::Str(_)) => Some(false),
            _ => None,
        }
    };
    match op {
        CmpOp::Eq => eq(a, b),
        CmpOp::NotEq => eq(a, b).map(|r| !r),
        CmpOp::Is => match (a, b) {
            (Value::None, _) | (_, Value::None) | (Value::Bool(_), Value::Bool(_)) => eq(a, b),
            _ => None,
        },
        CmpOp::IsNot => literal_compare(a, CmpOp::Is, b).map(|r| !r),
        CmpOp::In | CmpOp::NotIn => {
            let found = match b {
                Value::List(items) => {
                    let mut any_unknown = false;
                    let mut found = false;
                    for item in items {
                        match eq(a, item) {
                            Some(true) => found = true,
                            Some(false) => {}
                            None => any_unknown = true,
                        }
                    }
                    if found {
                        Some(true)
                    } else if any_unknown {
                        None
                    } else {
                        Some(false)
                    }
                }
                Value::Str(hay) => match a {
                    Value::Str(needle) => Some(hay.value.contains(needle.value.as_str())),
                    Value::None => None,
                    _ => None,
                },
                _ => None,
            }?;
            Some(if op == CmpOp::In { found } else { !found })
        }
        _ => None,
    }
}

/// How django-environ, decouple and `strtobool` read a boolean string.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "on" | "t" => Some(true),
        "0" | "false" | "no" | "n" | "off" | "f" | "" => Some(false),
        _ => None,
    }
}

fn string_method(s: &str, method: &str) -> String {
    match method {
        "lower" | "casefold" => s.to_lowercase(),
        "upper" => s.to_uppercase(),
        "strip" => s.trim().to_owned(),
        _ => s.to_owned(),
    }
}

fn lit(s: &str, span: Option<Span>) -> Value {
    Value::Str(StrLit {
        value: s.to_owned(),
        span,
    })
}

#[cfg(test)]
mod platform_var_tests {
    use super::*;

    #[test]
    fn the_platform_variables_data_parses_into_both_kinds() {
        let always: Vec<&str> = platform_vars("always").collect();
        assert_eq!(always, ["WEBSITE_HOSTNAME", "WEBSITE_SITE_NAME", "PORT"]);
        assert!(is_provided_var("WEBSITE_INSTANCE_ID"));
        assert!(!is_platform_var("WEBSITE_INSTANCE_ID"));
        assert!(!is_provided_var("SECRET_KEY"));
        // Every line is a comment or `kind NAME` with a known kind.
        for line in PLATFORM_VARS_DATA.lines().filter(|l| !l.starts_with('#')) {
            let (kind, name) = line.split_once(' ').expect("`kind NAME`");
            assert!(matches!(kind, "always" | "read-only"), "{line}");
            assert!(is_app_setting_name(name), "{line}");
        }
    }
}
