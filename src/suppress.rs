//! Suppression comments: `# noqa: AZ303` on a finding's line, and `# appservice-preflight: noqa: AZ303`
//! anywhere in a file for the whole file, each in the comment syntax of the file (`#` in Python,
//! requirements, shell, YAML, TOML, `.deployment`, `build.env` and Terraform; `//` in Bicep and
//! Terraform). A bare `# noqa` is flake8's and ruff's, not ours: it suppresses nothing here. A
//! suppression that suppresses nothing, or names a code that is not a rule, is AZ900.
//!
//! This runs after the rules, on the text the model has read: it is part of how a run reports, not of
//! what the model knows.

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostic::{Diagnostic, Report};
use crate::project::{FileId, Project, Span};
use crate::rules::{self, RULES, Rule};

/// At most this many suppression comments are read from one file (the rest count as absent).
const MAX_PER_FILE: usize = 10_000;

/// At most this many codes are read from one comment (the rest are ignored).
const MAX_CODES: usize = 64;

/// One code of one suppression comment.
#[derive(Debug, Clone)]
struct Code {
    code: String,
    range: TextRange,
    used: bool,
}

/// One suppression comment.
#[derive(Debug, Clone)]
struct Noqa {
    file: FileId,
    /// The 1-based line it is on (for a line suppression).
    line: usize,
    /// The comment is the whole line: it covers the next line too (for files where a comment cannot
    /// follow a value, such as `build.env` and `.deployment`).
    own_line: bool,
    file_wide: bool,
    /// The whole comment.
    range: TextRange,
    /// Empty for `# appservice-preflight: noqa` (every code, file-wide).
    codes: Vec<Code>,
    used: bool,
}

/// The comment markers of a file, by its name; `None` for a file with no comments (JSON).
fn markers(rel: &str) -> Option<&'static [&'static str]> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    match ext {
        Some("bicep" | "bicepparam") => Some(&["//"]),
        Some("tf" | "hcl") => Some(&["#", "//"]),
        Some("json" | "jsonc") => None,
        _ => Some(&["#"]),
    }
}

/// Parse the suppression comments of one text.
fn parse(file: FileId, rel: &str, text: &str) -> Vec<Noqa> {
    let Some(markers) = markers(rel) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line_start = start;
        start += raw.len();
        if out.len() >= MAX_PER_FILE {
            break;
        }
        // Cheap test first: most lines hold no `noqa`.
        if !raw.contains("noqa") && !raw.contains("NOQA") {
            continue;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        for marker in markers {
            let mut from = 0;
            while let Some(at) = line[from..].find(marker) {
                let comment_at = from + at;
                from = comment_at + marker.len();
                if let Some(noqa) = parse_comment(&line[from..]) {
                    let base = line_start + from;
                    let codes = noqa
                        .codes
                        .into_iter()
                        .map(|(code, s, e)| Code {
                            code,
                            range: range(base + s, base + e),
                            used: false,
                        })
                        .collect();
                    out.push(Noqa {
                        file,
                        line: i + 1,
                        own_line: line[..comment_at].trim().is_empty(),
                        file_wide: noqa.file_wide,
                        range: range(line_start + comment_at, line_start + line.len()),
                        codes,
                        used: false,
                    });
                    break;
                }
            }
        }
    }
    out
}

fn range(start: usize, end: usize) -> TextRange {
    let start = TextSize::try_from(start).unwrap_or_default();
    TextRange::new(start, TextSize::try_from(end).unwrap_or(start).max(start))
}

struct Parsed {
    file_wide: bool,
    /// The codes with their byte offsets in the comment body.
    codes: Vec<(String, usize, usize)>,
}

