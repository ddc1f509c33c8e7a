//! The rule registry: every rule is one file in this folder with a `META` and a `check` function.

use std::fmt;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::platform::Platform;

mod allowed_hosts;
mod app_run_at_import;
mod asgi_app_on_sync_worker;
mod build_automation_off;
mod build_command_absolute_path;
mod collectstatic_will_not_produce_static;
mod custom_requirements_path_missing;
mod debug_env_string;
mod debug_not_from_env;
mod dev_server_in_production;
mod entry_attribute_missing;
mod fixes;
mod framework_not_in_requirements;
mod gunicorn_config_breaks_container;
mod install_at_startup;
mod invalid_boolean_app_setting;
mod invalid_build_config_file;
mod no_entry_point_detected;
mod pyproject_without_requirements;
mod requirement_cannot_install_on_linux;
mod requirements_encoding;
mod requirements_not_at_root;
mod script_or_config_file_bytes;
mod secret_key_hardcoded;
mod server_not_reachable;
mod startup_command_absolute_path;
mod startup_target_missing;
mod syntax_error;
mod virtualenv_in_deployment;
mod wrong_wsgi_detected;

/// Every rule, in code order. Registering a rule is one `mod` line above and one entry here.
pub static RULES: &[&RuleMeta] = &[
    &syntax_error::META,
    &requirements_not_at_root::META,
    &pyproject_without_requirements::META,
    &framework_not_in_requirements::META,
    &requirement_cannot_install_on_linux::META,
    &requirements_encoding::META,
    &collectstatic_will_not_produce_static::META,
    &build_command_absolute_path::META,
    &script_or_config_file_bytes::META,
    &invalid_boolean_app_setting::META,
    &virtualenv_in_deployment::META,
    &custom_requirements_path_missing::META,
    &invalid_build_config_file::META,
    &build_automation_off::META,
    &no_entry_point_detected::META,
    &entry_attribute_missing::META,
    &wrong_wsgi_detected::META,
    &asgi_app_on_sync_worker::META,
    &startup_target_missing::META,
    &startup_command_absolute_path::META,
    &server_not_reachable::META,
    &gunicorn_config_breaks_container::META,
    &dev_server_in_production::META,
    &install_at_startup::META,
    &app_run_at_import::META,
    &debug_not_from_env::META,
    &debug_env_string::META,
    &secret_key_hardcoded::META,
    &allowed_hosts::META,
];

/// What kind of problem a rule finds; it sets the default level of its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The deploy or the app fails.
    Blocker,
    /// A security hole or misbehaviour in production.
    Risk,
    /// Worth knowing; does not fail a check by default.
    Advice,
}

impl Category {
    pub fn default_level(self) -> Level {
        match self {
            Category::Blocker => Level::Error,
            Category::Risk => Level::Warning,
            Category::Advice => Level::Note,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Blocker => "blocker",
            Category::Risk => "risk",
            Category::Advice => "advice",
        }
    }
}

/// How serious one finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }

    /// Whether a finding at this level makes `check` exit with 1.
    pub fn fails(self) -> bool {
        self >= Level::Warning
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type CheckFn = fn(&Context, &mut Vec<Diagnostic>);

/// The facts about one rule. Prose lives in `lints/<CODE>.md`.
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// One line, shown by `rules` and used as SARIF `shortDescription`.
    pub summary: &'static str,
    /// The rule page, `lints/<CODE>.md`.
    pub docs: &'static str,
    /// The GitHub `security-severity` (0.0-10.0) for rules about security, else `None`.
    pub security_severity: Option<&'static str>,
    pub check: CheckFn,
}

impl fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleMeta")
            .field("code", &self.code)
            .finish()
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl RuleMeta {
    /// The body of one `## Heading` section of the rule page, trimmed.
    pub fn doc_section(&self, heading: &str) -> Option<&'static str> {
        doc_section(self.docs, heading)
    }

    /// The first paragraph of "What it does", as one line.
    pub fn full_description(&self) -> String {
        self.doc_section("What it does")
            .and_then(|s| s.split("\n\n").next())
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| self.summary.to_string())
    }

    /// Where the rule page is published.
    pub fn url(&self) -> String {
        format!(
            "{}/blob/main/lints/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.code
        )
    }

    pub fn tags(&self) -> Vec<&'static str> {
        let mut tags = vec![self.category.as_str()];
        if self.security_severity.is_some() {
            tags.push("security");
        }
        tags
    }
}

