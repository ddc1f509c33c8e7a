//! A small static evaluator for settings modules: it runs the top level of a module in its head, the way
//! Python would on App Service, keeping for every name the values it can have and where they were assigned.
//!
//! It never guesses: what it cannot evaluate is `Value::Unknown`, and a branch whose condition is unknown is
//! taken both ways, its results kept as alternatives.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use ruff_python_ast::{self as ast, BoolOp, CmpOp, Expr, Operator, Stmt, UnaryOp};
use ruff_text_size::Ranged;

use super::value::{EnvBool, EnvRead, Fallback, ReadApi, StrLit, Value};
use crate::platform::app_settings::AppSettings;
use crate::platform::modules::{absolute_import, resolve_module};
use crate::project::{FileId, Project, Span};

/// Expressions nested deeper than this evaluate to `Unknown` (the tree is never walked without bound).
const MAX_DEPTH: usize = 64;

/// Variables App Service sets in every app's environment (configure-language-python, "Django" and
/// "Container characteristics"; the image sets PORT=8000).
pub const PLATFORM_VARS: &[&str] = &["WEBSITE_HOSTNAME", "WEBSITE_SITE_NAME", "PORT"];

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

/// One value a name can have, and where it was assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    pub value: Value,
    /// The assigned expression (`None` for `Unset`).
    pub span: Option<Span>,
}

impl Assigned {
    fn unset() -> Assigned {
        Assigned {
            value: Value::Unset,
            span: None,
        }
    }
}

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

/// What running a module's top level leaves behind.
#[derive(Debug, Default)]
pub struct ModuleResult {
    pub names: Names,
    pub env_writes: Vec<EnvWrite>,
    /// The module binds names the evaluator cannot see (`from <library> import *`, django-split-settings'
    /// `include()`, `globals().update(...)`, `exec`): a name it does not show may still be set.
    pub opaque: bool,
}

/// What is known of the environment on App Service.
pub struct EnvFacts<'a> {
    pub app_settings: &'a AppSettings,
}

impl EnvFacts<'_> {
    /// Whether `var` is set on App Service: `Some(true)` always, `Some(false)` never, `None` unknown.
    pub fn presence(&self, var: &str) -> Option<bool> {
        if self.app_settings.contains(var) || PLATFORM_VARS.contains(&var) {
            Some(true)
        } else if FOREIGN_VARS.contains(&var) {
            Some(false)
        } else {
            None
        }
    }

    /// The value of `var` when it is known (an app setting given to the tool).
    fn known_value(&self, var: &str) -> Option<&str> {
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
}

/// How deep calls to a module's own functions are followed (`main()` calling `setup()`).
const MAX_CALL_DEPTH: usize = 3;

/// How deep nested class bodies are evaluated.
const MAX_CLASS_DEPTH: usize = 8;

/// Functions with more statements than this are not followed.
const MAX_FOLLOWED_BODY: usize = 200;

