//! The resolved configuration of one run: flags validated and turned into values once, files named by
//! flags read here (a bad one is a usage error). The top layer: it knows the rules, the renderers and
//! the model's inputs, and nothing below knows it.

use std::path::PathBuf;

use crate::cli::{AppArgs, CheckArgs};
use crate::platform::Inputs;
use crate::project::parse_python_version;
use crate::render::{ColorWhen, Format};
use crate::rules::{RULES, Rule};

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
    pub rules: Vec<&'static Rule>,
    pub exit_zero: bool,
    pub color: ColorWhen,
    /// What the platform model takes from the command line.
    pub app: Inputs,
}

impl Config {
    /// A configuration for `root` with every rule and no flags.
    pub fn new(root: impl Into<PathBuf>) -> Config {
        Config {
            root: root.into(),
            format: Format::Text,
            output_file: None,
            rules: RULES.iter().collect(),
            exit_zero: false,
            color: ColorWhen::Never,
            app: Inputs::default(),
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
                .app
                .app_settings
                .push((name.to_owned(), value.to_owned()));
        }
        for path in &args.app_settings_files {
            config.app.add_settings_file(path).map_err(UsageError)?;
        }
        config.app.startup_command = args
            .startup_command
            .clone()
            .filter(|c| !c.trim().is_empty());
        if let Some(v) = &args.python_version {
            config.app.python_version = Some(parse_python_version(v).ok_or_else(|| {
                UsageError(format!(
                    "--python-version `{v}` is not a Python version such as 3.12"
                ))
            })?);
        }
        Ok(config)
    }
}

fn matches(rule: &Rule, selector: &str) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || rule.name.eq_ignore_ascii_case(selector)
        || rule
            .code
            .get(..selector.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(selector))
}

fn select_rules(select: &[String], ignore: &[String]) -> Result<Vec<&'static Rule>, UsageError> {
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
        .filter(|r| select.is_empty() || select.iter().any(|s| matches(r, s)))
        .filter(|r| !ignore.iter().any(|s| matches(r, s)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
