//! The TOML files of a Python project, read once with `toml_edit` (a full TOML parser that keeps spans,
//! with a recursion limit): `pyproject.toml` (its `[project]` and `[tool.poetry]` dependencies, its
//! tables) and the lock files Oryx's pyproject route uses (`uv.lock`, `poetry.lock`).

use std::ops::Range;

use ruff_text_size::{TextRange, TextSize};
use toml_edit::{Document, Item, Value};

use crate::project::{FileId, Project, Span};

/// A dependency declared in a TOML file: the requirement text (a PEP 508 string, or a Poetry key) and
/// where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub text: String,
    pub span: Span,
}

/// What the root `pyproject.toml` says, when it parses.
#[derive(Debug, Clone, Default)]
pub struct Pyproject {
    pub file: Option<FileId>,
    /// Why it could not be read (not TOML, unreadable): then nothing below is known.
    pub error: Option<String>,
    /// Dotted names of every table and sub-table (`project`, `tool.poetry`, `tool.poetry.dependencies`).
    pub tables: Vec<String>,
    /// `[project] dependencies`, when the key is there.
    pub project_dependencies: Option<Vec<Declared>>,
    /// `[project] dynamic` lists `dependencies` (a build backend computes them).
    pub dynamic_dependencies: bool,
    /// `[tool.poetry.dependencies]` keys other than `python`, when the table is there.
    pub poetry_dependencies: Option<Vec<Declared>>,
    /// The line that declares the dependencies: `dependencies = ...` of `[project]`, else the
    /// `[tool.poetry.dependencies]` header.
    pub dependencies_line: Option<Span>,
    /// `[project] requires-python`.
    pub requires_python: Option<String>,
    /// `[project] name`.
    pub project_name: Option<String>,
    /// `[tool.poetry] package-mode = false`: Poetry installs the dependencies only, not the project.
    pub poetry_package_mode_off: bool,
}

impl Pyproject {
    /// Read `pyproject.toml` at the app root (a default, empty value when there is none).
    pub fn read(project: &Project) -> Pyproject {
        let Some(file) = project.file("pyproject.toml") else {
            return Pyproject::default();
        };
        let mut out = Pyproject {
            file: Some(file),
            ..Pyproject::default()
        };
        let doc = match parse(project, file) {
            Ok(doc) => doc,
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        };
        let text = doc.raw();
        let span_of = |range: Option<Range<usize>>| range.map(|r| to_span(file, r));
        collect_tables(doc.as_item(), String::new(), &mut out.tables, 0);
        if let Some(project_table) = doc.get("project").and_then(Item::as_table_like) {
            if let Some((key, item)) = project_table.get_key_value("dependencies") {
                out.project_dependencies = Some(strings_of(item, file));
                out.dependencies_line = span_of(key.span()).map(|s| line_of(text, s));
            }
            out.dynamic_dependencies = project_table
                .get("dynamic")
                .and_then(Item::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("dependencies")));
            out.requires_python = project_table
                .get("requires-python")
                .and_then(Item::as_str)
                .map(str::to_owned);
            out.project_name = project_table
                .get("name")
                .and_then(Item::as_str)
                .map(str::to_owned);
        }
        out.poetry_package_mode_off = doc
            .get("tool")
            .and_then(|t| t.get("poetry"))
            .and_then(|p| p.get("package-mode"))
            .and_then(Item::as_bool)
            == Some(false);
        let poetry = doc
            .get("tool")
            .and_then(|t| t.get("poetry"))
            .and_then(|p| p.get("dependencies"));
        if let Some(deps) = poetry.and_then(Item::as_table_like) {
            let mut found = Vec::new();
            for (key, _) in deps.iter() {
                if key == "python" {
                    continue;
                }
                let span = deps
                    .key(key)
                    .and_then(|k| k.span())
                    .map_or(Span::file_start(file), |r| to_span(file, r));
                found.push(Declared {
                    text: key.to_owned(),
                    span,
                });
            }
            out.poetry_dependencies = Some(found);
            if out.dependencies_line.is_none() {
                out.dependencies_line = poetry
                    .and_then(Item::as_table)
                    .and_then(|t| t.span())
                    .map(|r| line_of(text, to_span(file, r)));
            }
        }
        out
    }

    /// Whether the file has the table `name` or a sub-table of it (`tool.poetry`).
    pub fn has_table(&self, name: &str) -> bool {
        self.tables
            .iter()
            .any(|t| t == name || t.starts_with(&format!("{name}.")))
    }
}

/// The package names a lock file (`uv.lock`, `poetry.lock`) lists in its `[[package]]` tables; `Err`
/// when it cannot be read or is not TOML.
pub fn lock_package_names(project: &Project, file: FileId) -> Result<Vec<Declared>, String> {
    let doc = parse(project, file)?;
    let mut out = Vec::new();
    if let Some(packages) = doc.get("package").and_then(Item::as_array_of_tables) {
        for package in packages.iter() {
            if let Some(item) = package.get("name")
                && let Some(name) = item.as_str()
            {
                let span = item
                    .span()
                    .map_or(Span::file_start(file), |r| to_span(file, r));
                out.push(Declared {
                    text: name.to_owned(),
                    span,
                });
            }
        }
    }
    Ok(out)
}

/// The most tables collected from one file (a `pyproject.toml` has a few dozen).
const MAX_TABLES: usize = 2_000;

