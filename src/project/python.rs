//! Parsing Python with ruff's parser, once per file, against the app's Python version.

use ruff_python_ast::{ModModule, PythonVersion};
use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};
use ruff_text_size::{TextRange, TextSize};

use super::decode::ReadError;
use super::semantic::PythonSyntaxError;

/// CPython's tokenizer refuses more nested brackets than this (`MAXLEVEL` in Parser/tokenizer.h):
/// "SyntaxError: too many nested parentheses".
pub const CPYTHON_MAX_BRACKET_DEPTH: usize = 200;

/// The result of reading and parsing one Python file.
#[derive(Debug)]
pub struct ParsedPython {
    /// The tree, when the file could be decoded and parsed (possibly with recovered errors).
    pub module: Option<ModModule>,
    /// Syntax errors, including syntax newer than the app's Python version.
    pub errors: Vec<PythonSyntaxError>,
    /// The file could not be read as text.
    pub read_error: Option<ReadError>,
}

impl ParsedPython {
    pub fn parse(source: &str, version: PythonVersion) -> ParsedPython {
        if let Some(offset) = excessive_nesting(source) {
            return ParsedPython {
                module: None,
                errors: vec![PythonSyntaxError {
                    range: TextRange::empty(offset),
                    message: format!(
                        "too many nested parentheses: brackets nest more than {CPYTHON_MAX_BRACKET_DEPTH} levels deep, CPython's limit"
                    ),
                    newer: false,
                }],
                read_error: None,
            };
        }
        let options = ParseOptions::from(Mode::Module).with_target_version(version);
        let parsed = parse_unchecked(source, options);
        let mut errors: Vec<PythonSyntaxError> = parsed
            .errors()
            .iter()
            .map(|e| PythonSyntaxError {
                range: e.location,
                message: e.error.to_string(),
                newer: false,
            })
            .collect();
        errors.extend(
            parsed
                .unsupported_syntax_errors()
                .iter()
                .map(|e| PythonSyntaxError {
                    range: e.range,
                    message: e.to_string(),
                    newer: true,
                }),
        );
        errors.sort_by_key(|e| e.range.start());
        // ruff reports an unclosed bracket where the file ends; CPython points at the bracket.
        if let (Some(first), Some((offset, bracket))) =
            (errors.first_mut(), unclosed_bracket(source))
            && first.range.start() > offset
        {
            first.range = TextRange::at(offset, TextSize::of(bracket));
            first.message = format!("'{bracket}' was never closed");
        }
        let module = parsed.into_syntax().module();
        // Errors CPython raises while compiling, checked only on a clean parse so they never pile
        // onto recovered garbage.
        if errors.is_empty()
            && let Some(module) = &module
        {
            errors = super::semantic::compile_errors(module, source, version);
        }
        ParsedPython {
            module,
            errors,
            read_error: None,
        }
    }

    pub fn unreadable(err: ReadError) -> ParsedPython {
        ParsedPython {
            module: None,
            errors: Vec::new(),
            read_error: Some(err),
        }
    }

    /// The statements of the module, empty when it could not be parsed.
    pub fn body(&self) -> &[ruff_python_ast::Stmt] {
        self.module.as_ref().map_or(&[], |m| &m.body)
    }

    /// The ranges of the elements of the list or tuple literal whose range is exactly `range`, when there
    /// is one at the top level of the module or inside a top-level `if`/`try` (where settings are
    /// assigned).
    pub fn literal_elements(&self, range: TextRange) -> Option<Vec<TextRange>> {
        use ruff_python_ast::{Expr, Stmt};
        fn find(body: &[Stmt], range: TextRange, depth: usize) -> Option<Vec<TextRange>> {
            if depth > 8 {
                return None;
            }
            for stmt in body {
                let value = match stmt {
                    Stmt::Assign(a) => Some(&*a.value),
                    Stmt::AnnAssign(a) => a.value.as_deref(),
                    Stmt::If(i) => {
                        if let Some(found) = find(&i.body, range, depth + 1) {
                            return Some(found);
                        }
                        for clause in &i.elif_else_clauses {
                            if let Some(found) = find(&clause.body, range, depth + 1) {
                                return Some(found);
                            }
                        }
                        None
                    }
                    Stmt::Try(t) => {
                        if let Some(found) = find(&t.body, range, depth + 1) {
                            return Some(found);
                        }
                        None
                    }
                    _ => None,
                };
                let elements = match value {
                    Some(Expr::List(l)) if l.range == range => &l.elts,
                    Some(Expr::Tuple(t)) if t.range == range => &t.elts,
                    _ => continue,
                };
                return Some(elements.iter().map(ruff_text_size::Ranged::range).collect());
            }
            None
        }
        find(self.body(), range, 0)
    }

