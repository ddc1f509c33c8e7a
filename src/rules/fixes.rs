//! The fix sentences and notes the rules share: the exact way to change the startup command, a line of a
//! startup file, an app setting or the Python version, said where the value is set now.
//!
//! The model gives the facts (where a value comes from, what an edited command or line would be); the
//! words are here, so the model knows nothing of how rules speak.

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::platform::app_settings::{AppSettings, Source};
use crate::platform::gunicorn::{
    ConfigFileUse, ContainerSetting, GunicornConfig, SettingOrigin, StartupText, TextOrigin,
    cli_option, removal_range,
};
use crate::platform::startup::{Startup, describe_source};
use crate::project::Project;

/// The `az` command that sets the site's startup command.
const AZ_SET_STARTUP: &str =
    "az webapp config set --resource-group <group> --name <app> --startup-file";

/// The `az` command that sets the site's app settings.
const AZ_SET_APP_SETTINGS: &str =
    "az webapp config appsettings set --resource-group <group> --name <app> --settings";

/// The `az` command that sets the site's Python stack.
const AZ_SET_LINUX_FX: &str =
    "az webapp config set --resource-group <group> --name <app> --linux-fx-version";

/// The exact way to give the app setting `name` the value `value` where `source` sets it: the `build.env`
/// or `.deployment` line, the `appsvc.yaml` key, the value to write in a template, or the `az` command for
/// a setting that lives in the site (flags, `--app-settings-file`).
pub fn set_app_setting(project: &Project, source: &Source, name: &str, value: &str) -> String {
    let Source::File(span) = source else {
        let pair = shell_word(&format!("{name}={value}"));
        return format!("set the app setting with `{AZ_SET_APP_SETTINGS} {pair}`");
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
        _ => format!("set {name} to `{value}` in {}", source.describe_at(project)),
    }
}

/// The exact way to set app setting `name` to `value`, given where it is set now: the file, or the `az`
/// command.
pub fn set_app_setting_help(project: &Project, name: &str, value: &str, source: &Source) -> String {
    match source {
        Source::File(span) => format!(
            "set the app setting {name} to `{value}` in {}",
            project.rel_path(span.file)
        ),
        Source::Flag(_) => {
            let pair = format!("{name}={value}");
            let quoted = shlex::try_quote(&pair).map_or_else(|_| pair.clone(), |q| q.into_owned());
            format!("set the app setting: `{AZ_SET_APP_SETTINGS} {quoted}`")
        }
    }
}

/// The exact way to make `command` the startup command where `source` sets it: the `az` command for the
/// site's setting, or the value to write in the template or workflow.
pub fn set_startup_command(project: &Project, source: &Source, command: &str) -> String {
    match source {
        Source::File(_) => format!(
            "set the startup command to `{command}` in {}",
            source.describe_at(project)
        ),
        Source::Flag(_) => format!(
            "set the startup command: `{AZ_SET_STARTUP} {}`",
            shell_word(command)
        ),
    }
}