/// The body of a `## heading` section of a Markdown page.
pub fn doc_section<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}\n");
    let start = page.find(&marker)? + marker.len();
    let rest = &page[start..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    Some(rest[..end].trim())
}

/// Find a rule by code (`AZ301`) or name (`django-debug-not-from-env`), ignoring case.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// What a rule sees: the platform model, which owns the project.
pub struct Context<'a> {
    pub platform: &'a Platform<'a>,
}

impl<'a> std::ops::Deref for Context<'a> {
    type Target = Platform<'a>;
    fn deref(&self) -> &Self::Target {
        self.platform
    }
}

/// The alternatives of a setting that are bad, when every alternative is (else none): a value that is
/// wrong only on some unknown path is not reported.
pub fn bad_in_every_branch<T>(
    alternatives: &[crate::platform::django::Assigned],
    mut verdict: impl FnMut(&crate::platform::django::Value) -> Option<T>,
) -> Vec<(&crate::platform::django::Assigned, T)> {
    let mut bad = Vec::new();
    for alt in alternatives {
        match verdict(&alt.value) {
            Some(v) => bad.push((alt, v)),
            None => return Vec::new(),
        }
    }
    bad
}

/// Where a setting is assigned, said for a message: "proj/production.py" or
/// "proj/settings.py, inherited by proj/production.py".
pub fn settings_place(ctx: &Context, span: crate::project::Span) -> String {
    settings_place_in(ctx, ctx.django.as_ref(), span)
}

/// [`settings_place`] for a given resolution of the settings (the one `manage.py` loads, say).
pub fn settings_place_in(
    ctx: &Context,
    django: Option<&crate::platform::DjangoSettings>,
    span: crate::project::Span,
) -> String {
    let project = ctx.project;
    let file = project.rel_path(span.file);
    match django {
        Some(django) if !django.is_loaded_module(span.file) => {
            format!("{file}, inherited by {}", django.describe_modules(project))
        }
        _ => file.to_owned(),
    }
}

/// A finding about an app setting: at its value in the file that sets it, labelled `label`; for a setting
/// from a flag (no place), the label becomes a note that names the flag.
pub fn on_setting(
    rule: &'static RuleMeta,
    project: &crate::project::Project,
    setting: &crate::platform::Setting,
    message: String,
    label: &str,
) -> Diagnostic {
    let span = setting.value_span.or(setting.source.span());
    let d = Diagnostic::new(rule, span, message);
    match span {
        Some(_) => d.label(label),
        None => d.note(format!(
            "set by {}: {label}",
            setting.source.describe(project)
        )),
    }
}

/// The README's rule table (kept current by a test).
pub fn markdown_table() -> String {
    let mut table = String::from("| Code | Name | Category | Summary |\n|---|---|---|---|\n");
    for r in RULES {
        table.push_str(&format!(
            "| [{code}](lints/{code}.md) | `{name}` | {category} | {summary} |\n",
            code = r.code,
            name = r.name,
            category = r.category.as_str(),
            summary = r.summary.replace('|', "\\|"),
        ));
    }
    table
}

/// Run one rule on an app made of `files` (path, bytes), with the configuration adjusted by `setup`:
/// the shared harness of the rules' unit tests.
#[cfg(test)]
pub(crate) fn run_check(
    files: &[(&str, &[u8])],
    setup: impl Fn(&mut crate::config::Config),
    check: CheckFn,
) -> Vec<Diagnostic> {
    let dir = crate::project::write_test_app(files);
    let project = crate::project::Project::discover(dir.path()).unwrap();
    let mut config = crate::config::Config::new(dir.path());
    setup(&mut config);
    let platform = Platform::build(&project, &config);
    let mut out = Vec::new();
    check(
        &Context {
            platform: &platform,
        },
        &mut out,
    );
    out
}
