//! `--format json`: a pretty-printed JSON array with one object per finding, in report order (by
//! path, then position). It is always an array: `[]` when there are no findings.
//!
//! ```json
//! [
//!   {
//!     "code": "AZ301",
//!     "name": "django-debug-not-from-env",
//!     "level": "error",
//!     "category": "blocker",
//!     "message": "DEBUG is the literal True in the settings App Service loads (proj/settings.py)",
//!     "path": "proj/settings.py",
//!     "start": { "line": 2, "column": 1 },
//!     "end": { "line": 2, "column": 13 },
//!     "help": "DEBUG = os.environ.get('DJANGO_DEBUG') == '1'",
//!     "notes": [],
//!     "url": "https://…/lints/AZ301.md"
//!   }
//! ]
//! ```
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `code` | string | the rule code (`AZ301`) |
//! | `name` | string | the rule name (`django-debug-not-from-env`) |
//! | `level` | `"error"`, `"warning"` or `"note"` | the finding's level after configuration |
//! | `category` | `"blocker"`, `"risk"` or `"advice"` | the rule's category |
//! | `message` | string | what is wrong; a secret it quotes is masked |
//! | `path` | string or `null` | the file as shown in other formats (forward slashes); `null` when the finding comes from a command-line flag |
//! | `start`, `end` | `{"line", "column"}` or `null` | 1-based line and column (in characters) of the start and of the end (exclusive) of the span; `null` with `path` |
//! | `help` | string or `null` | the exact fix |
//! | `fix` | object or `null` | the same fix as edits to one file of the app, when it is one: `applicability` (`"safe"`, `"unsafe"` or `"display-only"`), `path`, and `edits` (each `{"content", "start", "end"}`, positions as above) |
//! | `notes` | array of strings | more context |
//! | `url` | string | the rule's documentation page |

use std::io::{self, Write};

use serde::Serialize;

use super::view::{DisplayPaths, safe_message, safe_text, span_positions};
use crate::diagnostic::{Applicability, FixTarget, Report};
use crate::project::Span;
use crate::rules::{Category, Level};

#[derive(Serialize)]
struct Finding {
    code: &'static str,
    name: &'static str,
    level: Level,
    category: Category,
    message: String,
    path: Option<String>,
    start: Option<Position>,
    end: Option<Position>,
    help: Option<String>,
    fix: Option<FixJson>,
    notes: Vec<String>,
    url: String,
}

#[derive(Serialize)]
struct FixJson {
    applicability: Applicability,
    path: String,
    /// The fix creates the file (its one edit is the whole content).
    creates: bool,
    edits: Vec<EditJson>,
}

#[derive(Serialize)]
struct EditJson {
    content: String,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

pub fn render(report: &Report, paths: &DisplayPaths, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<Finding> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (path, start, end) = match d.span {
                Some(span) => {
                    let ((line, column), (end_line, end_column)) = span_positions(report, span);
                    (
                        Some(paths.show(report, span.file)),
                        Some(Position { line, column }),
                        Some(Position {
                            line: end_line,
                            column: end_column,
                        }),
                    )
                }
                None => (None, None, None),
            };
            Finding {
                code: d.rule.code,
                name: d.rule.name,
                level: d.level,
                category: d.rule.category,
                message: safe_message(report, d),
                path,
                start,
                end,
                help: d.help.as_ref().map(|h| safe_text(report, d, h)),
                fix: d.fix.as_ref().map(|fix| {
                    let (path, file) = match &fix.target {
                        FixTarget::File(file) => (paths.show(report, *file), Some(*file)),
                        FixTarget::New(rel) => (paths.show_new(rel), None),
                    };
                    FixJson {
                        applicability: fix.applicability,
                        path,
                        creates: file.is_none(),
                        edits: fix
                            .edits
                            .iter()
                            .map(|e| {
                                let ((line, column), (end_line, end_column)) = match file {
                                    Some(file) => span_positions(report, Span::new(file, e.range)),
                                    None => ((1, 1), (1, 1)),
                                };
                                EditJson {
                                    content: safe_text(report, d, &e.content),
                                    start: Position { line, column },
                                    end: Position {
                                        line: end_line,
                                        column: end_column,
                                    },
                                }
                            })
                            .collect(),
                    }
                }),
                notes: d.notes.iter().map(|n| safe_text(report, d, n)).collect(),
                url: d.rule.url(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::render::view::test_support::{SECRET, sample};

    fn rendered(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &DisplayPaths::relative_to_root(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_object_per_finding() {
        let (_dir, report) = sample();
        let text = rendered(&report);
        assert!(text.ends_with("]\n"));
        assert!(!text.contains(SECRET), "{text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        let findings = value.as_array().unwrap();
        assert_eq!(findings.len(), 4);
        assert_eq!(
            findings[1],
            json!({
                "code": "AZ301",
                "name": "django-debug-not-from-env",
                "level": "error",
                "category": "blocker",
                "message": "DEBUG is the literal True in the settings App Service loads (proj/settings.py)",
                "path": "proj/settings.py",
                "start": {"line": 2, "column": 1},
                "end": {"line": 2, "column": 13},
                "help": "DEBUG = os.environ.get('DJANGO_DEBUG') == '1'",
                "fix": null,
                "notes": ["App Service loads proj/settings.py: 100% sure, a, b: c"],
                "url": crate::rules::find("AZ301").unwrap().url(),
            })
        );
        assert_eq!(findings[0]["level"], "warning");
        assert_eq!(findings[0]["category"], "risk");
        assert_eq!(findings[2]["level"], "note");
        assert_eq!(findings[2]["start"], json!({"line": 1, "column": 5}));
        assert_eq!(findings[2]["end"], json!({"line": 1, "column": 8}));
        assert_eq!(findings[3]["path"], Value::Null);
        assert_eq!(findings[3]["start"], Value::Null);
        assert_eq!(findings[3]["end"], Value::Null);
        assert_eq!(findings[3]["help"], Value::Null);
    }

    #[test]
    fn empty_is_an_empty_array() {
        let (_dir, mut report) = sample();
        report.diagnostics.clear();
        assert_eq!(rendered(&report), "[]\n");
    }
}
