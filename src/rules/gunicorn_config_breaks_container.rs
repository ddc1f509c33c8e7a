//! AZ208 gunicorn-config-breaks-container: the custom gunicorn command daemonizes or changes to an
//! absolute folder, so the app does not start.

use crate::diagnostic::Diagnostic;
use crate::platform::build::{PlatformDir, platform_dir, relative_replacement};
use crate::platform::gunicorn::{ContainerEffect, ContainerSetting, SettingOrigin};
use crate::rules::fixes::{self, GunicornEdit};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ208",
    name: "gunicorn-config-breaks-container",
    category: Category::Blocker,
    summary: "The gunicorn configuration daemonizes or changes to an absolute folder",
    docs: include_str!("../../lints/AZ208.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = &ctx.gunicorn;
    // Only a custom gunicorn command reads the app's settings; an auto-detected start ignores the
    // repository's gunicorn.conf.py (docs/platform.md, "Gunicorn configuration file"). `reload` and log
    // files are AZ213's.
    let Some(server) = model.command() else {
        return;
    };
    let Some(text) = model.texts.get(server.text) else {
        return;
    };
    for found in &model.container_settings {
        let setting = &found.setting;
        let shown = found.shown.as_str();
        let (message, label, edit) = match found.effect {
            ContainerEffect::Daemon => (
                fixes::gunicorn_setting_said(
                    ctx.project,
                    &setting.origin,
                    "daemon = True",
                    "--daemon",
                ),
                "gunicorn moves to the background and the process the startup script waits for exits, so the \
                 container stops and App Service restarts it",
                GunicornEdit {
                    written: "daemon = True".to_owned(),
                    file_line: None,
                    value: None,
                    reason: "App Service needs gunicorn to stay in the foreground",
                },
            ),
            ContainerEffect::AbsoluteChdir => {
                // A path into /home/site/wwwroot in the startup command is reported by AZ206.
                if matches!(setting.origin, SettingOrigin::Command)
                    && matches!(platform_dir(shown), Some((PlatformDir::Wwwroot, _)))
                {
                    continue;
                }
                let written = format!("chdir = \"{shown}\"");
                let said = fixes::gunicorn_setting_said(
                    ctx.project,
                    &setting.origin,
                    &written,
                    &format!("--chdir {shown}"),
                );
                let (label, file_line) = match platform_dir(shown) {
                    Some((PlatformDir::Wwwroot, rel)) => (
                        "with the build on, the app runs from an extracted copy in /tmp/<id> and \
                         /home/site/wwwroot holds only the compressed output, so the app's modules are not found",
                        rel.filter(|r| !r.trim_matches('/').is_empty())
                            .map(|r| format!("chdir = \"{}\"", relative_replacement(r))),
                    ),
                    _ => (
                        "the app is not in this folder on App Service (it runs from /tmp/<id>, or \
                         /home/site/wwwroot without a build); gunicorn stops with `can't chdir` if the \
                         folder does not exist",
                        None,
                    ),
                };
                (
                    format!("{said}, an absolute path"),
                    label,
                    GunicornEdit {
                        written,
                        file_line,
                        value: None,
                        reason: "gunicorn already starts in the app's folder",
                    },
                )
            }
            ContainerEffect::Reload | ContainerEffect::LogFile => continue,
        };
        out.push(diagnostic(ctx, text, found, message, label, &edit));
    }
}

fn diagnostic(
    ctx: &Context,
    text: &crate::platform::gunicorn::StartupText,
    found: &ContainerSetting,
    message: String,
    label: &str,
    edit: &GunicornEdit,
) -> Diagnostic {
    let help =
        fixes::gunicorn_setting_help(ctx.project, &ctx.gunicorn, &ctx.app_settings, found, edit);
    let mut d = Diagnostic::new(&META, found.setting.span, message)
        .label(label)
        .help(help);
    d = fixes::with_gunicorn_config_reason(ctx.project, &ctx.gunicorn, &found.setting.origin, d);
    if let Some(note) = fixes::assumed_startup_file_note(ctx.project, text) {
        d = d.note(note);
    }
    d
}

#[cfg(test)]
mod tests {
    fn findings(
        files: &[(&str, &str)],
        command: Option<&str>,
        settings: &[(&str, &str)],
    ) -> Vec<String> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |inputs| {
                inputs.startup_command = command.map(str::to_owned);
                inputs.app_settings = settings
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect();
            },
            super::check,
        )
        .into_iter()
        .map(|d| d.message)
        .collect()
    }

    #[test]
    fn only_settings_gunicorn_uses_are_reported() {
        let files = [
            ("app.py", "app = None\n"),
            ("gunicorn.conf.py", "daemon = True\n"),
        ];
        assert_eq!(
            findings(&files, Some("gunicorn app:app"), &[]),
            ["gunicorn.conf.py sets `daemon = True`"]
        );
        // Auto-detected start: the platform passes its own `-c`.
        assert!(findings(&files, None, &[]).is_empty());
        // A uvicorn command does not read gunicorn.conf.py.
        assert!(findings(&files, Some("uvicorn app:app --host 0.0.0.0"), &[]).is_empty());
    }

    #[test]
    fn command_options_and_branches() {
        let files = [("app.py", "app = None\n")];
        // `--reload` is AZ213's.
        assert_eq!(
            findings(
                &files,
                Some("gunicorn --reload --chdir /srv/app app:app"),
                &[]
            ),
            ["gunicorn is started with `--chdir /srv/app`, an absolute path"]
        );
        assert_eq!(
            findings(
                &files,
                Some("gunicorn app:app"),
                &[("GUNICORN_CMD_ARGS", "--daemon --timeout 60")]
            ),
            ["the app setting GUNICORN_CMD_ARGS gives gunicorn `--daemon`"]
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
                "import os\nif os.environ.get('DEV'):\n    daemon = True\n",
            ),
        ];
        assert!(findings(&branches, Some("gunicorn app:app"), &[]).is_empty());
    }
}
