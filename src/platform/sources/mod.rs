//! Every place App Service configuration can come from, merged with the platform's precedence and the
//! source of every value kept: command-line flags, `--app-settings-file`, repository files Oryx and Kudu
//! read, and infrastructure as code. `docs/configuration.md` describes the sources and the precedence for
//! users.
//!
//! Precedence, highest first (docs/platform.md, "Whether the deployment builds", "Python version of the build", "The build.env file", "Build hooks" and "The start-up script"):
//! 1. `appsvc.yaml` `pre-build`/`post-build`, for `PRE_BUILD_COMMAND`/`POST_BUILD_COMMAND` only: Oryx
//!    applies them over every app setting (and drops `*_SCRIPT_PATH`);
//! 2. flags (`--app-setting`, `--startup-command`, `--python-version`; the last of a name wins);
//! 3. `--app-settings-file` (the live site; the last file wins);
//! 4. the repository's infrastructure as code and workflows (Bicep, ARM, Terraform, GitHub workflows): the
//!    first in path order wins, the others are kept as candidates;
//! 5. `.deployment` `[config]` (Kudu: below app settings);
//! 6. `build.env` (Oryx: below environment variables);
//! 7. `runtime.txt` (for the Python version only: below `PYTHON_VERSION` and the site's version).

pub mod appsvc;
pub mod arm;
pub mod bicep;
pub mod build_env;
pub mod deployment;
mod iac;
pub mod manifest;
pub mod settings_file;
pub mod terraform;
pub mod values;
pub mod workflow;
mod yaml;

pub(crate) use values::FileValue;
pub use values::{AppsvcYaml, Candidate, ConfigError, ConfigKey, DeploymentFile, Origin, Sourced};

use ruff_text_size::{TextRange, TextSize};

use crate::platform::app_settings::{AppSettings, Setting, Source};
use crate::platform::inputs::Inputs;
use crate::platform::oryx::BuildRuns;
use crate::platform::runtime::{NEWEST_PYTHON, PythonRuntime};
use crate::platform::startup::{StartupCommand, StartupInputs};
use crate::project::{FileId, Project, Span, parse_python_version};

/// The configuration found for the app.
#[derive(Debug)]
pub struct Sources {
    /// `appsvc.yaml` at the root, if any.
    pub appsvc: Option<AppsvcYaml>,
    /// `.deployment` at the root, if any.
    pub deployment: Option<DeploymentFile>,
    /// `oryx-manifest.toml` at the root, if any (the repository ships Oryx build output).
    pub manifest: Option<manifest::Manifest>,
    /// Malformed lines of `build.env` (Oryx skips them, keeps them as written, or cannot load the file).
    pub build_env_errors: Vec<ConfigError>,
    /// Every value found, highest precedence first: for each key, the first candidate is the one that
    /// applies and the others are shadowed (see [`Sources::candidates`]).
    pub all: Vec<Candidate>,
    /// The steps of the repository's GitHub workflows that deploy the app's files, in path order.
    pub deploys: Vec<workflow::WorkflowDeploy>,
    /// The steps of the repository's GitHub workflows that use an action, in path order.
    pub actions: Vec<workflow::ActionUse>,
    /// Files a workflow's `run` step copies to the workspace root (`cp backend/requirements.txt .`).
    pub root_copies: Vec<(String, Span)>,
    /// Where the repository shows the site runs a custom container (a workflow step that deploys an image):
    /// Oryx neither builds nor starts the app.
    pub container: Option<Span>,
    /// A template connects services that add app settings of their own (Service Connector's
    /// `Microsoft.ServiceLinker/linkers`, Terraform's `azurerm_app_service_connection`) or sets connection
    /// strings (which reach the app as `POSTGRESQLCONNSTR_...` variables): the templates do not list every
    /// app setting.
    pub settings_injected: Option<FileId>,
    /// The Python version of `--python-version` or of the configuration file, with its source.
    python_flag: Option<(crate::project::PythonVersion, Source)>,
}

/// Where a value of the tool's configuration file is: its range in that file when the file is part of the
/// app, else the key and the file named (like a flag, it has no place in the app).
fn configured_source(
    project: &Project,
    path: &std::path::Path,
    range: &std::ops::Range<usize>,
    key: &str,
) -> Source {
    let in_app = std::fs::canonicalize(path).ok().and_then(|file| {
        let root = std::fs::canonicalize(project.root()).ok()?;
        let rel = file.strip_prefix(&root).ok()?.to_str()?.replace('\\', "/");
        project.file(&rel)
    });
    match in_app {
        Some(file) => {
            let start = TextSize::try_from(range.start).unwrap_or_default();
            let end = TextSize::try_from(range.end).unwrap_or(start).max(start);
            Source::File(Span::new(file, TextRange::new(start, end)))
        }
        None => Source::Flag(std::borrow::Cow::Owned(format!(
            "{key} in {}",
            path.display()
        ))),
    }
}

