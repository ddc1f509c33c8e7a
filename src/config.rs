//! The resolved configuration of one `check` run: flags validated and turned into values once.

use std::path::PathBuf;

use crate::cli::{AppArgs, CheckArgs, ColorWhen, Format};
use crate::project::PythonVersion;
use crate::rules::{RULES, RuleMeta};

/// A usage error: exit code 2 with this one-line message.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub format: Format,
    pub output_file: Option<PathBuf>,
    /// The rules to run, in code order.
    pub rules: Vec<&'static RuleMeta>,
    pub exit_zero: bool,
    pub color: ColorWhen,
    /// `--app-setting NAME=VALUE`, in order given.
    pub app_settings: Vec<(String, String)>,
    /// `--app-settings-file`: JSON printed by `az webapp config appsettings list` / `az webapp config show`.
    pub app_settings_files: Vec<PathBuf>,
    pub startup_command: Option<String>,
    pub python_version: Option<PythonVersion>,
}

impl Config {
    /// A configuration for `root` with every rule and no flags.
    pub fn new(root: impl Into<PathBuf>) -> Config {
        Config {
            root: root.into(),
            format: Format::Text,
            output_file: None,
            rules: RULES.to_vec(),
            exit_zero: false,
            color: ColorWhen::Never,
            app_settings: Vec::new(),
            app_settings_files: Vec::new(),
            startup_command: None,
            python_version: None,
        }
    }

    pub fn from_args(args: &CheckArgs) -> Result<Config, UsageError> {
        let mut config = Config::from_app_args(&args.app)?;
        config.format = args.format;
        config.output_file = args.output_file.clone();
        config.exit_zero = args.exit_zero;
        config.color = args.color;
        config.rules = select_rules(&args.select, &args.ignore)?;
        Ok(config)
    }

    /// The configuration of the app itself (for `check` and `plan`).
    pub fn from_app_args(args: &AppArgs) -> Result<Config, UsageError> {
        let mut config = Config::new(args.path.clone());
        for setting in &args.app_settings {
            let Some((name, value)) = setting.split_once('=') else {
                return Err(UsageError(format!(
                    "--app-setting `{setting}` is not NAME=VALUE"
                )));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(UsageError(format!("--app-setting `{setting}` has no name")));
            }
            config
                .app_settings
                .push((name.to_owned(), value.to_owned()));
        }
        config.app_settings_files = args.app_settings_files.clone();
        config.startup_command = args
            .startup_command
            .clone()
            .filter(|c| !c.trim().is_empty());
        if let Some(v) = &args.python_version {
            config.python_version = Some(parse_python_version(v).ok_or_else(|| {
                UsageError(format!(
                    "--python-version `{v}` is not a Python version such as 3.12"
                ))
            })?);
        }
        Ok(config)
    }
}

/// `3.12`, `3.12.4`, `python-3.12` or `python|3.12` as a major.minor version.
pub fn parse_python_version(text: &str) -> Option<PythonVersion> {
    let text = text.trim();
    let text = text
        .strip_prefix("python-")
        .or_else(|| text.strip_prefix("PYTHON|"))
        .or_else(|| text.strip_prefix("python|"))
        .unwrap_or(text);
    let mut parts = text.split('.');
    let major: u8 = parts.next()?.trim().parse().ok()?;
    let minor: u8 = parts.next()?.trim().parse().ok()?;
    if major != 3 {
        return None;
    }
    Some(PythonVersion { major, minor })
}

fn matches(rule: &RuleMeta, selector: &str) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || rule.name.eq_ignore_ascii_case(selector)
        || rule
            .code
            .get(..selector.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(selector))
}

fn select_rules(
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'static RuleMeta>, UsageError> {
    let clean = |list: &[String]| -> Result<Vec<String>, UsageError> {
        let mut out = Vec::new();
        for item in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if !RULES.iter().any(|r| matches(r, item)) {
                return Err(UsageError(format!(
                    "unknown rule selector `{item}`: run `appservice-preflight rules` for the list"
                )));
            }
            out.push(item.to_owned());
        }
        Ok(out)
    };
    let select = clean(select)?;
    let ignore = clean(ignore)?;
    Ok(RULES
        .iter()
        .copied()
        .filter(|r| select.is_empty() || select.iter().any(|s| matches(r, s)))
        .filter(|r| !ignore.iter().any(|s| matches(r, s)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_versions() {
        assert_eq!(parse_python_version("3.12"), Some(PythonVersion::PY312));
        assert_eq!(
            parse_python_version("python-3.9.7"),
            Some(PythonVersion::PY39)
        );
        assert_eq!(
            parse_python_version("PYTHON|3.11"),
            Some(PythonVersion::PY311)
        );
        assert_eq!(parse_python_version("2.7"), None);
        assert_eq!(parse_python_version("latest"), None);
    }

    #[test]
    fn selectors() {
        let all = select_rules(&[], &[]).unwrap();
        assert_eq!(all.len(), RULES.len());
        let only = select_rules(&["AZ3".into()], &["django-secret-key-hardcoded".into()]).unwrap();
        assert!(
            only.iter()
                .all(|r| r.code.starts_with("AZ3") && r.code != "AZ303")
        );
        assert!(select_rules(&["AZ999".into()], &[]).is_err());
    }
}
