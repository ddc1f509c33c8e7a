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

/// The boolean parsers of the programs that read App Service settings. Each setting is read by one
/// program, so it has one parser; everything that reads a boolean setting asks this one function
/// (docs/platform.md, "Boolean settings").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolParser {
    /// .NET `bool.TryParse`, as Oryx's build reads its settings (`OptionsSetupBase.GetBooleanValue`):
    /// `true` or `false` in any case, white space around allowed; empty is false; anything else throws
    /// and the build fails (`DISABLE_COLLECTSTATIC`).
    DotNet,
    /// Kudu's `StringUtils.IsTrueLike`: `1`, or `true` in any case, is true; anything else is false, with
    /// no error (`SCM_DO_BUILD_DURING_DEPLOYMENT`).
    Kudu,
    /// Go's `strconv.ParseBool`, as Oryx's start-up script generator reads its settings
    /// (`GetBooleanEnvironmentVariable`): `1 t T TRUE true True` and `0 f F FALSE false False`; empty is
    /// false; anything else panics and no start-up script is written (`PYTHON_ENABLE_GUNICORN_MULTIWORKERS`,
    /// `DISABLE_FASTAPI_DETECTION`).
    Go,
}

impl BoolParser {
    /// The value as the program reads it; `None` when the program rejects it (and fails).
    pub fn parse(self, value: &str) -> Option<bool> {
        if value.is_empty() {
            return Some(false);
        }
        match self {
            BoolParser::DotNet => {
                let v = value.trim();
                if v.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if v.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                }
            }
            BoolParser::Kudu => Some(value == "1" || value.eq_ignore_ascii_case("true")),
            BoolParser::Go => match value {
                "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
                "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
                _ => None,
            },
        }
    }

    /// Whether the program reads `value` as true (a rejected value is not true).
    pub fn is_true(self, value: &str) -> bool {
        self.parse(value) == Some(true)
    }

    /// The spellings the program takes, for a message.
    pub fn spellings(self) -> &'static str {
        match self {
            BoolParser::DotNet => "`true` or `false` (any case)",
            BoolParser::Kudu => "`true` or `1` for true; anything else is false",
            BoolParser::Go => {
                "`1`, `t`, `T`, `TRUE`, `true`, `True`, `0`, `f`, `F`, `FALSE`, `false` or `False`"
            }
        }
    }

    /// The boolean a value most likely meant, whatever the parser makes of it (`yes`, `on`, `1` mean true).
    pub fn intended(value: &str) -> bool {
        let v = value.trim().to_ascii_lowercase();
        !matches!(
            v.as_str(),
            "0" | "no" | "n" | "off" | "f" | "false" | "disable" | "disabled"
        )
    }
}

/// A boolean setting whose value its program rejects, or reads as the opposite of what it says.
#[derive(Debug, Clone)]
pub struct InvalidBoolean {
    pub setting: Setting,
    pub parser: BoolParser,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    #[test]
    fn each_parser_takes_its_own_spellings() {
        use BoolParser::*;
        assert_eq!(DotNet.parse(" True "), Some(true));
        assert_eq!(DotNet.parse("FALSE"), Some(false));
        assert_eq!(DotNet.parse(""), Some(false));
        assert_eq!(DotNet.parse("1"), None);
        assert_eq!(DotNet.parse("   "), None);
        assert_eq!(Kudu.parse("TRUE"), Some(true));
        assert_eq!(Kudu.parse("1"), Some(true));
        assert_eq!(Kudu.parse(" true"), Some(false));
        assert_eq!(Kudu.parse("yes"), Some(false));
        for v in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(Go.parse(v), Some(true), "{v}");
        }
        for v in ["0", "f", "F", "FALSE", "false", "False", ""] {
            assert_eq!(Go.parse(v), Some(false), "{v:?}");
        }
        for v in ["tRue", "yes", " true", "on", "2"] {
            assert_eq!(Go.parse(v), None, "{v}");
        }
        assert!(Go.is_true("t") && !Go.is_true("yes"));
        assert!(BoolParser::intended("1") && BoolParser::intended("yes"));
        assert!(!BoolParser::intended("0") && !BoolParser::intended("off"));
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
