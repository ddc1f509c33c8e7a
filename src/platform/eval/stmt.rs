//! The evaluator's statements: assignments, branches (`if`, `try`, `with`), class bodies, imports and
//! the module's own functions called at its top level.

use super::*;
use crate::platform::eval::expr::dict_set;

impl<'a> Evaluator<'a> {
    pub(super) fn stmt(&mut self, frame: &mut Frame, stmt: &Stmt) -> Flow {
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
                let Some(before) = self.fork(frame) else {
                    let mut bodies: Vec<&[Stmt]> = vec![&try_stmt.body, &try_stmt.orelse];
                    bodies.extend(try_stmt.handlers.iter().map(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        h.body.as_slice()
                    }));
                    bodies.push(&try_stmt.finalbody);
                    self.skip(frame, &bodies);
                    return Flow::Normal;
                };
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
            Stmt::With(with) => {
                // `with open(path, 'a') as f:`: the context managers are called first.
                for item in with.items.iter().take(16) {
                    self.expr(frame, &item.context_expr, 0);
                    if let Some(target) = &item.optional_vars {
                        let span = Span::new(frame.file, target.range());
                        self.assign(frame, target, Value::Unknown, span);
                    }
                }
                return self.block(frame, &with.body);
            }
            Stmt::For(for_stmt) => {
                let Some(before) = self.fork(frame) else {
                    self.skip(frame, &[&for_stmt.body, &for_stmt.orelse]);
                    return Flow::Normal;
                };
                self.conditional.set(self.conditional.get() + 1);
                self.block(frame, &for_stmt.body);
                self.block(frame, &for_stmt.orelse);
                self.conditional.set(self.conditional.get() - 1);
                frame.names = merge(before, std::mem::take(&mut frame.names));
            }
            Stmt::While(while_stmt) => {
                let Some(before) = self.fork(frame) else {
                    self.skip(frame, &[&while_stmt.body, &while_stmt.orelse]);
                    return Flow::Normal;
                };
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
                let value = self.class_def(frame, def);
                set(
                    frame,
                    def.name.as_str(),
                    value,
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
            // In a function body run for what it does (`return sqlite3.connect(...)`): the value's calls.
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                self.expr(frame, value, 0);
            }
            Stmt::Match(m) => {
                let Some(before) = self.fork(frame) else {
                    let bodies: Vec<&[Stmt]> = m.cases.iter().map(|c| c.body.as_slice()).collect();
                    self.skip(frame, &bodies);
                    return Flow::Normal;
                };
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
    pub(super) fn call_local_function(&mut self, frame: &mut Frame, body: &[Stmt]) {
        if self.call_depth.get() >= MAX_CALL_DEPTH {
            return;
        }
        let functions = frame.functions.clone();
        self.call_depth.set(self.call_depth.get() + 1);
        self.run_local(frame, body, functions);
        self.call_depth.set(self.call_depth.get() - 1);
    }

    /// A `class` statement: its body runs ([`Self::class_body`]) and the class is the attributes the body
    /// binds at its top level, after those of its bases the evaluator knows (a base it does not know
    /// makes the class unknown: an attribute may come from it).
    fn class_def(&mut self, frame: &mut Frame, def: &ast::StmtClassDef) -> Value {
        let mut attrs: Vec<(String, Vec<Assigned>)> = Vec::new();
        let mut known_bases = true;
        if let Some(arguments) = &def.arguments {
            for base in arguments.args.iter() {
                match self.expr(frame, base, 0) {
                    Value::Class(class) => attrs.extend(class.attrs.iter().cloned()),
                    // `object` and the common bases that add no configuration keys.
                    _ if matches!(base, Expr::Name(n) if n.id.as_str() == "object") => {}
                    _ => known_bases = false,
                }
            }
        }
        let Some(local) = self.class_body(frame, &def.body) else {
            return Value::Unknown;
        };
        if !known_bases {
            return Value::Unknown;
        }
        const MAX_ATTRS: usize = 512;
        for stmt in def.body.iter().take(MAX_ATTRS) {
            let targets: Vec<&Expr> = match stmt {
                Stmt::Assign(a) => a.targets.iter().collect(),
                Stmt::AnnAssign(a) if a.value.is_some() => vec![a.target.as_ref()],
                _ => continue,
            };
            for target in targets {
                if let Expr::Name(name) = target
                    && let Some(alts) = local.get(name.id.as_str())
                {
                    attrs.push((name.id.as_str().to_owned(), alts.clone()));
                }
            }
        }
        Value::Class(Rc::new(value::ClassValue {
            name: def.name.as_str().to_owned(),
            attrs,
        }))
    }

    /// A class body, which Python runs when the `class` statement runs (`class Config:` reading
    /// `os.environ['SECRET_KEY']` reads it at import): its environment reads and writes count; its names
    /// are the class's, not the module's.
    pub(super) fn class_body(&mut self, frame: &mut Frame, body: &[Stmt]) -> Option<Names> {
        if self.class_depth.get() >= MAX_CLASS_DEPTH {
            return None;
        }
        self.class_depth.set(self.class_depth.get() + 1);
        let names = self.run_local(frame, body, HashMap::new());
        self.class_depth.set(self.class_depth.get() - 1);
        names
    }

    /// Run `body` in a frame of its own that starts from a copy of the module's names (a call's or a
    /// class's): only its environment writes (`$env:` names and `env_writes`) reach the module. Past the
    /// copy budget it is not run and the module is opaque.
    fn run_local(
        &mut self,
        frame: &mut Frame,
        body: &[Stmt],
        functions: HashMap<String, Rc<Vec<Stmt>>>,
    ) -> Option<Names> {
        let Some(names) = self.fork(frame) else {
            frame.opaque = true;
            return None;
        };
        let mut local = Frame {
            file: frame.file,
            names,
            env_writes: Vec::new(),
            opaque: false,
            functions,
            cut: false,
        };
        self.block(&mut local, body);
        for (name, alts) in &local.names {
            if name.starts_with("$env:") {
                frame.names.insert(name.clone(), alts.clone());
            }
        }
        frame.env_writes.extend(local.env_writes);
        frame.cut |= local.cut;
        Some(local.names)
    }

    /// The variables whose absence alone makes `test` true: `not X`, `X is None`, `not all([X, Y])`, and
    /// either side of `or`, where `X` is read with `os.getenv` and a falsy default (`None`, `''`).
    pub(super) fn missing_makes_true(
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
    pub(super) fn used_as_not_none(&self, v: &Value) {
        if let Value::Env(read) = v
            && read.api == ReadApi::OsEnviron
            && matches!(&read.fallback, Fallback::Default(d) if **d == Value::None)
        {
            self.record_read(&read.var, true, read.span);
        }
    }

    /// A copy of the module's names to run a branch apart, or `None` once `MAX_FORK_WORK` names have
    /// been copied.
    pub(super) fn fork(&self, frame: &Frame) -> Option<Names> {
        let work = self.fork_work.get().saturating_add(frame.names.len());
        if work > MAX_FORK_WORK {
            return None;
        }
        self.fork_work.set(work);
        Some(frame.names.clone())
    }

    /// A star import past the copy budget: said, and every name of the module gains `Unknown` among its
    /// values when it ends (what the import would bind is not known).
    fn cut(&self, frame: &mut Frame) {
        self.say_partial(frame);
        frame.cut = true;
        frame.opaque = true;
    }

    fn say_partial(&self, frame: &Frame) {
        self.project.notice(format!(
            "partly evaluated: `{}` has more names under more branches and imports than the evaluator \
             follows; the values it sets past that point are taken as unknown",
            self.project.rel_path(frame.file)
        ));
    }

    /// Code past the fork budget, not run: every name it may bind keeps its values and gains `Unknown`,
    /// and the module is opaque (a name bound some way not collected here may still be set).
    fn skip(&self, frame: &mut Frame, bodies: &[&[Stmt]]) {
        self.say_partial(frame);
        frame.opaque = true;
        for name in bound_names(bodies) {
            let before = frame
                .names
                .remove(&name)
                .unwrap_or_else(|| vec![Assigned::unset()]);
            let unknown = Assigned {
                value: Value::Unknown,
                span: None,
            };
            frame.names.insert(name, union(before, vec![unknown]));
        }
    }

    pub(super) fn if_stmt(&mut self, frame: &mut Frame, if_stmt: &ast::StmtIf) -> Flow {
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
    pub(super) fn clauses(
        &mut self,
        frame: &mut Frame,
        clauses: &[(Option<&Expr>, &[Stmt])],
    ) -> Flow {
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
                let Some(before) = self.fork(frame) else {
                    let bodies: Vec<&[Stmt]> = clauses.iter().map(|(_, body)| *body).collect();
                    self.skip(frame, &bodies);
                    return Flow::Normal;
                };
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

    pub(super) fn import_from(&mut self, frame: &mut Frame, import: &ast::StmtImportFrom) -> Flow {
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
        frame.cut |= result.partial;
        for alias in &import.names {
            if alias.name.as_str() == "*" {
                frame.opaque |= result.opaque;
                // Copied names count against the same budget as branches (a star import per module of a
                // long chain copies the chain's names again at every step).
                let work = self.fork_work.get().saturating_add(result.names.len());
                if work > MAX_FORK_WORK {
                    self.cut(frame);
                    continue;
                }
                self.fork_work.set(work);
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

    pub(super) fn import_value(&mut self, from_file: FileId, module: &str) -> Value {
        match self.resolve_import(from_file, Some(module), 0) {
            Some(_) => Value::Unknown,
            None => Value::Module(module.to_owned()),
        }
    }

    pub(super) fn assign(&mut self, frame: &mut Frame, target: &Expr, value: Value, span: Span) {
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
                    return;
                }
                // `app.config['SECRET_KEY'] = ...`: a write to a Flask app's configuration.
                if let Expr::Attribute(config) = sub.value.as_ref()
                    && config.attr.as_str() == "config"
                    && let Some(key) = self.expr(frame, &sub.slice, 0).as_str()
                {
                    let key = key.to_owned();
                    self.config_write(key, value, span, ConfigHow::Item);
                    return;
                }
                // `DATABASES['default']['NAME'] = ...` on a known dict.
                self.update_in_place(frame, target, |slot| *slot = value.clone());
            }
            // `app.secret_key = ...`, `app.debug = ...` on a Flask app object.
            Expr::Attribute(attr) => {
                let key = match attr.attr.as_str() {
                    "secret_key" => "SECRET_KEY",
                    "debug" => "DEBUG",
                    _ => return,
                };
                let receiver = self.expr(frame, &attr.value, 0);
                let flask_app = match &receiver {
                    Value::FlaskApp => true,
                    Value::Either(alts) => alts.iter().all(|a| matches!(a, Value::FlaskApp)),
                    // An app made elsewhere (`app = create_app()`): `secret_key` is Flask's name alone.
                    _ => key == "SECRET_KEY" && matches!(attr.value.as_ref(), Expr::Name(_)),
                };
                if flask_app {
                    self.config_write(key.to_owned(), value, span, ConfigHow::Attribute);
                }
            }
            _ => {}
        }
    }

    /// `app.config.update(...)`, `from_mapping(...)`, `from_object(...)` and the loaders this tool does not
    /// read (`from_pyfile`, `from_envvar`, `from_prefixed_env`, `from_file`): what each writes to the app's
    /// configuration. `true` when the call is one of them.
    fn config_call(&mut self, frame: &mut Frame, method: &str, call: &ast::ExprCall) -> bool {
        let span = Span::new(frame.file, call.range());
        match method {
            "update" | "from_mapping" => {
                for arg in &call.arguments.args {
                    match self.expr(frame, arg, 0) {
                        Value::Dict(entries) => {
                            let at = Span::new(frame.file, arg.range());
                            for (key, value) in entries {
                                let at = value_span(&value).unwrap_or(at);
                                self.config_write(key, value, at, ConfigHow::Update);
                            }
                        }
                        _ => self.config_write(
                            String::new(),
                            Value::Unknown,
                            span,
                            ConfigHow::Opaque,
                        ),
                    }
                }
                for kw in &call.arguments.keywords {
                    let value = self.expr(frame, &kw.value, 0);
                    let at = Span::new(frame.file, kw.value.range());
                    match &kw.arg {
                        Some(key) => {
                            self.config_write(key.as_str().to_owned(), value, at, ConfigHow::Update)
                        }
                        None => self.config_write(
                            String::new(),
                            Value::Unknown,
                            span,
                            ConfigHow::Opaque,
                        ),
                    }
                }
                true
            }
            "from_object" => {
                let object = match call.arguments.args.first() {
                    Some(arg) => self.config_object(frame, arg),
                    None => Value::Unknown,
                };
                // `config[os.getenv('FLASK_CONFIG', 'default')]`: the object picked when the variable is
                // not set, recorded apart (its writes are what an app without the setting runs with).
                if let Some(Expr::Subscript(sub)) = call.arguments.args.first()
                    && let dict @ Value::Dict(_) = self.expr(frame, &sub.value, 0)
                    && let Value::Env(read) = self.expr(frame, &sub.slice, 0)
                    && let Fallback::Default(default) = &read.fallback
                    && let Some(key) = default.as_str()
                    && let Some(Value::Class(class)) = dict.key(key).cloned()
                {
                    *self.when_unset.borrow_mut() = Some(read.var.clone());
                    self.conditional.set(self.conditional.get() + 1);
                    self.class_config_writes(&class, span);
                    self.conditional.set(self.conditional.get() - 1);
                    *self.when_unset.borrow_mut() = None;
                }
                // One of several objects: what each writes may not run.
                let several = object.alternatives().len() > 1;
                if several {
                    self.conditional.set(self.conditional.get() + 1);
                }
                for alt in object.alternatives() {
                    match alt {
                        Value::Class(class) => self.class_config_writes(class, span),
                        _ => self.config_write(
                            String::new(),
                            Value::Unknown,
                            span,
                            ConfigHow::Opaque,
                        ),
                    }
                }
                if several {
                    self.conditional.set(self.conditional.get() - 1);
                }
                true
            }
            "from_pyfile" | "from_envvar" | "from_prefixed_env" | "from_file" => {
                self.config_write(String::new(), Value::Unknown, span, ConfigHow::Opaque);
                true
            }
            _ => false,
        }
    }

    /// What `from_object(class)` writes: each upper-case attribute, one write of all the values it can have,
    /// at its assignment (`span`, the call, when none is known).
    fn class_config_writes(&mut self, class: &value::ClassValue, span: Span) {
        for (key, alts) in &class.attrs {
            if !is_config_key(key) {
                continue;
            }
            let value = either(alts.iter().map(|a| a.value.clone()).collect());
            let at = alts.iter().find_map(|a| a.span).unwrap_or(span);
            self.config_write(
                key.clone(),
                value,
                at,
                ConfigHow::Object(class.name.clone()),
            );
        }
    }

    /// The object `from_object` is given: a class, or a dotted name (`'config.ProductionConfig'`, a module
    /// of the repository or a class in one) as Flask's `import_string` finds it.
    fn config_object(&mut self, frame: &mut Frame, arg: &Expr) -> Value {
        let value = self.expr(frame, arg, 0);
        let Some(path) = value.as_str() else {
            return value;
        };
        let path = path.trim().to_owned();
        let (module, name) = match path.rsplit_once('.') {
            Some((m, n)) => (m.to_owned(), Some(n.to_owned())),
            None => (path.clone(), None),
        };
        // `'config.ProductionConfig'`: a class in a module of the repository.
        if let Some(name) = &name
            && let Some(file) = self.resolve_import(frame.file, Some(&module), 0)
        {
            let result = self.module(file);
            if let Some(alts) = result.names.get(name) {
                return either(alts.iter().map(|a| a.value.clone()).collect());
            }
        }
        // `'config'`: a whole module, whose upper-case names are the keys.
        if let Some(file) = self.resolve_import(frame.file, Some(&path), 0) {
            let result = self.module(file);
            if result.opaque {
                return Value::Unknown;
            }
            return Value::Class(Rc::new(value::ClassValue {
                name: path.clone(),
                attrs: result
                    .names
                    .iter()
                    .filter(|(k, _)| is_config_key(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            }));
        }
        Value::Unknown
    }

    /// Apply `change` to the value `target` names (`NAME`, `NAME['a']['b']`) in every alternative of
    /// `NAME`, when the keys are string literals and each step is a known dict; a step that is not known
    /// makes the whole name's value unknown (a dict changed in an unknown way is not the dict it was).
    fn update_in_place(&mut self, frame: &mut Frame, target: &Expr, change: impl Fn(&mut Value)) {
        const MAX_KEYS: usize = 8;
        let mut keys: Vec<Option<String>> = Vec::new();
        let mut at = target;
        while let Expr::Subscript(sub) = at {
            if keys.len() >= MAX_KEYS {
                return;
            }
            let key = self.expr(frame, &sub.slice, 0);
            keys.push(key.as_str().map(str::to_owned));
            at = sub.value.as_ref();
        }
        let Expr::Name(name) = at else { return };
        keys.reverse();
        let Some(alts) = frame.names.get_mut(name.id.as_str()) else {
            return;
        };
        for alt in alts.iter_mut() {
            let mut slot = Some(&mut alt.value);
            for (i, key) in keys.iter().enumerate() {
                let last = i + 1 == keys.len();
                slot = match (slot, key) {
                    (Some(Value::Dict(entries)), Some(key)) => {
                        // The last key may be new (`d['x'] = v` adds it); a step before it must exist.
                        if last && !entries.iter().any(|(k, _)| k == key) {
                            entries.push((key.clone(), Value::Unknown));
                        }
                        entries
                            .iter_mut()
                            .rev()
                            .find(|(k, _)| k == key)
                            .map(|(_, v)| v)
                    }
                    _ => None,
                };
            }
            match slot {
                Some(slot) => change(slot),
                None => {
                    if matches!(alt.value, Value::Dict(_)) {
                        alt.value = Value::Unknown;
                    }
                }
            }
        }
    }

    pub(super) fn aug_assign(&mut self, frame: &mut Frame, aug: &ast::StmtAugAssign) {
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
                (Value::List(items), Operator::Add) => capped(match &rhs {
                    Value::List(more) => Value::List(items.iter().chain(more).cloned().collect()),
                    other => extend_unknown(items.clone(), other),
                }),
                (Value::Str(a), Operator::Add) => match &rhs {
                    Value::Str(b) if a.value.len() + b.value.len() <= MAX_VALUE_BYTES => {
                        Value::Str(StrLit {
                            value: format!("{}{}", a.value, b.value),
                            span: a.span,
                        })
                    }
                    Value::Str(_) => Value::Unknown,
                    other => derived(&[&alt.value, other]),
                },
                (current, _) => derived(&[current, &rhs]),
            };
        }
    }

    /// A call as a statement: list mutations and `os.environ.setdefault(...)`.
    pub(super) fn call_statement(&mut self, frame: &mut Frame, call: &ast::ExprCall) {
        if binds_unseen_names(call) {
            frame.opaque = true;
        }
        if let Expr::Name(name) = call.func.as_ref()
            && frame.functions.contains_key(name.id.as_str())
        {
            if self
                .followed
                .insert((frame.file, name.id.as_str().to_owned()))
                && let Some(body) = frame.functions.get(name.id.as_str()).cloned()
            {
                self.call_local_function(frame, &body);
            }
            return;
        }
        let Expr::Attribute(attr) = call.func.as_ref() else {
            self.expr(frame, &Expr::Call(call.clone()), 0);
            return;
        };
        let method = attr.attr.as_str();
        if let Expr::Attribute(config) = attr.value.as_ref()
            && config.attr.as_str() == "config"
            && self.config_call(frame, method, call)
        {
            return;
        }
        // `DATABASES['default'].update({...})`: merged into a known dict, else the dict is no longer known.
        if method == "update" && matches!(attr.value.as_ref(), Expr::Name(_) | Expr::Subscript(_)) {
            let arg = match call.arguments.args.first() {
                Some(arg) if call.arguments.keywords.is_empty() => self.expr(frame, arg, 0),
                _ => Value::Unknown,
            };
            self.update_in_place(frame, attr.value.as_ref(), |slot| {
                match (std::mem::replace(slot, Value::Unknown), &arg) {
                    (Value::Dict(mut entries), Value::Dict(more)) => {
                        for (k, v) in more {
                            dict_set(&mut entries, k.clone(), v.clone());
                        }
                        *slot = capped(Value::Dict(entries));
                    }
                    _ => *slot = Value::Unknown,
                }
            });
            return;
        }
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
            // `insert`'s position (`MIDDLEWARE.index('...') + 1` is computed when the list is known).
            let at = match method {
                "insert" => call
                    .arguments
                    .args
                    .first()
                    .map_or(Value::Unknown, |a| self.expr(frame, a, 0)),
                _ => Value::Unknown,
            };
            let statement = Span::new(frame.file, call.range());
            if let Some(alts) = frame.names.get_mut(name.id.as_str()) {
                for alt in alts.iter_mut() {
                    alt.span = Some(statement);
                    // Mutated in place (20,000 appends must not copy the list 20,000 times), and capped.
                    let current = std::mem::replace(&mut alt.value, Value::Unknown);
                    let grown = match (current, method) {
                        (Value::List(items), _) if items.len() >= MAX_VALUE_NODES => Value::Unknown,
                        (Value::List(mut items), "extend") => match &v {
                            Value::List(more) => {
                                items.extend(more.iter().cloned());
                                Value::List(items)
                            }
                            other => extend_unknown(items, other),
                        },
                        // Python clamps the position; a position this tool cannot compute leaves the
                        // order unknown, so the list is no longer known.
                        (Value::List(mut items), "insert") => match at {
                            Value::Int(i) => {
                                let len = items.len() as i64;
                                let pos = if i < 0 { (len + i).max(0) } else { i.min(len) };
                                items.insert(pos as usize, v.clone());
                                Value::List(items)
                            }
                            _ => derived(&[&Value::List(items), &v]),
                        },
                        (Value::List(mut items), _) => {
                            items.push(v.clone());
                            Value::List(items)
                        }
                        (current, _) => derived(&[&current, &v]),
                    };
                    // A nested list can grow faster than its length shows: count it then.
                    alt.value = if matches!(v, Value::List(_)) {
                        capped(grown)
                    } else {
                        grown
                    };
                }
            }
            return;
        }
        let _ = self.expr(frame, &Expr::Call(call.clone()), 0);
    }
}

/// The names statements may bind at the level they run (not inside the functions or classes they define),
/// walked without recursion.
fn bound_names(bodies: &[&[Stmt]]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<&[Stmt]> = bodies.to_vec();
    let mut targets: Vec<&Expr> = Vec::new();
    while let Some(body) = stack.pop() {
        for stmt in body {
            match stmt {
                Stmt::Assign(s) => targets.extend(s.targets.iter()),
                Stmt::AnnAssign(s) => targets.push(&s.target),
                Stmt::AugAssign(s) => targets.push(&s.target),
                Stmt::For(s) => {
                    targets.push(&s.target);
                    stack.push(&s.body);
                    stack.push(&s.orelse);
                }
                Stmt::While(s) => {
                    stack.push(&s.body);
                    stack.push(&s.orelse);
                }
                Stmt::If(s) => {
                    stack.push(&s.body);
                    stack.extend(s.elif_else_clauses.iter().map(|c| c.body.as_slice()));
                }
                Stmt::With(s) => {
                    targets.extend(s.items.iter().filter_map(|i| i.optional_vars.as_deref()));
                    stack.push(&s.body);
                }
                Stmt::Try(s) => {
                    stack.push(&s.body);
                    stack.push(&s.orelse);
                    stack.push(&s.finalbody);
                    for h in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        if let Some(name) = &h.name {
                            out.insert(name.as_str().to_owned());
                        }
                        stack.push(&h.body);
                    }
                }
                Stmt::Match(s) => stack.extend(s.cases.iter().map(|c| c.body.as_slice())),
                Stmt::FunctionDef(s) => {
                    out.insert(s.name.as_str().to_owned());
                }
                Stmt::ClassDef(s) => {
                    out.insert(s.name.as_str().to_owned());
                }
                Stmt::Import(s) => {
                    for alias in &s.names {
                        let bound = match &alias.asname {
                            Some(as_name) => as_name.as_str(),
                            None => alias.name.as_str().split('.').next().unwrap_or_default(),
                        };
                        out.insert(bound.to_owned());
                    }
                }
                Stmt::ImportFrom(s) => {
                    for alias in &s.names {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                        out.insert(bound.as_str().to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    while let Some(target) = targets.pop() {
        match target {
            Expr::Name(n) => {
                out.insert(n.id.as_str().to_owned());
            }
            Expr::Tuple(t) => targets.extend(t.elts.iter()),
            Expr::List(l) => targets.extend(l.elts.iter()),
            Expr::Starred(s) => targets.push(&s.value),
            _ => {}
        }
    }
    out
}
