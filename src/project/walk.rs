//! The one statement walker: which blocks of statements a statement holds, and a pre-order walk over a
//! module that descends into the blocks its caller chooses. Every part of the model that looks at more
//! than a module's top level walks with this, so "what is nested where" is written once.

use ruff_python_ast::{ExceptHandler, Stmt};

/// The most statements one walk visits (a generated module can have hundreds of thousands; none that
/// App Service imports at start-up needs more to be judged).
pub const MAX_STATEMENTS: usize = 200_000;

/// What a nested block is.
#[derive(Debug, Clone, Copy)]
pub enum Block<'a> {
    /// The body of an `if`; `main_guard` when the test is `__name__ == '__main__'`.
    IfBody {
        main_guard: bool,
    },
    /// An `elif` or `else` of an `if`.
    IfElse,
    TryBody,
    /// An `except` clause.
    Handler(&'a ExceptHandler),
    /// The `else` of a `try`.
    TryElse,
    Finally,
    WithBody,
    /// The body of a `for` or `while`.
    LoopBody,
    /// The `else` of a `for` or `while`.
    LoopElse,
    MatchCase,
    /// A `def` body: runs only when called.
    FunctionBody,
    /// A `class` body: runs when the class statement runs.
    ClassBody,
}

impl Block<'_> {
    /// Whether the block runs when the statement holding it runs at import time, as far as the text
    /// shows (function bodies do not; the `__main__` guard does not under a server).
    pub fn runs_at_import(&self) -> bool {
        !matches!(
            self,
            Block::FunctionBody | Block::IfBody { main_guard: true }
        )
    }
}

/// The blocks nested in `stmt`, in source order.
pub fn blocks(stmt: &Stmt) -> Vec<(Block<'_>, &[Stmt])> {
    match stmt {
        Stmt::FunctionDef(s) => vec![(Block::FunctionBody, &s.body[..])],
        Stmt::ClassDef(s) => vec![(Block::ClassBody, &s.body[..])],
        Stmt::If(s) => {
            let mut out = vec![(
                Block::IfBody {
                    main_guard: is_main_guard(&s.test),
                },
                &s.body[..],
            )];
            out.extend(
                s.elif_else_clauses
                    .iter()
                    .map(|c| (Block::IfElse, &c.body[..])),
            );
            out
        }
        Stmt::Try(s) => {
            let mut out = vec![(Block::TryBody, &s.body[..])];
            for handler in &s.handlers {
                let ExceptHandler::ExceptHandler(h) = handler;
                out.push((Block::Handler(handler), &h.body[..]));
            }
            out.push((Block::TryElse, &s.orelse[..]));
            out.push((Block::Finally, &s.finalbody[..]));
            out
        }
        Stmt::With(s) => vec![(Block::WithBody, &s.body[..])],
        Stmt::For(s) => vec![
            (Block::LoopBody, &s.body[..]),
            (Block::LoopElse, &s.orelse[..]),
        ],
        Stmt::While(s) => vec![
            (Block::LoopBody, &s.body[..]),
            (Block::LoopElse, &s.orelse[..]),
        ],
        Stmt::Match(s) => s
            .cases
            .iter()
            .map(|c| (Block::MatchCase, &c.body[..]))
            .collect(),
        _ => Vec::new(),
    }
}

/// The statements of `body` in source order (pre-order), descending into a nested block only when
/// `descend(holder, block)` says so; at most [`MAX_STATEMENTS`].
pub fn walk<'a>(
    body: &'a [Stmt],
    descend: impl FnMut(&'a Stmt, &Block<'a>) -> bool,
) -> Vec<&'a Stmt> {
    walk_scoped(body, descend)
        .into_iter()
        .map(|(stmt, _)| stmt)
        .collect()
}

/// Like [`walk`], with each statement whether it is at the module's level (`false` inside a `def`,
/// however deep).
pub fn walk_scoped<'a>(
    body: &'a [Stmt],
    mut descend: impl FnMut(&'a Stmt, &Block<'a>) -> bool,
) -> Vec<(&'a Stmt, bool)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&'a Stmt, bool)> = body.iter().rev().map(|s| (s, true)).collect();
    while let Some((stmt, top)) = stack.pop() {
        if out.len() >= MAX_STATEMENTS {
            break;
        }
        out.push((stmt, top));
        let chosen: Vec<(&'a [Stmt], bool)> = blocks(stmt)
            .into_iter()
            .filter(|(block, _)| descend(stmt, block))
            .map(|(block, body)| (body, top && !matches!(block, Block::FunctionBody)))
            .collect();
        for (body, top) in chosen.into_iter().rev() {
            stack.extend(body.iter().rev().map(|s| (s, top)));
        }
    }
    out
}

