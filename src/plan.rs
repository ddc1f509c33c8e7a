//! `appservice-preflight plan`: what App Service will do with the app, and why.
//!
//! The plan is read off the same [`Platform`] model the rules use, so what `plan` shows is what `check`
//! judges.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::mask_secret;
use crate::platform::app_settings::Source;
use crate::platform::build::Phase;
use crate::platform::oryx::{
    BuildRuns, COLLECTSTATIC_COMMAND, OUTPUT_ARCHIVE, OryxPlan, RUNS_IN, ShippedPackages,
};
use crate::platform::sources::appsvc::RunMisread;
use crate::platform::startup::StartupPlan;
use crate::platform::{Inputs, Platform, Provided};
use crate::project::secrets::{looks_secret, value_has_credentials};
use crate::project::{Project, ProjectError};

/// The plan, ready to print.
#[derive(Debug, Serialize)]
pub struct Plan {
    /// Where the repository shows the site runs a custom container: then the build and start-up below are
    /// what would happen to the code, not what happens.
    pub custom_container: Option<String>,
    pub build: BuildView,
    pub startup: StartupPlan,
    /// Environment variables the app cannot start without (read without a default at start-up, or used
    /// where `None` fails): they must exist as app settings.
    pub required_env: Vec<RequiredEnv>,
    /// The Django settings module(s) App Service loads, when the app is a Django app.
    pub django_settings: Option<DjangoPlan>,
    /// Every app setting known to the tool, with its source (values that look secret are masked).
    pub app_settings: Vec<AppSettingPlan>,
    /// Inputs the tool could not read or judge (the same warnings `check` prints): the plan does not
    /// cover what they hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RequiredEnv {
    pub name: String,
    /// `path:line` of the first read.
    pub read_at: String,
    /// Who sets it: "App Service" for the variables the platform injects, the app setting's source, or
    /// `null` when nothing known sets it.
    pub provided_by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DjangoPlan {
    pub modules: Vec<String>,
    pub found_by: String,
}

#[derive(Debug, Serialize)]
pub struct AppSettingPlan {
    pub name: String,
    pub value: String,
    pub source: String,
}

/// The build half of `plan`: what the deployment build does, ready to print or serialize.
#[derive(Debug, Serialize)]
pub struct BuildView {
    /// `yes`, `no` or `unknown`.
    pub runs: BuildRuns,
    pub runs_reason: String,
    pub python_version: String,
    pub python_version_source: String,
    pub dependencies: DependenciesView,
    /// The pre-build step, if any; it runs in `$SOURCE_DIR` before the virtual environment exists.
    pub pre_build: Option<StepView>,
    /// The post-build step, if any; it runs in `$SOURCE_DIR` with `antenv` active.
    pub post_build: Option<StepView>,
    pub collectstatic: CollectstaticView,
    /// The virtual environment the build creates: `antenv`.
    pub venv_name: &'static str,
    pub output: OutputView,
    /// Virtual environments inside the app folder (they should not be deployed).
    pub committed_virtual_envs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DependenciesView {
    /// `requirements.txt`, `setup.py`, `pyproject+uv.lock`, `pyproject+poetry`, `custom-build-command`
    /// or `none`.
    pub kind: &'static str,
    /// The file installed from, relative to the app root.
    pub file: Option<String>,
    /// The install command Oryx runs.
    pub command: Option<String>,
    /// Oryx's message when there is nothing to install, why the build stops, or what installs the
    /// packages when Oryx does not.
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StepView {
    pub command: String,
    /// The setting or file that sets it.
    pub set_by: String,
    pub runs_in: &'static str,
}

#[derive(Debug, Serialize)]
pub struct CollectstaticView {
    pub runs: bool,
    pub reason: String,
    pub command: &'static str,
}

#[derive(Debug, Serialize)]
pub struct OutputView {
    pub compressed: bool,
    /// The archive the build writes (`null` without a build).
    pub archive: Option<&'static str>,
    /// Where the app runs: the folder the container extracts the archive to, or `/home/site/wwwroot`
    /// without a build.
    pub runs_from: &'static str,
}

impl BuildView {
    pub fn new(platform: &Platform) -> BuildView {
        let project = platform.project;
        let plan = &platform.oryx;
        let deps = &plan.dependencies;
        let message = match &deps.custom_path {
            Some(c) if c.problem.is_some() => Some(format!(
                "CUSTOM_REQUIREMENTSTXT_PATH={} does not name a file of the app (relative to its root): Oryx stops the build",
                c.setting.value
            )),
            _ => match (&plan.packages_shipped, plan.runs) {
                (Some(ShippedPackages::Workflow(venv)), BuildRuns::No) => Some(format!(
                    "not by Oryx: the workflow installs {} into `{}` ({}) and deploys it",
                    venv.installs,
                    plan.venv_name,
                    Source::File(venv.installed).describe_at(project)
                )),
                (Some(ShippedPackages::Folder(dir)), BuildRuns::No) => Some(format!(
                    "not by Oryx: the app deploys its installed packages in `{dir}`"
                )),
                _ => deps.message.map(str::to_owned),
            },
        };
        let steps = OryxPlan::build_steps(project, &platform.build);
        let step = |phase| {
            steps.iter().find(|s| s.phase == phase).map(|s| StepView {
                command: s.command.clone(),
                set_by: s.set_by.clone(),
                runs_in: RUNS_IN,
            })
        };
        BuildView {
            runs: plan.runs,
            runs_reason: plan.runs_reason.clone(),
            python_version: plan.python_version.to_string(),
            python_version_source: match &plan.python_version_source {
                Some(source) => source.describe(project),
                None => "not set: the newest version App Service offers is assumed; the site's version decides"
                    .to_owned(),
            },
            dependencies: DependenciesView {
                kind: deps.kind.as_str(),
                file: deps.file.map(|f| project.rel_path(f).to_owned()),
                command: deps.command.clone(),
                message,
            },
            pre_build: step(Phase::Pre),
            post_build: step(Phase::Post),
            collectstatic: CollectstaticView {
                runs: plan.collectstatic.runs,
                reason: plan.collectstatic.reason.clone(),
                command: COLLECTSTATIC_COMMAND,
            },
            venv_name: plan.venv_name,
            output: OutputView {
                compressed: plan.compressed_output,
                archive: plan.compressed_output.then_some(OUTPUT_ARCHIVE),
                runs_from: if plan.compressed_output {
                    "/tmp/<id>, extracted at start-up"
                } else {
                    "/home/site/wwwroot, as deployed"
                },
            },
            committed_virtual_envs: plan
                .deployed_venvs
                .iter()
                .map(|v| if v.path.is_empty() { ".".to_owned() } else { v.path.clone() })
                .collect(),
        }
    }

    /// The build section of `plan`'s text output.
    pub fn to_text(&self) -> String {
        let mut out = String::from("Build (Oryx)\n");
        let mut line = |k: &str, v: &str| out.push_str(&format!("  {k:<15} {v}\n"));
        line(
            "runs:",
            &format!("{} ({})", self.runs.as_str(), self.runs_reason),
        );
        line(
            "python:",
            &format!("{} ({})", self.python_version, self.python_version_source),
        );
        let deps = match (&self.dependencies.file, &self.dependencies.command) {
            (Some(file), Some(cmd)) if file == self.dependencies.kind => format!("{file}: `{cmd}`"),
            (Some(file), Some(cmd)) => {
                format!("{} ({file}): `{cmd}`", self.dependencies.kind)
            }
            (None, Some(cmd)) => format!("{}: `{cmd}`", self.dependencies.kind),
            _ => self.dependencies.kind.to_owned(),
        };
        line("dependencies:", &deps);
        if let Some(message) = &self.dependencies.message {
            line("", message);
        }
        for (name, step) in [
            ("pre-build:", &self.pre_build),
            ("post-build:", &self.post_build),
        ] {
            match step {
                Some(s) => line(
                    name,
                    &format!("`{}` ({}; runs in {})", s.command, s.set_by, s.runs_in),
                ),
                None => line(name, "none"),
            }
        }
        line(
            "collectstatic:",
            &format!(
                "{} ({})",
                if self.collectstatic.runs {
                    "runs"
                } else {
                    "skipped"
                },
                self.collectstatic.reason
            ),
        );
        line("venv:", self.venv_name);
        let output = match self.output.archive {
            Some(archive) => format!(
                "{archive} (compressed; the app runs from {})",
                self.output.runs_from
            ),
            None => format!(
                "no build output: the app runs from {}",
                self.output.runs_from
            ),
        };
        line("output:", &output);
        if !self.committed_virtual_envs.is_empty() {
            line("committed venv:", &self.committed_virtual_envs.join(", "));
        }
        out
    }
}

impl Plan {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        // No secret reaches an output, whatever string holds it (a startup command, a build command).
        crate::project::secrets::mask_everywhere(&text)
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(at) = &self.custom_container {
            let _ = writeln!(
                out,
                "Custom container ({at}): App Service runs the image; Oryx neither builds nor starts this code, so the build and start-up below do not apply\n"
            );
        }
        out.push_str(&self.build.to_text());
        let s = &self.startup;
        let _ = writeln!(out, "\nStart-up");
        let _ = writeln!(out, "  kind:           {}", s.kind.as_str());
        let _ = writeln!(
            out,
            "  python:         {} ({})",
            s.python_version, s.python_version_source
        );
        for (i, step) in s.steps.iter().enumerate() {
            let head = if i == 0 { "order:" } else { "" };
            let _ = writeln!(out, "  {head:<15} {}. {step}", i + 1);
        }
        let _ = writeln!(out, "  command:        {}", s.command);
        if let (Some(module), Some(attribute)) = (&s.module, &s.attribute) {
            let _ = writeln!(out, "  app:            {module}:{attribute}");
        }
        let _ = writeln!(out, "  source:         {}", s.source);
        let _ = writeln!(out, "  why:            {}", s.reason);
        if let Some(file) = &s.startup_file {
            let _ = writeln!(out, "  startup file:   {file}");
        }
        if let Some(assumption) = &s.assumption {
            let _ = writeln!(out, "  assumed:        {assumption}");
        }
        if let Some(suggested) = &s.suggested_command {
            let _ = writeln!(out, "  would work:     {suggested}");
        }
        if let Some(appended) = &s.appended_command {
            let _ = writeln!(out, "  appended:       {appended:?} (appsvc.yaml run)");
        }
        if let Some(note) = &s.appended_note {
            let head = if s.appended_command.is_some() {
                ""
            } else {
                "appended:"
            };
            let _ = writeln!(out, "  {head:<15} {note}");
        }
        if let Some(django) = &self.django_settings {
            let _ = writeln!(out, "\nDjango settings");
            let _ = writeln!(
                out,
                "  module:         {} ({})",
                django.modules.join(" or "),
                django.found_by
            );
        }
        let _ = writeln!(out, "\nEnvironment the app requires");
        if self.required_env.is_empty() {
            let _ = writeln!(out, "  (none read without a default)");
        }
        for env in &self.required_env {
            let by = env
                .provided_by
                .as_deref()
                .unwrap_or("not set by anything known: add it as an app setting");
            let _ = writeln!(out, "  {:<30} read at {}; {by}", env.name, env.read_at);
        }
        if !self.app_settings.is_empty() {
            let _ = writeln!(out, "\nApp settings known");
            for s in &self.app_settings {
                let _ = writeln!(out, "  {}={} ({})", s.name, s.value, s.source);
            }
        }
        if !self.not_read.is_empty() {
            let _ = writeln!(
                out,
                "\nNot read or judged (the plan does not cover what these hold)"
            );
            for notice in &self.not_read {
                // A path may hold a newline: escaped, so it cannot forge a line.
                let shown: String = notice
                    .chars()
                    .map(|c| {
                        if c.is_control() {
                            c.escape_unicode().to_string()
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                let _ = writeln!(out, "  {shown}");
            }
        }
        crate::project::secrets::mask_everywhere(&out)
    }
}

/// Build the plan of the app at `root`.
pub fn plan(root: &std::path::Path, inputs: &Inputs) -> Result<Plan, ProjectError> {
    let project = Project::discover(root)?;
    let platform = Platform::build(&project, inputs);
    let mut startup = startup_plan(&platform);
    // The same sentence the findings that rely on the assumption carry.
    if let Some(file) = startup.startup_file.as_deref().filter(|_| startup.assumed) {
        startup.assumption = Some(crate::rules::fixes::startup_file_assumption(file));
    }
    let mut plan = Plan {
        custom_container: platform
            .sources
            .container
            .map(|span| Source::File(span).describe_at(&project)),
        build: BuildView::new(&platform),
        startup,
        required_env: required_env(&platform),
        django_settings: django_plan(&platform),
        app_settings: platform
            .app_settings
            .iter()
            .map(|s| AppSettingPlan {
                name: s.name.clone(),
                value: if looks_secret(&s.name) || value_has_credentials(&s.value) {
                    mask_secret(&s.value)
                } else {
                    s.value.clone()
                },
                source: describe(&platform, &s.source),
            })
            .collect(),
        not_read: Vec::new(),
    };
    // Last: building the plan is what reads the files.
    plan.not_read = project.notices();
    Ok(plan)
}

/// The start-up half of `plan`, with how `appsvc.yaml`'s `run` is misread, if it is.
fn startup_plan(platform: &Platform) -> StartupPlan {
    let mut plan = platform
        .startup
        .plan(platform.project, &platform.app_settings);
    let appsvc = platform.sources.appsvc.as_ref();
    plan.appended_note = appsvc.and_then(|a| a.run_misread()).map(|m| match m {
        RunMisread::Ignored { yaml } => format!(
            "appsvc.yaml's `run:` line holds no command, so {yaml:?} below it never runs (AZ112)"
        ),
        RunMisread::Differs { yaml, .. } => format!(
            "appsvc.yaml's `run` is {:?} as YAML, but the start-up reads it line by line (AZ112)",
            yaml.trim_end()
        ),
    });
    plan
}

/// A source as `path:line`, or the flag.
fn describe(platform: &Platform, source: &Source) -> String {
    source.describe_at(platform.project)
}

fn django_plan(platform: &Platform) -> Option<DjangoPlan> {
    let django = platform.django.as_ref()?;
    Some(DjangoPlan {
        modules: django.modules.iter().map(|m| m.name.clone()).collect(),
        found_by: match &django.origin {
            crate::platform::django::SettingsOrigin::AppSetting => {
                "the DJANGO_SETTINGS_MODULE app setting".to_owned()
            }
            crate::platform::django::SettingsOrigin::EnvWrite(span) => {
                format!(
                    "DJANGO_SETTINGS_MODULE set at {}",
                    Source::File(*span).describe_at(platform.project)
                )
            }
            crate::platform::django::SettingsOrigin::Fallback => {
                "no DJANGO_SETTINGS_MODULE found: files named settings.py".to_owned()
            }
        },
    })
}

/// Variables the modules imported at start-up need, unconditionally: read without a default (class bodies
/// included), or read with `os.getenv` and used where `None` raises, and not caught by an `except`.
fn required_env(platform: &Platform) -> Vec<RequiredEnv> {
    platform
        .required_env()
        .iter()
        .map(|read| RequiredEnv {
            name: read.var.clone(),
            read_at: Source::File(read.span).describe_at(platform.project),
            provided_by: match &read.provided {
                Provided::Platform => Some("set by App Service".to_owned()),
                Provided::AppSetting(source) => {
                    Some(format!("app setting from {}", describe(platform, source)))
                }
                Provided::Nothing => None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        crate::project::write_test_app(files)
    }

    #[test]
    fn the_build_view_for_plan() {
        let dir = app(&[
            ("manage.py", b""),
            ("mysite/wsgi.py", b""),
            ("requirements.txt", b"Django==5.1\n"),
            (
                "build.env",
                b"POST_BUILD_COMMAND=python manage.py migrate\n",
            ),
        ]);
        let mut inputs = Inputs::default();
        inputs
            .app_settings
            .push(("SCM_DO_BUILD_DURING_DEPLOYMENT".into(), "true".into()));
        let project = Project::discover(dir.path()).unwrap();
        let platform = Platform::build(&project, &inputs);
        let view = BuildView::new(&platform);
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["runs"], "yes");
        assert_eq!(json["dependencies"]["kind"], "requirements.txt");
        assert_eq!(json["dependencies"]["file"], "requirements.txt");
        assert_eq!(json["collectstatic"]["runs"], true);
        assert_eq!(json["post_build"]["command"], "python manage.py migrate");
        assert_eq!(json["venv_name"], "antenv");
        assert!(json["pre_build"].is_null());
        let text = view.to_text();
        assert!(text.contains("runs:           yes"), "{text}");
        assert!(text.contains("collectstatic:  runs"), "{text}");
    }
}
