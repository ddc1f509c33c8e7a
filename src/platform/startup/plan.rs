//! The start-up half of `plan`: the command that runs (the custom one, or the gunicorn command Oryx
//! composes for an auto-detected app), the app it serves, where the command comes from and why it runs,
//! read off the one start-up decision.

use serde::Serialize;

use crate::platform::app_settings::{AppSettings, BoolParser, Source};
use crate::platform::apps::{self, AppObject};
use crate::platform::command::ServerKind;
use crate::platform::gunicorn::PLATFORM_CONFIG_PATH;
use crate::platform::modules::EntryModule;
use crate::platform::startup::decide::{Startup, StartupDecision, StartupKind};
use crate::platform::startup::detect::{
    DEFAULT_PORT, DEFAULT_SITE, DEFAULT_SITE_MODULE, FASTAPI_FILES, FLASK_FILES, MULTIWORKERS,
    ORYX_ASGI_WORKER, WrongWsgi, resolve_name_framework,
};
use crate::platform::startup::script::Packages;
use crate::project::{FileId, Project};

impl Startup {
    /// What will run, for `plan`.
    pub fn plan(&self, project: &Project, settings: &AppSettings) -> StartupPlan {
        let mut plan = self.command_plan(project, settings);
        plan.python_version = self.python_text();
        plan.python_version_source = self.python_source.describe(project);
        plan.steps = self.steps(project);
        plan.appended_command = self.appended.as_ref().map(|r| r.command.clone());
        plan
    }

    /// What the start-up script does, in order (`scriptgenerator.go` `GenerateEntrypointScript`); empty
    /// when no script is written.
    pub fn steps(&self, project: &Project) -> Vec<String> {
        if self.kind == StartupKind::NoScript {
            return Vec::new();
        }
        let mut steps = Vec::new();
        if self.compressed {
            let when = if self.assumes_build {
                "when the deployment builds (assumed here), "
            } else {
                ""
            };
            steps.push(format!(
                "{when}extract the compressed build output to /tmp/<id>, which becomes $APP_PATH"
            ));
        }
        if let Some(pre) = &self.pre_run {
            steps.push(format!(
                "run PRE_RUN_COMMAND `{}` ({}) in $APP_PATH, before HOST, PORT and the packages are set up",
                pre.value,
                pre.source.describe_at(project)
            ));
        }
        steps.push(
            "cd $APP_PATH; set HOST=0.0.0.0 and PORT=80 where they are not set (the image sets PORT=8000)"
                .to_owned(),
        );
        steps.push(format!(
            "put /opt/python/{}/bin first on PATH",
            self.python_text()
        ));
        steps.push(match &self.packages {
            Packages::Activated { venv, because } => format!(
                "add {venv}'s site-packages to PYTHONPATH, then activate {venv} ({because})"
            ),
            Packages::OnPythonPath { venv } => format!(
                "add {venv}'s site-packages to PYTHONPATH without activating it (no compressed build output): its bin/ is not on PATH"
            ),
            Packages::PackageDir { venv } => format!(
                "warn that there is no {venv} folder, then put __oryx_packages__ on the module path"
            ),
            Packages::Missing => {
                "warn that there is no antenv folder and go on with only the image's packages".to_owned()
            }
        });
        steps.push("run the command".to_owned());
        if let Some(run) = &self.appended {
            steps.push(format!(
                "then appsvc.yaml's run line, appended as {:?} ({}): it runs only if the command exits",
                run.command,
                Source::File(run.span).describe_at(project)
            ));
        }
        steps
    }