/// Every statement of a module, nested ones included (function and class bodies too).
pub fn all_statements(body: &[Stmt]) -> Vec<&Stmt> {
    walk(body, |_, _| true)
}

/// Whether an `except` clause catches one of the exceptions `names` (by class name, `mod.Name` too): a bare
/// `except:` catches everything, a tuple catches each of its members.
pub fn handler_catches(handler: &ExceptHandler, names: &[&str]) -> bool {
    use ruff_python_ast::Expr;
    let ExceptHandler::ExceptHandler(h) = handler;
    let Some(kind) = &h.type_ else {
        return true;
    };
    let caught: Vec<&Expr> = match kind.as_ref() {
        Expr::Tuple(t) => t.elts.iter().collect(),
        other => vec![other],
    };
    caught.iter().any(|e| match e {
        Expr::Name(n) => names.contains(&n.id.as_str()),
        Expr::Attribute(a) => names.contains(&a.attr.as_str()),
        _ => false,
    })
}

/// A comparison of `__name__` with `'__main__'` (either side, any operator): the block a server's
/// import does not run.
pub fn is_main_guard(test: &ruff_python_ast::Expr) -> bool {
    use ruff_python_ast::Expr;
    let Expr::Compare(compare) = test else {
        return false;
    };
    let sides: Vec<&Expr> = std::iter::once(compare.left.as_ref())
        .chain(compare.comparators.iter())
        .collect();
    sides
        .iter()
        .any(|e| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__"))
        && sides
            .iter()
            .any(|e| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__"))
}

#[cfg(test)]
mod tests {
    use ruff_text_size::Ranged;

    use super::*;
    use crate::project::{ParsedPython, PythonVersion};

    fn kinds(source: &str, descend: impl FnMut(&Stmt, &Block) -> bool) -> Vec<String> {
        let parsed = ParsedPython::parse(source, PythonVersion::PY312);
        walk(parsed.body(), descend)
            .iter()
            .map(|s| {
                let text = &source[s.range().start().to_usize()..s.range().end().to_usize()];
                text.lines().next().unwrap_or("").trim().to_owned()
            })
            .collect()
    }

    const SOURCE: &str = "import a\nif x:\n    import b\nelse:\n    import c\ntry:\n    import d\nexcept ImportError:\n    e = 1\ndef f():\n    import g\nclass C:\n    h = 1\nif __name__ == '__main__':\n    run()\n";

    #[test]
    fn source_order_and_choice_of_blocks() {
        assert_eq!(
            kinds(SOURCE, |_, b| b.runs_at_import()),
            [
                "import a",
                "if x:",
                "import b",
                "import c",
                "try:",
                "import d",
                "e = 1",
                "def f():",
                "class C:",
                "h = 1",
                "if __name__ == '__main__':",
            ]
        );
        assert_eq!(kinds(SOURCE, |_, _| false).len(), 6);
        assert!(kinds(SOURCE, |_, _| true).contains(&"import g".to_owned()));
    }

    #[test]
    fn statements_know_whether_they_are_at_module_level() {
        let parsed = ParsedPython::parse(SOURCE, PythonVersion::PY312);
        let scoped = walk_scoped(parsed.body(), |_, _| true);
        let inside: Vec<bool> = scoped
            .iter()
            .filter(|(s, _)| matches!(s, Stmt::Import(i) if i.names[0].name.as_str() == "g"))
            .map(|(_, top)| *top)
            .collect();
        assert_eq!(inside, [false], "`import g` is inside `def f`");
        assert!(scoped.iter().filter(|(_, top)| *top).count() > 10);
    }

    #[test]
    fn the_walk_is_capped() {
        let source = "x = 1\n".repeat(MAX_STATEMENTS + 10);
        let parsed = ParsedPython::parse(&source, PythonVersion::PY312);
        assert_eq!(all_statements(parsed.body()).len(), MAX_STATEMENTS);
    }
}
