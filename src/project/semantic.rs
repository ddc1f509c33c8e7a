//! Errors CPython raises after parsing, while compiling a module (symbol table and code generation):
//! `return` at module level, `f(a=1, a=2)`, `await` outside an `async def`, ...
//!
//! ruff's [`SemanticSyntaxChecker`] checks one node at a time and asks its caller about scopes through
//! [`SemanticSyntaxContext`]; this module walks the tree, keeps the scope stack, and answers. The scope
//! model is partial (no name bindings, no `global`/`nonlocal` tracking), so only the kinds listed in
//! [`message`] are reported: those CPython rejects at compile time and whose questions the stack below
//! answers exactly. Every other kind is dropped.
//!
//! The walk is iterative and stops descending [`MAX_DEPTH`] nodes deep, reporting nothing below.

use std::cell::RefCell;

/// A reason CPython would refuse to import a file.
#[derive(Debug, Clone)]
pub struct PythonSyntaxError {
    pub range: TextRange,
    pub message: String,
    /// Valid syntax, but of a Python newer than the one the file is parsed for (`match` before 3.10).
    pub newer: bool,
}

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, ModModule, PythonVersion, Stmt};
use ruff_python_parser::semantic_errors::{
    AwaitOutsideAsyncFunctionKind, SemanticSyntaxChecker, SemanticSyntaxContext,
    SemanticSyntaxError, SemanticSyntaxErrorKind, YieldOutsideFunctionKind,
};
use ruff_text_size::TextRange;

/// Nodes nested deeper than this (statements and expressions counted together) are not checked.
pub const MAX_DEPTH: usize = 500;

/// The compile-stage errors of a module that parsed without errors, in source order.
pub fn compile_errors(
    module: &ModModule,
    source: &str,
    version: PythonVersion,
) -> Vec<PythonSyntaxError> {
    let ctx = Context {
        source,
        version,
        scopes: vec![Scope::new(ScopeKind::Module)],
        errors: RefCell::new(Vec::new()),
    };
    let mut walker = Walker {
        checker: SemanticSyntaxChecker::new(),
        ctx,
        tasks: Vec::new(),
    };
    walker.run(&module.body);
    let mut errors = walker.ctx.errors.into_inner();
    errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    // Top-level `await` is reported twice by the checker ("outside function" and "outside async
    // function"); CPython raises once.
    errors.dedup_by_key(|e| e.range);
    errors
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function {
        is_async: bool,
    },
    Lambda,
    /// A list, set or dict comprehension (its own scope in CPython, inlined or not).
    Comprehension(&'static str),
    /// A generator expression.
    Generator,
}

#[derive(Debug, Clone, Copy)]
struct Scope {
    kind: ScopeKind,
    /// Inside the body (not the `else`) of a `for` or `while` of this scope.
    in_loop: bool,
}

impl Scope {
    fn new(kind: ScopeKind) -> Self {
        Scope {
            kind,
            in_loop: false,
        }
    }
}

struct Context<'s> {
    source: &'s str,
    version: PythonVersion,
    /// Innermost last; never empty (the module is at the bottom).
    scopes: Vec<Scope>,
    errors: RefCell<Vec<PythonSyntaxError>>,
}

