//! The resolved configuration of one run: flags validated and turned into values once, files named by
//! flags read here (a bad one is a usage error). The top layer: it knows the rules, the renderers and
//! the model's inputs, and nothing below knows it.

mod error;
pub mod file;

pub use error::UsageError;

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::cli::{AppArgs, CheckArgs, FailOn};
use crate::platform::Inputs;
use crate::platform::inputs::Configured;
use crate::project::parse_python_version;
use crate::render::{ColorWhen, Format};
use crate::rules::{Level, RULES, Rule};
use file::{At, FileConfig};

/// A glob of the configuration (`per-file-ignores`, `exclude`), matched against paths relative to the app
/// root; a glob without `/` also matches a file's name in any folder.
#[derive(Debug, Clone)]
pub struct PathGlob {
    pub glob: String,
    matcher: GlobMatcher,
    by_name: bool,
}

impl PathGlob {
    fn new(glob: &str) -> Result<PathGlob, String> {
        let glob = glob.trim_end_matches('/');
        let matcher = GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|e| e.kind().to_string())?
            .compile_matcher();
        Ok(PathGlob {
            glob: glob.to_owned(),
            matcher,
            by_name: !glob.contains('/'),
        })
    }

    /// Whether the glob matches the file at `rel` or one of the folders holding it (`legacy` and
    /// `legacy/` exclude everything under `legacy/`, as in ruff).
    pub fn is_match(&self, rel: &str) -> bool {
        let one = |path: &str| {
            self.matcher.is_match(path)
                || (self.by_name
                    && self
                        .matcher
                        .is_match(path.rsplit('/').next().unwrap_or(path)))
        };
        if one(rel) {
            return true;
        }
        let mut folder = rel;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            if one(parent) {
                return true;
            }
            folder = parent;
        }
        false
    }
}

/// One `per-file-ignores` entry.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub glob: PathGlob,
    pub codes: Vec<&'static str>,
}

/// What `--fix` and `--diff` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only (the default: nothing is written).
    Off,
    /// Write the fixes into the app's files.
    Apply,
    /// Print the fixes as a unified diff.
    Diff,
}

/// The file whose content comes from standard input (an editor's unsaved buffer).
#[derive(Debug, Clone)]
pub struct StdinFile {
    /// Relative to the app root, forward slashes.
    pub rel: String,
    pub content: Vec<u8>,
}