    fn command_plan(&self, project: &Project, settings: &AppSettings) -> StartupPlan {
        let entry = self.entry.as_ref();
        let runtime = &self.runtime;
        let auto =
            |module: String, asgi: bool| oryx_gunicorn_command(runtime, &module, asgi, "$APP_PATH");
        match self.kind {
            StartupKind::NoScript => {
                let reason = match self.invalid_booleans.first() {
                    Some(bad) => format!(
                        "the start-up script generator reads {}={} ({}) with Go's strconv.ParseBool, which takes only {}: it panics and writes no start-up script, so the container does not start",
                        bad.setting.name,
                        bad.setting.value,
                        bad.setting.source.describe_at(project),
                        BoolParser::Go.spellings()
                    ),
                    None => "the start-up script generator writes no start-up script".to_owned(),
                };
                StartupPlan {
                    kind: self.kind,
                    command: "none (no start-up script)".to_owned(),
                    source: "auto-detection".to_owned(),
                    reason,
                    ..StartupPlan::default()
                }
            }
            StartupKind::Custom => {
                let cmd = self.command.as_ref();
                let given = cmd.map(|c| c.command.trim().to_owned()).unwrap_or_default();
                let first_line = || {
                    self.run()
                        .map(|r| r.text.trim().to_owned())
                        .unwrap_or_default()
                };
                let server = self.servers().iter().find(|s| s.module.is_some());
                let (command, reason) = match (&self.decision, &self.startup_file) {
                    (StartupDecision::AssumedStartupFile(_), Some(sf)) if sf.whole => (
                        sf.path.clone(),
                        format!(
                            "no source sets a startup command, so the script `{}` at the app root is taken as the startup command",
                            sf.path
                        ),
                    ),
                    (StartupDecision::AssumedStartupFile(_), Some(sf)) => (
                        first_line(),
                        format!(
                            "no source sets a startup command, so `{}` at the app root is taken as the startup command: its first line is the command",
                            sf.path
                        ),
                    ),
                    (_, Some(sf)) if sf.file.is_none() => (
                        given.clone(),
                        format!(
                            "the startup command names `{}`, which is not in the app",
                            sf.path
                        ),
                    ),
                    (_, Some(sf)) if sf.whole => (
                        given.clone(),
                        format!("the startup command runs the script `{}`", sf.path),
                    ),
                    (_, Some(sf)) => (
                        first_line(),
                        format!(
                            "the startup command names the file `{}`: its first line is the command",
                            sf.path
                        ),
                    ),
                    (_, None) => (
                        given.clone(),
                        "the startup command runs as given".to_owned(),
                    ),
                };
                let source = match (&self.decision, &self.startup_file) {
                    (StartupDecision::Configured(source), _) => source.describe_at(project),
                    (StartupDecision::AssumedStartupFile(_), Some(sf)) => {
                        format!("assumed: {} at the app root", sf.path)
                    }
                    _ => String::new(),
                };
                StartupPlan {
                    kind: self.kind,
                    command,
                    module: server.and_then(|s| s.module.clone()),
                    attribute: server.and_then(|s| {
                        let attr = s.attribute.clone()?;
                        Some(if s.factory && s.command.kind == ServerKind::Gunicorn {
                            format!("{attr}()")
                        } else {
                            attr
                        })
                    }),
                    source,
                    reason,
                    startup_file: self.startup_file.as_ref().map(|s| s.path.clone()),
                    assumed: self.assumed_file().is_some(),
                    ..StartupPlan::default()
                }
            }
            StartupKind::Django => {
                let entry = entry.expect("a Django start has an entry");
                let dir = entry.module.trim_end_matches(".wsgi");
                let others: Vec<&str> = self
                    .wsgi_folders
                    .iter()
                    .skip(1)
                    .map(|(d, _)| d.as_str())
                    .collect();
                let mut reason = format!(
                    "`{dir}/wsgi.py`: Django detection takes the first folder at the root, by name, holding `wsgi.py`"
                );
                if !others.is_empty() {
                    reason.push_str(&format!(
                        " (also there: {})",
                        quoted_list(&others, "/wsgi.py")
                    ));
                }
                let mut plan = self.auto_plan(auto(entry.module.clone(), false), entry, reason);
                match self.wrong_wsgi(project, settings) {
                    Some(WrongWsgi::OtherProject {
                        project: own,
                        because,
                        ..
                    }) => {
                        plan.reason.push_str(&format!(
                            "; it is not the project's, `{}/wsgi.py` is: {because}",
                            own.dir
                        ));
                        plan.suggested_command = Some(apps::gunicorn_command(
                            "",
                            false,
                            &format!("{}.wsgi", own.dir),
                        ));
                    }
                    Some(WrongWsgi::NotDjango { intended, .. }) => {
                        plan.reason.push_str(&format!(
                            "; it is not a Django module and has no `application`: {}",
                            intended.why
                        ));
                        plan.suggested_command = Some(intended.command);
                    }
                    None => {}
                }
                plan
            }
            StartupKind::FastApi => {
                let entry = entry.expect("a FastAPI start has an entry");
                let reason = format!(
                    "`{}` is the first of {} at the root whose text holds `from fastapi` or `import fastapi` and not `from flask`, and the start-up Python is {} (FastAPI detection runs on 3.14 or later)",
                    project.rel_path(entry.file),
                    quoted_list(FASTAPI_FILES, ""),
                    self.python_text()
                );
                // Without a known version, the newest is assumed: on an older site this app is not detected.
                let reason = match self.python_origin(project) {
                    Some(_) => reason,
                    None => format!(
                        "{reason}; no source names the Python version, so 3.14 or later is assumed: on an older site Oryx does not detect FastAPI"
                    ),
                };
                let mut plan = self.auto_plan(
                    auto(format!("{}:{}", entry.module, entry.attribute), true),
                    entry,
                    reason,
                );
                // The text search can pick a WSGI app, which the uvicorn worker cannot serve.
                if let Some(framework) = resolve_name_framework(project, entry.file, "app")
                    && !framework.is_asgi()
                {
                    plan.reason.push_str(&format!(
                        "; but `app` there is a {} app (WSGI), which the uvicorn worker cannot serve",
                        framework.label()
                    ));
                    plan.suggested_command = Some(apps::gunicorn_command(
                        "",
                        false,
                        &format!("{}:app", entry.module),
                    ));
                }
                plan
            }
            StartupKind::Flask => {
                let entry = entry.expect("a Flask start has an entry");
                let mut reason = format!(
                    "`{}` is the first of {} at the root (its contents are not checked)",
                    project.rel_path(entry.file),
                    quoted_list(FLASK_FILES, "")
                );
                reason.push_str(&self.fastapi_notes(project));
                self.auto_plan(
                    auto(format!("{}:{}", entry.module, entry.attribute), false),
                    entry,
                    reason,
                )
            }
            StartupKind::Default => {
                let mut reason = format!(
                    "no startup command, no folder at the root with `wsgi.py`, and none of {} at the root",
                    quoted_list(FLASK_FILES, "")
                );
                reason.push_str(&self.fastapi_notes(project));
                let app = self.app_objects(project).first();
                if let Some(app) = app {
                    reason.push_str(&format!(
                        "; the app is `{}` in {}",
                        app.target(),
                        project.rel_path(app.file)
                    ));
                }
                StartupPlan {
                    kind: self.kind,
                    command: oryx_gunicorn_command(
                        runtime,
                        DEFAULT_SITE_MODULE,
                        false,
                        DEFAULT_SITE,
                    ),
                    module: None,
                    attribute: None,
                    source: "auto-detection".to_owned(),
                    reason,
                    suggested_command: app.map(AppObject::startup_command),
                    ..StartupPlan::default()
                }
            }
        }
    }