impl Context<'_> {
    fn innermost(&self) -> ScopeKind {
        self.scopes.last().map_or(ScopeKind::Module, |s| s.kind)
    }

    /// Whether the position is inside a list/set/dict comprehension, before reaching the nearest
    /// function, lambda, class or module.
    fn in_comprehension(&self) -> bool {
        self.scopes
            .iter()
            .rev()
            .take_while(|s| matches!(s.kind, ScopeKind::Comprehension(_) | ScopeKind::Generator))
            .any(|s| matches!(s.kind, ScopeKind::Comprehension(_)))
    }

    /// CPython's message for the whitelisted kinds; `None` drops the error.
    fn message(&self, kind: &SemanticSyntaxErrorKind) -> Option<String> {
        use SemanticSyntaxErrorKind as K;
        Some(match kind {
            // Compiler: "'return' outside function" (module or class body).
            K::ReturnOutsideFunction => "'return' outside function".to_string(),
            // Symbol table / compiler: `yield` at module or class level, or (3.8 and later) inside
            // a comprehension or generator expression; `await` at module or class level.
            K::YieldOutsideFunction(kind) => {
                let keyword = match kind {
                    YieldOutsideFunctionKind::Await => {
                        return Some("'await' outside function".into());
                    }
                    YieldOutsideFunctionKind::Yield | YieldOutsideFunctionKind::YieldFrom => {
                        "yield"
                    }
                };
                match self.innermost() {
                    // Before 3.8 `yield` in a comprehension was only deprecated.
                    ScopeKind::Comprehension(_) | ScopeKind::Generator
                        if self.version < PythonVersion::PY38 =>
                    {
                        return None;
                    }
                    ScopeKind::Comprehension(what) => format!("'{keyword}' inside {what}"),
                    ScopeKind::Generator => format!("'{keyword}' inside generator expression"),
                    _ => format!("'{keyword}' outside function"),
                }
            }
            // Compiler: `await`, `async for`, `async with` or an async comprehension whose nearest
            // function is not `async def` (a lambda counts as a non-async function). Generator
            // expressions are exempt (the checker asks `in_generator_context`).
            K::AwaitOutsideAsyncFunction(kind) => match kind {
                AwaitOutsideAsyncFunctionKind::Await if self.in_comprehension() => {
                    "asynchronous comprehension outside of an asynchronous function".to_string()
                }
                AwaitOutsideAsyncFunctionKind::Await => "'await' outside async function".into(),
                AwaitOutsideAsyncFunctionKind::AsyncFor => {
                    "'async for' outside async function".into()
                }
                AwaitOutsideAsyncFunctionKind::AsyncWith => {
                    "'async with' outside async function".into()
                }
                AwaitOutsideAsyncFunctionKind::AsyncComprehension => {
                    "asynchronous comprehension outside of an asynchronous function".into()
                }
            },
            // Compiler: "'break' outside loop" / "'continue' not properly in loop".
            K::BreakOutsideLoop => "'break' outside loop".into(),
            K::ContinueOutsideLoop => "'continue' not properly in loop".into(),
            // Compiler (AST validation of calls and class bases): context-free.
            K::DuplicateKeywordArgument(name) => format!("keyword argument repeated: {name}"),
            // Symbol table: context-free (def and lambda parameters).
            K::DuplicateParameter(name) => {
                format!("duplicate argument '{name}' in function definition")
            }
            // Symbol table: depends only on `in_module_scope`, answered exactly.
            K::NonlocalDeclarationAtModuleLevel => {
                "nonlocal declaration not allowed at module level".into()
            }
            _ => return None,
        })
    }
}

impl SemanticSyntaxContext for Context<'_> {
    fn future_annotations_or_stub(&self) -> bool {
        false
    }

    fn lazy_import_context(
        &self,
    ) -> Option<ruff_python_parser::semantic_errors::LazyImportContext> {
        None
    }

    fn python_version(&self) -> PythonVersion {
        self.version
    }

    fn source(&self) -> &str {
        self.source
    }

    // Not tracked; only feeds kinds that are dropped.
    fn global(&self, _name: &str) -> Option<TextRange> {
        None
    }

    fn has_nonlocal_binding(&self, _name: &str) -> bool {
        true
    }

    fn is_bound_parameter(&self, _name: &str) -> bool {
        false
    }

    fn in_sync_comprehension(&self) -> bool {
        false
    }

    fn in_class_body_comprehension(&self) -> bool {
        false
    }

    fn in_notebook(&self) -> bool {
        false
    }

    /// The nearest function decides; comprehensions and generator expressions inherit it, a lambda
    /// or class does not.
    fn in_async_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Comprehension(_) | ScopeKind::Generator => {}
                ScopeKind::Function { is_async } => return is_async,
                ScopeKind::Lambda | ScopeKind::Class | ScopeKind::Module => return false,
            }
        }
        false
    }

    /// Any function-like scope (def, lambda, comprehension, generator expression); a class or the
    /// module is not.
    fn in_await_allowed_context(&self) -> bool {
        !matches!(self.innermost(), ScopeKind::Class | ScopeKind::Module)
    }

    fn in_yield_allowed_context(&self) -> bool {
        matches!(
            self.innermost(),
            ScopeKind::Function { .. } | ScopeKind::Lambda
        )
    }

    fn in_module_scope(&self) -> bool {
        self.innermost() == ScopeKind::Module
    }

    fn in_function_scope(&self) -> bool {
        matches!(self.innermost(), ScopeKind::Function { .. })
    }

    /// Inside a generator expression, through comprehensions but not through a lambda or def.
    fn in_generator_context(&self) -> bool {
        for scope in self.scopes.iter().rev() {
            match scope.kind {
                ScopeKind::Generator => return true,
                ScopeKind::Comprehension(_) => {}
                _ => return false,
            }
        }
        false
    }

    fn in_loop_context(&self) -> bool {
        self.scopes.last().is_some_and(|s| s.in_loop)
    }

    fn report_semantic_error(&self, error: SemanticSyntaxError) {
        if let Some(message) = self.message(&error.kind) {
            self.errors.borrow_mut().push(PythonSyntaxError {
                range: error.range,
                message,
                newer: false,
            });
        }
    }
}