/// One line of `--show-config`: a key, its resolved value and where the value comes from.
#[derive(Debug, Clone)]
pub struct Shown {
    pub key: &'static str,
    pub value: String,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub format: Format,
    pub output_file: Option<PathBuf>,
    /// The rules to run, in code order.
    pub rules: Vec<&'static Rule>,
    pub exit_zero: bool,
    pub color: ColorWhen,
    /// What the platform model takes from the command line and the configuration file.
    pub app: Inputs,
    /// The lowest level that makes `check` exit with 1.
    pub fail_on: Level,
    /// Levels set by the configuration for some rules.
    pub levels: Vec<(&'static str, Level)>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Files whose findings are not reported.
    pub exclude: Vec<PathGlob>,
    /// Report only the findings in these files or folders (relative to the root), when set.
    pub only: Option<Vec<String>>,
    pub stdin: Option<StdinFile>,
    pub sarif_category: Option<String>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub fix: FixMode,
    pub unsafe_fixes: bool,
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    /// Every resolved value with its source, for `--show-config`.
    pub shown: Vec<Shown>,
    /// What the configuration file says (read once).
    file: Option<FileConfig>,
    /// Warnings about the command line that do not stop the run (printed on stderr).
    pub notices: Vec<String>,
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
            fail_on: Level::Warning,
            levels: Vec::new(),
            per_file_ignores: Vec::new(),
            exclude: Vec::new(),
            only: None,
            stdin: None,
            sarif_category: None,
            baseline: None,
            write_baseline: None,
            fix: FixMode::Off,
            unsafe_fixes: false,
            config_file: None,
            shown: Vec::new(),
            file: None,
            notices: Vec::new(),
        }
    }

    /// The configuration of `check`: the paths, the flags and the configuration file they find.
    pub fn from_args(args: &CheckArgs) -> Result<Config, UsageError> {
        Config::from_args_with_stdin(args, || {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
            Ok(buf)
        })
    }

    /// [`Config::from_args`] with standard input given by `stdin` (tests, the language server).
    pub fn from_args_with_stdin(
        args: &CheckArgs,
        stdin: impl FnOnce() -> Result<Vec<u8>, UsageError>,
    ) -> Result<Config, UsageError> {
        let (root, only, stdin_rel, notices) = resolve_paths(args)?;
        let mut config = Config::from_app_args(root, &args.app)?;
        config.only = only;
        config.notices = notices;
        if let Some(rel) = stdin_rel {
            config.stdin = Some(StdinFile {
                rel,
                content: stdin()?,
            });
        }
        config.format = args.format;
        config.output_file = args.output_file.clone();
        config.exit_zero = args.exit_zero;
        config.color = args.color;
        config.sarif_category = args.sarif_category.clone();
        config.baseline = args.baseline.clone();
        config.write_baseline = args.write_baseline.clone();
        config.fix = if args.fix {
            FixMode::Apply
        } else if args.diff {
            FixMode::Diff
        } else {
            FixMode::Off
        };
        config.unsafe_fixes = args.unsafe_fixes;

        let file_config = config.file.take();
        let file = file_config.as_ref();

        // Rules: `--select` replaces the file's `select`; `extend-select` and `ignore` add up.
        let file_list = |list: &Option<At<Vec<At<String>>>>| -> Result<Vec<String>, UsageError> {
            let (Some(list), Some(f)) = (list, file) else {
                return Ok(Vec::new());
            };
            for item in &list.value {
                check_selector(&item.value)
                    .map_err(|e| UsageError(format!("{}: {e}", f.place(item.range.start))))?;
            }
            Ok(list.value.iter().map(|i| i.value.clone()).collect())
        };
        let (select, select_source) = if !args.select.is_empty() {
            (args.select.clone(), "--select".to_owned())
        } else if let Some(f) = file.filter(|f| f.select.is_some()) {
            (
                file_list(&f.select)?,
                f.place(f.select.as_ref().map_or(0, |s| s.range.start)),
            )
        } else {
            (Vec::new(), "default".to_owned())
        };
        let mut extend = file.map_or(Ok(Vec::new()), |f| file_list(&f.extend_select))?;
        extend.extend(args.extend_select.iter().cloned());
        let mut ignore = file.map_or(Ok(Vec::new()), |f| file_list(&f.ignore))?;
        ignore.extend(args.ignore.iter().cloned());
        config.rules = select_rules(&select, &extend, &ignore)?;
        // `select = []` in the file selects nothing (as in ruff): only `extend-select` runs.
        let none_selected = args.select.is_empty()
            && file.is_some_and(|f| f.select.as_ref().is_some_and(|s| s.value.is_empty()));
        if none_selected {
            config
                .rules
                .retain(|r| extend.iter().any(|s| matches(r, s.trim())));
        }
        config.show("select", list_text(&select, "[\"ALL\"]"), select_source);
        if !extend.is_empty() {
            config.show(
                "extend-select",
                list_text(&extend, "[]"),
                sources(file, "extend-select", !args.extend_select.is_empty()),
            );
        }
        config.show(
            "ignore",
            list_text(&ignore, "[]"),
            sources(file, "ignore", !args.ignore.is_empty()),
        );

        // `fail-on`: the flag, else the file, else warning.
        let (fail_on, source) = match (
            args.fail_on,
            file.and_then(|f| f.fail_on.as_ref().map(|v| (f, v))),
        ) {
            (Some(level), _) => (fail_level(level), "--fail-on".to_owned()),
            (None, Some((f, at))) => (
                parse_level(&at.value).ok_or_else(|| {
                    UsageError(format!(
                        "{}: `fail-on` is `{}`; it must be \"error\", \"warning\" or \"note\"",
                        f.place(at.range.start),
                        at.value
                    ))
                })?,
                f.place(at.range.start),
            ),
            (None, None) => (Level::Warning, "default".to_owned()),
        };
        config.fail_on = fail_on;
        config.show("fail-on", format!("\"{}\"", fail_on.as_str()), source);

        if let Some(f) = file {
            for (code, level) in &f.levels {
                let rule = crate::rules::find(&code.value).ok_or_else(|| {
                    UsageError(format!(
                        "{}: `levels` names `{}`, which is not a rule: run `appservice-preflight rules` for the list",
                        f.place(code.range.start),
                        code.value
                    ))
                })?;
                let parsed = parse_level(&level.value).ok_or_else(|| {
                    UsageError(format!(
                        "{}: the level of {} is `{}`; it must be \"error\", \"warning\" or \"note\"",
                        f.place(level.range.start),
                        rule.code,
                        level.value
                    ))
                })?;
                config.levels.push((rule.code, parsed));
                config.show(
                    "levels",
                    format!("{} = \"{}\"", rule.code, parsed.as_str()),
                    f.place(code.range.start),
                );
            }
            for (glob, codes) in &f.per_file_ignores {
                let matcher = PathGlob::new(&glob.value).map_err(|e| {
                    UsageError(format!(
                        "{}: `per-file-ignores` glob `{}` is not valid: {e}",
                        f.place(glob.range.start),
                        glob.value
                    ))
                })?;
                let mut rules = Vec::new();
                for code in codes {
                    check_selector(&code.value)
                        .map_err(|e| UsageError(format!("{}: {e}", f.place(code.range.start))))?;
                    rules.extend(
                        RULES
                            .iter()
                            .filter(|r| matches(r, &code.value))
                            .map(|r| r.code),
                    );
                }
                config.show(
                    "per-file-ignores",
                    format!(
                        "\"{}\" = {}",
                        glob.value,
                        list_text(
                            &codes.iter().map(|c| c.value.clone()).collect::<Vec<_>>(),
                            "[]"
                        )
                    ),
                    f.place(glob.range.start),
                );
                config.per_file_ignores.push(PerFileIgnore {
                    glob: matcher,
                    codes: rules,
                });
            }
            for glob in &f.exclude {
                let matcher = PathGlob::new(&glob.value).map_err(|e| {
                    UsageError(format!(
                        "{}: `exclude` glob `{}` is not valid: {e}",
                        f.place(glob.range.start),
                        glob.value
                    ))
                })?;
                config.show(
                    "exclude",
                    format!("\"{}\"", glob.value),
                    f.place(glob.range.start),
                );
                config.exclude.push(matcher);
            }
        }
        config.file = file_config;
        Ok(config)
    }

    /// The configuration of the app itself (for `check` and `plan`): flags, then the configuration file.
    pub fn from_app_args(root: PathBuf, args: &AppArgs) -> Result<Config, UsageError> {
        let mut config = Config::new(root);
        config.show(
            "app-root",
            format!("\"{}\"", config.root.display()),
            "PATH".to_owned(),
        );
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
        let file = config.read_file_config(args)?;
        if let Some(f) = &file {
            config.app.configured = configured(f)?;
        }
        config.file = file;
        config.show_app();
        Ok(config)
    }

    /// The configuration file: `--config`, else the one found from the app root up, unless `--isolated`.
    /// Read at most once a run (the path is remembered).
    fn read_file_config(&mut self, args: &AppArgs) -> Result<Option<FileConfig>, UsageError> {
        let found = if args.isolated {
            None
        } else if let Some(path) = &args.config {
            Some(file::load(path)?)
        } else {
            file::find(&self.root)?
        };
        let source = if args.isolated {
            "--isolated"
        } else if args.config.is_some() {
            "--config"
        } else {
            "searched from the app root up"
        };
        if self.config_file.is_none() {
            self.config_file = found.as_ref().map(|f| f.path.clone());
            let shown = self
                .config_file
                .as_ref()
                .map_or("none".to_owned(), |p| format!("\"{}\"", p.display()));
            self.shown.insert(
                0,
                Shown {
                    key: "config-file",
                    value: shown,
                    source: source.to_owned(),
                },
            );
        }
        Ok(found)
    }

    fn show(&mut self, key: &'static str, value: String, source: String) {
        self.shown.push(Shown { key, value, source });
    }

    /// The app's values for `--show-config`.
    fn show_app(&mut self) {
        let configured = &self.app.configured;
        // The file was read once, in `read_file_config`: its text gives the lines.
        let file = self.file.as_ref();
        let place = |range: &std::ops::Range<usize>| match file {
            Some(f) => f.place(range.start),
            None => configured.path.display().to_string(),
        };
        let mut lines = Vec::new();
        if let Some(command) = &self.app.startup_command {
            lines.push((
                "startup-command",
                format!("{command:?}"),
                "--startup-command".to_owned(),
            ));
        } else if let Some((command, range)) = &configured.startup_command {
            lines.push(("startup-command", format!("{command:?}"), place(range)));
        }
        if let Some(version) = self.app.python_version {
            lines.push((
                "python-version",
                format!("\"{version}\""),
                "--python-version".to_owned(),
            ));
        } else if let Some((version, range)) = &configured.python_version {
            lines.push(("python-version", format!("\"{version}\""), place(range)));
        }
        for (name, value) in &self.app.app_settings {
            lines.push((
                "app-settings",
                format!("{name} = {}", shown_value(name, value)),
                "--app-setting".to_owned(),
            ));
        }
        for (name, value, range) in &configured.app_settings {
            lines.push((
                "app-settings",
                format!("{name} = {}", shown_value(name, value)),
                place(range),
            ));
        }
        for file in &self.app.settings_files {
            lines.push((
                "app-settings-file",
                format!("\"{}\"", file.shown),
                "--app-settings-file".to_owned(),
            ));
        }
        for (key, value, source) in lines {
            self.show(key, value, source);
        }
    }

    /// Whether a finding of rule `code` in the file at `rel` is reported: not excluded, not ignored for that
    /// file, and in the files asked for.
    pub fn reports_in(&self, code: &str, rel: &str) -> bool {
        let excluded = self.exclude.iter().any(|g| g.is_match(rel));
        let ignored = self
            .per_file_ignores
            .iter()
            .any(|p| p.codes.contains(&code) && p.glob.is_match(rel));
        let asked = self.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                o.is_empty()
                    || rel == o
                    || rel
                        .strip_prefix(o.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
        });
        !excluded && !ignored && asked
    }

    /// Whether this run could report a finding of rule `code` in the file at `rel` (the rule runs and the
    /// file is reported on): a baseline entry outside that is not judged fixed.
    pub fn reports(&self, code: &str, rel: &str) -> bool {
        self.rules.iter().any(|r| r.code == code) && self.reports_in(code, rel)
    }

    /// `--show-config`: one `key = value` line each, with its source as a comment.
    pub fn show_text(&self) -> String {
        let width = self
            .shown
            .iter()
            .map(|s| s.key.len() + 3 + s.value.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for s in &self.shown {
            let line = format!("{} = {}", s.key, s.value);
            out.push_str(&format!("{line:width$}  # {}\n", s.source));
        }
        let rules: Vec<&str> = self.rules.iter().map(|r| r.code).collect();
        out.push_str(&format!(
            "# {} rules run: {}\n",
            rules.len(),
            rules.join(" ")
        ));
        out
    }
}

