//! The servers a Python module starts by itself: `app.run()` (Werkzeug, Flask-SocketIO), `uvicorn.run()`
//! and `aiohttp.web.run_app()`, with their host and port arguments evaluated statically. The start-up model
//! asks for the calls an entry module makes when gunicorn or uvicorn imports it, and for those a
//! `python <script>.py` start makes when the script runs as `__main__`.

use std::collections::HashMap;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::platform::app_settings::AppSettings;
use crate::platform::eval::Names;
use crate::platform::eval::{Evaluator, Value};
use crate::project::walk::{Block, walk_scoped};
use crate::project::{FileId, Project, Span};

/// The server a Python call starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `<flask app>.run(host, port, ...)`: Werkzeug's development server.
    AppRun,
    /// `<SocketIO>.run(app, host, port, ...)` (Flask-SocketIO).
    SocketIoRun,
    /// `uvicorn.run(app, host=..., port=...)`.
    UvicornRun,
    /// `aiohttp.web.run_app(app, host=..., port=...)`.
    AiohttpRunApp,
}

impl CallKind {
    /// The address the server binds when the call names none.
    pub fn default_host(self) -> &'static str {
        match self {
            CallKind::AppRun | CallKind::SocketIoRun | CallKind::UvicornRun => "127.0.0.1",
            CallKind::AiohttpRunApp => "0.0.0.0",
        }
    }

    /// The port the server binds when the call names none.
    pub fn default_port(self) -> u16 {
        match self {
            CallKind::AppRun | CallKind::SocketIoRun => 5000,
            CallKind::UvicornRun => 8000,
            CallKind::AiohttpRunApp => 8080,
        }
    }
}

/// An argument of a server call.
#[derive(Debug, Clone)]
pub struct CallArg {
    pub value: Value,
    /// The argument's expression.
    pub range: TextRange,
    /// `host=...` rather than positional.
    pub keyword: bool,
}

/// A call that starts a server, in a Python module.
#[derive(Debug, Clone)]
pub struct ServerCall {
    pub kind: CallKind,
    pub file: FileId,
    /// The whole call.
    pub range: TextRange,
    /// The called expression as written (`app.run`, `uvicorn.run`, `web.run_app`).
    pub callee: String,
    /// The app it serves, as written: the receiver of `app.run`, else the first argument.
    pub app: Option<String>,
    pub host: Option<CallArg>,
    pub port: Option<CallArg>,
    /// The call has `*args`/`**kwargs`: host and port may be set where they cannot be seen.
    pub opaque: bool,
    /// The module-level call of the function that makes this call, when it is inside a function.
    pub via: Option<(String, TextRange)>,
}

impl ServerCall {
    pub fn span(&self) -> Span {
        Span::new(self.file, self.range)
    }
}

/// What a module-level name is bound to.
#[derive(Debug, Clone)]
enum Binding {
    /// An import: the full dotted name (`uvicorn`, `aiohttp.web`, `flask.Flask`).
    Imported(String),
    /// The result of a call: the callee's dotted name (`flask.Flask`, `create_app`).
    Made(String),
}

/// Classes whose instances' `.run()` starts a development server.
const APP_CLASSES: &[&str] = &["Flask", "Quart", "APIFlask"];
/// Classes whose instances have no `.run()` that serves (ASGI apps).
const NOT_SERVERS: &[&str] = &["FastAPI", "Starlette", "APIRouter", "Blueprint"];

/// The calls that start a server in a module: at import time (`as_main` false: outside
/// `if __name__ == "__main__":`), or when the file runs as a script (`as_main` true). A call inside a
/// module-level function is found through the module-level call of that function.
pub fn server_calls(
    project: &Project,
    app_settings: &AppSettings,
    file: FileId,
    import_root: &str,
    as_main: bool,
    entry_attribute: Option<&str>,
) -> Vec<ServerCall> {
    let body = project.python(file).body();
    if body.is_empty() {
        return Vec::new();
    }
    let mut evaluator = Evaluator::new(
        project,
        app_settings,
        vec![import_root.to_owned(), String::new()],
    );
    let names = evaluator.module(file).names.clone();
    let mut finder = CallFinder {
        project,
        file,
        as_main,
        entry_attribute,
        bindings: HashMap::new(),
        functions: HashMap::new(),
        evaluator,
        names,
        out: Vec::new(),
        active: Vec::new(),
        followed: std::collections::HashSet::new(),
    };
    finder.collect_bindings(body);
    finder.block(body, None, 0);
    finder.out
}