enum Task<'a> {
    Stmt(&'a Stmt, usize),
    Expr(&'a Expr, usize),
    Push(ScopeKind),
    Pop,
    /// Set the innermost scope's loop flag.
    Loop(bool),
}

struct Walker<'a, 's> {
    checker: SemanticSyntaxChecker,
    ctx: Context<'s>,
    /// Pending work, next task last.
    tasks: Vec<Task<'a>>,
}

impl<'a> Walker<'a, '_> {
    fn run(&mut self, body: &'a [Stmt]) {
        self.tasks
            .extend(body.iter().rev().map(|stmt| Task::Stmt(stmt, 1)));
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Stmt(stmt, depth) => self.stmt(stmt, depth),
                Task::Expr(expr, depth) => self.expr(expr, depth),
                Task::Push(kind) => self.ctx.scopes.push(Scope::new(kind)),
                Task::Pop => {
                    self.ctx.scopes.pop();
                }
                Task::Loop(in_loop) => {
                    if let Some(scope) = self.ctx.scopes.last_mut() {
                        scope.in_loop = in_loop;
                    }
                }
            }
        }
    }

    /// Queue `tasks` to run next, in the given order.
    fn then(&mut self, mut tasks: Vec<Task<'a>>) {
        tasks.reverse();
        self.tasks.append(&mut tasks);
    }

    fn stmt(&mut self, stmt: &'a Stmt, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.checker.visit_stmt(stmt, &self.ctx);
        let next = depth + 1;
        let expr = |e: &'a Expr| Task::Expr(e, next);
        let body = |b: &'a [Stmt]| b.iter().map(move |s| Task::Stmt(s, next));
        let mut tasks = Vec::new();
        match stmt {
            Stmt::FunctionDef(def) => {
                // Decorators and defaults run in the enclosing scope; annotations and type
                // parameters are skipped (lazily evaluated or their own scopes, version-dependent).
                tasks.extend(def.decorator_list.iter().map(|d| expr(&d.expression)));
                tasks.extend(
                    def.parameters
                        .iter_non_variadic_params()
                        .filter_map(|p| p.default.as_deref())
                        .map(expr),
                );
                tasks.push(Task::Push(ScopeKind::Function {
                    is_async: def.is_async,
                }));
                tasks.extend(body(&def.body));
                tasks.push(Task::Pop);
            }
            Stmt::ClassDef(class) => {
                tasks.extend(class.decorator_list.iter().map(|d| expr(&d.expression)));
                if let Some(arguments) = &class.arguments {
                    tasks.extend(arguments.args.iter().map(expr));
                    tasks.extend(arguments.keywords.iter().map(|k| expr(&k.value)));
                }
                tasks.push(Task::Push(ScopeKind::Class));
                tasks.extend(body(&class.body));
                tasks.push(Task::Pop);
            }
            Stmt::For(ast::StmtFor {
                target,
                iter,
                body: loop_body,
                orelse,
                ..
            }) => {
                let was = self.ctx.in_loop_context();
                tasks.push(expr(iter));
                tasks.push(expr(target));
                tasks.push(Task::Loop(true));
                tasks.extend(body(loop_body));
                // The `else` clause is not part of the loop.
                tasks.push(Task::Loop(was));
                tasks.extend(body(orelse));
            }
            Stmt::While(ast::StmtWhile {
                test,
                body: loop_body,
                orelse,
                ..
            }) => {
                let was = self.ctx.in_loop_context();
                tasks.push(expr(test));
                tasks.push(Task::Loop(true));
                tasks.extend(body(loop_body));
                tasks.push(Task::Loop(was));
                tasks.extend(body(orelse));
            }
            // The value of `type X = ...` is lazily evaluated in its own scope.
            Stmt::TypeAlias(_) => {}
            _ => {
                let mut children = Children::default();
                walk_stmt(&mut children, stmt);
                tasks.extend(children.into_tasks(next));
            }
        }
        self.then(tasks);
    }

    fn expr(&mut self, expr: &'a Expr, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.checker.visit_expr(expr, &self.ctx);
        let next = depth + 1;
        let task = |e: &'a Expr| Task::Expr(e, next);
        let mut tasks = Vec::new();
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    tasks.extend(
                        parameters
                            .iter_non_variadic_params()
                            .filter_map(|p| p.default.as_deref())
                            .map(task),
                    );
                }
                tasks.push(Task::Push(ScopeKind::Lambda));
                tasks.push(task(&lambda.body));
                tasks.push(Task::Pop);
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            }) => comprehension(
                &mut tasks,
                ScopeKind::Comprehension("list comprehension"),
                generators,
                &[elt],
                next,
            ),
            Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            }) => comprehension(
                &mut tasks,
                ScopeKind::Comprehension("set comprehension"),
                generators,
                &[elt],
                next,
            ),
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => {
                let mut elts: Vec<&Expr> = key.iter().map(|k| &**k).collect();
                elts.push(value);
                comprehension(
                    &mut tasks,
                    ScopeKind::Comprehension("dict comprehension"),
                    generators,
                    &elts,
                    next,
                );
            }
            Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => comprehension(&mut tasks, ScopeKind::Generator, generators, &[elt], next),
            _ => {
                let mut children = Children::default();
                walk_expr(&mut children, expr);
                tasks.extend(children.into_tasks(next));
            }
        }
        self.then(tasks);
    }
}