impl<'a> Evaluator<'a> {
    pub fn new(
        project: &'a Project,
        app_settings: &'a AppSettings,
        import_roots: Vec<String>,
    ) -> Self {
        Evaluator {
            project,
            facts: EnvFacts { app_settings },
            import_roots,
            cache: HashMap::new(),
            in_progress: HashSet::new(),
            loaded: Vec::new(),
            reads: RefCell::new(Vec::new()),
            conditional: Cell::new(0),
            call_depth: Cell::new(0),
            class_depth: Cell::new(0),
        }
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
            conditional: self.conditional.get() > 0,
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
        if !self.in_progress.insert(file) {
            return Rc::new(ModuleResult::default());
        }
        self.loaded.push(file);
        let project = self.project;
        let parsed = project.python(file);
        let mut frame = Frame {
            file,
            names: Names::new(),
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
        };
        if let Flow::Raised = self.block(&mut frame, parsed.body()) {
            // The module stops part-way (an ImportError, a raise): what it would set later is unknown.
            frame.opaque = true;
        }
        self.in_progress.remove(&file);
        let result = Rc::new(ModuleResult {
            names: frame.names,
            env_writes: frame.env_writes,
            opaque: frame.opaque,
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

    fn stmt(&mut self, frame: &mut Frame, stmt: &Stmt) -> Flow {
        match stmt {
            Stmt::Assign(assign) => {
                let value = self.expr(frame, &assign.value, 0);
                let span = Span::new(frame.file, assign.value.range());
                for target in &assign.targets {
                    self.assign(frame, target, value.clone(), span);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(v) = &assign.value {
                    let value = self.expr(frame, v, 0);
                    self.assign(
                        frame,
                        &assign.target,
                        value,
                        Span::new(frame.file, v.range()),
                    );
                }
            }
            Stmt::AugAssign(aug) => self.aug_assign(frame, aug),
            Stmt::Expr(ast::StmtExpr { value, .. }) => {
                if let Expr::Call(call) = value.as_ref() {
                    self.call_statement(frame, call);
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.as_str();
                    let (bound, value) = match &alias.asname {
                        Some(as_name) => (as_name.as_str(), self.import_value(frame.file, full)),
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            (top, self.import_value(frame.file, top))
                        }
                    };
                    set(
                        frame,
                        bound,
                        value,
                        Some(Span::new(frame.file, alias.range)),
                    );
                }
            }
            Stmt::ImportFrom(import) => return self.import_from(frame, import),
            Stmt::If(if_stmt) => return self.if_stmt(frame, if_stmt),
            Stmt::Try(try_stmt) => {
                let before = frame.names.clone();
                let required_before = self.required_reads();
                let reads_before = self.reads.borrow().len();
                let body_flow = self.block(frame, &try_stmt.body);
                let may_raise = self.required_reads() > required_before;
                if try_stmt.handlers.iter().any(catches_missing_variable) {
                    // A missing variable raises into a handler that catches it: the app still starts.
                    for read in self.reads.borrow_mut()[reads_before..].iter_mut() {
                        read.required = false;
                    }
                }
                match body_flow {
                    Flow::Normal if may_raise && !try_stmt.handlers.is_empty() => {
                        // A required environment read may raise (KeyError): the handler may run instead.
                        self.block(frame, &try_stmt.orelse);
                        let after_body = std::mem::replace(&mut frame.names, before);
                        let ast::ExceptHandler::ExceptHandler(handler) = &try_stmt.handlers[0];
                        self.conditional.set(self.conditional.get() + 1);
                        let flow = self.block(frame, &handler.body);
                        self.conditional.set(self.conditional.get() - 1);
                        frame.names = match flow {
                            Flow::Normal => {
                                fallback_merge(after_body, std::mem::take(&mut frame.names))
                            }
                            Flow::Raised => after_body,
                        };
                    }
                    Flow::Normal => {
                        self.block(frame, &try_stmt.orelse);
                    }
                    Flow::Raised => {
                        frame.names = before;
                        let handler = try_stmt.handlers.first().map(|h| {
                            let ast::ExceptHandler::ExceptHandler(h) = h;
                            &h.body
                        });
                        if let Some(body) = handler
                            && let Flow::Raised = self.block(frame, body)
                        {
                            return Flow::Raised;
                        }
                    }
                }
                return self.block(frame, &try_stmt.finalbody);
            }
            Stmt::With(with) => return self.block(frame, &with.body),
            Stmt::For(for_stmt) => {
                let before = frame.names.clone();
                self.conditional.set(self.conditional.get() + 1);
                self.block(frame, &for_stmt.body);
                self.block(frame, &for_stmt.orelse);
                self.conditional.set(self.conditional.get() - 1);
                frame.names = merge(before, std::mem::take(&mut frame.names));
            }
            Stmt::While(while_stmt) => {
                let before = frame.names.clone();
                self.conditional.set(self.conditional.get() + 1);
                self.block(frame, &while_stmt.body);
                self.conditional.set(self.conditional.get() - 1);
                frame.names = merge(before, std::mem::take(&mut frame.names));
            }
            Stmt::FunctionDef(def) => {
                set(
                    frame,
                    def.name.as_str(),
                    Value::Unknown,
                    Some(Span::new(frame.file, def.name.range)),
                );
                if def.body.len() <= MAX_FOLLOWED_BODY {
                    frame
                        .functions
                        .insert(def.name.as_str().to_owned(), Rc::new(def.body.to_vec()));
                } else {
                    frame.functions.remove(def.name.as_str());
                }
            }
            Stmt::ClassDef(def) => {
                self.class_body(frame, &def.body);
                set(
                    frame,
                    def.name.as_str(),
                    Value::Unknown,
                    Some(Span::new(frame.file, def.name.range)),
                );
            }
            Stmt::Delete(del) => {
                for target in &del.targets {
                    if let Expr::Name(name) = target {
                        frame.names.remove(name.id.as_str());
                    }
                }
            }
            Stmt::Raise(_) => return Flow::Raised,
            Stmt::Match(m) => {
                let before = frame.names.clone();
                let mut merged: Option<Names> = None;
                for case in &m.cases {
                    frame.names = before.clone();
                    self.block(frame, &case.body);
                    let out = std::mem::take(&mut frame.names);
                    merged = Some(match merged {
                        Some(acc) => merge(acc, out),
                        None => out,
                    });
                }
                frame.names = merge(before, merged.unwrap_or_default());
            }
            _ => {}
        }
        Flow::Normal
    }

    /// A call, at the top level, of a function the module defines (`main()` in `manage.py`): its writes
    /// to `os.environ` are global and are kept; its assignments are local and are not.
    fn call_local_function(&mut self, frame: &mut Frame, body: &[Stmt]) {
        if self.call_depth.get() >= MAX_CALL_DEPTH {
            return;
        }
        let mut local = Frame {
            file: frame.file,
            names: frame.names.clone(),
            env_writes: Vec::new(),
            opaque: false,
            functions: frame.functions.clone(),
        };
        self.call_depth.set(self.call_depth.get() + 1);
        self.block(&mut local, body);
        self.call_depth.set(self.call_depth.get() - 1);
        for (name, alts) in local.names {
            if name.starts_with("$env:") {
                frame.names.insert(name, alts);
            }
        }
        frame.env_writes.extend(local.env_writes);
    }

    /// A class body, which Python runs when the `class` statement runs (`class Config:` reading
    /// `os.environ['SECRET_KEY']` reads it at import): its environment reads and writes count; its names
    /// are the class's, not the module's.
    fn class_body(&mut self, frame: &mut Frame, body: &[Stmt]) {
        if self.class_depth.get() >= MAX_CLASS_DEPTH {
            return;
        }
        let mut local = Frame {
            file: frame.file,
            names: frame.names.clone(),
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
        };
        self.class_depth.set(self.class_depth.get() + 1);
        self.block(&mut local, body);
        self.class_depth.set(self.class_depth.get() - 1);
        for (name, alts) in local.names {
            if name.starts_with("$env:") {
                frame.names.insert(name, alts);
            }
        }
        frame.env_writes.extend(local.env_writes);
    }

    /// The variables whose absence alone makes `test` true: `not X`, `X is None`, `not all([X, Y])`, and
    /// either side of `or`, where `X` is read with `os.getenv` and a falsy default (`None`, `''`).
    fn missing_makes_true(
        &mut self,
        frame: &mut Frame,
        test: &Expr,
        depth: usize,
    ) -> Vec<(String, Span)> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let mut falsy_when_unset =
            |this: &mut Self, e: &Expr, none_only: bool| match this.expr(frame, e, depth + 1) {
                Value::Env(read) => match &read.fallback {
                    Fallback::Default(d)
                        if (**d == Value::None
                            || (!none_only && this.truthy(d) == Some(false))) =>
                    {
                        vec![(read.var, read.span)]
                    }
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
        match test {
            Expr::UnaryOp(u) if u.op == UnaryOp::Not => match u.operand.as_ref() {
                Expr::Call(call)
                    if matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "all")
                        && call.arguments.args.len() == 1 =>
                {
                    match &call.arguments.args[0] {
                        Expr::List(ast::ExprList { elts, .. })
                        | Expr::Tuple(ast::ExprTuple { elts, .. }) => elts
                            .iter()
                            .flat_map(|e| falsy_when_unset(self, e, false))
                            .collect(),
                        _ => Vec::new(),
                    }
                }
                operand => falsy_when_unset(self, operand, false),
            },
            Expr::Compare(cmp)
                if cmp.ops.len() == 1
                    && matches!(cmp.ops[0], CmpOp::Is | CmpOp::Eq)
                    && matches!(cmp.comparators[0], Expr::NoneLiteral(_)) =>
            {
                falsy_when_unset(self, &cmp.left, true)
            }
            Expr::BoolOp(op) if op.op == BoolOp::Or => op
                .values
                .iter()
                .flat_map(|v| self.missing_makes_true(frame, v, depth + 1))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A value used in a way that raises when it is `None` (an attribute, a subscript, arithmetic,
    /// `int()`): an `os.getenv('X')` without a default then fails when `X` is unset, so `X` is required.
    fn used_as_not_none(&self, v: &Value) {
        if let Value::Env(read) = v
            && read.api == ReadApi::OsEnviron
            && matches!(&read.fallback, Fallback::Default(d) if **d == Value::None)
        {
            self.record_read(&read.var, true, read.span);
        }
    }

    fn if_stmt(&mut self, frame: &mut Frame, if_stmt: &ast::StmtIf) -> Flow {
        let mut clauses: Vec<(Option<&Expr>, &[Stmt])> = vec![(Some(&if_stmt.test), &if_stmt.body)];
        clauses.extend(
            if_stmt
                .elif_else_clauses
                .iter()
                .map(|c| (c.test.as_ref(), c.body.as_slice())),
        );
        self.clauses(frame, &clauses)
    }

    /// An if/elif/else chain: known conditions pick their branch; unknown ones keep both outcomes.
    fn clauses(&mut self, frame: &mut Frame, clauses: &[(Option<&Expr>, &[Stmt])]) -> Flow {
        let Some(((test, body), rest)) = clauses.split_first() else {
            return Flow::Normal;
        };
        let Some(test) = test else {
            return self.block(frame, body);
        };
        let cond = self.expr(frame, test, 0);
        match self.truthy(&cond) {
            Some(true) => self.block(frame, body),
            Some(false) => self.clauses(frame, rest),
            None => {
                let before = frame.names.clone();
                self.conditional.set(self.conditional.get() + 1);
                let taken = self.block(frame, body);
                let after_taken = std::mem::replace(&mut frame.names, before);
                let other = self.clauses(frame, rest);
                self.conditional.set(self.conditional.get() - 1);
                if let Flow::Raised = taken {
                    // `if not DB_URL: raise ...`: the app stops when the variable is missing.
                    for (var, span) in self.missing_makes_true(frame, test, 0) {
                        self.record_read(&var, true, span);
                    }
                }
                match (taken, other) {
                    (Flow::Raised, Flow::Raised) => return Flow::Raised,
                    (Flow::Raised, Flow::Normal) => {}
                    (Flow::Normal, Flow::Raised) => frame.names = after_taken,
                    (Flow::Normal, Flow::Normal) => {
                        let after_other = std::mem::take(&mut frame.names);
                        frame.names = merge(after_taken, after_other);
                    }
                }
                Flow::Normal
            }
        }
    }

    fn import_from(&mut self, frame: &mut Frame, import: &ast::StmtImportFrom) -> Flow {
        let module = import.module.as_ref().map(|m| m.as_str());
        let target = self.resolve_import(frame.file, module, import.level);
        let Some(target) = target else {
            if import.level > 0 {
                // A relative import of a module that is not in the repository fails at import time.
                return Flow::Raised;
            }
            // A library: bind what is known of it.
            let base = module.unwrap_or_default();
            if OPAQUE_LIBRARIES
                .iter()
                .any(|l| base == *l || base.starts_with(&format!("{l}.")))
            {
                frame.opaque = true;
            }
            for alias in &import.names {
                if alias.name.as_str() == "*" {
                    frame.opaque = true;
                    continue;
                }
                let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                let value = attribute(&Value::Module(base.to_owned()), alias.name.as_str());
                set(
                    frame,
                    bound,
                    value,
                    Some(Span::new(frame.file, alias.range)),
                );
            }
            return Flow::Normal;
        };
        let result = self.module(target);
        for alias in &import.names {
            if alias.name.as_str() == "*" {
                frame.opaque |= result.opaque;
                for (name, alts) in &result.names {
                    if !name.starts_with('_') {
                        frame.names.insert(name.clone(), alts.clone());
                    }
                }
                continue;
            }
            let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            let alts = match result.names.get(alias.name.as_str()) {
                Some(alts) => alts.clone(),
                None => {
                    // `from . import base` binds a submodule; its contents are not tracked as a value.
                    vec![Assigned {
                        value: Value::Unknown,
                        span: Some(Span::new(frame.file, alias.range)),
                    }]
                }
            };
            frame.names.insert(bound.to_owned(), alts);
        }
        Flow::Normal
    }

    fn import_value(&mut self, from_file: FileId, module: &str) -> Value {
        match self.resolve_import(from_file, Some(module), 0) {
            Some(_) => Value::Unknown,
            None => Value::Module(module.to_owned()),
        }
    }

    fn assign(&mut self, frame: &mut Frame, target: &Expr, value: Value, span: Span) {
        match target {
            Expr::Name(name) => set(frame, name.id.as_str(), value, Some(span)),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let items = match &value {
                    Value::List(items) if items.len() == elts.len() => items.clone(),
                    _ => vec![Value::Unknown; elts.len()],
                };
                for (elt, item) in elts.iter().zip(items) {
                    self.assign(frame, elt, item, span);
                }
            }
            Expr::Subscript(sub) => {
                if is_environ(&self.expr(frame, &sub.value, 0))
                    && let Some(var) = self.expr(frame, &sub.slice, 0).as_str()
                {
                    let var = var.to_owned();
                    set(frame, &env_key(&var), value.clone(), Some(span));
                    frame.env_writes.push(EnvWrite {
                        var,
                        value,
                        setdefault: false,
                        span: Span::new(frame.file, target.range()),
                    });
                }
            }
            _ => {}
        }
    }

    fn aug_assign(&mut self, frame: &mut Frame, aug: &ast::StmtAugAssign) {
        let Expr::Name(name) = aug.target.as_ref() else {
            return;
        };
        let rhs = self.expr(frame, &aug.value, 0);
        let statement = Span::new(frame.file, aug.range);
        let Some(alts) = frame.names.get_mut(name.id.as_str()) else {
            return;
        };
        for alt in alts.iter_mut() {
            // The value that reaches production was last made here.
            alt.span = Some(statement);
            alt.value = match (&alt.value, aug.op) {
                (Value::List(items), Operator::Add) => match &rhs {
                    Value::List(more) => Value::List(items.iter().chain(more).cloned().collect()),
                    other => extend_unknown(items.clone(), other),
                },
                (Value::Str(a), Operator::Add) => match &rhs {
                    Value::Str(b) => Value::Str(StrLit {
                        value: format!("{}{}", a.value, b.value),
                        span: a.span,
                    }),
                    other => derived(&[&alt.value, other]),
                },
                (current, _) => derived(&[current, &rhs]),
            };
        }
    }

    /// A call as a statement: list mutations and `os.environ.setdefault(...)`.
    fn call_statement(&mut self, frame: &mut Frame, call: &ast::ExprCall) {
        if binds_unseen_names(call) {
            frame.opaque = true;
        }
        if let Expr::Name(name) = call.func.as_ref()
            && let Some(body) = frame.functions.get(name.id.as_str()).cloned()
        {
            self.call_local_function(frame, &body);
            return;
        }
        let Expr::Attribute(attr) = call.func.as_ref() else {
            self.expr(frame, &Expr::Call(call.clone()), 0);
            return;
        };
        let method = attr.attr.as_str();
        if let Expr::Name(name) = attr.value.as_ref()
            && matches!(method, "append" | "extend" | "insert")
            && frame.names.contains_key(name.id.as_str())
        {
            let arg = match method {
                "insert" => call.arguments.args.get(1),
                _ => call.arguments.args.first(),
            };
            let Some(arg) = arg else { return };
            let v = self.expr(frame, arg, 0);
            let statement = Span::new(frame.file, call.range());
            if let Some(alts) = frame.names.get_mut(name.id.as_str()) {
                for alt in alts.iter_mut() {
                    alt.span = Some(statement);
                    alt.value = match (&alt.value, method) {
                        (Value::List(items), "extend") => match &v {
                            Value::List(more) => {
                                Value::List(items.iter().chain(more).cloned().collect())
                            }
                            other => extend_unknown(items.clone(), other),
                        },
                        (Value::List(items), _) => {
                            let mut items = items.clone();
                            items.push(v.clone());
                            Value::List(items)
                        }
                        (current, _) => derived(&[current, &v]),
                    };
                }
            }
            return;
        }
        let _ = self.expr(frame, &Expr::Call(call.clone()), 0);
    }

    /// Evaluate an expression.
    pub fn expr_in(&mut self, file: FileId, names: &Names, expr: &Expr) -> Value {
        let mut frame = Frame {
            file,
            names: names.clone(),
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
        };
        self.expr(&mut frame, expr, 0)
    }

    fn expr(&mut self, frame: &mut Frame, expr: &Expr, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let d = depth + 1;
        let span = Span::new(frame.file, expr.range());
        match expr {
            Expr::StringLiteral(s) => Value::Str(StrLit {
                value: s.value.to_str().to_owned(),
                span: Some(span),
            }),
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map_or(Value::Unknown, Value::Int),
                _ => Value::Unknown,
            },
            Expr::Name(name) => lookup(frame, name.id.as_str()),
            Expr::Attribute(attr) => {
                let base = self.expr(frame, &attr.value, d);
                self.used_as_not_none(&base);
                attribute(&base, attr.attr.as_str())
            }
            Expr::Subscript(sub) => {
                let base = self.expr(frame, &sub.value, d);
                self.used_as_not_none(&base);
                let key = self.expr(frame, &sub.slice, d);
                match (&base, &key) {
                    (Value::Environ, Value::Str(var)) => {
                        let fallback =
                            written_fallback(frame, &var.value).unwrap_or(Fallback::Required);
                        self.env_read(&var.value, fallback, span, ReadApi::OsEnviron)
                    }
                    (Value::List(items), Value::Int(i)) => {
                        let i = if *i < 0 { items.len() as i64 + i } else { *i };
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| items.get(i).cloned())
                            .unwrap_or(Value::Unknown)
                    }
                    _ => derived(&[&base, &key]),
                }
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let mut items = Vec::with_capacity(elts.len());
                for e in elts {
                    if let Expr::Starred(star) = e {
                        match self.expr(frame, &star.value, d) {
                            Value::List(more) => items.extend(more),
                            other => items.push(derived(&[&other])),
                        }
                    } else {
                        items.push(self.expr(frame, e, d));
                    }
                }
                Value::List(items)
            }
            Expr::BoolOp(op) => self.bool_op(frame, op, d),
            Expr::UnaryOp(u) => {
                let v = self.expr(frame, &u.operand, d);
                match u.op {
                    UnaryOp::Not => self.not(v, span),
                    UnaryOp::USub => match v {
                        Value::Int(i) => Value::Int(-i),
                        other => derived(&[&other]),
                    },
                    _ => derived(&[&v]),
                }
            }
            Expr::BinOp(bin) => {
                let l = self.expr(frame, &bin.left, d);
                let r = self.expr(frame, &bin.right, d);
                self.used_as_not_none(&l);
                // `'%s' % None` formats; any other operator on `None` raises.
                if !(bin.op == Operator::Mod && matches!(l, Value::Str(_))) {
                    self.used_as_not_none(&r);
                }
                match (&l, bin.op, &r) {
                    (Value::Str(a), Operator::Add, Value::Str(b)) => Value::Str(StrLit {
                        value: format!("{}{}", a.value, b.value),
                        span: Some(span),
                    }),
                    (Value::List(a), Operator::Add, Value::List(b)) => {
                        Value::List(a.iter().chain(b).cloned().collect())
                    }
                    (Value::Generated { .. }, _, _) | (_, _, Value::Generated { .. }) => {
                        generated_of(&l)
                            .or_else(|| generated_of(&r))
                            .unwrap_or(Value::Unknown)
                    }
                    _ => derived(&[&l, &r]),
                }
            }
            Expr::If(if_expr) => {
                let cond = self.expr(frame, &if_expr.test, d);
                // Only the branch that runs is evaluated, so its environment reads are the real ones.
                match self.truthy(&cond) {
                    Some(true) => self.expr(frame, &if_expr.body, d),
                    Some(false) => self.expr(frame, &if_expr.orelse, d),
                    None => {
                        self.conditional.set(self.conditional.get() + 1);
                        let body = self.expr(frame, &if_expr.body, d);
                        let orelse = self.expr(frame, &if_expr.orelse, d);
                        self.conditional.set(self.conditional.get() - 1);
                        self.if_exp_value(&cond, body, orelse, span)
                    }
                }
            }
            Expr::Compare(cmp) => self.compare(frame, cmp, span, d),
            Expr::Call(call) => self.call(frame, call, span, d),
            Expr::FString(f) => {
                let mut text = String::new();
                let mut parts = Vec::new();
                let mut literal = true;
                for element in f.value.elements() {
                    match element {
                        ast::InterpolatedStringElement::Literal(lit) => text.push_str(&lit.value),
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            literal = false;
                            let v = self.expr(frame, &i.expression, d);
                            if let Value::Str(s) = &v {
                                text.push_str(&s.value);
                            }
                            parts.push(v);
                        }
                    }
                }
                if literal || parts.iter().all(|p| matches!(p, Value::Str(_))) {
                    Value::Str(StrLit {
                        value: text,
                        span: Some(span),
                    })
                } else {
                    derived(&parts.iter().collect::<Vec<_>>())
                }
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }) => {
                let iters: Vec<Value> = generators
                    .iter()
                    .map(|g| self.expr(frame, &g.iter, d))
                    .collect();
                derived(&iters.iter().collect::<Vec<_>>())
            }
            Expr::Named(named) => {
                let v = self.expr(frame, &named.value, d);
                if let Expr::Name(n) = named.target.as_ref() {
                    set(frame, n.id.as_str(), v.clone(), Some(span));
                }
                v
            }
            _ => Value::Unknown,
        }
    }

    /// `body if cond else orelse` when `cond` is unknown.
    fn if_exp_value(&self, cond: &Value, body: Value, orelse: Value, span: Span) -> Value {
        match (&body, &orelse) {
            (Value::Bool(a), Value::Bool(b)) if cond.is_env_dependent() => {
                let unset = self.when_unset(cond);
                let var = cond.env_vars().remove(0);
                Value::EnvBool(EnvBool {
                    var,
                    when_unset: unset.map(|u| if u { *a } else { *b }),
                    string_truthiness: false,
                    span,
                })
            }
            _ => either(vec![body, orelse]),
        }
    }

    fn bool_op(&mut self, frame: &mut Frame, op: &ast::ExprBoolOp, d: usize) -> Value {
        // Operands after the first run only when the ones before do not decide (`X and X.split()`).
        let mut values: Vec<Value> = Vec::with_capacity(op.values.len());
        for (i, v) in op.values.iter().enumerate() {
            if i == 1 {
                self.conditional.set(self.conditional.get() + 1);
            }
            values.push(self.expr(frame, v, d));
        }
        if op.values.len() > 1 {
            self.conditional.set(self.conditional.get() - 1);
        }
        let mut result: Option<Value> = None;
        for v in values.iter() {
            let current = match result.take() {
                None => v.clone(),
                Some(prev) => match (op.op, self.truthy(&prev)) {
                    (BoolOp::Or, Some(true)) | (BoolOp::And, Some(false)) => prev,
                    (BoolOp::Or, Some(false)) | (BoolOp::And, Some(true)) => v.clone(),
                    (BoolOp::Or, None) => match prev {
                        // `os.environ.get('X') or 'default'`: the environment string, else the default.
                        Value::Env(mut read) => {
                            read.fallback = Fallback::Default(Box::new(v.clone()));
                            Value::Env(read)
                        }
                        prev => combine_bools(prev, v.clone(), BoolOp::Or),
                    },
                    (BoolOp::And, None) => combine_bools(prev, v.clone(), BoolOp::And),
                },
            };
            result = Some(current);
        }
        result.unwrap_or(Value::Unknown)
    }

    fn not(&self, v: Value, span: Span) -> Value {
        if let Some(t) = self.truthy(&v) {
            return match v.env_vars().first() {
                Some(var) => known(!t, var, span),
                None => Value::Bool(!t),
            };
        }
        match v {
            Value::EnvBool(b) => Value::EnvBool(EnvBool {
                when_unset: b.when_unset.map(|u| !u),
                string_truthiness: false,
                span,
                ..b
            }),
            Value::Env(read) => Value::EnvBool(EnvBool {
                when_unset: match &read.fallback {
                    Fallback::Required => None,
                    Fallback::Default(d) => self.truthy(d).map(|t| !t),
                },
                var: read.var,
                string_truthiness: false,
                span,
            }),
            other => derived(&[&other]),
        }
    }

    fn compare(
        &mut self,
        frame: &mut Frame,
        cmp: &ast::ExprCompare,
        span: Span,
        d: usize,
    ) -> Value {
        if cmp.ops.len() != 1 {
            return Value::Unknown;
        }
        let left = self.expr(frame, &cmp.left, d);
        let right = self.expr(frame, &cmp.comparators[0], d);
        let op = cmp.ops[0];
        // `'X' in os.environ`
        if let (Value::Str(var), Value::Environ, CmpOp::In | CmpOp::NotIn) = (&left, &right, op) {
            let negate = op == CmpOp::NotIn;
            return match self.facts.presence(&var.value) {
                Some(p) => known(p != negate, &var.value, span),
                None => Value::EnvBool(EnvBool {
                    var: var.value.clone(),
                    when_unset: Some(negate),
                    string_truthiness: false,
                    span,
                }),
            };
        }
        if let Some(b) = literal_compare(&left, op, &right) {
            return Value::Bool(b);
        }
        let (read, other, flipped) = match (&left, &right) {
            (Value::Env(r), o) => (r, o, false),
            (o, Value::Env(r)) => (r, o, true),
            _ => return derived(&[&left, &right]),
        };
        let when_unset = match &read.fallback {
            Fallback::Required => None,
            Fallback::Default(default) => {
                if flipped {
                    literal_compare(other, op, default)
                } else {
                    literal_compare(default, op, other)
                }
            }
        };
        if self.facts.presence(&read.var) == Some(false)
            && let Some(b) = when_unset
        {
            return known(b, &read.var, span);
        }
        if let Some(value) = self.facts.known_value(&read.var) {
            let value = Value::Str(StrLit {
                value: value.to_owned(),
                span: None,
            });
            let result = if flipped {
                literal_compare(other, op, &value)
            } else {
                literal_compare(&value, op, other)
            };
            if let Some(b) = result {
                return known(b, &read.var, span);
            }
        }
        // A variable App Service always sets is a non-empty string: it is not None and not ''.
        if PLATFORM_VARS.contains(&read.var.as_str()) && self.facts.known_value(&read.var).is_none()
        {
            let empty_or_none = match other {
                Value::None => true,
                Value::Str(s) => s.value.is_empty(),
                _ => false,
            };
            let result = match op {
                CmpOp::Is | CmpOp::Eq if empty_or_none => Some(false),
                CmpOp::IsNot | CmpOp::NotEq if empty_or_none => Some(true),
                _ => None,
            };
            if let Some(b) = result {
                return known(b, &read.var, span);
            }
        }
        Value::EnvBool(EnvBool {
            var: read.var.clone(),
            when_unset,
            string_truthiness: false,
            span,
        })
    }

    fn env_read(&self, var: &str, fallback: Fallback, span: Span, api: ReadApi) -> Value {
        self.record_read(var, matches!(fallback, Fallback::Required), span);
        Value::Env(EnvRead {
            var: var.to_owned(),
            fallback,
            api,
            span,
        })
    }

    fn call(&mut self, frame: &mut Frame, call: &ast::ExprCall, span: Span, d: usize) -> Value {
        let func = self.expr(frame, &call.func, d);
        let args: Vec<Value> = call
            .arguments
            .args
            .iter()
            .map(|a| self.expr(frame, a, d))
            .collect();
        let mut kwargs: Vec<(String, Value)> = Vec::new();
        for kw in &call.arguments.keywords {
            let v = self.expr(frame, &kw.value, d);
            if let Some(arg) = &kw.arg {
                kwargs.push((arg.as_str().to_owned(), v));
            }
        }
        let kw = |name: &str| {
            kwargs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let first_str = args.first().and_then(|a| a.as_str().map(str::to_owned));
        if let Value::Func(path) = &func
            && REJECT_NONE.contains(&path.as_str())
        {
            args.iter().for_each(|a| self.used_as_not_none(a));
        }
        match &func {
            Value::Func(path) => match path.as_str() {
                "os.getenv" | "os.environ.get" => {
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let default = args
                        .get(1)
                        .cloned()
                        .or_else(|| kw("default"))
                        .unwrap_or(Value::None);
                    let fallback = written_fallback(frame, &var)
                        .unwrap_or(Fallback::Default(Box::new(default)));
                    self.env_read(&var, fallback, span, ReadApi::OsEnviron)
                }
                "os.environ.setdefault" => {
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let value = args.get(1).cloned().unwrap_or(Value::Unknown);
                    // The write takes effect only when the variable is not already set.
                    if self.facts.presence(&var) != Some(true)
                        && !frame.names.contains_key(&env_key(&var))
                    {
                        set(frame, &env_key(&var), value.clone(), Some(span));
                    }
                    frame.env_writes.push(EnvWrite {
                        var: var.clone(),
                        value: value.clone(),
                        setdefault: true,
                        span,
                    });
                    self.env_read(
                        &var,
                        Fallback::Default(Box::new(value)),
                        span,
                        ReadApi::OsEnviron,
                    )
                }
                "decouple.config" | "decouple.AutoConfig()" => {
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let default = args.get(1).cloned().or_else(|| kw("default"));
                    let cast = match kw("cast").or_else(|| args.get(2).cloned()) {
                        Some(Value::Func(f)) => f,
                        Some(_) => "other".to_owned(),
                        None => String::new(),
                    };
                    self.cast_env(&var, default, &cast, span, ReadApi::Decouple)
                }
                "environ.Env" | "environ.FileAwareEnv" => Value::DjEnv(
                    kwargs
                        .iter()
                        .map(|(name, v)| match v {
                            Value::List(items) => (
                                name.clone(),
                                match items.first() {
                                    Some(Value::Func(f)) => f.clone(),
                                    _ => "other".to_owned(),
                                },
                                items.get(1).cloned(),
                            ),
                            Value::Func(f) => (name.clone(), f.clone(), None),
                            _ => (name.clone(), "other".to_owned(), None),
                        })
                        .collect(),
                ),
                "builtins.bool" => match args.first() {
                    // `bool(os.environ.get('WEBSITE_HOSTNAME'))`: decided on App Service.
                    Some(v @ Value::Env(read)) if self.truthy(v).is_some() => {
                        known(self.truthy(v).unwrap_or_default(), &read.var, span)
                    }
                    Some(Value::Env(read)) => Value::EnvBool(EnvBool {
                        var: read.var.clone(),
                        when_unset: match &read.fallback {
                            Fallback::Required => None,
                            Fallback::Default(d) => self.truthy(d),
                        },
                        string_truthiness: true,
                        span,
                    }),
                    Some(v @ Value::Known { .. }) => v.clone(),
                    Some(v) => match self.truthy(v) {
                        Some(b) => Value::Bool(b),
                        None => v.clone(),
                    },
                    None => Value::Bool(false),
                },
                "builtins.int" => match args.first() {
                    Some(Value::Int(i)) => Value::Int(*i),
                    Some(Value::Str(s)) => {
                        s.value.trim().parse().map_or(Value::Unknown, Value::Int)
                    }
                    Some(Value::Bool(b)) => Value::Int(i64::from(*b)),
                    Some(Value::Env(read)) => self.cast_env(
                        &read.var,
                        match &read.fallback {
                            Fallback::Required => None,
                            Fallback::Default(d) => Some((**d).clone()),
                        },
                        "builtins.int",
                        span,
                        read.api,
                    ),
                    Some(v) => derived(&[v]),
                    None => Value::Int(0),
                },
                "builtins.str" => args.first().cloned().unwrap_or(Value::Unknown),
                "builtins.list" | "builtins.tuple" | "builtins.set" => match args.first() {
                    Some(Value::List(items)) => Value::List(items.clone()),
                    Some(v) => derived(&[v]),
                    None => Value::List(Vec::new()),
                },
                p if GENERATORS.contains(&p) => Value::Generated {
                    call: p.rsplit('.').next().unwrap_or(p).to_owned(),
                    span,
                },
                p if p.starts_with("environ.Env.") => {
                    let method = &p["environ.Env.".len()..];
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let default = kw("default").or_else(|| args.get(1).cloned());
                    match method {
                        "bool" => self.cast_env(
                            &var,
                            default,
                            "builtins.bool",
                            span,
                            ReadApi::DjangoEnviron,
                        ),
                        "int" => self.cast_env(
                            &var,
                            default,
                            "builtins.int",
                            span,
                            ReadApi::DjangoEnviron,
                        ),
                        "str" => self.cast_env(&var, default, "", span, ReadApi::DjangoEnviron),
                        _ => Value::EnvDerived(vec![var]),
                    }
                }
                p if p.contains("bool") => match args.first() {
                    Some(Value::Env(read)) => self.cast_env(
                        &read.var,
                        match &read.fallback {
                            Fallback::Required => None,
                            Fallback::Default(d) => Some((**d).clone()),
                        },
                        "builtins.bool",
                        span,
                        read.api,
                    ),
                    Some(v) => derived(&[v]),
                    None => Value::Unknown,
                },
                _ => derived(&args.iter().collect::<Vec<_>>()),
            },
            Value::DjEnv(scheme) => {
                let Some(var) = first_str else {
                    return Value::Unknown;
                };
                let declared = scheme.iter().find(|(n, _, _)| *n == var);
                let cast = kw("cast")
                    .and_then(|c| match c {
                        Value::Func(f) => Some(f),
                        _ => None,
                    })
                    .or_else(|| declared.map(|d| d.1.clone()))
                    .unwrap_or_default();
                let default = kw("default").or_else(|| declared.and_then(|d| d.2.clone()));
                // django-environ's `Env` has `smart_cast` on: with no cast, the default's type is the cast.
                let cast = match (cast.as_str(), &default) {
                    ("", Some(Value::Bool(_))) => "builtins.bool".to_owned(),
                    ("", Some(Value::Int(_))) => "builtins.int".to_owned(),
                    ("", Some(Value::List(_))) => "other".to_owned(),
                    _ => cast,
                };
                self.cast_env(&var, default, &cast, span, ReadApi::DjangoEnviron)
            }
            // Methods of an environment string.
            Value::Unknown => {
                if let Expr::Attribute(attr) = call.func.as_ref() {
                    let base = self.expr(frame, &attr.value, d);
                    return self.method(&base, attr.attr.as_str(), &args, span);
                }
                derived(&args.iter().collect::<Vec<_>>())
            }
            _ => derived(&args.iter().collect::<Vec<_>>()),
        }
    }

    /// A string method on a value.
    fn method(&self, base: &Value, method: &str, args: &[Value], span: Span) -> Value {
        match base {
            Value::Env(read)
                if matches!(
                    method,
                    "lower" | "upper" | "strip" | "casefold" | "title" | "capitalize"
                ) =>
            {
                let fallback = match &read.fallback {
                    Fallback::Default(d) => Fallback::Default(Box::new(match d.as_ref() {
                        Value::Str(s) => Value::Str(StrLit {
                            value: string_method(&s.value, method),
                            span: s.span,
                        }),
                        other => other.clone(),
                    })),
                    Fallback::Required => Fallback::Required,
                };
                Value::Env(EnvRead {
                    var: read.var.clone(),
                    fallback,
                    span,
                    api: read.api,
                })
            }
            Value::Str(s)
                if matches!(
                    method,
                    "lower" | "upper" | "strip" | "casefold" | "title" | "capitalize"
                ) =>
            {
                Value::Str(StrLit {
                    value: string_method(&s.value, method),
                    span: s.span,
                })
            }
            Value::Str(s) if method == "split" => {
                let sep = args.first().and_then(|a| a.as_str()).map(str::to_owned);
                let parts: Vec<Value> = match &sep {
                    Some(sep) if !sep.is_empty() => s
                        .value
                        .split(sep.as_str())
                        .map(|p| lit(p, s.span))
                        .collect(),
                    _ => s.value.split_whitespace().map(|p| lit(p, s.span)).collect(),
                };
                Value::List(parts)
            }
            Value::Generated { .. } => base.clone(),
            other => {
                let mut all = vec![other];
                all.extend(args.iter());
                derived(&all)
            }
        }
    }

    /// An environment read converted by `cast` (`builtins.bool`, `builtins.int`, "" for none).
    fn cast_env(
        &self,
        var: &str,
        default: Option<Value>,
        cast: &str,
        span: Span,
        api: ReadApi,
    ) -> Value {
        if !matches!(cast, "" | "builtins.str") {
            self.record_read(var, default.is_none(), span);
        }
        match cast {
            "" | "builtins.str" => self.env_read(
                var,
                match default {
                    Some(d) => Fallback::Default(Box::new(d)),
                    None => Fallback::Required,
                },
                span,
                api,
            ),
            "builtins.bool" | "builtins.int" => {
                let when_unset = match default {
                    None => None,
                    Some(Value::Str(s)) => parse_bool(&s.value),
                    Some(v) => self.truthy(&v),
                };
                if self.facts.presence(var) == Some(false)
                    && let Some(b) = when_unset
                {
                    return known(b, var, span);
                }
                if let Some(value) = self.facts.known_value(var)
                    && let Some(b) = parse_bool(value)
                {
                    return known(b, var, span);
                }
                Value::EnvBool(EnvBool {
                    var: var.to_owned(),
                    when_unset,
                    string_truthiness: false,
                    span,
                })
            }
            _ => Value::EnvDerived(vec![var.to_owned()]),
        }
    }

    /// What a value is as a condition on App Service, when that can be told.
    pub fn truthy(&self, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) | Value::Known { value: b, .. } => Some(*b),
            Value::None => Some(false),
            Value::Int(i) => Some(*i != 0),
            Value::Str(s) => Some(!s.value.is_empty()),
            Value::List(items) => Some(!items.is_empty()),
            Value::Generated { .. }
            | Value::Module(_)
            | Value::Func(_)
            | Value::Environ
            | Value::DjEnv(_) => Some(true),
            Value::Env(read) => match self.facts.presence(&read.var) {
                Some(false) => match &read.fallback {
                    Fallback::Default(d) => self.truthy(d),
                    Fallback::Required => None,
                },
                Some(true) => match self.facts.known_value(&read.var) {
                    Some(value) => Some(!value.is_empty()),
                    None => PLATFORM_VARS.contains(&read.var.as_str()).then_some(true),
                },
                None => None,
            },
            Value::EnvBool(b) => match self.facts.presence(&b.var) {
                Some(false) => b.when_unset,
                _ => None,
            },
            Value::Either(vs) => {
                let first = self.truthy(vs.first()?)?;
                vs.iter()
                    .all(|v| self.truthy(v) == Some(first))
                    .then_some(first)
            }
            Value::Unknown | Value::Unset | Value::EnvDerived(_) => None,
        }
    }