    fn auto_plan(&self, command: String, entry: &EntryModule, reason: String) -> StartupPlan {
        StartupPlan {
            kind: self.kind,
            command,
            module: Some(entry.module.clone()),
            attribute: Some(entry.attribute.clone()),
            source: "auto-detection".to_owned(),
            reason,
            ..StartupPlan::default()
        }
    }

    /// Why a root FastAPI file did not start the app, as "; ..." clauses for a reason ("" when none did).
    fn fastapi_notes(&self, project: &Project) -> String {
        let mut out = String::new();
        if let Some(skipped) = self.fastapi_skipped {
            out.push_str(&format!(
                "; {}",
                self.fastapi_skipped_note(project, skipped)
            ));
        }
        if let Some((_, why)) = self.fastapi_passed_over(project) {
            out.push_str(&format!("; {why}"));
        }
        out
    }

    /// "`main.py` imports fastapi, but Oryx detects FastAPI apps only on Python 3.14 or later (...)".
    pub fn fastapi_skipped_note(&self, project: &Project, file: FileId) -> String {
        format!(
            "`{}` imports fastapi, but {}",
            project.rel_path(file),
            self.fastapi_gate_note(project)
        )
    }
}

/// The start-up part of `plan`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StartupPlan {
    pub kind: StartupKind,
    /// The Python version the start-up script is written for, and where it comes from.
    pub python_version: String,
    pub python_version_source: String,
    /// What the start-up script does, in order (empty when none is written).
    pub steps: Vec<String>,
    /// The command that runs: the custom command (a startup file's first line), or the gunicorn
    /// command Oryx composes for an auto-detected app (its `GUNICORN_CMD_ARGS` written out as options).
    pub command: String,
    pub module: Option<String>,
    pub attribute: Option<String>,
    /// Where the command comes from: a flag, a file and line, or `auto-detection`.
    pub source: String,
    /// Why this command runs.
    pub reason: String,
    /// The startup file that runs: the one the command names, or the root one taken as the command.
    pub startup_file: Option<String>,
    /// No source sets a startup command, and the root startup file is taken as it: an assumption, since
    /// App Service runs the file only when the site's startup command names it.
    pub assumed: bool,
    /// What the assumption is and how to make it true (worded by `plan`), when `assumed`.
    pub assumption: Option<String>,
    /// A startup command that would start the app this tool found, when what runs is not the app
    /// (the default page, or a `wsgi.py` that is not the project's).
    pub suggested_command: Option<String>,
    /// `appsvc.yaml`'s `run` line as appended after the command.
    pub appended_command: Option<String>,
    /// How that differs from what the YAML says, when it does.
    pub appended_note: Option<String>,
}