/// The body of a comment (after its marker): `noqa: AZ303, AZ301` or `appservice-preflight: noqa: AZ303`.
/// Only codes that start with `AZ` are ours; other linters' codes in the same list are left to them.
fn parse_comment(body: &str) -> Option<Parsed> {
    let trimmed = body.trim_start();
    let mut offset = body.len() - trimmed.len();
    let mut rest = trimmed;
    let mut file_wide = false;
    if let Some(after) = strip_prefix_ci(rest, "appservice-preflight:") {
        file_wide = true;
        let skipped = after.len() - after.trim_start().len();
        offset += rest.len() - after.len() + skipped;
        rest = after.trim_start();
    }
    let after = strip_prefix_ci(rest, "noqa")?;
    offset += rest.len() - after.len();
    let Some(list) = after.strip_prefix(':') else {
        // `# noqa` without codes is flake8's and ruff's; `# appservice-preflight: noqa` is every code of
        // the file.
        return (file_wide && !after.starts_with(|c: char| c.is_alphanumeric())).then_some(
            Parsed {
                file_wide,
                codes: Vec::new(),
            },
        );
    };
    offset += 1;
    let mut codes = Vec::new();
    let mut pos = 0;
    for word in list.split(|c: char| c == ',' || c.is_whitespace()) {
        let here = pos;
        pos += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        let is_code = word.len() >= 2
            && word.chars().take_while(char::is_ascii_uppercase).count() >= 1
            && word.chars().all(|c| c.is_ascii_alphanumeric());
        if !is_code {
            // The list ends at the first word that is not a code (`# noqa: AZ303 the key is rotated`).
            break;
        }
        if word.starts_with("AZ") && codes.len() < MAX_CODES {
            codes.push((word.to_owned(), offset + here, offset + here + word.len()));
        }
    }
    if codes.is_empty() {
        return None;
    }
    Some(Parsed { file_wide, codes })
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// What the suppression pass did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// How many findings the comments suppressed.
    pub suppressed: usize,
}

/// Drop the findings a suppression comment covers and add AZ900 for comments that cover nothing or name
/// unknown codes (when AZ900 is among `selected`).
pub fn apply(report: &mut Report, selected: &[&'static Rule]) -> Outcome {
    let project = &report.project;
    // The files to read for comments: those with findings and those the model read (a comment in a file
    // the model never read cannot cover a finding, and is not judged).
    let mut files: Vec<FileId> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.span.map(|s| s.file))
        .chain(project.files_read())
        .collect();
    files.sort_unstable();
    files.dedup();
    let mut all: Vec<Noqa> = Vec::new();
    for &file in &files {
        let Ok(text) = project.text(file) else {
            continue;
        };
        all.extend(parse(file, project.rel_path(file), &text.text));
    }
    if all.is_empty() {
        return Outcome::default();
    }
    let mut outcome = Outcome::default();
    let diagnostics = std::mem::take(&mut report.diagnostics);
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if suppress(project, &mut all, &d) {
            outcome.suppressed += 1;
        } else {
            kept.push(d);
        }
    }
    report.diagnostics = kept;
    if let Some(unused) = selected.iter().find(|r| r.code == "AZ900") {
        let ran = |code: &str| selected.iter().any(|r| r.code.eq_ignore_ascii_case(code));
        for noqa in &all {
            report
                .diagnostics
                .extend(unused_findings(unused, noqa, &ran));
        }
        rules::sort(&report.project, &mut report.diagnostics);
    }
    outcome
}

/// Whether a comment covers `d`; marks the code that does as used.
fn suppress(project: &Project, all: &mut [Noqa], d: &Diagnostic) -> bool {
    let Some(span) = d.span else {
        return false;
    };
    let Ok(text) = project.text(span.file) else {
        return false;
    };
    let (start_line, _) = text.line_column(span.range.start());
    let (end_line, _) = text.line_column(span.range.end());
    for noqa in all.iter_mut().filter(|n| n.file == span.file) {
        let covers_line = noqa.file_wide
            || noqa.line == start_line
            || noqa.line == end_line
            || (noqa.own_line && noqa.line + 1 == start_line);
        if !covers_line {
            continue;
        }
        if noqa.codes.is_empty() {
            noqa.used = true;
            return true;
        }
        if let Some(code) = noqa
            .codes
            .iter_mut()
            .find(|c| c.code.eq_ignore_ascii_case(d.rule.code))
        {
            code.used = true;
            noqa.used = true;
            return true;
        }
    }
    false
}