/// A value for display: masked when its name or shape says it is a secret.
fn shown_value(name: &str, value: &str) -> String {
    if crate::project::secrets::looks_secret(name)
        || crate::project::secrets::value_has_credentials(value)
    {
        crate::project::secrets::mask_value(value)
    } else {
        format!("{value:?}")
    }
}

/// Where a list that adds up came from: the file, the flag or both.
fn sources(file: Option<&FileConfig>, key: &str, flag: bool) -> String {
    let in_file = file.and_then(|f| {
        let list = match key {
            "ignore" => f.ignore.as_ref(),
            _ => f.extend_select.as_ref(),
        };
        list.map(|l| f.place(l.range.start))
    });
    match (in_file, flag) {
        (Some(place), true) => format!("{place} and --{key}"),
        (Some(place), false) => place,
        (None, true) => format!("--{key}"),
        (None, false) => "default".to_owned(),
    }
}

fn list_text(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        return empty.to_owned();
    }
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn fail_level(level: FailOn) -> Level {
    match level {
        FailOn::Error => Level::Error,
        FailOn::Warning => Level::Warning,
        FailOn::Note => Level::Note,
    }
}

fn parse_level(text: &str) -> Option<Level> {
    match text {
        "error" => Some(Level::Error),
        "warning" => Some(Level::Warning),
        "note" => Some(Level::Note),
        _ => None,
    }
}

