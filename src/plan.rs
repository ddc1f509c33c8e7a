//! `appservice-preflight plan`: what App Service will do with the app, and why.
//!
//! The plan is read off the same [`Platform`] model the rules use, so what `plan` shows is what `check`
//! judges.

use std::fmt::Write as _;

use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::mask_secret;
use crate::platform::Platform;
use crate::platform::app_settings::Source;
use crate::platform::django::{EnvReadSite, Evaluator, PLATFORM_VARS};
use crate::platform::oryx::BuildView;
use crate::platform::startup::StartupPlan;
use crate::project::secrets::{looks_secret, value_has_credentials};
use crate::project::{Project, ProjectError, Span};

/// The plan, ready to print.
#[derive(Debug, Serialize)]
pub struct Plan {
    pub build: BuildView,
    pub startup: StartupPlan,
    /// Environment variables the app reads without a default at start-up: they must exist as app settings.
    pub required_env: Vec<RequiredEnv>,
    /// The Django settings module(s) App Service loads, when the app is a Django app.
    pub django_settings: Option<DjangoPlan>,
    /// Every app setting known to the tool, with its source (values that look secret are masked).
    pub app_settings: Vec<AppSettingPlan>,
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

impl Plan {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.build.to_text());
        let s = &self.startup;
        let _ = writeln!(out, "\nStart-up");
        let _ = writeln!(out, "  kind:           {}", s.kind.as_str());
        let _ = writeln!(out, "  command:        {}", s.command);
        if let (Some(module), Some(attribute)) = (&s.module, &s.attribute) {
            let _ = writeln!(out, "  app:            {module}:{attribute}");
        }
        let _ = writeln!(out, "  source:         {}", s.source);
        let _ = writeln!(out, "  why:            {}", s.reason);
        if let Some(file) = &s.startup_file {
            let _ = writeln!(out, "  startup file:   {file}");
        }
        if let Some(suggested) = &s.suggested_command {
            let _ = writeln!(out, "  would work:     {suggested}");
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
        out
    }
}

/// Build the plan of the app at `config.root`.
pub fn plan(config: &Config) -> Result<Plan, ProjectError> {
    let project = Project::discover(&config.root)?;
    let platform = Platform::build(&project, config);
    if let Some(error) = platform.sources.errors.first() {
        return Err(ProjectError(error.clone()));
    }
    Ok(Plan {
        build: BuildView::new(&platform),
        startup: platform
            .startup
            .plan(platform.project, &platform.app_settings),
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
    })
}

/// A source as `path:line`, or the flag.
pub fn describe(platform: &Platform, source: &Source) -> String {
    match source.span() {
        Some(span) => place(platform.project, span),
        None => source.describe(platform.project),
    }
}

fn place(project: &Project, span: Span) -> String {
    let line = project
        .text(span.file)
        .map(|t| t.line_column(span.range.start()).0)
        .unwrap_or(1);
    format!("{}:{line}", project.rel_path(span.file))
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
                    place(platform.project, *span)
                )
            }
            crate::platform::django::SettingsOrigin::Fallback => {
                "no DJANGO_SETTINGS_MODULE found: files named settings.py".to_owned()
            }
        },
    })
}

/// Variables read without a default, unconditionally, by the modules imported at start-up.
fn required_env(platform: &Platform) -> Vec<RequiredEnv> {
    let mut evaluator = Evaluator::new(
        platform.project,
        &platform.app_settings,
        vec![String::new()],
    );
    for file in platform.startup_python_files() {
        evaluator.module(file);
    }
    let mut out: Vec<RequiredEnv> = Vec::new();
    let reads: Vec<EnvReadSite> = evaluator.env_reads();
    for read in reads.iter().filter(|r| r.required && !r.conditional) {
        if out.iter().any(|o| o.name == read.var) {
            continue;
        }
        let provided_by = if PLATFORM_VARS.contains(&read.var.as_str()) {
            Some("set by App Service".to_owned())
        } else {
            platform
                .app_settings
                .get(&read.var)
                .map(|s| format!("app setting from {}", describe(platform, &s.source)))
        };
        out.push(RequiredEnv {
            name: read.var.clone(),
            read_at: place(platform.project, read.span),
            provided_by,
        });
    }
    out
}
