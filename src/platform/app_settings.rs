//! App Service app settings and build settings, each with where its value came from.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

#[cfg(test)]
use ruff_text_size::{TextRange, TextSize};

use crate::project::{Project, Span};

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag as given: `--app-setting`, `--startup-command`, `--python-version`, or
    /// `--app-settings-file <path>` for a value read from that file (it is outside the app, so it has no span).
    Flag(Cow<'static, str>),
    /// The value in a file of the repository (for `build.env`, the whole line).
    File(Span),
}

impl Source {
    /// A flag source.
    pub const fn flag(flag: &'static str) -> Source {
        Source::Flag(Cow::Borrowed(flag))
    }

    /// A value read from `--app-settings-file <path>` (the path as given on the command line).
    pub fn settings_file(path: &str) -> Source {
        Source::Flag(Cow::Owned(format!("--app-settings-file {path}")))
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Source::File(span) => Some(*span),
            Source::Flag(_) => None,
        }
    }

    /// How to say where the value is set, e.g. "`--app-setting`", "`--app-settings-file site.json`" or
    /// "build.env".
    pub fn describe(&self, project: &Project) -> String {
        match self {
            Source::Flag(flag) => format!("`{flag}`"),
            Source::File(span) => project.rel_path(span.file).to_owned(),
        }
    }

    /// Like [`Source::describe`], with the line for a file: "infra/main.bicep:12".
    pub fn describe_at(&self, project: &Project) -> String {
        match self {
            Source::Flag(_) => self.describe(project),
            Source::File(span) => {
                let line = project
                    .text(span.file)
                    .map(|t| t.line_column(span.range.start()).0)
                    .unwrap_or(1);
                format!("{}:{line}", project.rel_path(span.file))
            }
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
#[derive(Debug, Default, Clone)]
pub struct AppSettings {
    by_name: BTreeMap<String, Setting>,
}

impl AppSettings {
    /// Set a setting, replacing any value of the same name.
    pub(crate) fn insert(&mut self, setting: Setting) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    #[test]
    fn describing_sources() {
        let (_d, p) = project(&[("infra/main.bicep", "x\ny\n"), ("build.env", "")]);
        let bicep = p.file("infra/main.bicep").unwrap();
        let at_y = Source::File(Span::new(
            bicep,
            TextRange::at(TextSize::new(2), TextSize::new(1)),
        ));
        assert_eq!(at_y.describe(&p), "infra/main.bicep");
        assert_eq!(at_y.describe_at(&p), "infra/main.bicep:2");
        assert_eq!(
            Source::settings_file("site.json").describe(&p),
            "`--app-settings-file site.json`"
        );
    }
}
