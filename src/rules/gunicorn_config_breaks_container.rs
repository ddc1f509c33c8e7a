//! AZ208 gunicorn-config-breaks-container: the custom gunicorn command daemonizes or changes to an
//! absolute folder. The reading of gunicorn's settings for both this rule and AZ213 (`reload`, log files)
//! is [`report`], so the two codes judge one set of settings once.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::RuleMeta as Meta;
use crate::platform::build::{PlatformDir, platform_dir, relative_replacement};
use crate::platform::eval::Value;
use crate::platform::gunicorn::{ConfigFileUse, GunicornSetting, GunicornSettings, SettingOrigin};
use crate::platform::startup::{Server, StartupText, removal_range};
use crate::project::Project;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ208",
    name: "gunicorn-config-breaks-container",
    category: Category::Blocker,
    summary: "The gunicorn configuration daemonizes or changes to an absolute folder",
    docs: include_str!("../../lints/AZ208.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    report(ctx, out, &META, &[Finding::Daemon, Finding::Chdir]);
}

/// Report the settings of the custom gunicorn command that are one of `kinds`, as findings of `meta`.
pub(crate) fn report(
    ctx: &Context,
    out: &mut Vec<Diagnostic>,
    meta: &'static Meta,
    kinds: &[Finding],
) {
    // Only a custom gunicorn command reads the app's settings; an auto-detected start passes the
    // platform's `-c`, so the repository's gunicorn.conf.py is ignored
    // (docs/platform.md, "Gunicorn configuration file").
    let (Some(text), Some(server)) = (ctx.startup.run(), ctx.startup.gunicorn_server()) else {
        return;
    };
    let Some(model) = &server.gunicorn else {
        return;
    };
    let findings = [
        ("daemon", Finding::Daemon),
        ("chdir", Finding::Chdir),
        ("reload", Finding::Reload),
        ("accesslog", Finding::LogFile),
        ("errorlog", Finding::LogFile),
    ];
    for (name, finding) in findings {
        if !kinds.contains(&finding) {
            continue;
        }
        let settings = model.get(name);
        // A value that is bad only on some branch of the config file is not reported.
        let Some(bad) = settings
            .iter()
            .map(|s| finding.verdict(&s.value).map(|v| (*s, v)))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        for (setting, shown) in bad {
            // A path into /home/site/wwwroot in the startup command is reported by AZ206.
            if matches!(finding, Finding::Chdir)
                && matches!(setting.origin, SettingOrigin::Command)
                && matches!(platform_dir(&shown), Some((PlatformDir::Wwwroot, _)))
            {
                continue;
            }
            let mut d = diagnostic(
                ctx,
                meta,
                (server, model, text),
                (name, finding),
                setting,
                &shown,
            );
            if let Some(note) = fixes::assumed_startup_file_note(ctx.project, &ctx.startup) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
}

/// A gunicorn setting that does not belong in App Service's container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finding {
    Daemon,
    Chdir,
    Reload,
    LogFile,
}

impl Finding {
    /// The value as shown in the message when it is bad, else `None`.
    fn verdict(self, value: &Value) -> Option<String> {
        match self {
            Finding::Daemon | Finding::Reload => {
                truthy(value).filter(|t| *t).map(|_| "True".into())
            }
            Finding::Chdir => value
                .as_str()
                .filter(|p| p.starts_with('/'))
                // A path into /home/site/wwwroot on the command line is AZ206's.
                .map(str::to_owned),
            Finding::LogFile => value
                .as_str()
                .filter(|p| !matches!(p.trim(), "-" | "" | "/dev/stdout" | "/dev/stderr"))
                .map(str::to_owned),
        }
    }
}

/// Gunicorn's booleans: `True`/`False`, or the strings `true`/`false` (gunicorn `validate_bool`).
fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => match s.value.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn diagnostic(
    ctx: &Context,
    meta: &'static Meta,
    (server, model, text): (&Server, &GunicornSettings, &StartupText),
    (name, finding): (&'static str, Finding),
    setting: &GunicornSetting,
    shown: &str,
) -> Diagnostic {
    let project = ctx.project;
    let option = option_of(name);
    let (message, label) = match finding {
        Finding::Daemon => (
            match &setting.origin {
                SettingOrigin::ConfigFile(file) => {
                    format!("{} sets `daemon = True`", project.rel_path(*file))
                }
                _ => format!("{} `{option}`", started_with(&setting.origin)),
            },
            "gunicorn moves to the background and the process the startup script waits for exits, so the \
             container stops and App Service restarts it"
                .to_owned(),
        ),
        Finding::Chdir => (
            match &setting.origin {
                SettingOrigin::ConfigFile(file) => {
                    format!("{} sets `chdir = \"{shown}\"`, an absolute path", project.rel_path(*file))
                }
                _ => format!(
                    "{} `{option} {shown}`, an absolute path",
                    started_with(&setting.origin)
                ),
            },
            match platform_dir(shown) {
                Some((PlatformDir::Wwwroot, _)) => {
                    "with the build on, the app runs from an extracted copy in /tmp/<id> and /home/site/wwwroot \
                     holds only the compressed output, so the app's modules are not found"
                        .to_owned()
                }
                _ => "the app is not in this folder on App Service (it runs from /tmp/<id>, or \
                      /home/site/wwwroot without a build); gunicorn stops with `can't chdir` if the \
                      folder does not exist"
                    .to_owned(),
            },
        ),
        Finding::Reload => (
            match &setting.origin {
                SettingOrigin::ConfigFile(file) => {
                    format!("{} sets `reload = True`", project.rel_path(*file))
                }
                _ => format!("{} `{option}`", started_with(&setting.origin)),
            },
            "a development setting: gunicorn watches the app's files and restarts its workers when one \
             changes"
                .to_owned(),
        ),
        Finding::LogFile => (
            match &setting.origin {
                SettingOrigin::ConfigFile(file) => {
                    format!("{} sets `{name} = \"{shown}\"`", project.rel_path(*file))
                }
                _ => format!("{} `{option} {shown}`", started_with(&setting.origin)),
            },
            format!(
                "gunicorn writes its {} log to this file instead of the console, and App Service's log \
                 stream shows only the console",
                if name == "accesslog" { "access" } else { "error" }
            ),
        ),
    };
    let help = help(ctx, server, text, name, finding, setting, shown);
    let mut d = Diagnostic::new(meta, setting.span, message)
        .label(label)
        .help(help);
    if let SettingOrigin::ConfigFile(file) = &setting.origin {
        let why = match model.config_file.map(|c| c.usage) {
            Some(ConfigFileUse::Named(_)) => format!(
                "gunicorn loads {} because the startup command names it with `-c`",
                project.rel_path(*file)
            ),
            Some(ConfigFileUse::NamedInEnvArgs(_)) => format!(
                "gunicorn loads {} because the app setting GUNICORN_CMD_ARGS names it with `-c`",
                project.rel_path(*file)
            ),
            _ => format!(
                "gunicorn loads {} from the folder it starts in because the startup command gives no `-c`",
                project.rel_path(*file)
            ),
        };
        match text.span(server.command.range()) {
            Some(span) => d = d.secondary(span, why),
            None => d = d.note(why),
        }
    }
    d
}

/// How a command-line origin gives gunicorn an option.
fn started_with(origin: &SettingOrigin) -> &'static str {
    match origin {
        SettingOrigin::EnvArgs(_) => "the app setting GUNICORN_CMD_ARGS gives gunicorn",
        _ => "gunicorn is started with",
    }
}

/// The command-line option of a setting.
fn option_of(name: &str) -> &'static str {
    match name {
        "daemon" => "--daemon",
        "chdir" => "--chdir",
        "reload" => "--reload",
        "accesslog" => "--access-logfile",
        _ => "--error-logfile",
    }
}

