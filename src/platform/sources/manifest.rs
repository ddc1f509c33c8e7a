//! `oryx-manifest.toml` at the root: what an Oryx build recorded about its output.
//!
//! Oryx's build writes one `Key="value"` line per build property into the output folder
//! (`BaseBashBuildScript.sh.tpl`), and the start-up script generator decodes it as TOML
//! (`startupscriptgenerator/src/common/buildManifestHelper.go`). A repository that ships build output
//! ships this file, and then its values drive the start-up: the Python version, the virtual
//! environment's name and whether the output was compressed (docs/platform.md, "Python version at
//! start-up" and "Packages at start-up").
//!
//! Only top-level `Key = "value"` (or `'value'`) lines are read; a table header ends the top level.

use ruff_text_size::{TextRange, TextSize};

use crate::project::{FileId, Project, Span};

/// The manifest Oryx writes next to its build output.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub file: FileId,
    /// The top-level string values, in file order: key, value, and the value's range.
    values: Vec<(String, String, TextRange)>,
}

/// A value of the manifest and where it is.
#[derive(Debug, Clone)]
pub struct ManifestValue<'a> {
    pub value: &'a str,
    pub span: Span,
}

impl Manifest {
    /// Read `oryx-manifest.toml` at the app root, if there is one.
    pub fn load(project: &Project) -> Option<Manifest> {
        let file = project.file("oryx-manifest.toml")?;
        let text = project.text_or_notice(file)?;
        Some(Manifest {
            file,
            values: parse(&text.text),
        })
    }

    /// The value of `key`: its exact spelling first, else in any case (as the Go TOML decoder matches
    /// struct fields); the last line of a key wins.
    pub fn get(&self, key: &str) -> Option<ManifestValue<'_>> {
        let found = |exact: bool| {
            self.values.iter().rev().find(|(k, _, _)| {
                if exact {
                    k == key
                } else {
                    k.eq_ignore_ascii_case(key)
                }
            })
        };
        found(true)
            .or_else(|| found(false))
            .map(|(_, value, range)| ManifestValue {
                value,
                span: Span::new(self.file, *range),
            })
    }

    /// `PythonVersion`, when set and not empty.
    pub fn python_version(&self) -> Option<ManifestValue<'_>> {
        self.get("PythonVersion").filter(|v| !v.value.is_empty())
    }

    /// `CompressDestinationDir="true"`: the app is in `output.tar.zst`/`output.tar.gz`, extracted at start-up.
    pub fn compressed(&self) -> bool {
        self.get("CompressDestinationDir")
            .is_some_and(|v| v.value == "true")
    }

    /// `VirtualEnvName`, when set and not empty.
    pub fn venv_name(&self) -> Option<&str> {
        self.get("VirtualEnvName")
            .map(|v| v.value)
            .filter(|v| !v.is_empty())
    }

    /// `SourceDirectoryInBuildContainer`, when set and not empty.
    pub fn build_source_dir(&self) -> Option<&str> {
        self.get("SourceDirectoryInBuildContainer")
            .map(|v| v.value)
            .filter(|v| !v.is_empty())
    }
}

/// The top-level `key = "string"` lines of a TOML text.
fn parse(text: &str) -> Vec<(String, String, TextRange)> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            break;
        }
        let Some((key, rest)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        if key.is_empty() || key.starts_with('#') {
            continue;
        }
        let value_text = rest.trim_start();
        let quote = match value_text.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => continue,
        };
        let body = &value_text[1..];
        let Some(end) = closing_quote(body, quote) else {
            continue;
        };
        let value = if quote == '"' {
            unescape(&body[..end])
        } else {
            body[..end].to_owned()
        };
        let value_start = start + (line.len() - value_text.len()) + 1;
        let range = TextRange::at(
            TextSize::try_from(value_start).unwrap_or_default(),
            TextSize::try_from(end).unwrap_or_default(),
        );
        out.push((key.to_owned(), value, range));
    }
    out
}

/// The index of the quote that closes a string body (a `\"` does not close a basic string).
fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if quote == '"' && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == quote && !escaped {
            return Some(i);
        }
        escaped = false;
    }
    None
}

/// The simple escapes of a TOML basic string.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lines_oryx_writes() {
        let text = "PythonVersion=\"3.12.9\"\nCompressDestinationDir=\"false\"\n# note\nvirtualenvname = 'venv'\nbroken=\"open\n[table]\nPythonVersion=\"3.9\"\n";
        let values = parse(text);
        let keys: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v, _)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("PythonVersion", "3.12.9"),
                ("CompressDestinationDir", "false"),
                ("virtualenvname", "venv"),
            ]
        );
        assert_eq!(&text[values[0].2], "3.12.9");
        assert_eq!(&text[values[2].2], "venv");
        assert_eq!(unescape(r#"a\"b\\c"#), "a\"b\\c");
    }

    #[test]
    fn keys_match_in_any_case_after_the_exact_one() {
        let (_d, p) = crate::project::test_project(&[(
            "oryx-manifest.toml",
            "virtualenvname=\"venv\"\nCompressDestinationDir=\"true\"\nPythonVersion=\"\"\n",
        )]);
        let m = Manifest::load(&p).unwrap();
        assert_eq!(m.venv_name(), Some("venv"));
        assert!(m.compressed());
        assert!(m.python_version().is_none());
        assert!(m.build_source_dir().is_none());
    }
}