fn parse(project: &Project, file: FileId) -> Result<Document<String>, String> {
    let text = project
        .text(file)
        .map_err(|e| format!("`{}` cannot be read: {e}", project.rel_path(file)))?;
    Document::parse(text.text.to_string()).map_err(|e| {
        format!(
            "`{}` is not valid TOML: {}",
            project.rel_path(file),
            e.message()
        )
    })
}

fn collect_tables(item: &Item, prefix: String, out: &mut Vec<String>, depth: usize) {
    let Some(table) = item.as_table_like() else {
        return;
    };
    if depth > 32 {
        return;
    }
    for (key, child) in table.iter() {
        if out.len() >= MAX_TABLES {
            return;
        }
        if child.is_table_like() {
            let name = if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            };
            out.push(name.clone());
            collect_tables(child, name, out, depth + 1);
        }
    }
}

/// The strings of a value: one for a string, each string element for an array.
fn strings_of(item: &Item, file: FileId) -> Vec<Declared> {
    let declared = |v: &Value| {
        v.as_str().map(|s| Declared {
            text: s.to_owned(),
            span: v
                .span()
                .map_or(Span::file_start(file), |r| to_span(file, r)),
        })
    };
    match item {
        Item::Value(Value::Array(array)) => array.iter().filter_map(declared).collect(),
        Item::Value(v) => declared(v).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn to_span(file: FileId, range: Range<usize>) -> Span {
    let start = TextSize::try_from(range.start).unwrap_or_default();
    let end = TextSize::try_from(range.end).unwrap_or(start).max(start);
    Span::new(file, TextRange::new(start, end))
}

/// The whole line holding the start of `span` (without its line ending).
fn line_of(text: &str, span: Span) -> Span {
    let start = span.range.start().to_usize().min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_end = if text[..line_end].ends_with('\r') {
        line_end - 1
    } else {
        line_end
    };
    to_span(span.file, line_start..line_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::test_project;

    fn shown(p: &Project, span: Span) -> String {
        let text = p.text(span.file).unwrap();
        text.text[span.range.start().to_usize()..span.range.end().to_usize()].to_owned()
    }

    #[test]
    fn project_and_poetry_dependencies() {
        let toml = "[project]\nname = \"app\"\nrequires-python = \">=3.11\"\ndependencies = [\n  \"django>=5\",  # web\n  'gunicorn',\n]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nflask = \"^3\"\n";
        let (_d, p) = test_project(&[("pyproject.toml", toml)]);
        let py = Pyproject::read(&p);
        assert!(py.error.is_none());
        let deps: Vec<String> = py
            .project_dependencies
            .as_ref()
            .unwrap()
            .iter()
            .map(|d| d.text.clone())
            .collect();
        assert_eq!(deps, ["django>=5", "gunicorn"]);
        assert_eq!(
            shown(&p, py.project_dependencies.as_ref().unwrap()[0].span),
            "\"django>=5\""
        );
        let poetry: Vec<String> = py
            .poetry_dependencies
            .as_ref()
            .unwrap()
            .iter()
            .map(|d| d.text.clone())
            .collect();
        assert_eq!(poetry, ["flask"]);
        assert_eq!(shown(&p, py.dependencies_line.unwrap()), "dependencies = [");
        assert_eq!(py.requires_python.as_deref(), Some(">=3.11"));
        assert!(py.has_table("tool.poetry"));
        assert!(py.has_table("tool"));
        assert!(!py.has_table("tool.uv"));
    }

    #[test]
    fn dynamic_dependencies_and_poetry_only() {
        let toml = "[project]\nname = 'x'\ndynamic = ['dependencies']\n\n[tool.poetry.dependencies]\npython = '^3.12'\n";
        let (_d, p) = test_project(&[("pyproject.toml", toml)]);
        let py = Pyproject::read(&p);
        assert!(py.dynamic_dependencies);
        assert!(py.project_dependencies.is_none());
        assert_eq!(py.poetry_dependencies, Some(Vec::new()));
        assert_eq!(
            shown(&p, py.dependencies_line.unwrap()),
            "[tool.poetry.dependencies]"
        );
    }

    #[test]
    fn invalid_toml_is_an_error_not_an_empty_file() {
        let (_d, p) = test_project(&[("pyproject.toml", "[project\nname = 'x'\n")]);
        let py = Pyproject::read(&p);
        assert!(py.error.unwrap().contains("is not valid TOML"));
        let deep = format!("x = {}{}\n", "[".repeat(30_000), "]".repeat(30_000));
        let (_d, p) = test_project(&[("pyproject.toml", deep.as_str())]);
        assert!(
            Pyproject::read(&p).error.is_some(),
            "the recursion limit holds"
        );
    }

    #[test]
    fn lock_files() {
        let lock = "version = 1\n\n[[package]]\nname = \"django\"\nversion = \"5.1\"\n\n[[package]]\nname = \"asgiref\"\n";
        let (_d, p) = test_project(&[("uv.lock", lock), ("poetry.lock", "[[package]\n")]);
        let names: Vec<String> = lock_package_names(&p, p.file("uv.lock").unwrap())
            .unwrap()
            .into_iter()
            .map(|d| d.text)
            .collect();
        assert_eq!(names, ["django", "asgiref"]);
        assert!(lock_package_names(&p, p.file("poetry.lock").unwrap()).is_err());
    }
}