    /// The truthiness of an environment-dependent condition when its variable is unset.
    fn when_unset(&self, cond: &Value) -> Option<bool> {
        match cond {
            Value::EnvBool(b) => b.when_unset,
            Value::Env(read) => match &read.fallback {
                Fallback::Default(d) => self.truthy(d),
                Fallback::Required => None,
            },
            _ => None,
        }
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
    let ast::ExceptHandler::ExceptHandler(h) = handler;
    let Some(kind) = &h.type_ else {
        return true;
    };
    let names: Vec<&Expr> = match kind.as_ref() {
        Expr::Tuple(t) => t.elts.iter().collect(),
        other => vec![other],
    };
    names.iter().any(|e| {
        let name = match e {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return false,
        };
        matches!(
            name,
            "Exception"
                | "BaseException"
                | "KeyError"
                | "LookupError"
                | "AttributeError"
                | "TypeError"
                | "UndefinedValueError"
                | "ImproperlyConfigured"
        )
    })
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
            "bool" | "int" | "str" | "list" | "tuple" | "set" | "float" | "len" => {
                Value::Func(format!("builtins.{name}"))
            }
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
        Value::Func(f) if f == "environ.Env" => Value::Func(format!("environ.Env.{attr}")),
        _ => Value::Unknown,
    }
}

fn is_known_func(path: &str) -> bool {
    GENERATORS.contains(&path)
        || REJECT_NONE.contains(&path)
        || matches!(
            path,
            "os.getenv" | "distutils.util.strtobool" | "str2bool.str2bool"
        )
        || path.ends_with("strtobool")
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

fn union(mut a: Vec<Assigned>, b: Vec<Assigned>) -> Vec<Assigned> {
    for alt in b {
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
