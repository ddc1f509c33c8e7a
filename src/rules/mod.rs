//! The rule registry: every rule is one file in this folder with a `META` and a `check` function.

use crate::diagnostic::Diagnostic;
pub use crate::diagnostic::{Category, Level, RuleMeta, doc_section};
use crate::platform::Platform;

mod app_run_at_import;
mod app_secret_key_hardcoded;
mod asgi_app_on_sync_worker;
mod azure_database_tls_not_required;
mod azure_database_without_tls;
mod build_automation_off;
mod build_command_absolute_path;
mod cloud_credential_in_code;
mod collectstatic_will_not_produce_static;
mod custom_requirements_path_missing;
mod data_written_into_app_folder;
mod dependency_incompatible_with_runtime;
mod deploy_workflow_build_mismatch;
mod deploy_workflow_uses_retired_action;
mod deploy_workflow_wrong_package;
mod destructive_build_command;
mod dev_server_in_production;
mod django_allowed_hosts_literal_only;
mod django_allowed_hosts_missing_website_hostname;
mod django_allowed_hosts_wildcard;
mod django_coop_invalid;
mod django_csrf_cookie_not_secure;
mod django_csrf_middleware_missing;
mod django_csrf_trusted_origins_missing;
mod django_database_password_hardcoded;
mod django_debug_env_string;
mod django_debug_fails_open;
mod django_debug_not_from_env;
mod django_hsts_not_set;
mod django_hsts_preload_off;
mod django_hsts_subdomains_off;
mod django_nosniff_off;
mod django_referrer_policy_invalid;
mod django_referrer_policy_off;
mod django_removed_storage_settings;
mod django_secret_key_fallbacks_weak;
mod django_secret_key_hardcoded;
mod django_secret_key_weak;
mod django_security_middleware_missing;
mod django_session_cookie_not_httponly;
mod django_session_cookie_not_secure;
mod django_settings_module_missing;
mod django_ssl_redirect_loop;
mod django_ssl_redirect_off;
mod django_static_files_not_served;
mod django_whitenoise_middleware_order;
mod django_x_frame_options_not_deny;
mod django_xframe_middleware_missing;
mod entry_attribute_missing;
mod external_url_scheme_http;
pub(crate) mod fixes;
mod flask_debug_enabled;
mod flask_debug_fails_open;
mod framework_not_in_requirements;
mod gunicorn_config_breaks_container;
mod gunicorn_invalid_argument;
mod gunicorn_reload_or_log_file;
mod install_at_startup;
mod invalid_boolean_app_setting;
mod invalid_build_config_file;
mod no_entry_point_detected;
mod proxy_headers_not_trusted;
mod publish_profile_committed;
mod pyproject_without_requirements;
mod python_syntax_error;
mod python_version_conflict;
mod python_version_end_of_life;
mod python_version_unsupported;
mod required_env_var_not_configured;
mod requirement_cannot_install_on_linux;
mod requirements_encoding;
mod requirements_not_at_root;
mod script_or_config_file_bytes;
mod secrets_in_dotenv;
mod server_not_reachable;
mod sqlite_database_in_app_folder;
mod startup_command_absolute_path;
mod startup_target_missing;
mod syntax_newer_than_runtime;
mod system_library_missing;
mod unknown_deployment_setting;
mod unused_suppression;
mod uploads_in_app_folder;
mod virtualenv_in_deployment;
mod wrong_wsgi_detected;
mod wwwroot_path_in_settings;

/// A rule's check: read the model, push findings.
pub type CheckFn = fn(&Context, &mut Vec<Diagnostic>);

/// A registered rule: its facts and its check.
#[derive(Debug)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: CheckFn,
}

impl std::ops::Deref for Rule {
    type Target = RuleMeta;
    fn deref(&self) -> &RuleMeta {
        self.meta
    }
}