    /// The edit that adds `import {module}` to the module `text` was parsed from, or `None` when a
    /// top-level `import {module}` binds it already. The line goes before the first statement that is not
    /// the docstring or a `from __future__` import.
    pub fn import_edit(&self, text: &str, module: &str) -> Option<super::edit::Edit> {
        use ruff_python_ast::Stmt;
        let body = self.body();
        let bound = body.iter().any(|stmt| match stmt {
            Stmt::Import(import) => import
                .names
                .iter()
                .any(|a| a.name.as_str() == module && a.asname.is_none()),
            _ => false,
        });
        if bound {
            return None;
        }
        let first = body.iter().enumerate().find(|(i, stmt)| match stmt {
            Stmt::Expr(e) if *i == 0 => !e.value.is_string_literal_expr(),
            Stmt::ImportFrom(from) => from
                .module
                .as_ref()
                .is_none_or(|m| m.as_str() != "__future__"),
            _ => true,
        });
        let at = match first {
            Some((_, stmt)) => {
                let start = ruff_text_size::Ranged::range(stmt)
                    .start()
                    .to_usize()
                    .min(text.len());
                text[..start].rfind('\n').map_or(0, |i| i + 1)
            }
            None => text.len(),
        };
        let prefix = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        Some(super::edit::Edit::insertion(
            format!("{prefix}import {module}\n"),
            TextSize::try_from(at).unwrap_or_default(),
        ))
    }
}

/// The first bracket that is never closed, skipping strings and comments.
fn unclosed_bracket(source: &str) -> Option<(TextSize, char)> {
    let mut stack: Vec<(usize, u8)> = Vec::new();
    scan_brackets(source, |offset, byte| {
        match byte {
            b'(' | b'[' | b'{' => stack.push((offset, byte)),
            _ => {
                let want = match byte {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if stack.last().is_some_and(|(_, open)| *open == want) {
                    stack.pop();
                } else {
                    // A mismatched closer is a different error; stop looking.
                    stack.clear();
                    return false;
                }
            }
        }
        true
    });
    let (offset, byte) = *stack.first()?;
    Some((TextSize::try_from(offset).ok()?, char::from(byte)))
}

/// Call `f(offset, bracket)` for every bracket outside strings and comments, until it returns false.
fn scan_brackets(source: &str, mut f: impl FnMut(usize, u8) -> bool) {
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'\'' | b'"') => {
                let triple = bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote);
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'\n' if !triple => break,
                        b if b == quote => {
                            if !triple {
                                break;
                            }
                            if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote)
                            {
                                i += 2;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b @ (b'(' | b'[' | b'{' | b')' | b']' | b'}') if !f(i, b) => return,
            _ => {}
        }
        i += 1;
    }
}

/// The offset of the first bracket that opens deeper than CPython allows, skipping strings and comments.
fn excessive_nesting(source: &str) -> Option<TextSize> {
    let mut depth = 0usize;
    let mut found = None;
    scan_brackets(source, |offset, byte| {
        if matches!(byte, b'(' | b'[' | b'{') {
            depth += 1;
            if depth > CPYTHON_MAX_BRACKET_DEPTH {
                found = TextSize::try_from(offset).ok();
                return false;
            }
        } else {
            depth = depth.saturating_sub(1);
        }
        true
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_go_after_the_docstring_and_future_imports() {
        let add = |text: &str| {
            let parsed = ParsedPython::parse(text, PythonVersion::latest());
            parsed
                .import_edit(text, "os")
                .map(|e| super::super::edit::apply(text, &[e]))
        };
        assert_eq!(add("import os\nX = 1\n"), None);
        assert_eq!(add("X = 1\n").unwrap(), "import os\nX = 1\n");
        assert_eq!(
            add("\"\"\"Settings.\"\"\"\nfrom __future__ import annotations\nfrom pathlib import Path\n").unwrap(),
            "\"\"\"Settings.\"\"\"\nfrom __future__ import annotations\nimport os\nfrom pathlib import Path\n"
        );
        assert_eq!(
            add("import os.path\n").unwrap(),
            "import os\nimport os.path\n"
        );
    }

    #[test]
    fn pep701_fstring_is_valid_on_312_only() {
        let src = "import os\nx = f\"{os.environ[\"X\"]}\"\n";
        assert!(
            ParsedPython::parse(src, PythonVersion::PY312)
                .errors
                .is_empty()
        );
        let old = ParsedPython::parse(src, PythonVersion::PY311);
        assert_eq!(old.errors.len(), 1, "{:?}", old.errors);
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let src = "import os\nLOGGING = {\n    'version': 1,\n\nDEBUG = False\n";
        let parsed = ParsedPython::parse(src, PythonVersion::PY312);
        assert_eq!(parsed.errors[0].message, "'{' was never closed");
        assert_eq!(parsed.errors[0].range.start(), TextSize::new(20));
    }

    #[test]
    fn deep_brackets_are_refused_like_cpython() {
        let ok = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert!(excessive_nesting(&ok).is_none());
        let deep = format!("x = {}1{}\n", "(".repeat(30_000), ")".repeat(30_000));
        assert_eq!(excessive_nesting(&deep), Some(TextSize::new(204)));
        let in_string = format!("x = '{}'\n# {}\n", "(".repeat(500), "[".repeat(500));
        assert!(excessive_nesting(&in_string).is_none());
    }
}
