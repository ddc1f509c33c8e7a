//! App Service app settings and build settings, each with where its value came from.

use std::collections::BTreeMap;
use std::fmt;

use ruff_text_size::{TextRange, TextSize};

use crate::project::{Project, Span};

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, such as `--app-setting`.
    Flag(&'static str),
    /// A line of a file in the repository.
    File(Span),
}

impl Source {
    pub fn span(&self) -> Option<Span> {
        match self {
            Source::File(span) => Some(*span),
            Source::Flag(_) => None,
        }
    }

    /// How to say where the value is set, e.g. "`--app-setting`" or "build.env".
    pub fn describe(&self, project: &Project) -> String {
        match self {
            Source::Flag(flag) => format!("`{flag}`"),
            Source::File(span) => project.rel_path(span.file).to_owned(),
        }
    }
}

/// One setting value with its source. For a file source, `value_span` is the value's range.
#[derive(Debug, Clone)]
pub struct Setting {
    pub name: String,
    pub value: String,
    pub source: Source,
    /// The range of the value itself in the file (for a file source).
    pub value_span: Option<Span>,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

/// App settings (environment variables of the app and of the build), highest precedence wins.
#[derive(Debug, Default)]
pub struct AppSettings {
    by_name: BTreeMap<String, Setting>,
}

impl AppSettings {
    /// Merge the sources: `build.env` at the root (lowest), then `--app-setting` flags.
    pub fn load(project: &Project, flags: &[(String, String)]) -> AppSettings {
        let mut settings = AppSettings::default();
        if let Some(file) = project.file("build.env")
            && let Some(text) = project.text_or_notice(file)
        {
            for (_, range, line) in text.lines() {
                let Some((name, value, value_range)) = parse_env_line(line) else {
                    continue;
                };
                let value_range = value_range + range.start();
                settings.insert(Setting {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    source: Source::File(Span::new(file, range)),
                    value_span: Some(Span::new(file, value_range)),
                });
            }
        }
        for (name, value) in flags {
            settings.insert(Setting {
                name: name.clone(),
                value: value.clone(),
                source: Source::Flag("--app-setting"),
                value_span: None,
            });
        }
        settings
    }

    fn insert(&mut self, setting: Setting) {
        self.by_name.insert(setting.name.clone(), setting);
    }

    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.by_name.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Setting> {
        self.by_name.values()
    }
}

/// `NAME=VALUE` of a `build.env` line, with the value's range within the line; quotes are removed.
fn parse_env_line(line: &str) -> Option<(&str, &str, TextRange)> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let (name, raw) = line.split_once('=')?;
    let name = name.trim().trim_start_matches("export ").trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let value_start = line.len() - raw.len();
    let lead = raw.len() - raw.trim_start().len();
    let mut value = raw.trim();
    let mut start = value_start + lead;
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            value = &value[1..value.len() - 1];
            start += 1;
            break;
        }
    }
    let range = TextRange::at(TextSize::try_from(start).ok()?, TextSize::of(value));
    Some((name, value, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lines() {
        let (n, v, r) = parse_env_line("PRE_BUILD_COMMAND=\"bash scripts/a.sh\"").unwrap();
        assert_eq!((n, v), ("PRE_BUILD_COMMAND", "bash scripts/a.sh"));
        assert_eq!(
            &"PRE_BUILD_COMMAND=\"bash scripts/a.sh\""[r.start().to_usize()..r.end().to_usize()],
            v
        );
        assert!(parse_env_line("# comment").is_none());
        assert!(parse_env_line("not a setting").is_none());
        assert_eq!(
            parse_env_line("export X = 1").map(|t| (t.0, t.1)),
            Some(("X", "1"))
        );
    }
}