/// `rule!(module)`: the rule declared in `module` (its `META` and its `check`).
macro_rules! rule {
    ($module:ident) => {
        Rule {
            meta: &$module::META,
            check: $module::check,
        }
    };
}

/// Every rule, in code order. Registering a rule is one `mod` line above and one entry here.
pub static RULES: &[Rule] = &[
    rule!(python_syntax_error),
    rule!(requirements_not_at_root),
    rule!(pyproject_without_requirements),
    rule!(framework_not_in_requirements),
    rule!(requirement_cannot_install_on_linux),
    rule!(requirements_encoding),
    rule!(collectstatic_will_not_produce_static),
    rule!(build_command_absolute_path),
    rule!(script_or_config_file_bytes),
    rule!(invalid_boolean_app_setting),
    rule!(virtualenv_in_deployment),
    rule!(custom_requirements_path_missing),
    rule!(invalid_build_config_file),
    rule!(build_automation_off),
    rule!(destructive_build_command),
    rule!(unknown_deployment_setting),
    rule!(no_entry_point_detected),
    rule!(entry_attribute_missing),
    rule!(wrong_wsgi_detected),
    rule!(asgi_app_on_sync_worker),
    rule!(startup_target_missing),
    rule!(startup_command_absolute_path),
    rule!(server_not_reachable),
    rule!(gunicorn_config_breaks_container),
    rule!(dev_server_in_production),
    rule!(install_at_startup),
    rule!(app_run_at_import),
    rule!(gunicorn_invalid_argument),
    rule!(gunicorn_reload_or_log_file),
    rule!(django_debug_not_from_env),
    rule!(django_debug_env_string),
    rule!(django_secret_key_hardcoded),
    rule!(django_allowed_hosts_missing_website_hostname),
    rule!(django_csrf_trusted_origins_missing),
    rule!(django_ssl_redirect_loop),
    rule!(django_static_files_not_served),
    rule!(django_database_password_hardcoded),
    rule!(azure_database_without_tls),
    rule!(sqlite_database_in_app_folder),
    rule!(django_removed_storage_settings),
    rule!(django_settings_module_missing),
    rule!(required_env_var_not_configured),
    rule!(wwwroot_path_in_settings),
    rule!(uploads_in_app_folder),
    rule!(django_allowed_hosts_literal_only),
    rule!(django_debug_fails_open),
    rule!(django_allowed_hosts_wildcard),
    rule!(django_whitenoise_middleware_order),
    rule!(django_hsts_not_set),
    rule!(django_ssl_redirect_off),
    rule!(django_secret_key_weak),
    rule!(django_session_cookie_not_secure),
    rule!(django_csrf_cookie_not_secure),
    rule!(django_security_middleware_missing),
    rule!(django_xframe_middleware_missing),
    rule!(django_csrf_middleware_missing),
    rule!(django_hsts_subdomains_off),
    rule!(django_hsts_preload_off),
    rule!(django_nosniff_off),
    rule!(django_x_frame_options_not_deny),
    rule!(django_referrer_policy_off),
    rule!(django_referrer_policy_invalid),
    rule!(django_coop_invalid),
    rule!(django_secret_key_fallbacks_weak),
    rule!(django_session_cookie_not_httponly),
    rule!(azure_database_tls_not_required),
    rule!(flask_debug_enabled),
    rule!(app_secret_key_hardcoded),
    rule!(proxy_headers_not_trusted),
    rule!(external_url_scheme_http),
    rule!(data_written_into_app_folder),
    rule!(flask_debug_fails_open),
    rule!(python_version_unsupported),
    rule!(python_version_conflict),
    rule!(syntax_newer_than_runtime),
    rule!(dependency_incompatible_with_runtime),
    rule!(system_library_missing),
    rule!(python_version_end_of_life),
    rule!(publish_profile_committed),
    rule!(secrets_in_dotenv),
    rule!(cloud_credential_in_code),
    rule!(deploy_workflow_uses_retired_action),
    rule!(deploy_workflow_build_mismatch),
    rule!(deploy_workflow_wrong_package),
    rule!(unused_suppression),
];