/// AZ900 findings for one comment: a code that is not a rule, or one (of a rule that ran) that covered
/// nothing.
fn unused_findings(
    rule: &'static Rule,
    noqa: &Noqa,
    ran: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let kind = if noqa.file_wide {
        "file-wide suppression"
    } else {
        "suppression"
    };
    if noqa.codes.is_empty() {
        if noqa.used {
            return Vec::new();
        }
        return vec![
            Diagnostic::new(
                rule.meta,
                Some(Span::new(noqa.file, noqa.range)),
                format!("this {kind} of every code suppresses no finding"),
            )
            .label("nothing to suppress in this file")
            .help("remove the comment"),
        ];
    }
    let mut out = Vec::new();
    for code in &noqa.codes {
        let known = rules::find(&code.code).is_some_and(|r| r.code == code.code);
        let d = if !known {
            let hint = RULES
                .iter()
                .map(|r| r.code)
                .find(|c| crate::project::edit::distance(c, &code.code) <= 1)
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            Diagnostic::new(
                rule.meta,
                Some(Span::new(noqa.file, code.range)),
                format!("`{}` in this {kind} is not a rule code", code.code),
            )
            .label("no rule has this code")
            .help(format!(
                "remove `{}` from the comment or correct it{hint} (`appservice-preflight rules` lists the codes)",
                code.code
            ))
        } else if !code.used && ran(&code.code) {
            Diagnostic::new(
                rule.meta,
                Some(Span::new(noqa.file, code.range)),
                format!("this {kind} of {} suppresses no finding", code.code),
            )
            .label(format!("{} reports nothing here", code.code))
            .help(format!(
                "remove `{}` from the comment: the finding it silenced is gone",
                code.code
            ))
        } else {
            continue;
        };
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(body: &str) -> Option<(bool, Vec<String>)> {
        parse_comment(body).map(|p| (p.file_wide, p.codes.into_iter().map(|c| c.0).collect()))
    }

    #[test]
    fn comment_forms() {
        assert_eq!(codes(" noqa: AZ303"), Some((false, vec!["AZ303".into()])));
        assert_eq!(
            codes(" noqa: E501, AZ303,AZ301 the key is rotated"),
            Some((false, vec!["AZ303".into(), "AZ301".into()]))
        );
        assert_eq!(codes("NOQA:AZ303"), Some((false, vec!["AZ303".into()])));
        // A bare noqa, or one naming only other linters' codes, is not ours.
        assert_eq!(codes(" noqa"), None);
        assert_eq!(codes(" noqa: E501"), None);
        assert_eq!(codes(" noqaAZ303"), None);
        assert_eq!(
            codes(" appservice-preflight: noqa: AZ303"),
            Some((true, vec!["AZ303".into()]))
        );
        assert_eq!(codes(" appservice-preflight: noqa"), Some((true, vec![])));
        assert_eq!(codes(" appservice-preflight: noqax"), None);
    }

    #[test]
    fn code_ranges_point_at_the_code() {
        let text = "DEBUG = True  # noqa: E501, AZ301\n";
        let found = parse(FileId::default_for_tests(), "settings.py", text);
        assert_eq!(found.len(), 1);
        let code = &found[0].codes[0];
        assert_eq!(
            &text[code.range.start().to_usize()..code.range.end().to_usize()],
            "AZ301"
        );
        assert_eq!(found[0].line, 1);
        assert!(parse(FileId::default_for_tests(), "azuredeploy.json", text).is_empty());
        let bicep = "param x string // noqa: AZ104\n# noqa: AZ105\n";
        let found = parse(FileId::default_for_tests(), "main.bicep", bicep);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].codes[0].code, "AZ104");
    }
}