struct CallFinder<'p, 'e> {
    project: &'p Project,
    file: FileId,
    as_main: bool,
    entry_attribute: Option<&'e str>,
    bindings: HashMap<String, Binding>,
    functions: HashMap<String, &'p ast::StmtFunctionDef>,
    evaluator: Evaluator<'p>,
    names: Names,
    out: Vec<ServerCall>,
    /// Functions being walked (recursion guard).
    active: Vec<String>,
    /// Functions already followed: each body is walked once (what it starts is the same on every call),
    /// so nested calls cannot multiply the work.
    followed: std::collections::HashSet<String>,
}

impl<'p> CallFinder<'p, '_> {
    /// Imports and call results bound anywhere in the module (functions included), and module-level
    /// functions.
    fn collect_bindings(&mut self, body: &'p [Stmt]) {
        // Every block but class bodies (what a class binds is not a module name).
        let statements = walk_scoped(body, |_, block| !matches!(block, Block::ClassBody));
        for (stmt, top) in statements {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let full = alias.name.as_str();
                        match &alias.asname {
                            Some(name) => {
                                self.bindings
                                    .insert(name.to_string(), Binding::Imported(full.to_owned()));
                            }
                            None => {
                                let top_name = full.split('.').next().unwrap_or(full);
                                self.bindings.insert(
                                    top_name.to_owned(),
                                    Binding::Imported(top_name.to_owned()),
                                );
                            }
                        }
                    }
                }
                Stmt::ImportFrom(import) if import.level == 0 => {
                    let module = import.module.as_ref().map_or("", |m| m.as_str());
                    for alias in &import.names {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                        self.bindings
                            .insert(bound, Binding::Imported(format!("{module}.{}", alias.name)));
                    }
                }
                Stmt::Assign(assign) => {
                    if let Expr::Call(call) = assign.value.as_ref()
                        && let Some(callee) = self.dotted(&call.func)
                    {
                        for target in &assign.targets {
                            if let Expr::Name(n) = target {
                                self.bindings
                                    .insert(n.id.to_string(), Binding::Made(callee.clone()));
                            }
                        }
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let Some(value) = &assign.value
                        && let Expr::Call(call) = value.as_ref()
                        && let Some(callee) = self.dotted(&call.func)
                        && let Expr::Name(n) = assign.target.as_ref()
                    {
                        self.bindings
                            .insert(n.id.to_string(), Binding::Made(callee));
                    }
                }
                Stmt::FunctionDef(def) if top => {
                    self.functions.insert(def.name.to_string(), def);
                }
                _ => {}
            }
        }
    }

    /// The dotted name of an expression, imports resolved (`web.run_app` → `aiohttp.web.run_app`).
    fn dotted(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(n) => Some(match self.bindings.get(n.id.as_str()) {
                Some(Binding::Imported(full)) => full.clone(),
                _ => n.id.to_string(),
            }),
            Expr::Attribute(a) => Some(format!("{}.{}", self.dotted(&a.value)?, a.attr)),
            _ => None,
        }
    }

    fn block(&mut self, body: &'p [Stmt], via: Option<&(String, TextRange)>, depth: usize) {
        if depth > 8 {
            return;
        }
        for stmt in body {
            match stmt {
                Stmt::Expr(e) => {
                    if let Expr::Call(call) = e.value.as_ref() {
                        self.call(call, via, depth);
                    }
                }
                Stmt::Assign(a) => {
                    if let Expr::Call(call) = a.value.as_ref() {
                        self.call(call, via, depth);
                    }
                }
                Stmt::If(s) => {
                    if let Some(positive) = main_guard(&s.test) {
                        // `if __name__ == "__main__":` runs its body only as a script.
                        let taken = positive == self.as_main;
                        if taken {
                            self.block(&s.body, via, depth + 1);
                        } else {
                            for c in &s.elif_else_clauses {
                                self.block(&c.body, via, depth + 1);
                            }
                        }
                        continue;
                    }
                    let mut clauses: Vec<(Option<&Expr>, &'p [Stmt])> =
                        vec![(Some(&s.test), s.body.as_slice())];
                    clauses.extend(
                        s.elif_else_clauses
                            .iter()
                            .map(|c| (c.test.as_ref(), c.body.as_slice())),
                    );
                    for (test, body) in clauses {
                        let verdict = test.and_then(|t| {
                            let v = self.evaluator.expr_in(self.file, &self.names, t);
                            self.evaluator.truthy(&v)
                        });
                        match verdict {
                            Some(false) => continue,
                            Some(true) | None if test.is_none() => {
                                self.block(body, via, depth + 1);
                                break;
                            }
                            Some(true) => {
                                self.block(body, via, depth + 1);
                                break;
                            }
                            None => self.block(body, via, depth + 1),
                        }
                    }
                }
                Stmt::Try(s) => {
                    self.block(&s.body, via, depth + 1);
                    for h in &s.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        self.block(&h.body, via, depth + 1);
                    }
                    self.block(&s.orelse, via, depth + 1);
                    self.block(&s.finalbody, via, depth + 1);
                }
                Stmt::With(s) => self.block(&s.body, via, depth + 1),
                Stmt::For(s) => self.block(&s.body, via, depth + 1),
                Stmt::While(s) => self.block(&s.body, via, depth + 1),
                _ => {}
            }
        }
    }

    fn call(&mut self, call: &'p ast::ExprCall, via: Option<&(String, TextRange)>, depth: usize) {
        if let Some(found) = self.server_call(call, via) {
            self.out.push(found);
            return;
        }
        // A module-level function called here: what it calls runs now too.
        if let Expr::Name(n) = call.func.as_ref()
            && let Some(def) = self.functions.get(n.id.as_str()).copied()
            && !self.active.iter().any(|a| a == n.id.as_str())
            && self.followed.insert(n.id.to_string())
        {
            let via = via
                .cloned()
                .unwrap_or_else(|| (n.id.to_string(), call.range()));
            self.active.push(n.id.to_string());
            self.block(&def.body, Some(&via), depth + 1);
            self.active.pop();
        }
    }

    fn server_call(
        &mut self,
        call: &ast::ExprCall,
        via: Option<&(String, TextRange)>,
    ) -> Option<ServerCall> {
        let dotted = self.dotted(&call.func)?;
        let kind = match dotted.as_str() {
            "uvicorn.run" => CallKind::UvicornRun,
            "aiohttp.web.run_app" => CallKind::AiohttpRunApp,
            _ => {
                let Expr::Attribute(attr) = call.func.as_ref() else {
                    return None;
                };
                if attr.attr.as_str() != "run" {
                    return None;
                }
                let Expr::Name(receiver) = attr.value.as_ref() else {
                    return None;
                };
                let name = receiver.id.as_str();
                let app_name =
                    matches!(name, "app" | "application") || self.entry_attribute == Some(name);
                match self.bindings.get(name) {
                    Some(Binding::Made(callee)) => {
                        let class = callee.rsplit('.').next().unwrap_or(callee);
                        if APP_CLASSES.contains(&class) {
                            CallKind::AppRun
                        } else if class == "SocketIO" {
                            CallKind::SocketIoRun
                        } else if NOT_SERVERS.contains(&class) || !app_name {
                            return None;
                        } else {
                            CallKind::AppRun
                        }
                    }
                    Some(Binding::Imported(full)) => {
                        let last = full.rsplit('.').next().unwrap_or(full);
                        if full.contains('.') && (matches!(last, "app" | "application") || app_name)
                        {
                            CallKind::AppRun
                        } else {
                            return None;
                        }
                    }
                    None if app_name => CallKind::AppRun,
                    None => return None,
                }
            }
        };
        let source = self.project.text(self.file).ok()?;
        let text_of = |e: &Expr| source.slice(e.range()).to_owned();
        let args = &call.arguments;
        let positional = |i: usize| args.args.get(i).filter(|a| !matches!(a, Expr::Starred(_)));
        let (app, host_pos, port_pos) = match kind {
            CallKind::AppRun => {
                let Expr::Attribute(attr) = call.func.as_ref() else {
                    return None;
                };
                (Some(text_of(&attr.value)), Some(0), Some(1))
            }
            CallKind::SocketIoRun => (positional(0).map(text_of), Some(1), Some(2)),
            CallKind::UvicornRun | CallKind::AiohttpRunApp => {
                (positional(0).map(text_of), None, None)
            }
        };
        let mut arg = |keyword: &str, position: Option<usize>| -> Option<CallArg> {
            let (expr, is_keyword) = match args
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == keyword))
            {
                Some(k) => (&k.value, true),
                None => (positional(position?)?, false),
            };
            Some(CallArg {
                value: self.evaluator.expr_in(self.file, &self.names, expr),
                range: expr.range(),
                keyword: is_keyword,
            })
        };
        let host = arg("host", host_pos);
        let port = arg("port", port_pos);
        let opaque = args.args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || args.keywords.iter().any(|k| k.arg.is_none());
        Some(ServerCall {
            kind,
            file: self.file,
            range: call.range(),
            callee: text_of(&call.func),
            app,
            host,
            port,
            opaque,
            via: via.cloned(),
        })
    }
}

