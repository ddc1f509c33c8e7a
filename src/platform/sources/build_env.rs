//! `build.env` at the root: build settings Oryx reads before the environment (docs/platform.md, "The build.env file").
//!
//! Oryx loads it with .NET's INI configuration provider (`AddIniFile(build.env)` followed by
//! `AddEnvironmentVariables()` in `BuildCommand.cs`), whose rules this parser follows: lines are trimmed;
//! blank lines and lines starting with `;`, `#` or `/` are skipped; `[section]` prefixes the names below it
//! with `section:`; every other line is `NAME=VALUE` split at the first `=`, both sides trimmed, and one pair
//! of double quotes around the value removed. A line without `=`, or a name given twice, makes the provider
//! throw, so the file cannot be loaded. It is not a shell script: `export`, single quotes and `$VAR` are kept
//! as written.

use ruff_text_size::{TextRange, TextSize};

use super::values::ConfigError;
use crate::platform::app_settings::{Setting, Source};
use crate::project::{Project, Span};

/// The settings `build.env` gives and its malformed lines.
#[derive(Debug, Default)]
pub struct BuildEnv {
    /// In file order (a later line of the same name replaces an earlier one).
    pub settings: Vec<Setting>,
    pub errors: Vec<ConfigError>,
}

/// One `NAME=VALUE` line, ranges relative to the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub name: String,
    pub value: String,
    pub line: TextRange,
    pub value_range: TextRange,
}

/// Read `build.env` at the app root, if there is one.
pub fn load(project: &Project) -> BuildEnv {
    let Some(file) = project.file("build.env") else {
        return BuildEnv::default();
    };
    let Some(text) = project.text_or_notice(file) else {
        return BuildEnv::default();
    };
    let (entries, problems) = parse(&text.text);
    BuildEnv {
        settings: entries
            .into_iter()
            .map(|e| Setting {
                name: e.name,
                value: e.value,
                source: Source::File(Span::new(file, e.line)),
                value_span: Some(Span::new(file, e.value_range)),
            })
            .collect(),
        errors: problems
            .into_iter()
            .map(|(range, message)| ConfigError {
                span: Span::new(file, range),
                message,
            })
            .collect(),
    }
}

/// The settings Oryx takes from the text, and the problems (range, message) of the lines it rejects or
/// reads differently from what the line seems to say.
pub(crate) fn parse(text: &str) -> (Vec<Entry>, Vec<(TextRange, String)>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut problems = Vec::new();
    let mut section: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    let mut start = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with([';', '#', '/']) {
            continue;
        }
        let lead = body.len() - body.trim_start().len();
        let at = |from: usize, len: usize| range(line_start + from, line_start + from + len);
        let line_range = at(lead, trimmed.len());
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            let name = trimmed[1..trimmed.len() - 1].trim().to_owned();
            problems.push((
                line_range,
                format!(
                    "`{trimmed}` makes Oryx read the names below it as `{name}:NAME`, which no build setting uses"
                ),
            ));
            section = Some(name);
            continue;
        }
        let Some(eq) = trimmed.find('=') else {
            problems.push((
                line_range,
                format!("`{trimmed}` is not NAME=VALUE, so Oryx cannot load build.env"),
            ));
            continue;
        };
        let name = trimmed[..eq].trim();
        let key = match &section {
            Some(s) => format!("{s}:{name}"),
            None => name.to_owned(),
        };
        if seen.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            problems.push((
                line_range,
                format!("`{name}` is set twice, so Oryx cannot load build.env"),
            ));
        } else {
            seen.push(key);
        }
        if section.is_some() {
            continue;
        }
        if !is_variable_name(name) {
            let message = match name.strip_prefix("export").map(str::trim_start) {
                Some(rest) if name.starts_with("export ") && is_variable_name(rest) => format!(
                    "`{name}` is not a variable name: build.env is not a shell script, so Oryx never sets {rest}"
                ),
                _ if name.is_empty() => format!("`{trimmed}` has no name"),
                _ => format!("`{name}` is not a variable name, so no build setting reads it"),
            };
            problems.push((line_range, message));
            continue;
        }
        let after = &trimmed[eq + 1..];
        let mut value = after.trim();
        let mut value_from = lead + eq + 1 + (after.len() - after.trim_start().len());
        if value.len() > 1 && value.starts_with('"') && value.ends_with('"') {
            value = &value[1..value.len() - 1];
            value_from += 1;
        } else if value.starts_with('"') || value.ends_with('"') {
            problems.push((
                line_range,
                format!(
                    "the value of {name} has an unbalanced `\"`, which Oryx keeps in the value"
                ),
            ));
        } else if value.starts_with('\'') || value.ends_with('\'') {
            problems.push((
                line_range,
                format!("the value of {name} is in single quotes, which Oryx keeps in the value"),
            ));
        }
        entries.push(Entry {
            name: name.to_owned(),
            value: value.to_owned(),
            line: line_range,
            value_range: at(value_from, value.len()),
        });
    }
    (entries, problems)
}

