//! AZ213 gunicorn-reload-or-log-file: the custom gunicorn command reloads on file changes or writes its
//! logs to files, settings for a server of one's own that App Service does not need.

use crate::diagnostic::Diagnostic;
use crate::rules::gunicorn_config_breaks_container::{self, Finding};
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
    // The same reading of gunicorn's settings as AZ208's, for the two settings that only mislead.
    gunicorn_config_breaks_container::report(ctx, out, &META, &[Finding::Reload, Finding::LogFile]);
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