impl Sources {
    pub fn load(project: &Project, inputs: &Inputs) -> Sources {
        let mut all: Vec<Candidate> = Vec::new();
        let flag = |key: ConfigKey, value: &str, name: &'static str| Candidate {
            key,
            origin: Origin::Flag,
            value: Sourced {
                value: value.to_owned(),
                source: Source::flag(name),
                value_span: None,
            },
        };

        // Flags: the last of a name wins, so they are listed last first.
        for (name, value) in inputs.app_settings.iter().rev() {
            all.push(flag(
                ConfigKey::AppSetting(name.clone()),
                value,
                "--app-setting",
            ));
        }
        if let Some(command) = &inputs.startup_command {
            all.push(flag(
                ConfigKey::StartupCommand,
                command,
                "--startup-command",
            ));
        }
        if let Some(version) = inputs.python_version {
            all.push(flag(
                ConfigKey::PythonVersion,
                &version.to_string(),
                "--python-version",
            ));
        }

        // `--app-settings-file`: the last file wins.
        for file in inputs.settings_files.iter().rev() {
            let source = Source::settings_file(&file.shown);
            let site = &file.site;
            let mut push = |key: ConfigKey, value: &str| {
                all.push(Candidate {
                    key,
                    origin: Origin::SettingsFile,
                    value: Sourced {
                        value: value.to_owned(),
                        source: source.clone(),
                        value_span: None,
                    },
                });
            };
            if let Some(command) = &site.app_command_line {
                push(ConfigKey::StartupCommand, command);
            }
            if let Some(fx) = &site.linux_fx_version {
                push(ConfigKey::PythonVersion, fx);
            }
            for (name, value) in site.app_settings.iter().rev() {
                push(ConfigKey::AppSetting(name.clone()), value);
            }
        }

        // The tool's configuration file: below the flags and the live site's settings.
        let configured = &inputs.configured;
        let at = |range: &std::ops::Range<usize>, key: &str| {
            configured_source(project, &configured.path, range, key)
        };
        let mut push_configured = |key: ConfigKey, value: &str, source: Source| {
            all.push(Candidate {
                key,
                origin: Origin::Flag,
                value: Sourced {
                    value: value.to_owned(),
                    value_span: source.span(),
                    source,
                },
            });
        };
        if let Some((command, range)) = &configured.startup_command {
            push_configured(
                ConfigKey::StartupCommand,
                command,
                at(range, "startup-command"),
            );
        }
        if let Some((version, range)) = &configured.python_version {
            push_configured(
                ConfigKey::PythonVersion,
                &version.to_string(),
                at(range, "python-version"),
            );
        }
        for (name, value, range) in configured.app_settings.iter().rev() {
            push_configured(
                ConfigKey::AppSetting(name.clone()),
                value,
                at(range, &format!("app-settings.{name}")),
            );
        }

        // Infrastructure as code and workflows, in path order.
        let mut deploys = Vec::new();
        let mut actions = Vec::new();
        let mut root_copies = Vec::new();
        let mut container: Option<Span> = None;
        let templates: Vec<(FileId, Origin)> = project
            .files()
            .filter_map(|file| {
                let rel = project.rel_path(file);
                let origin = template_origin(rel)?;
                (!rel.split('/').any(|part| part == ".terraform")).then_some((file, origin))
            })
            .collect();
        let json: Vec<FileId> = templates
            .iter()
            .filter(|(_, origin)| *origin == Origin::ArmTemplate)
            .map(|(file, _)| *file)
            .collect();
        let arm_templates = arm::may_be_templates(project, &json);
        let mut settings_injected = None;
        for (file, origin) in templates {
            let rel = project.rel_path(file);
            if origin == Origin::ArmTemplate && !arm_templates.contains(&file) {
                continue;
            }
            let Ok(text) = project.text(file) else {
                if origin != Origin::ArmTemplate {
                    project.text_or_notice(file);
                }
                continue;
            };
            if settings_injected.is_none()
                && origin != Origin::Workflow
                && INJECTING.iter().any(|marker| text.text.contains(marker))
            {
                settings_injected = Some(file);
            }
            let found = match origin {
                Origin::Bicep => Ok(bicep::values(&text.text)),
                Origin::ArmTemplate if !arm::looks_like_template(&text.text) => continue,
                Origin::ArmTemplate => arm::values(&text.text),
                Origin::Terraform => terraform::values(&text.text),
                _ => workflow::read(&text.text).map(|found| {
                    deploys.extend(found.deploys(file));
                    actions.extend(found.actions(file));
                    root_copies.extend(found.root_copies(file));
                    if container.is_none() {
                        container = found.container(file);
                    }
                    found.values
                }),
            };
            match found {
                Ok(values) => all.extend(values.into_iter().map(|v| file_candidate(file, origin, v))),
                Err(message) => project.notice(format!(
                    "skipped `{rel}`: it does not parse ({message}), so the app settings it may set are unknown"
                )),
            }
        }