/// The first iterable is evaluated in the enclosing scope, everything else in the comprehension's.
fn comprehension<'a>(
    tasks: &mut Vec<Task<'a>>,
    kind: ScopeKind,
    generators: &'a [ast::Comprehension],
    elts: &[&'a Expr],
    depth: usize,
) {
    let task = |e: &'a Expr| Task::Expr(e, depth);
    if let Some(first) = generators.first() {
        tasks.push(task(&first.iter));
    }
    tasks.push(Task::Push(kind));
    for (i, generator) in generators.iter().enumerate() {
        if i > 0 {
            tasks.push(task(&generator.iter));
        }
        tasks.push(task(&generator.target));
        tasks.extend(generator.ifs.iter().map(task));
    }
    tasks.extend(elts.iter().map(|e| task(e)));
    tasks.push(Task::Pop);
}

/// Collects a node's immediate child statements and expressions, skipping annotations and type
/// parameters (see [`Walker::stmt`]).
#[derive(Default)]
struct Children<'a> {
    nodes: Vec<Child<'a>>,
}

enum Child<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

impl<'a> Children<'a> {
    fn into_tasks(self, depth: usize) -> impl Iterator<Item = Task<'a>> {
        self.nodes.into_iter().map(move |child| match child {
            Child::Stmt(s) => Task::Stmt(s, depth),
            Child::Expr(e) => Task::Expr(e, depth),
        })
    }
}