/// The exact way to run Python `version` (such as `3.12`) where `source` sets the version: the `az`
/// command for the site, `runtime.txt`'s line, or the value to write in the template (in the form
/// written there: `PYTHON|3.12` stays a `STACK|version`).
pub fn set_python_version(project: &Project, source: &Source, version: &str) -> String {
    let Source::File(span) = source else {
        return format!("set the site's Python: `{AZ_SET_LINUX_FX} \"PYTHON|{version}\"`");
    };
    let path = project.rel_path(span.file);
    if path == "runtime.txt" {
        // The site's version overrides runtime.txt on App Service (docs/platform.md, "Python version of the build"): set both.
        return format!(
            "write `python-{version}` in runtime.txt and set the site's Python to match: `{AZ_SET_LINUX_FX} \"PYTHON|{version}\"`"
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
    format!("write `{new}` in {}", source.describe_at(project))
}

/// The `az` command that sets the startup command.
pub fn az_set_startup(command: &str) -> String {
    let quoted = if command.contains(['"', '$', '`', '\\']) {
        shlex::try_quote(command).map_or_else(|_| command.to_owned(), |q| q.into_owned())
    } else {
        format!("\"{command}\"")
    };
    format!("{AZ_SET_STARTUP} {quoted}")
}

/// "set the startup command to `CMD`: `az webapp config set ...`".
pub fn set_startup_help(command: &str) -> String {
    format!(
        "set the startup command to `{command}`: `{}`",
        az_set_startup(command)
    )
}

/// The fix of a custom start as words: the command or the line of its startup file holding `at` (a range
/// of the run text) with `edits` applied, said as "set the startup command to `...`" or "change line N of
/// `startup.sh` to `...`".
pub fn edit_startup(
    project: &Project,
    startup: &Startup,
    at: TextRange,
    edits: &[(TextRange, String)],
) -> Option<String> {
    let (line, fixed) = startup.edited_line(at, edits)?;
    Some(match startup.run().and_then(|run| run.file) {
        Some(file) => format!(
            "change line {line} of `{}` to `{fixed}`",
            project.rel_path(file)
        ),
        None => replace_startup_command(project, startup, &fixed),
    })
}

/// How to replace the configured startup command with `fixed`: in the file that sets it, or with `az`.
pub fn replace_startup_command(project: &Project, startup: &Startup, fixed: &str) -> String {
    match startup.command.as_ref().map(|c| &c.source) {
        Some(source @ Source::File(_)) => format!(
            "change the startup command in {} to `{fixed}`",
            describe_source(project, source)
        ),
        _ => set_startup_help(fixed),
    }
}

/// "the startup command is set by `--startup-command`", for a command that has no place in the app to
/// point at.
pub fn startup_flag_note(startup: &Startup) -> Option<String> {
    match startup.command.as_ref().map(|c| &c.source) {
        Some(Source::Flag(flag)) if startup.run().is_none_or(|r| r.file.is_none()) => {
            Some(format!("the startup command is set by `{flag}`"))
        }
        _ => None,
    }
}

/// The note that says a startup file was assumed, when it was.
pub fn assumed_startup_file_note(project: &Project, text: &StartupText) -> Option<String> {
    match text.origin {
        TextOrigin::Script {
            file,
            configured: false,
        } => Some(format!(
            "no startup command was given, so `{}` at the app root is assumed to be the startup file",
            project.rel_path(file)
        )),
        _ => None,
    }
}

/// The exact way to apply `edits` to a startup text (made on the line holding the first edit): the line
/// to write in a startup file, or the startup command to set.
pub fn edit_startup_text(
    project: &Project,
    text: &StartupText,
    edits: &[(TextRange, String)],
) -> String {
    let Some(first) = edits.first() else {
        return String::new();
    };
    let (line, line_range) = text.line_at(first.0.start());
    match &text.origin {
        TextOrigin::Script { file, .. } => format!(
            "change line {line} of {} to `{}`",
            project.rel_path(*file),
            text.edited(line_range, edits).trim()
        ),
        TextOrigin::Command(source) => {
            let whole = text.edited(TextRange::up_to(TextSize::of(text.text.as_str())), edits);
            let whole = whole.trim();
            match source {
                Source::Flag(_) => {
                    let quoted = shlex::try_quote(whole)
                        .map_or_else(|_| whole.to_owned(), |q| q.into_owned());
                    format!("set the startup command to `{whole}`: `{AZ_SET_STARTUP} {quoted}`")
                }
                Source::File(span) => format!(
                    "change the startup command in {} to `{whole}`",
                    project.rel_path(span.file)
                ),
            }
        }
    }
}

/// How gunicorn is given a setting, for a message: "gunicorn.conf.py sets `reload = True`" (`in_file`),
/// "gunicorn is started with `--reload`" or "the app setting GUNICORN_CMD_ARGS gives gunicorn `--reload`"
/// (`in_command`).
pub fn gunicorn_setting_said(
    project: &Project,
    origin: &SettingOrigin,
    in_file: &str,
    in_command: &str,
) -> String {
    match origin {
        SettingOrigin::ConfigFile(file) => format!("{} sets `{in_file}`", project.rel_path(*file)),
        SettingOrigin::EnvArgs(_) => {
            format!("the app setting GUNICORN_CMD_ARGS gives gunicorn `{in_command}`")
        }
        SettingOrigin::Command | SettingOrigin::Platform => {
            format!("gunicorn is started with `{in_command}`")
        }
    }
}

/// The change a gunicorn setting needs, for [`gunicorn_setting_help`].
pub struct GunicornEdit<'a> {
    /// The setting as the config file writes it (`reload = True`).
    pub written: String,
    /// The config-file line to write instead; `None` removes the line.
    pub file_line: Option<String>,
    /// The value to give the option on the command line instead; `None` removes the option.
    pub value: Option<&'a str>,
    /// Why, for the config-file and app-setting fixes.
    pub reason: &'a str,
}

/// The exact fix of a setting of the custom gunicorn command where it is given: the line to write in (or
/// remove from) the config file, the startup command or line with the option changed, or the
/// `GUNICORN_CMD_ARGS` value to set.
pub fn gunicorn_setting_help(
    project: &Project,
    gunicorn: &GunicornConfig,
    app_settings: &AppSettings,
    found: &ContainerSetting,
    edit: &GunicornEdit,
) -> String {
    let setting = &found.setting;
    let option = cli_option(setting.name).unwrap_or(setting.name);
    match &setting.origin {
        SettingOrigin::ConfigFile(file) => {
            let path = project.rel_path(*file);
            let (written, reason) = (&edit.written, edit.reason);
            match &edit.file_line {
                Some(line) => format!("write `{line}` in {path} instead of `{written}`: {reason}"),
                None => format!("remove `{written}` from {path}: {reason}"),
            }
        }
        SettingOrigin::Command => {
            let Some((server, text)) = gunicorn
                .command()
                .and_then(|server| Some((server, gunicorn.texts.get(server.text)?)))
            else {
                return format!("remove `{option}` from the startup command");
            };
            let Some(given) = server.command.options.iter().find(|o| {
                o.name == option || (setting.name == "errorlog" && o.name == "--log-file")
            }) else {
                return format!("remove `{option}` from the startup command");
            };
            let change = match (edit.value, &given.value) {
                (Some(new), Some(value)) => (value.range, new.to_owned()),
                (_, Some(value)) => (
                    removal_range(&text.text, given.word.range.cover(value.range)),
                    String::new(),
                ),
                (_, None) => (removal_range(&text.text, given.word.range), String::new()),
            };
            edit_startup_text(project, text, &[change])
        }
        SettingOrigin::EnvArgs(source) => {
            let current = app_settings
                .get("GUNICORN_CMD_ARGS")
                .map(|s| s.value.clone())
                .unwrap_or_default();
            let fixed = match edit.value {
                Some(new) => current.replacen(&found.shown, new, 1),
                None => current
                    .split_whitespace()
                    .filter(|w| !w.starts_with(option) && *w != found.shown && *w != "-D")
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            set_app_setting_help(project, "GUNICORN_CMD_ARGS", &fixed, source)
        }
        SettingOrigin::Platform => String::new(),
    }
}

/// A finding about a setting in the config file, with why gunicorn reads that file: a label on the
/// startup command that makes it, else a note.
pub fn with_gunicorn_config_reason(
    project: &Project,
    gunicorn: &GunicornConfig,
    origin: &SettingOrigin,
    d: Diagnostic,
) -> Diagnostic {
    let SettingOrigin::ConfigFile(file) = origin else {
        return d;
    };
    let path = project.rel_path(*file);
    let why = match gunicorn.config_file.map(|c| c.usage) {
        Some(ConfigFileUse::Named(_)) => {
            format!("gunicorn loads {path} because the startup command names it with `-c`")
        }
        _ => format!(
            "gunicorn loads {path} from the folder it starts in because the startup command gives no `-c`"
        ),
    };
    let command = gunicorn.command().and_then(|server| {
        gunicorn
            .texts
            .get(server.text)?
            .span(server.command.range())
    });
    match command {
        Some(span) => d.secondary(span, why),
        None => d.note(why),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::gunicorn::GunicornConfig;
    use crate::platform::startup::StartupCommand;
    use crate::project::{PythonVersion, Span};

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn with_command(project: &Project, command: &str) -> Startup {
        let command = StartupCommand {
            command: command.to_owned(),
            source: Source::flag("--startup-command"),
        };
        Startup::detect(project, Some(command), PythonVersion::PY312)
    }

    #[test]
    fn az_lines_quote_the_command() {
        assert_eq!(
            az_set_startup("gunicorn app:app"),
            "az webapp config set --resource-group <group> --name <app> --startup-file \"gunicorn app:app\""
        );
        assert_eq!(
            az_set_startup("gunicorn \"app:create_app()\""),
            "az webapp config set --resource-group <group> --name <app> --startup-file 'gunicorn \"app:create_app()\"'"
        );
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
            set_python_version(&p, &bicep, "3.12"),
            "write `PYTHON|3.12` in main.bicep:1"
        );
        let runtime = Source::File(Span::file_start(p.file("runtime.txt").unwrap()));
        assert_eq!(
            set_python_version(&p, &runtime, "3.12"),
            "write `python-3.12` in runtime.txt and set the site's Python to match: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|3.12\"`"
        );
        assert!(
            set_python_version(&p, &Source::flag("--python-version"), "3.12")
                .contains("--linux-fx-version \"PYTHON|3.12\"")
        );
    }

    #[test]
    fn fixes_are_said_where_the_value_is_set() {
        let (_d, p) = project(&[("infra/main.bicep", "x\ny\n"), ("build.env", "")]);
        let bicep = p.file("infra/main.bicep").unwrap();
        let at_y = Source::File(Span::new(
            bicep,
            TextRange::at(TextSize::new(2), TextSize::new(1)),
        ));
        assert_eq!(
            set_app_setting(&p, &at_y, "X", "y"),
            "set X to `y` in infra/main.bicep:2"
        );
        assert_eq!(
            set_startup_command(&p, &at_y, "gunicorn app:app"),
            "set the startup command to `gunicorn app:app` in infra/main.bicep:2"
        );
        assert_eq!(
            set_startup_command(&p, &Source::flag("--startup-command"), "gunicorn app:app"),
            "set the startup command: `az webapp config set --resource-group <group> --name <app> --startup-file 'gunicorn app:app'`"
        );
        assert_eq!(
            set_python_version(&p, &at_y, "3.12"),
            "write `3.12` in infra/main.bicep:2"
        );
        let env = Source::File(Span::file_start(p.file("build.env").unwrap()));
        assert_eq!(
            set_app_setting(&p, &env, "X", "a b"),
            "write `X=a b` in build.env"
        );
        assert_eq!(
            set_app_setting(&p, &Source::flag("--app-setting"), "X", "a b"),
            "set the app setting with `az webapp config appsettings set --resource-group <group> --name <app> --settings 'X=a b'`"
        );
    }

    #[test]
    fn a_startup_file_fix_is_its_line() {
        let (_d, project) = project(&[
            ("src/app.py", "app = None\n"),
            (
                "startup.sh",
                "#!/bin/sh\npip install -r requirements.txt\ncd src\ngunicorn --bind=127.0.0.1:5000 app:app\n",
            ),
        ]);
        let startup = with_command(&project, "startup.sh");
        let model = GunicornConfig::detect(&project, &startup);
        let server = model.command().unwrap();
        let fix = edit_startup_text(
            &project,
            &model.texts[1],
            &[(
                server.command.value("--bind").unwrap().range,
                "0.0.0.0:8000".into(),
            )],
        );
        assert_eq!(
            fix,
            "change line 4 of startup.sh to `gunicorn --bind=0.0.0.0:8000 app:app`"
        );
    }

    #[test]
    fn a_flag_command_fix_is_the_whole_command() {
        let (_d, project) = project(&[("app.py", "")]);
        let model = GunicornConfig::detect(
            &project,
            &with_command(&project, "uvicorn main:app --port 8000"),
        );
        let end = model.servers[0].command.range().end();
        let help = edit_startup_text(
            &project,
            &model.texts[0],
            &[(TextRange::empty(end), " --host 0.0.0.0".into())],
        );
        assert!(
            help.starts_with(
                "set the startup command to `uvicorn main:app --port 8000 --host 0.0.0.0`"
            ),
            "{help}"
        );
    }
}