        // `.deployment` and `build.env`: the last line of a name wins.
        let deployment = deployment::load(project);
        if let Some(d) = &deployment {
            for setting in d.settings.iter().rev() {
                all.push(setting_candidate(setting, Origin::Deployment));
            }
        }
        let build_env = build_env::load(project);
        for setting in build_env.settings.iter().rev() {
            all.push(setting_candidate(setting, Origin::BuildEnv));
        }
        if let Some(runtime) = runtime_txt(project) {
            all.push(runtime);
        }

        // `appsvc.yaml` overrides the hook commands.
        let appsvc = appsvc::load(project);
        if let Some(yaml) = appsvc.as_ref().filter(|y| y.error.is_none()) {
            for (hook, name) in [
                (&yaml.pre_build, "PRE_BUILD_COMMAND"),
                (&yaml.post_build, "POST_BUILD_COMMAND"),
            ] {
                let Some(hook) = hook.as_ref().filter(|h| !h.value.is_empty()) else {
                    continue;
                };
                let value = appsvc::as_command(&hook.value);
                all.push(Candidate {
                    key: ConfigKey::AppSetting(name.to_owned()),
                    origin: Origin::AppsvcYaml,
                    value: Sourced {
                        value_span: hook.value_span.filter(|_| value == hook.value),
                        value,
                        source: hook.source.clone(),
                    },
                });
            }
        }