/// `Some(true)` for `__name__ == "__main__"`, `Some(false)` for `!=`, else `None`.
fn main_guard(test: &Expr) -> Option<bool> {
    let Expr::Compare(cmp) = test else {
        return None;
    };
    if cmp.ops.len() != 1 {
        return None;
    }
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    let right = &cmp.comparators[0];
    if !((is_name(&cmp.left) && is_main(right)) || (is_main(&cmp.left) && is_name(right))) {
        return None;
    }
    match cmp.ops[0] {
        ast::CmpOp::Eq | ast::CmpOp::Is => Some(true),
        ast::CmpOp::NotEq | ast::CmpOp::IsNot => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    #[test]
    fn import_time_and_script_server_calls() {
        let source = r#"
import os
from flask import Flask
import uvicorn
from aiohttp import web

app = Flask(__name__)
PORT = int(os.environ.get("PORT", 5000))

def main():
    app.run(host="0.0.0.0", port=PORT)

if not os.environ.get("WEBSITE_HOSTNAME"):
    app.run()

with app.app_context():
    uvicorn.run("app:app", port=9000)

if __name__ == "__main__":
    main()
else:
    web.run_app(app)
"#;
        let (_d, project) = project(&[("app.py", source)]);
        let file = project.file("app.py").unwrap();
        let settings = AppSettings::default();
        let at_import = server_calls(&project, &settings, file, "", false, Some("app"));
        let kinds: Vec<_> = at_import.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [CallKind::UvicornRun, CallKind::AiohttpRunApp]);
        assert_eq!(at_import[0].app.as_deref(), Some("\"app:app\""));
        assert_eq!(at_import[0].port.as_ref().unwrap().value, Value::Int(9000));
        let as_script = server_calls(&project, &settings, file, "", true, None);
        let kinds: Vec<_> = as_script.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [CallKind::UvicornRun, CallKind::AppRun]);
        let run = &as_script[1];
        assert_eq!(run.callee, "app.run");
        assert_eq!(run.via.as_ref().unwrap().0, "main");
        assert!(
            run.port
                .as_ref()
                .unwrap()
                .value
                .env_vars()
                .contains(&"PORT".to_owned())
        );
    }

    #[test]
    fn other_run_methods_are_not_servers() {
        let source = "import asyncio, subprocess\nfrom fastapi import FastAPI\napi = FastAPI()\nsubprocess.run(['ls'])\nasyncio.run(main())\napi.run()\nbot.run()\n";
        let (_d, project) = project(&[("main.py", source)]);
        let file = project.file("main.py").unwrap();
        assert!(server_calls(&project, &AppSettings::default(), file, "", false, None).is_empty());
    }
}