/// The line to write in the config file for a setting.
fn file_line(name: &str, finding: Finding, shown: &str) -> Option<String> {
    match finding {
        Finding::Daemon | Finding::Reload => None,
        Finding::Chdir => match platform_dir(shown) {
            Some((PlatformDir::Wwwroot, Some(rel))) if !rel.trim_matches('/').is_empty() => {
                Some(format!("chdir = \"{}\"", relative_replacement(rel)))
            }
            _ => None,
        },
        Finding::LogFile => Some(format!("{name} = \"-\"")),
    }
}

fn help(
    ctx: &Context,
    server: &Server,
    text: &StartupText,
    name: &str,
    finding: Finding,
    setting: &GunicornSetting,
    shown: &str,
) -> String {
    let project: &Project = ctx.project;
    let reason = match finding {
        Finding::Daemon => "App Service needs gunicorn to stay in the foreground",
        Finding::Chdir => "gunicorn already starts in the app's folder",
        Finding::Reload => "App Service restarts the app on every deployment",
        Finding::LogFile => "`-` writes to the console, which the log stream shows",
    };
    match &setting.origin {
        SettingOrigin::ConfigFile(file) => {
            let path = project.rel_path(*file);
            let written = match finding {
                Finding::Daemon => "daemon = True".to_owned(),
                Finding::Reload => "reload = True".to_owned(),
                Finding::Chdir => format!("chdir = \"{shown}\""),
                Finding::LogFile => format!("{name} = \"{shown}\""),
            };
            match file_line(name, finding, shown) {
                Some(line) => format!("write `{line}` in {path} instead of `{written}`: {reason}"),
                None => format!("remove `{written}` from {path}: {reason}"),
            }
        }
        SettingOrigin::Command => {
            let Some(option) = server.command.options.iter().find(|o| {
                o.name == option_of(name) || (name == "errorlog" && o.name == "--log-file")
            }) else {
                return format!("remove `{}` from the startup command", option_of(name));
            };
            let edit = match (finding, &option.value) {
                (Finding::LogFile, Some(value)) => (value.range, "-".to_owned()),
                (_, Some(value)) => (
                    removal_range(&text.text, option.word.range.cover(value.range)),
                    String::new(),
                ),
                (_, None) => (removal_range(&text.text, option.word.range), String::new()),
            };
            fixes::edit_startup(project, text, &[edit.into()])
        }
        SettingOrigin::EnvArgs(source) => {
            let current = ctx
                .app_settings
                .get("GUNICORN_CMD_ARGS")
                .map(|s| s.value.clone())
                .unwrap_or_default();
            let option = option_of(name);
            let fixed = match finding {
                Finding::LogFile => current.replacen(shown, "-", 1),
                _ => current
                    .split_whitespace()
                    .filter(|w| !w.starts_with(option) && *w != shown && *w != "-D")
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            fixes::set_app_setting_help(project, "GUNICORN_CMD_ARGS", &fixed, source)
        }
        SettingOrigin::Platform => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::eval::StrLit;

    fn text(s: &str) -> Value {
        Value::Str(StrLit {
            value: s.to_owned(),
            span: None,
        })
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            Finding::Daemon.verdict(&Value::Bool(true)).as_deref(),
            Some("True")
        );
        assert_eq!(
            Finding::Daemon.verdict(&text("TRUE")).as_deref(),
            Some("True")
        );
        assert!(Finding::Daemon.verdict(&Value::Bool(false)).is_none());
        assert!(Finding::Reload.verdict(&Value::Unknown).is_none());
        assert_eq!(
            Finding::Chdir.verdict(&text("/app")).as_deref(),
            Some("/app")
        );
        assert!(Finding::Chdir.verdict(&text("src")).is_none());
        assert!(Finding::LogFile.verdict(&text("-")).is_none());
        assert!(Finding::LogFile.verdict(&text("/dev/stdout")).is_none());
        assert!(Finding::LogFile.verdict(&text("gunicorn.log")).is_some());
    }

    fn findings(
        files: &[(&str, &str)],
        command: Option<&str>,
        settings: &[(&str, &str)],
    ) -> Vec<(&'static str, String)> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        let mut out = Vec::new();
        for check in [
            super::check,
            crate::rules::gunicorn_reload_or_log_file::check,
        ] {
            out.extend(crate::rules::run_check(
                &files,
                |inputs| {
                    inputs.startup_command = command.map(str::to_owned);
                    inputs.app_settings = settings
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect();
                },
                check,
            ));
        }
        out.into_iter().map(|d| (d.rule.code, d.message)).collect()
    }

    #[test]
    fn only_settings_gunicorn_uses_are_reported() {
        let files = [
            ("app.py", "app = None\n"),
            ("gunicorn.conf.py", "daemon = True\n"),
        ];
        assert_eq!(
            findings(&files, Some("gunicorn app:app"), &[]),
            [("AZ208", "gunicorn.conf.py sets `daemon = True`".to_owned())]
        );
        // Auto-detected start: the platform passes its own `-c`.
        assert!(findings(&files, None, &[]).is_empty());
        // A uvicorn command does not read gunicorn.conf.py.
        assert!(findings(&files, Some("uvicorn app:app --host 0.0.0.0"), &[]).is_empty());
    }

    #[test]
    fn an_option_on_a_continued_line_is_removed_from_the_one_line() {
        let files = [
            ("app.py", "app = None\n"),
            (
                "startup.sh",
                "gunicorn app:app \\\n    --daemon \\\n    --bind=0.0.0.0:8000\n",
            ),
        ];
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        let d = crate::rules::run_check(&files, |_| {}, super::check);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].help.as_deref(),
            Some("change lines 1-3 of startup.sh to `gunicorn app:app --bind=0.0.0.0:8000`")
        );
    }

    #[test]
    fn command_options_and_branches() {
        let files = [("app.py", "app = None\n")];
        assert_eq!(
            findings(
                &files,
                Some("gunicorn --reload --chdir /srv/app app:app"),
                &[]
            ),
            [
                (
                    "AZ208",
                    "gunicorn is started with `--chdir /srv/app`, an absolute path".to_owned()
                ),
                ("AZ213", "gunicorn is started with `--reload`".to_owned()),
            ]
        );
        // AZ206 reports a --chdir into /home/site/wwwroot.
        assert!(
            findings(
                &files,
                Some("gunicorn --chdir /home/site/wwwroot app:app"),
                &[]
            )
            .is_empty()
        );
        let branches = [
            ("app.py", "app = None\n"),
            (
                "gunicorn.conf.py",
                "import os\nif os.environ.get('DEV'):\n    reload = True\n",
            ),
        ];
        assert!(findings(&branches, Some("gunicorn app:app"), &[]).is_empty());
    }
}