/// A POSIX environment variable name: a letter or `_`, then letters, digits and `_`.
pub(crate) fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn range(start: usize, end: usize) -> TextRange {
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    TextRange::new(size(start), size(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse(text)
            .0
            .into_iter()
            .map(|e| (e.name, e.value))
            .collect()
    }

    fn problems(text: &str) -> Vec<String> {
        parse(text).1.into_iter().map(|(_, m)| m).collect()
    }

    #[test]
    fn names_values_and_ranges() {
        let text = "# hooks\n  PRE_BUILD_COMMAND = \"bash scripts/a.sh\"  \r\nX=a=b\nEMPTY=\n";
        let (entries, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PRE_BUILD_COMMAND", "bash scripts/a.sh"),
                ("X", "a=b"),
                ("EMPTY", "")
            ]
        );
        for e in &entries {
            assert_eq!(&text[e.value_range], e.value);
        }
        assert_eq!(
            &text[entries[0].line],
            "PRE_BUILD_COMMAND = \"bash scripts/a.sh\""
        );
    }

    #[test]
    fn comments_follow_the_ini_provider() {
        assert!(values("; a\n# b\n// c\n/d\n").is_empty());
        assert!(problems("; a\n# b\n// c\n").is_empty());
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(
            problems("not a setting\n"),
            vec!["`not a setting` is not NAME=VALUE, so Oryx cannot load build.env"]
        );
        assert_eq!(
            problems("export X=1\n"),
            vec![
                "`export X` is not a variable name: build.env is not a shell script, so Oryx never sets X"
            ]
        );
        assert!(values("export X=1\n").is_empty());
        assert_eq!(
            problems("MY-VAR=1\n"),
            vec!["`MY-VAR` is not a variable name, so no build setting reads it"]
        );
        assert_eq!(problems("=1\n"), vec!["`=1` has no name"]);
        assert_eq!(
            problems("A=\"x\nB=y\"\n"),
            vec![
                "the value of A has an unbalanced `\"`, which Oryx keeps in the value",
                "the value of B has an unbalanced `\"`, which Oryx keeps in the value"
            ]
        );
        // Oryx keeps single quotes, and so does the model.
        assert_eq!(values("A='x y'\n"), vec![("A".into(), "'x y'".into())]);
        assert_eq!(problems("A='x y'\n").len(), 1);
        assert_eq!(
            problems("A=1\na=2\n"),
            vec!["`a` is set twice, so Oryx cannot load build.env"]
        );
        assert_eq!(values("A=1\nA=2\n").last().unwrap().1, "2");
    }

    #[test]
    fn sections_hide_the_names_below() {
        let text = "A=1\n[build]\nB=2\n";
        assert_eq!(values(text), vec![("A".into(), "1".into())]);
        assert_eq!(
            problems(text),
            vec![
                "`[build]` makes Oryx read the names below it as `build:NAME`, which no build setting uses"
            ]
        );
    }
}