impl<'a> Visitor<'a> for Children<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.nodes.push(Child::Stmt(stmt));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.nodes.push(Child::Expr(expr));
    }

    fn visit_annotation(&mut self, _expr: &'a Expr) {}

    fn visit_type_params(&mut self, _type_params: &'a ast::TypeParams) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};

    fn errors_for(source: &str, version: PythonVersion) -> Vec<String> {
        let options = ParseOptions::from(Mode::Module).with_target_version(version);
        let parsed = parse_unchecked(source, options);
        assert!(parsed.errors().is_empty(), "{:?}", parsed.errors());
        let module = parsed.into_syntax().module().expect("a module");
        compile_errors(&module, source, version)
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    fn errors(source: &str) -> Vec<String> {
        errors_for(source, PythonVersion::PY312)
    }

    #[track_caller]
    fn fires(source: &str, message: &str) {
        assert_eq!(errors(source), vec![message.to_string()], "{source}");
    }

    #[track_caller]
    fn silent(source: &str) {
        assert_eq!(errors(source), Vec::<String>::new(), "{source}");
    }

    #[test]
    fn return_outside_function() {
        fires(
            "import os\nif os.environ.get('SKIP'):\n    return\n",
            "'return' outside function",
        );
        fires("class C:\n    return 1\n", "'return' outside function");
        fires(
            "def f():\n    class C:\n        return 1\n",
            "'return' outside function",
        );
        silent("def f():\n    if x:\n        return 1\n");
        silent("async def f():\n    return 1\n");
        silent("class C:\n    def m(self):\n        return 1\n");
    }

    #[test]
    fn yield_outside_function() {
        fires("yield 1\n", "'yield' outside function");
        fires("x = yield from y\n", "'yield' outside function");
        fires("class C:\n    yield 1\n", "'yield' outside function");
        fires(
            "def f():\n    [(yield x) for x in y]\n",
            "'yield' inside list comprehension",
        );
        fires(
            "def f():\n    ((yield x) for x in y)\n",
            "'yield' inside generator expression",
        );
        fires("[x for x in (yield y)]\n", "'yield' outside function");
        fires("await x\n", "'await' outside function");
        fires(
            "async def f():\n    class C:\n        await x\n",
            "'await' outside function",
        );
        fires(
            "async def f(a=await x):\n    pass\n",
            "'await' outside function",
        );
        silent("def f():\n    yield 1\n    yield from g()\n");
        silent("f = lambda: (yield)\n");
        silent("def f():\n    [x for x in (yield y)]\n");
        silent("def g():\n    def f(a=(yield)):\n        pass\n");
        silent("def g():\n    x: (yield) = 1\n");
        // Only deprecated before 3.8.
        assert!(
            errors_for(
                "def f():\n    [(yield x) for x in y]\n",
                PythonVersion::PY37
            )
            .is_empty()
        );
    }

    #[test]
    fn await_outside_async_function() {
        fires("def f():\n    await x\n", "'await' outside async function");
        fires("f = lambda: await x\n", "'await' outside async function");
        fires(
            "async def f():\n    lambda: await x\n",
            "'await' outside async function",
        );
        fires(
            "async def f():\n    def g():\n        await x\n",
            "'await' outside async function",
        );
        fires(
            "async for x in y:\n    pass\n",
            "'async for' outside async function",
        );
        fires(
            "def f():\n    async with x:\n        pass\n",
            "'async with' outside async function",
        );
        fires(
            "[x async for x in y]\n",
            "asynchronous comprehension outside of an asynchronous function",
        );
        fires(
            "def f():\n    [await x for x in y]\n",
            "asynchronous comprehension outside of an asynchronous function",
        );
        fires(
            "class C:\n    [await x for x in y]\n",
            "asynchronous comprehension outside of an asynchronous function",
        );
        fires(
            "def f():\n    [[await x for x in a] for a in y]\n",
            "asynchronous comprehension outside of an asynchronous function",
        );
        fires(
            "def f():\n    (x for x in await y)\n",
            "'await' outside async function",
        );
        silent(
            "async def main():\n    await x\n    async for a in b:\n        pass\n    async with c:\n        pass\n",
        );
        silent("async def f():\n    [await x for x in y]\n    [x async for x in y]\n");
        silent("async def f():\n    {k: await v for k, v in y}\n");
        silent("def f():\n    (await x for x in y)\n");
        silent("(await x for x in y)\n");
        silent("async def g():\n    lambda a=await x: 0\n");
        silent("async def g():\n    @await x\n    def f():\n        pass\n");
    }

    #[test]
    fn break_and_continue_outside_loop() {
        fires("break\n", "'break' outside loop");
        fires("if x:\n    continue\n", "'continue' not properly in loop");
        fires(
            "for x in y:\n    pass\nelse:\n    break\n",
            "'break' outside loop",
        );
        fires(
            "while x:\n    def f():\n        break\n",
            "'break' outside loop",
        );
        fires(
            "for x in y:\n    class C:\n        continue\n",
            "'continue' not properly in loop",
        );
        silent("for x in y:\n    if x:\n        break\n    else:\n        continue\n");
        silent("while x:\n    try:\n        break\n    finally:\n        continue\n");
        silent("while x:\n    for a in b:\n        pass\n    else:\n        break\n");
        silent(
            "for x in y:\n    with z:\n        match x:\n            case 1:\n                break\n",
        );
        silent(
            "def f():\n    for x in y:\n        def g():\n            for a in b:\n                continue\n        break\n",
        );
    }

    #[test]
    fn duplicate_keyword_argument() {
        fires("f(a=1, a=2)\n", "keyword argument repeated: a");
        fires(
            "app.config.update(SECRET=1, SECRET=2)\n",
            "keyword argument repeated: SECRET",
        );
        fires(
            "class C(metaclass=A, metaclass=B):\n    pass\n",
            "keyword argument repeated: metaclass",
        );
        silent("f(a=1, b=g(a=2))\n");
        silent("f(a=1, **{'a': 2})\n");
        silent("f(a=1)\ng(a=2)\n");
    }

    #[test]
    fn other_whitelisted_kinds() {
        fires(
            "def f(a, a):\n    pass\n",
            "duplicate argument 'a' in function definition",
        );
        fires(
            "g = lambda a, *, a: 0\n",
            "duplicate argument 'a' in function definition",
        );
        fires(
            "nonlocal x\n",
            "nonlocal declaration not allowed at module level",
        );
    }

    #[test]
    fn other_kinds_are_dropped() {
        // Real CPython errors, but not answered exactly by this scope model.
        silent("def f():\n    nonlocal x\n");
        silent("x = 1\nfrom __future__ import annotations\n");
        silent("match x:\n    case y:\n        pass\n    case 1:\n        pass\n");
        silent("__debug__ = 1\n");
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let nots = format!("x = {}x\n", "not ".repeat(30_000));
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || {
                // ruff's parser recurses; give it room. The walk itself is iterative.
                let options = ParseOptions::from(Mode::Module);
                parse_unchecked(&nots, options).into_syntax().module()
            })
            .unwrap();
        let module = handle.join().unwrap().unwrap();
        let source = String::new();
        assert!(compile_errors(&module, &source, PythonVersion::PY312).is_empty());
        std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || drop(module))
            .unwrap()
            .join()
            .unwrap();

        let mut defs = String::new();
        for level in 0..3_000 {
            defs.push_str(&" ".repeat(level));
            defs.push_str(&format!("def f{level}():\n"));
        }
        defs.push_str(&" ".repeat(3_000));
        defs.push_str("return 1\n");
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || {
                let options = ParseOptions::from(Mode::Module);
                parse_unchecked(&defs, options).into_syntax().module()
            })
            .unwrap();
        let module = handle.join().unwrap().unwrap();
        assert!(compile_errors(&module, "", PythonVersion::PY312).is_empty());
        std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || drop(module))
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn nothing_is_reported_below_the_depth_limit() {
        let deep = format!("x = {}(yield)\n", "not ".repeat(MAX_DEPTH + 10));
        assert!(errors(&deep).is_empty());
        let shallow = format!("x = {}(yield)\n", "not ".repeat(10));
        assert_eq!(errors(&shallow), vec!["'yield' outside function"]);
    }
}