/// The app values of the configuration file, validated.
fn configured(f: &FileConfig) -> Result<Configured, UsageError> {
    let mut out = Configured {
        path: f.path.clone(),
        ..Configured::default()
    };
    for (name, value) in &f.app_settings {
        out.app_settings
            .push((name.value.clone(), value.value.clone(), value.range.clone()));
    }
    out.startup_command = f
        .startup_command
        .as_ref()
        .filter(|c| !c.value.trim().is_empty())
        .map(|c| (c.value.clone(), c.range.clone()));
    if let Some(v) = &f.python_version {
        let version = parse_python_version(&v.value).ok_or_else(|| {
            UsageError(format!(
                "{}: `python-version` is `{}`, not a Python version such as \"3.12\"",
                f.place(v.range.start),
                v.value
            ))
        })?;
        out.python_version = Some((version, v.range.clone()));
    }
    Ok(out)
}

/// The app root, the files to report on (when files are named), the stdin file's relative path, and
/// warnings about the paths.
type Resolved = (PathBuf, Option<Vec<String>>, Option<String>, Vec<String>);

fn resolve_paths(args: &CheckArgs) -> Result<Resolved, UsageError> {
    let stdin = args.paths.len() == 1 && args.paths[0] == Path::new("-");
    if stdin || args.stdin_filename.is_some() {
        let (true, Some(name)) = (stdin, &args.stdin_filename) else {
            return Err(UsageError(
                "reading standard input needs both `-` as the path and --stdin-filename PATH"
                    .into(),
            ));
        };
        let root = args.app_root.clone().unwrap_or_else(|| PathBuf::from("."));
        let rel = relative_to(&root, name)?;
        let only = if args.all {
            None
        } else {
            Some(vec![rel.clone()])
        };
        return Ok((root, only, Some(rel), Vec::new()));
    }
    match args.paths.as_slice() {
        [] => Ok((
            args.app_root.clone().unwrap_or_else(|| PathBuf::from(".")),
            None,
            None,
            Vec::new(),
        )),
        [one] if args.app_root.is_none() && one.is_dir() => {
            Ok((one.clone(), None, None, Vec::new()))
        }
        paths => {
            let root = args.app_root.clone().unwrap_or_else(|| PathBuf::from("."));
            let mut only = Vec::new();
            let (mut skipped, mut notices) = (Vec::new(), Vec::new());
            for path in paths {
                if !path.exists() {
                    return Err(UsageError(format!(
                        "path `{}` does not exist",
                        path.display()
                    )));
                }
                // pre-commit passes every changed file of the repository; one outside the app (a
                // workflow at the repository's root when the app is in `web/`) holds no finding of it.
                match relative_to(&root, path) {
                    Ok(rel) => only.push(rel),
                    Err(_) => skipped.push(path.display().to_string()),
                }
            }
            if !skipped.is_empty() {
                notices.push(format!(
                    "not reported: {} {} outside the app root `{}`",
                    skipped.join(", "),
                    if skipped.len() == 1 { "is" } else { "are" },
                    root.display()
                ));
            }
            Ok((root, Some(only), None, notices))
        }
    }
}