        all.sort_by_key(|c| c.origin.rank());
        Sources {
            appsvc,
            deployment,
            manifest: manifest::Manifest::load(project),
            build_env_errors: build_env.errors,
            all,
            deploys,
            actions,
            root_copies,
            container,
            python_flag: inputs
                .python_version
                .map(|v| (v, Source::flag("--python-version")))
                .or_else(|| {
                    configured.python_version.as_ref().map(|(v, range)| {
                        (
                            *v,
                            configured_source(project, &configured.path, range, "python-version"),
                        )
                    })
                }),
            settings_injected,
        }
    }

    /// Every value found for `key`, highest precedence first: the first applies, the others are shadowed.
    pub fn candidates<'a>(
        &'a self,
        key: &'a ConfigKey,
    ) -> impl Iterator<Item = &'a Candidate> + 'a {
        self.all.iter().filter(move |c| &c.key == key)
    }

    /// Every value found for the app setting `name`, highest precedence first.
    pub fn setting_candidates<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Candidate> + 'a {
        self.all
            .iter()
            .filter(move |c| matches!(&c.key, ConfigKey::AppSetting(n) if n == name))
    }

    /// The Python a workflow file sets up with `actions/setup-python` (its one version, written out), for
    /// the virtual environment it builds: `None` when it sets none, several, or one this tool cannot read.
    pub fn workflow_python(&self, file: FileId) -> Option<(String, Span)> {
        let mut versions = self
            .actions
            .iter()
            .filter(|a| a.span.file == file)
            .filter_map(|a| a.python_version.clone());
        let first = versions.next()?;
        if versions.any(|(v, _)| v != first.0) {
            return None;
        }
        Some(first)
    }

    /// The step of a workflow that deploys the workspace root and copies `name` there first (the file is
    /// in what it deploys although not at the repository's root).
    pub fn deployed_root_copy(&self, name: &str) -> Option<Span> {
        self.root_copies
            .iter()
            .filter(|(n, _)| n == name)
            .find(|(_, at)| {
                self.deploys
                    .iter()
                    .any(|d| d.span.file == at.file && d.package.as_deref() == Some(""))
            })
            .map(|(_, at)| *at)
    }

    /// The action steps of the workflows that deploy the app's files (a workflow with a deploy step).
    pub fn deploy_workflow_actions(&self) -> impl Iterator<Item = &workflow::ActionUse> {
        self.actions
            .iter()
            .filter(|a| self.deploys.iter().any(|d| d.span.file == a.span.file))
    }

    /// Where the app's runtime settings are listed, if anywhere: an `--app-settings-file`, or a Bicep, ARM
    /// or Terraform template that sets at least one app setting (the first such source, for messages).
    pub fn app_settings_listed_by(&self) -> Option<&Candidate> {
        let setting = |c: &&Candidate| {
            matches!(
                c.key,
                ConfigKey::AppSetting(_) | ConfigKey::AppSettingNamed(_)
            )
        };
        // The site's own list (`az webapp config appsettings list`) is complete.
        if let Some(file) = self
            .all
            .iter()
            .filter(setting)
            .find(|c| c.origin == Origin::SettingsFile)
        {
            return Some(file);
        }
        // Templates are complete unless a connected service adds settings of its own.
        if self.settings_injected.is_some() {
            return None;
        }
        self.all.iter().filter(setting).find(|c| {
            matches!(
                c.origin,
                Origin::Bicep | Origin::ArmTemplate | Origin::Terraform
            )
        })
    }

    /// Where a template sets the app setting `name` to a value it computes (a parameter, a Key Vault
    /// reference): the setting exists, its value is unknown.
    pub fn computed_setting(&self, name: &str) -> Option<&Candidate> {
        self.all
            .iter()
            .find(|c| matches!(&c.key, ConfigKey::AppSettingNamed(n) if n == name))
    }

    /// Whether `appsvc.yaml` replaces the hook of `*_COMMAND` (and so clears `*_SCRIPT_PATH`).
    fn appsvc_overrides(&self, command_setting: &str) -> bool {
        self.setting_candidates(command_setting)
            .next()
            .is_some_and(|c| c.origin == Origin::AppsvcYaml)
    }

    /// The app settings, highest precedence winning.
    pub fn app_settings(&self) -> AppSettings {
        self.settings_from(|_| true)
    }

    /// The app settings the running container sees as environment variables: not `.deployment` (Kudu's),
    /// `build.env` (Oryx's build's) or `appsvc.yaml`'s hooks (docs/platform.md, "App settings at start-up").
    pub fn runtime_settings(&self) -> AppSettings {
        self.settings_from(Origin::is_runtime)
    }

    /// `PRE_RUN_COMMAND` as the start-up script generator reads it (viper): a non-empty app setting, else
    /// `build.env` at the app root.
    pub fn pre_run_command(&self) -> Option<Setting> {
        self.setting_candidates("PRE_RUN_COMMAND")
            .find(|c| {
                (c.origin.is_runtime() && !c.value.value.is_empty()) || c.origin == Origin::BuildEnv
            })
            .map(|c| Setting {
                name: "PRE_RUN_COMMAND".to_owned(),
                value: c.value.value.clone(),
                source: c.value.source.clone(),
                value_span: c.value.value_span,
            })
    }

    fn settings_from(&self, keep: impl Fn(Origin) -> bool) -> AppSettings {
        let mut settings = AppSettings::default();
        for candidate in self.all.iter().filter(|c| keep(c.origin)) {
            let ConfigKey::AppSetting(name) = &candidate.key else {
                continue;
            };
            if settings.contains(name) {
                continue;
            }
            let cleared = [
                ("PRE_BUILD_SCRIPT_PATH", "PRE_BUILD_COMMAND"),
                ("POST_BUILD_SCRIPT_PATH", "POST_BUILD_COMMAND"),
            ]
            .iter()
            .any(|(path, command)| name == path && self.appsvc_overrides(command));
            if cleared {
                continue;
            }
            settings.insert(Setting {
                name: name.clone(),
                value: candidate.value.value.clone(),
                source: candidate.value.source.clone(),
                value_span: candidate.value.value_span,
            });
        }
        settings
    }

    /// The startup command: `--startup-command`, else `appCommandLine` of `--app-settings-file`, else the
    /// first one the repository's templates and workflows set.
    pub fn startup_command(&self) -> Option<StartupCommand> {
        self.candidates(&ConfigKey::StartupCommand)
            .find(|c| !c.value.value.trim().is_empty())
            .map(|c| StartupCommand {
                command: c.value.value.clone(),
                source: c.value.source.clone(),
            })
    }

    /// What the start-up model reads: the startup command, the settings the container sees,
    /// `PRE_RUN_COMMAND`, the repository's `oryx-manifest.toml` and `appsvc.yaml`'s `run` line.
    pub fn startup_inputs(
        &self,
        site_python: &PythonRuntime,
        build_runs: BuildRuns,
    ) -> StartupInputs {
        StartupInputs {
            command: self.startup_command(),
            site_python: site_python.clone(),
            runtime: self.runtime_settings(),
            pre_run: self.pre_run_command(),
            manifest: self.manifest.clone(),
            appsvc_run: self.appsvc.as_ref().and_then(|a| a.run.clone()),
            build_runs,
        }
    }

    /// The Python version: `--python-version`, else the site's version (`linuxFxVersion` of
    /// `--app-settings-file`, then of the templates, or Terraform's `python_version`), else
    /// `PYTHON_VERSION`, else `runtime.txt`, else the newest. Kudu builds with `--platform-version` set to
    /// the site's version, which Oryx puts above `PYTHON_VERSION` (docs/platform.md, "How Kudu runs Oryx" and "Python version of the build").
    pub fn python_runtime(&self, app_settings: &AppSettings) -> PythonRuntime {
        if let Some((version, source)) = &self.python_flag {
            return PythonRuntime {
                version: *version,
                source: Some(source.clone()),
                site_declared: true,
            };
        }
        let site = self
            .candidates(&ConfigKey::PythonVersion)
            .filter(|c| c.origin.rank() < Origin::Deployment.rank())
            .find_map(|c| parse_python_version(&c.value.value).map(|v| (v, c)));
        if let Some((version, candidate)) = site {
            return PythonRuntime {
                version,
                source: Some(candidate.value.source.clone()),
                site_declared: true,
            };
        }
        if let Some(setting) = app_settings.get("PYTHON_VERSION")
            && let Some(version) = parse_python_version(&setting.value)
        {
            return PythonRuntime {
                version,
                source: Some(setting.source.clone()),
                site_declared: true,
            };
        }
        let runtime = self
            .candidates(&ConfigKey::PythonVersion)
            .filter(|c| c.origin == Origin::RuntimeTxt)
            .find_map(|c| parse_python_version(&c.value.value).map(|v| (v, c)));
        match runtime {
            Some((version, candidate)) => PythonRuntime {
                version,
                source: Some(candidate.value.source.clone()),
                site_declared: false,
            },
            None => PythonRuntime {
                version: NEWEST_PYTHON,
                source: None,
                site_declared: false,
            },
        }
    }
}

