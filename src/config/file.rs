//! The tool's own configuration file: `[tool.appservice-preflight]` in `pyproject.toml`, or
//! `appservice-preflight.toml` / `.appservice-preflight.toml` (top-level keys). Found by walking up from
//! the checked path, never past the repository that holds it; read with `toml_edit` so that every error
//! names the file, the line and the valid choices.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Document, Item, Table, Value};

use super::error::UsageError;

/// The file names looked for in each folder, in this order (ruff's order: the dedicated files first).
pub const FILE_NAMES: &[&str] = &[
    ".appservice-preflight.toml",
    "appservice-preflight.toml",
    "pyproject.toml",
];

/// The table of `pyproject.toml` the tool reads.
pub const PYPROJECT_TABLE: &str = "tool.appservice-preflight";

/// Every key, with what it takes (shown when a key is unknown).
pub const KEYS: &[(&str, &str)] = &[
    ("select", "a list of rule codes, prefixes or names"),
    ("extend-select", "a list of rule codes, prefixes or names"),
    ("ignore", "a list of rule codes, prefixes or names"),
    (
        "levels",
        "a table: rule code = \"error\" | \"warning\" | \"note\"",
    ),
    ("per-file-ignores", "a table: glob = [rule codes]"),
    ("exclude", "a list of globs"),
    ("fail-on", "\"error\" | \"warning\" | \"note\""),
    ("app-settings", "a table: NAME = \"value\""),
    ("startup-command", "a string"),
    ("python-version", "a string such as \"3.12\""),
];

/// A configuration file larger than this is refused (it is a handful of lines).
const MAX_BYTES: u64 = 1 << 20;

/// How many folders the search climbs at most.
const MAX_LEVELS: usize = 64;

/// One value with the byte range of its text in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub range: Range<usize>,
}

/// What one configuration file says. Every value keeps its place, so findings and `--show-config` can
/// point at it.
#[derive(Debug, Clone, Default)]
pub struct FileConfig {
    /// The file as found (absolute or as given to `--config`).
    pub path: PathBuf,
    /// The whole text (for line numbers).
    pub text: String,
    pub select: Option<At<Vec<At<String>>>>,
    pub extend_select: Option<At<Vec<At<String>>>>,
    pub ignore: Option<At<Vec<At<String>>>>,
    pub levels: Vec<(At<String>, At<String>)>,
    pub per_file_ignores: Vec<(At<String>, Vec<At<String>>)>,
    pub exclude: Vec<At<String>>,
    pub fail_on: Option<At<String>>,
    pub app_settings: Vec<(At<String>, At<String>)>,
    pub startup_command: Option<At<String>>,
    pub python_version: Option<At<String>>,
}