/// Run `rules` on the model: the findings in file and position order, each once.
pub fn run(platform: &Platform, rules: &[&Rule]) -> Vec<Diagnostic> {
    let context = Context { platform };
    let mut diagnostics = Vec::new();
    for rule in rules {
        // A custom container: Oryx neither builds nor starts the app, so the build (AZ1xx) and start-up
        // (AZ2xx) rules, which judge what Oryx and the Python image do, do not apply.
        if platform.sources.container.is_some()
            && (rule.code.starts_with("AZ1") || rule.code.starts_with("AZ2"))
        {
            continue;
        }
        (rule.check)(&context, &mut diagnostics);
    }
    finish(platform, diagnostics)
}

/// The findings as every run reports them: place-less findings anchored, sorted, each once.
fn finish(platform: &Platform, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let project = platform.project;
    // Looked for only when a finding has no place (it may walk the file list).
    let anchor = std::cell::OnceCell::new();
    for d in &mut diagnostics {
        if d.span.is_some() {
            continue;
        }
        // A finding without a place (a value from a flag, or about the app as a whole) has nowhere to
        // show its label: it becomes the first note, in every format.
        if !d.label.is_empty() {
            let label = std::mem::take(&mut d.label);
            d.notes.insert(0, label);
        }
        // Every finding points at a file (GitHub code scanning rejects a result without one): the file
        // that stands for the app, with the flag the value came from named in the message.
        if let Some(file) = *anchor.get_or_init(|| platform.anchor_file()) {
            d.span = Some(crate::project::Span::file_start(file));
            d.anchored = true;
            // A start-up finding that names no flag is about the startup command, wherever it is set.
            let startup_flag = d
                .rule
                .code
                .starts_with("AZ2")
                .then(|| fixes::startup_flag_note(&platform.startup))
                .flatten();
            let flag = std::iter::once(&d.message)
                .chain(&d.notes)
                .chain(startup_flag.as_ref())
                .find_map(|text| named_flag(text));
            match flag {
                Some(flag) if !d.message.contains(&flag) => {
                    d.message.push_str(&format!(" (set by `{flag}`)"));
                    d.label = format!("the value comes from `{flag}`, not from a file of the app");
                }
                Some(flag) => {
                    d.label = format!("the value comes from `{flag}`, not from a file of the app");
                }
                None => d.label = "this finding is about the app as a whole".to_owned(),
            }
        }
    }
    sort(project, &mut diagnostics);
    // The same finding twice (two paths to one line) is reported once, wherever the copies are.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.rule.code, d.span, d.message.clone())));
    diagnostics
}

/// Put findings in the order every report shows them: by file, position, then rule code.
pub fn sort(project: &crate::project::Project, diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.span.map(|s| project.rel_path(s.file)),
                d.span.map(|s| s.range.start()),
                d.rule.code,
            )
        };
        key(a).cmp(&key(b))
    });
}

/// The first command-line flag (or configuration key) a text names in backquotes: `--startup-command`.
fn named_flag(text: &str) -> Option<String> {
    let start = text.find("`--")? + 1;
    let end = text[start..].find('`')? + start;
    let flag = &text[start..end];
    // `--app-settings-file path` names the file too: the flag is the first word.
    Some(flag.split_whitespace().next().unwrap_or(flag).to_owned())
}

