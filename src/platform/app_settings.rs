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

    /// The exact way to give the app setting `name` the value `value` where this source sets it: the
    /// `build.env` or `.deployment` line, the `appsvc.yaml` key, the value to write in a template, or the
    /// `az` command for a setting that lives in the site (flags, `--app-settings-file`).
    pub fn how_to_set(&self, project: &Project, name: &str, value: &str) -> String {
        let Source::File(span) = self else {
            let pair = shell_word(&format!("{name}={value}"));
            return format!(
                "set the app setting with `az webapp config appsettings set --resource-group <group> --name <app> --settings {pair}`"
            );
        };
        let path = project.rel_path(span.file);
        let file_name = path.rsplit('/').next().unwrap_or(path);
        match file_name {
            "build.env" => format!("write `{name}={value}` in {path}"),
            ".deployment" => format!("write `{name}={value}` under `[config]` in {path}"),
            "appsvc.yaml" => {
                let key = match name {
                    "PRE_BUILD_COMMAND" => "pre-build",
                    "POST_BUILD_COMMAND" => "post-build",
                    other => other,
                };
                format!("write `{key}: {value}` in {path}")
            }
            _ => format!("set {name} to `{value}` in {}", self.describe_at(project)),
        }
    }

    /// The exact way to make `command` the startup command where this source sets it: the `az` command
    /// for the site's setting, or the value to write in the template or workflow.
    pub fn how_to_set_startup_command(&self, project: &Project, command: &str) -> String {
        match self {
            Source::File(_) => format!(
                "set the startup command to `{command}` in {}",
                self.describe_at(project)
            ),
            Source::Flag(_) => format!(
                "set the startup command: `az webapp config set --resource-group <group> --name <app> --startup-file {}`",
                shell_word(command)
            ),
        }
    }

    /// The exact way to run Python `version` (such as `3.12`) where this source sets the version: the
    /// `az` command for the site, `runtime.txt`'s line, or the value to write in the template.
    pub fn how_to_set_python_version(&self, project: &Project, version: &str) -> String {
        let Source::File(span) = self else {
            return format!(
                "set the site's Python: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|{version}\"`"
            );
        };
        let path = project.rel_path(span.file);
        if path == "runtime.txt" {
            // The site's version overrides runtime.txt on App Service (behaviour item 4): set both.
            return format!(
                "write `python-{version}` in runtime.txt and set the site's Python to match: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|{version}\"`"
            );
        }
        let written = project
            .text(span.file)
            .map(|t| t.slice(span.range).to_owned())
            .unwrap_or_default();
        let new = match written.split_once('|') {
            Some((stack, _)) => format!("{stack}|{version}"),
            None => version.to_owned(),
        };
        format!("write `{new}` in {}", self.describe_at(project))
    }
}

/// A shell word for `text`, quoted only when it needs to be.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_=./:,@%+-".contains(c));
    if plain {
        text.to_owned()
    } else {
        shlex::try_quote(text).map_or_else(|_| text.to_owned(), |q| q.into_owned())
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
    /// `build.env` at the root (lowest), then `--app-setting` flags (the last of a name wins). The full
    /// merge of every source is [`crate::platform::sources::Sources::app_settings`].
    pub fn load(project: &Project, flags: &[(String, String)]) -> AppSettings {
        let mut settings = AppSettings::default();
        for setting in crate::platform::sources::build_env::load(project).settings {
            settings.insert(setting);
        }
        for (name, value) in flags {
            settings.insert(Setting {
                name: name.clone(),
                value: value.clone(),
                source: Source::flag("--app-setting"),
                value_span: None,
            });
        }
        settings
    }

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
    fn flags_override_build_env() {
        let (_d, p) = project(&[("build.env", "A=1\nB=2\n")]);
        let s = AppSettings::load(&p, &[("B".into(), "3".into()), ("B".into(), "4".into())]);
        assert_eq!(s.get("A").unwrap().value, "1");
        assert_eq!(s.get("B").unwrap().value, "4");
        assert_eq!(s.get("B").unwrap().source, Source::flag("--app-setting"));
        assert!(matches!(s.get("A").unwrap().source, Source::File(_)));
    }

    #[test]
    fn python_version_fixes_keep_the_form_written() {
        let (_d, p) = project(&[
            ("main.bicep", "linuxFxVersion: 'PYTHON|3.11'\n"),
            ("runtime.txt", "python-3.11\n"),
        ]);
        let bicep = Source::File(Span::new(
            p.file("main.bicep").unwrap(),
            TextRange::at(TextSize::new(17), TextSize::new(11)),
        ));
        assert_eq!(
            bicep.how_to_set_python_version(&p, "3.12"),
            "write `PYTHON|3.12` in main.bicep:1"
        );
        let runtime = Source::File(Span::file_start(p.file("runtime.txt").unwrap()));
        assert_eq!(
            runtime.how_to_set_python_version(&p, "3.12"),
            "write `python-3.12` in runtime.txt and set the site's Python to match: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|3.12\"`"
        );
        assert!(
            Source::flag("--python-version")
                .how_to_set_python_version(&p, "3.12")
                .contains("--linux-fx-version \"PYTHON|3.12\"")
        );
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
        assert_eq!(
            at_y.how_to_set(&p, "X", "y"),
            "set X to `y` in infra/main.bicep:2"
        );
        assert_eq!(
            at_y.how_to_set_startup_command(&p, "gunicorn app:app"),
            "set the startup command to `gunicorn app:app` in infra/main.bicep:2"
        );
        assert_eq!(
            Source::flag("--startup-command").how_to_set_startup_command(&p, "gunicorn app:app"),
            "set the startup command: `az webapp config set --resource-group <group> --name <app> --startup-file 'gunicorn app:app'`"
        );
        assert_eq!(
            at_y.how_to_set_python_version(&p, "3.12"),
            "write `3.12` in infra/main.bicep:2"
        );
        let env = Source::File(Span::file_start(p.file("build.env").unwrap()));
        assert_eq!(env.how_to_set(&p, "X", "a b"), "write `X=a b` in build.env");
        assert_eq!(
            Source::flag("--app-setting").how_to_set(&p, "X", "a b"),
            "set the app setting with `az webapp config appsettings set --resource-group <group> --name <app> --settings 'X=a b'`"
        );
    }
}