/// `path` relative to the app root `root`, with forward slashes (empty for the root itself); a path
/// outside the root is a usage error.
fn relative_to(root: &Path, path: &Path) -> Result<String, UsageError> {
    let absolute = |p: &Path| -> Result<PathBuf, UsageError> {
        let joined = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| UsageError(format!("cannot read the current folder: {e}")))?
                .join(p)
        };
        // The file may not exist (a new, unsaved buffer): its folder does.
        Ok(match std::fs::canonicalize(&joined) {
            Ok(c) => c,
            Err(_) => match (joined.parent(), joined.file_name()) {
                (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                    .map(|d| d.join(name))
                    .unwrap_or(joined.clone()),
                _ => joined.clone(),
            },
        })
    };
    let root_abs = absolute(root)?;
    let file = absolute(path)?;
    let rel = file.strip_prefix(&root_abs).map_err(|_| {
        UsageError(format!(
            "`{}` is not inside the app root `{}`: give the app root with --app-root",
            path.display(),
            root.display()
        ))
    })?;
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/"))
}

/// Whether `selector` names at least one rule.
fn check_selector(selector: &str) -> Result<(), String> {
    if RULES.iter().any(|r| matches(r, selector)) {
        Ok(())
    } else {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let hint = crate::project::edit::closest(&selector.to_ascii_uppercase(), &codes)
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        Err(format!(
            "unknown rule selector `{selector}`{hint}: run `appservice-preflight rules` for the list"
        ))
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

fn select_rules(
    select: &[String],
    extend: &[String],
    ignore: &[String],
) -> Result<Vec<&'static Rule>, UsageError> {
    let clean = |list: &[String]| -> Result<Vec<String>, UsageError> {
        let mut out = Vec::new();
        for item in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            check_selector(item).map_err(UsageError)?;
            out.push(item.to_owned());
        }
        Ok(out)
    };
    let select = clean(select)?;
    let extend = clean(extend)?;
    let ignore = clean(ignore)?;
    Ok(RULES
        .iter()
        .filter(|r| {
            select.is_empty()
                || select.iter().any(|s| matches(r, s))
                || extend.iter().any(|s| matches(r, s))
        })
        .filter(|r| !ignore.iter().any(|s| matches(r, s)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        let all = select_rules(&[], &[], &[]).unwrap();
        assert_eq!(all.len(), RULES.len());
        let only = select_rules(
            &["AZ3".into()],
            &[],
            &["django-secret-key-hardcoded".into()],
        )
        .unwrap();
        assert!(
            only.iter()
                .all(|r| r.code.starts_with("AZ3") && r.code != "AZ303")
        );
        assert!(select_rules(&["AZ999".into()], &[], &[]).is_err());
    }
}