/// Find a rule by code (`AZ301`) or name (`django-debug-not-from-env`), ignoring case.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| {
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
    alternatives: &[crate::platform::eval::Assigned],
    mut verdict: impl FnMut(&crate::platform::eval::Value) -> Option<T>,
) -> Vec<(&crate::platform::eval::Assigned, T)> {
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

/// A finding of a rule that mirrors one of Django's deployment checks (`id`, such as `security.W004`): at
/// `setting` where the settings assign it, else at the start of the settings module App Service loads. The
/// message ends with the check's ID and the place; the label says whether the setting is set, unless the
/// rule gives its own.
pub fn deploy_check(
    ctx: &Context,
    rule: &'static RuleMeta,
    setting: &str,
    id: &str,
    message: &str,
    label: Option<&'static str>,
    help: &str,
) -> Option<Diagnostic> {
    let django = ctx.django.as_ref()?;
    let span = django.setting_span(setting)?;
    let label = label.unwrap_or(if django.get(setting).iter().any(|a| a.span.is_some()) {
        "set here"
    } else {
        "not set in the settings App Service loads"
    });
    Some(
        Diagnostic::new(
            rule,
            Some(span),
            format!(
                "{message} (Django's `check --deploy`: {id}; {})",
                settings_place(ctx, span)
            ),
        )
        .label(label)
        .help(help),
    )
}

/// Django's deployment checks W001-W003: `middleware` is in no branch of `MIDDLEWARE`. The finding says
/// what its absence means (`consequence`) and the fix, at `MIDDLEWARE`.
pub fn middleware_missing(
    ctx: &Context,
    rule: &'static RuleMeta,
    middleware: &str,
    id: &str,
    consequence: &str,
    help: &str,
) -> Option<Diagnostic> {
    let django = ctx.django.as_ref()?;
    if django.lists("MIDDLEWARE", middleware) != Some(false) {
        return None;
    }
    deploy_check(
        ctx,
        rule,
        "MIDDLEWARE",
        id,
        &format!("MIDDLEWARE has no `{middleware}`, so {consequence}"),
        Some("MIDDLEWARE without it"),
        help,
    )
}

/// A finding about a value from `source`: at it in the file that sets it, labelled `label`; for a value from
/// a flag (no place), the label becomes a note that names the flag.
pub fn on_setting_source(
    rule: &'static RuleMeta,
    project: &crate::project::Project,
    source: &crate::platform::Source,
    message: String,
    label: &str,
) -> Diagnostic {
    at_source(rule, project, source.span(), source, message, label)
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
    at_source(rule, project, span, &setting.source, message, label)
}

/// A finding at `span` (a place in the file that sets the value), or, without one, with a note naming the
/// flag that set it.
fn at_source(
    rule: &'static RuleMeta,
    project: &crate::project::Project,
    span: Option<crate::project::Span>,
    source: &crate::platform::Source,
    message: String,
    label: &str,
) -> Diagnostic {
    let d = Diagnostic::new(rule, span, message);
    match span {
        Some(_) => d.label(label),
        None => d.note(format!("set by {}: {label}", source.describe(project))),
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

/// Run one rule on an app made of `files` (path, bytes), with the inputs adjusted by `setup`:
/// the shared harness of the rules' unit tests.
#[cfg(test)]
pub(crate) fn run_check(
    files: &[(&str, &[u8])],
    setup: impl Fn(&mut crate::platform::Inputs),
    check: CheckFn,
) -> Vec<Diagnostic> {
    let (_dir, project) = crate::project::test_project(files);
    let mut inputs = crate::platform::Inputs::default();
    setup(&mut inputs);
    let platform = Platform::build(&project, &inputs);
    let mut out = Vec::new();
    check(
        &Context {
            platform: &platform,
        },
        &mut out,
    );
    finish(&platform, out)
}

/// Run one rule on an app made of `files`, with `--app-setting` flags and an optional startup command
/// (for the build rules' unit tests).
#[cfg(test)]
pub(crate) fn run_rule(
    files: &[(&str, &[u8])],
    flags: &[(&str, &str)],
    startup_command: Option<&str>,
    check: CheckFn,
) -> Vec<crate::diagnostic::Diagnostic> {
    run_check(
        files,
        |config| {
            config.app_settings = flags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            config.startup_command = startup_command.map(str::to_owned);
        },
        check,
    )
}
