//! AZ213 gunicorn-reload-or-log-file: the custom gunicorn command reloads on file changes or writes its
//! logs to files, settings for a server of one's own that App Service does not need.

use crate::diagnostic::Diagnostic;
use crate::platform::gunicorn::ContainerEffect;
use crate::rules::fixes::{self, GunicornEdit};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ213",
    name: "gunicorn-reload-or-log-file",
    category: Category::Advice,
    summary: "The gunicorn configuration reloads on file changes or writes its logs to files the log stream does not show",
    docs: include_str!("../../lints/AZ213.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = &ctx.gunicorn;
    // Only a custom gunicorn command reads the app's settings (the model has none for another start);
    // `daemon` and an absolute `chdir` are AZ208's.
    let Some(server) = model.command() else {
        return;
    };
    let Some(text) = model.texts.get(server.text) else {
        return;
    };
    for found in &model.container_settings {
        let setting = &found.setting;
        let name = setting.name;
        let shown = found.shown.as_str();
        let (message, label, edit) = match found.effect {
            ContainerEffect::Reload => (
                fixes::gunicorn_setting_said(ctx.project, &setting.origin, "reload = True", "--reload"),
                "a development setting: gunicorn watches the app's files and restarts its workers when one \
                 changes"
                    .to_owned(),
                GunicornEdit {
                    written: "reload = True".to_owned(),
                    file_line: None,
                    value: None,
                    reason: "App Service restarts the app on every deployment",
                },
            ),
            ContainerEffect::LogFile => {
                let option = if name == "accesslog" {
                    "--access-logfile"
                } else {
                    "--error-logfile"
                };
                let written = format!("{name} = \"{shown}\"");
                (
                    fixes::gunicorn_setting_said(
                        ctx.project,
                        &setting.origin,
                        &written,
                        &format!("{option} {shown}"),
                    ),
                    format!(
                        "gunicorn writes its {} log to this file instead of the console, and App Service's log \
                         stream shows only the console",
                        if name == "accesslog" { "access" } else { "error" }
                    ),
                    GunicornEdit {
                        written,
                        file_line: Some(format!("{name} = \"-\"")),
                        value: Some("-"),
                        reason: "`-` writes to the console, which the log stream shows",
                    },
                )
            }
            ContainerEffect::Daemon | ContainerEffect::AbsoluteChdir => continue,
        };
        let help =
            fixes::gunicorn_setting_help(ctx.project, model, &ctx.app_settings, found, &edit);
        let mut d = Diagnostic::new(&META, setting.span, message)
            .label(label)
            .help(help);
        d = fixes::with_gunicorn_config_reason(ctx.project, model, &setting.origin, d);
        if let Some(note) = fixes::assumed_startup_file_note(ctx.project, text) {
            d = d.note(note);
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    fn findings(files: &[(&str, &str)], command: &str) -> Vec<String> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |inputs| inputs.startup_command = Some(command.to_owned()),
            super::check,
        )
        .into_iter()
        .map(|d| d.message)
        .collect()
    }

    #[test]
    fn reload_and_log_files_but_not_the_console() {
        let files = [("app.py", "app = None\n")];
        assert_eq!(
            findings(
                &files,
                "gunicorn --reload --daemon --access-logfile - app:app"
            ),
            ["gunicorn is started with `--reload`"],
            "`--daemon` is AZ208's, `-` is the console"
        );
        let config = [
            ("app.py", "app = None\n"),
            (
                "gunicorn.conf.py",
                "accesslog = 'logs/access.log'\nerrorlog = '/dev/stderr'\n",
            ),
        ];
        assert_eq!(
            findings(&config, "gunicorn app:app"),
            ["gunicorn.conf.py sets `accesslog = \"logs/access.log\"`"]
        );
    }
}