/// The gunicorn command Oryx runs for an auto-detected module (`scriptgenerator.go`,
/// `buildGunicornCommandForModule`), with its `GUNICORN_CMD_ARGS` written out as options: `--timeout 600`, logs to
/// stdout, the image's `-c` config, `--workers` when `PYTHON_ENABLE_GUNICORN_MULTIWORKERS` is true, the
/// bind address (`0.0.0.0:$PORT`, what gunicorn binds with `PORT` set even without `--bind`) and
/// `--chdir` to the app's folder (`$APP_PATH`: `/tmp/<id>` when Oryx built the app, else
/// `/home/site/wwwroot`).
pub fn oryx_gunicorn_command(
    settings: &AppSettings,
    module: &str,
    asgi: bool,
    chdir: &str,
) -> String {
    let port = settings
        .get("PORT")
        .map_or(DEFAULT_PORT, |s| s.value.as_str());
    let mut command = format!(
        "gunicorn --bind=0.0.0.0:{port} --timeout 600 --access-logfile '-' --error-logfile '-' -c {PLATFORM_CONFIG_PATH}"
    );
    let multi = settings
        .get(MULTIWORKERS)
        .is_some_and(|s| BoolParser::Go.is_true(&s.value));
    if multi {
        let workers = settings
            .get("PYTHON_GUNICORN_CUSTOM_WORKER_NUM")
            .map_or_else(|| "<2 x CPUs + 1>".to_owned(), |s| s.value.clone());
        command.push_str(&format!(" --workers={workers}"));
        if let Some(threads) = settings.get("PYTHON_GUNICORN_CUSTOM_THREAD_NUM") {
            command.push_str(&format!(" --threads={}", threads.value));
        }
    }
    if asgi {
        command.push_str(&format!(" -k {ORYX_ASGI_WORKER}"));
    }
    command.push_str(&format!(" --chdir={chdir} {module}"));
    command
}

fn quoted_list(items: &[&str], suffix: &str) -> String {
    items
        .iter()
        .map(|i| format!("`{i}{suffix}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