impl FileConfig {
    /// `path:line` of a byte offset, for messages.
    pub fn place(&self, offset: usize) -> String {
        format!("{}:{}", self.path.display(), line_of(&self.text, offset))
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Find the configuration of an app checked at `start`: the first folder, from `start` up, with one of
/// [`FILE_NAMES`] that configures the tool (a `pyproject.toml` without the table is passed over). The
/// climb stops after the folder that holds `.git` (the repository's root): a file outside the checkout is
/// never read.
pub fn find(start: &Path) -> Result<Option<FileConfig>, UsageError> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    let mut levels = 0;
    while let Some(folder) = dir {
        for name in FILE_NAMES {
            let candidate = folder.join(name);
            if !candidate.is_file() {
                continue;
            }
            // A link that leaves the folder tree being searched is not followed.
            if let Ok(target) = std::fs::canonicalize(&candidate)
                && !target.starts_with(folder)
            {
                continue;
            }
            if *name == "pyproject.toml" {
                // A `pyproject.toml` that does not configure the tool is not this tool's to judge: it is
                // passed over even when it cannot be read or parsed.
                let Ok(bytes) = read_bytes(&candidate) else {
                    continue;
                };
                let mentions = bytes
                    .windows(TABLE_WORD.len())
                    .any(|w| w == TABLE_WORD.as_bytes());
                if !mentions {
                    continue;
                }
                let text = decode(&candidate, bytes)?;
                if !has_table(&text) {
                    continue;
                }
                return parse(&candidate, text).map(Some);
            }
            let text = read(&candidate)?;
            return parse(&candidate, text).map(Some);
        }
        levels += 1;
        if folder.join(".git").exists() || levels >= MAX_LEVELS {
            break;
        }
        dir = folder.parent();
    }
    Ok(None)
}

/// Read the file named by `--config` (a `pyproject.toml` is read for its table; any other name for its
/// top-level keys).
pub fn load(path: &Path) -> Result<FileConfig, UsageError> {
    let text = read(path)?;
    parse(path, text)
}

fn read(path: &Path) -> Result<String, UsageError> {
    let fail = |why: String| UsageError(format!("cannot read `{}`: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("it is not a file".into()));
    }
    if meta.len() > MAX_BYTES {
        return Err(fail(format!(
            "it is {} bytes, more than a configuration file can be ({MAX_BYTES})",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    decode(path, bytes)
}

/// The text of a configuration file's bytes: UTF-8, a byte-order mark dropped.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, UsageError> {
    let text = String::from_utf8(bytes)
        .map_err(|_| UsageError(format!("cannot read `{}`: it is not UTF-8", path.display())))?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "pyproject.toml")
}

/// The word a `pyproject.toml` that configures the tool holds (a cheap test before reading it as text).
const TABLE_WORD: &str = "appservice-preflight";

/// Whether a `pyproject.toml` text has `[tool.appservice-preflight]`. A file that does not parse but names
/// the table counts (parsing it then reports the error with its line): a broken configuration is never
/// silently skipped.
fn has_table(text: &str) -> bool {
    if !text.contains(TABLE_WORD) {
        return false;
    }
    match Document::parse(text) {
        Ok(doc) => the_table(doc.as_table()).is_some(),
        Err(_) => {
            text.contains("tool.appservice-preflight") || text.contains("\"appservice-preflight\"")
        }
    }
}

/// The bytes of a file found by the search, or nothing (too large, not readable): such a `pyproject.toml`
/// is passed over, as one that does not name the tool.
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > MAX_BYTES {
        return Ok(Vec::new());
    }
    std::fs::read(path)
}

fn the_table(root: &Table) -> Option<&Item> {
    root.get("tool")?
        .as_table_like()?
        .get("appservice-preflight")
}

/// Parse the text of a configuration file; every error names the file and line.
pub fn parse(path: &Path, text: String) -> Result<FileConfig, UsageError> {
    let doc = Document::parse(text.clone()).map_err(|e| {
        let line = e.span().map_or(1, |r| line_of(&text, r.start));
        UsageError(format!(
            "{}:{line}: not valid TOML: {}",
            path.display(),
            e.message().trim()
        ))
    })?;
    let mut config = FileConfig {
        path: path.to_path_buf(),
        text: text.clone(),
        ..FileConfig::default()
    };
    let place = |offset: usize| format!("{}:{}", path.display(), line_of(&text, offset));
    let (table, prefix) = if is_pyproject(path) {
        match the_table(doc.as_table()) {
            Some(item) => match item.as_table_like() {
                Some(table) => (table, "tool.appservice-preflight."),
                None => {
                    return Err(UsageError(format!(
                        "{}: `{PYPROJECT_TABLE}` must be a table",
                        place(item.span().map_or(0, |r| r.start))
                    )));
                }
            },
            None => return Ok(config),
        }
    } else {
        (doc.as_table() as &dyn toml_edit::TableLike, "")
    };
    for (key, item) in table.iter() {
        let offset = table
            .key(key)
            .and_then(|k| k.span())
            .or_else(|| item.span())
            .map_or(0, |r| r.start);
        let here = place(offset);
        let span = item.span().unwrap_or(offset..offset);
        match key {
            "select" => config.select = Some(string_list(item, &here, key, prefix, span)?),
            "extend-select" => {
                config.extend_select = Some(string_list(item, &here, key, prefix, span)?);
            }
            "ignore" => config.ignore = Some(string_list(item, &here, key, prefix, span)?),
            "exclude" => config.exclude = string_list(item, &here, key, prefix, span)?.value,
            "fail-on" => config.fail_on = Some(string(item, &here, key, prefix)?),
            "startup-command" => config.startup_command = Some(string(item, &here, key, prefix)?),
            "python-version" => config.python_version = Some(string(item, &here, key, prefix)?),
            "levels" => config.levels = string_table(item, &here, key, prefix, &place)?,
            "app-settings" => config.app_settings = string_table(item, &here, key, prefix, &place)?,
            "per-file-ignores" => {
                let Some(entries) = item.as_table_like() else {
                    return Err(wrong_type(&here, key, prefix));
                };
                for (glob, value) in entries.iter() {
                    let at = entries
                        .key(glob)
                        .and_then(|k| k.span())
                        .map_or(offset, |r| r.start);
                    let glob_here = place(at);
                    let codes = string_list(
                        value,
                        &glob_here,
                        &format!("{key}.\"{glob}\""),
                        prefix,
                        at..at,
                    )?;
                    config.per_file_ignores.push((
                        At {
                            value: glob.to_owned(),
                            range: at..at + glob.len(),
                        },
                        codes.value,
                    ));
                }
            }
            other => {
                let names: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
                let hint = crate::project::edit::closest(other, &names)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                return Err(UsageError(format!(
                    "{here}: unknown key `{prefix}{other}`{hint}; the keys are: {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(config)
}

fn expected(key: &str) -> &'static str {
    let last = key.split('.').next().unwrap_or(key);
    KEYS.iter()
        .find(|(k, _)| *k == last)
        .map_or("a value", |(_, what)| what)
}

fn wrong_type(here: &str, key: &str, prefix: &str) -> UsageError {
    UsageError(format!("{here}: `{prefix}{key}` must be {}", expected(key)))
}

fn string(item: &Item, here: &str, key: &str, prefix: &str) -> Result<At<String>, UsageError> {
    match item {
        Item::Value(v @ Value::String(s)) => Ok(At {
            value: s.value().clone(),
            range: v.span().unwrap_or(0..0),
        }),
        _ => Err(wrong_type(here, key, prefix)),
    }
}

fn string_list(
    item: &Item,
    here: &str,
    key: &str,
    prefix: &str,
    span: Range<usize>,
) -> Result<At<Vec<At<String>>>, UsageError> {
    let Item::Value(Value::Array(array)) = item else {
        return Err(wrong_type(here, key, prefix));
    };
    let mut out = Vec::new();
    for value in array.iter() {
        let Value::String(s) = value else {
            return Err(wrong_type(here, key, prefix));
        };
        out.push(At {
            value: s.value().clone(),
            range: value.span().unwrap_or(span.clone()),
        });
    }
    Ok(At {
        value: out,
        range: span,
    })
}

type PlaceFn<'a> = dyn Fn(usize) -> String + 'a;

/// The entries of a table of strings (`levels`, `app-settings`): each key and value with its place.
pub type Pairs = Vec<(At<String>, At<String>)>;

fn string_table(
    item: &Item,
    here: &str,
    key: &str,
    prefix: &str,
    place: &PlaceFn,
) -> Result<Pairs, UsageError> {
    let Some(table) = item.as_table_like() else {
        return Err(wrong_type(here, key, prefix));
    };
    let mut out = Vec::new();
    for (name, value) in table.iter() {
        let at = table
            .key(name)
            .and_then(|k| k.span())
            .map_or(0, |r| r.start);
        let Some(Value::String(s)) = value.as_value() else {
            return Err(UsageError(format!(
                "{}: `{prefix}{key}.{name}` must be a string ({})",
                place(at),
                expected(key)
            )));
        };
        out.push((
            At {
                value: name.to_owned(),
                range: at..at + name.len(),
            },
            At {
                value: s.value().clone(),
                range: value.span().unwrap_or(at..at),
            },
        ));
    }
    Ok(out)
}

/// The keys of `levels` and `app-settings` in file order, for tests and `--show-config`.
pub fn names(pairs: &[(At<String>, At<String>)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str, text: &str) -> Result<FileConfig, UsageError> {
        parse(Path::new(name), text.to_owned())
    }

    #[test]
    fn reads_every_key_with_its_place() {
        let text = "[tool.appservice-preflight]\nselect = [\"AZ3\"]\nextend-select = [\"AZ9\"]\n\
                    ignore = [\"AZ303\"]\nexclude = [\"legacy/**\"]\nfail-on = \"error\"\n\
                    startup-command = \"gunicorn app:app\"\npython-version = \"3.12\"\n\
                    [tool.appservice-preflight.levels]\nAZ301 = \"error\"\n\
                    [tool.appservice-preflight.per-file-ignores]\n\"tests/*\" = [\"AZ303\"]\n\
                    [tool.appservice-preflight.app-settings]\nDJANGO_SETTINGS_MODULE = \"proj.prod\"\n";
        let c = parsed("pyproject.toml", text).unwrap();
        assert_eq!(c.select.unwrap().value[0].value, "AZ3");
        assert_eq!(c.fail_on.as_ref().unwrap().value, "error");
        assert_eq!(line_of(text, c.fail_on.unwrap().range.start), 6);
        assert_eq!(names(&c.levels)["AZ301"], "error");
        assert_eq!(c.per_file_ignores[0].0.value, "tests/*");
        assert_eq!(
            names(&c.app_settings)["DJANGO_SETTINGS_MODULE"],
            "proj.prod"
        );
        assert_eq!(c.startup_command.unwrap().value, "gunicorn app:app");
    }

    #[test]
    fn unknown_keys_name_the_line_and_the_choices() {
        let err = parsed(
            "pyproject.toml",
            "[tool.appservice-preflight]\nselect = []\nfail_on = \"x\"\n",
        )
        .unwrap_err()
        .0;
        assert!(err.starts_with("pyproject.toml:3: unknown key `tool.appservice-preflight.fail_on` (did you mean `fail-on`?)"), "{err}");
        assert!(err.contains("the keys are: select, extend-select"), "{err}");
        let err = parsed(".appservice-preflight.toml", "select = \"AZ3\"\n")
            .unwrap_err()
            .0;
        assert_eq!(
            err,
            ".appservice-preflight.toml:1: `select` must be a list of rule codes, prefixes or names"
        );
        let err = parsed("x.toml", "[levels]\nAZ301 = 3\n").unwrap_err().0;
        assert!(
            err.starts_with("x.toml:2: `levels.AZ301` must be a string"),
            "{err}"
        );
        let err = parsed("x.toml", "select = [\n").unwrap_err().0;
        assert!(err.starts_with("x.toml:"), "{err}");
    }

    #[test]
    fn a_pyproject_without_the_table_is_empty() {
        let c = parsed("pyproject.toml", "[project]\nname = \"x\"\n").unwrap();
        assert!(c.select.is_none() && c.levels.is_empty());
        assert!(!has_table("[tool.ruff]\nx = 1\n"));
    }
}