/// What in a template adds app settings the template does not list.
const INJECTING: &[&str] = &[
    "Microsoft.ServiceLinker",
    "azurerm_app_service_connection",
    "connectionStrings",
    "connection_string",
];

/// Which template reader a file is for, by its path.
fn template_origin(rel: &str) -> Option<Origin> {
    if workflow::is_workflow(rel) {
        return Some(Origin::Workflow);
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.ends_with(".bicep") {
        Some(Origin::Bicep)
    } else if name.ends_with(".tf") {
        Some(Origin::Terraform)
    } else if name.ends_with(".json") {
        Some(Origin::ArmTemplate)
    } else {
        None
    }
}

fn file_candidate(file: FileId, origin: Origin, v: FileValue) -> Candidate {
    let span = Span::new(file, v.range);
    Candidate {
        key: v.key,
        origin,
        value: Sourced {
            value: v.value,
            source: Source::File(span),
            value_span: v.exact.then_some(span),
        },
    }
}

fn setting_candidate(setting: &Setting, origin: Origin) -> Candidate {
    Candidate {
        key: ConfigKey::AppSetting(setting.name.clone()),
        origin,
        value: Sourced {
            value: setting.value.clone(),
            source: setting.source.clone(),
            value_span: setting.value_span,
        },
    }
}

/// `runtime.txt` at the root: `python-X.Y[.Z]` on its first non-blank line.
fn runtime_txt(project: &Project) -> Option<Candidate> {
    let file = project.file("runtime.txt")?;
    let text = project.text(file).ok()?;
    let (_, range, line) = text.lines().find(|(_, _, l)| !l.trim().is_empty())?;
    let trimmed = line.trim();
    parse_python_version(trimmed).filter(|_| trimmed.starts_with("python-"))?;
    Some(Candidate {
        key: ConfigKey::PythonVersion,
        origin: Origin::RuntimeTxt,
        value: Sourced {
            value: trimmed.to_owned(),
            source: Source::File(Span::new(file, range)),
            value_span: None,
        },
    })
}

/// The app settings of `project` with `flags` as `--app-setting`s, merged by the real precedence (for
/// unit tests of the parts of the model that read settings).
#[cfg(test)]
pub(crate) fn test_app_settings(project: &Project, flags: &[(String, String)]) -> AppSettings {
    let inputs = Inputs {
        app_settings: flags.to_vec(),
        ..Inputs::default()
    };
    Sources::load(project, &inputs).app_settings()
}

#[cfg(test)]
mod tests;
