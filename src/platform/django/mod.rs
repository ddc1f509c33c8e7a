//! The Django settings App Service will load, resolved statically.
//!
//! The settings module comes from `DJANGO_SETTINGS_MODULE`: an app setting, else what the entry module
//! (`wsgi.py`) or `manage.py` writes to `os.environ`. Its top level is evaluated with star-import chains
//! followed, and every setting keeps the place it was assigned, even in an inherited module.

use std::collections::BTreeMap;

pub use crate::platform::eval::value::{EnvBool, EnvRead, Fallback, ReadApi, StrLit, Value};
pub use crate::platform::eval::{
    Assigned, EnvFacts, EnvReadSite, Evaluator, FOREIGN_VARS, parse_bool,
};

use crate::platform::app_settings::AppSettings;
use crate::platform::modules::{EntryModule, resolve_module};
use crate::platform::requirements::Requirements;
use crate::project::{FileId, Project, Span};

/// How the settings module was found.
#[derive(Debug, Clone)]
pub enum SettingsOrigin {
    /// `DJANGO_SETTINGS_MODULE` given as an app setting.
    AppSetting,
    /// Written to `os.environ` by this file (the entry module or `manage.py`) at this span.
    EnvWrite(Span),
    /// No module could be resolved: every file named `settings.py` / `settings/*.py` is considered.
    Fallback,
}

/// One settings module App Service may load.
#[derive(Debug, Clone)]
pub struct SettingsModule {
    pub name: String,
    pub file: FileId,
}

/// The effective Django settings on App Service.
#[derive(Debug)]
pub struct DjangoSettings {
    /// The module(s) `DJANGO_SETTINGS_MODULE` can name (several when it depends on something unknown).
    pub modules: Vec<SettingsModule>,
    pub origin: SettingsOrigin,
    /// Every module evaluated to get the settings (the modules and what they import), in order reached.
    pub loaded: Vec<FileId>,
    /// Each setting with every value it can have, and where each was assigned.
    pub settings: BTreeMap<String, Vec<Assigned>>,
    /// A loaded module could not be read or parsed whole: a setting it does not show may still be set.
    pub incomplete: bool,
    /// Every value `DEBUG` can have, with what it means on App Service (computed once).
    pub debug: Vec<(Assigned, DebugValue)>,
    /// Every value `ALLOWED_HOSTS` can have, with what it lets through on App Service (computed once).
    pub allowed_hosts: Vec<(Assigned, HostsValue)>,
    /// Every value `SECURE_PROXY_SSL_HEADER` can have, with what it does behind App Service's front end.
    pub proxy_header: Vec<(Assigned, ProxyHeader)>,
    /// What `request.is_secure()` gives for a request the front end received over HTTPS (computed once
    /// the server is known: [`DjangoSettings::see_https`]).
    pub https: HttpsSeen,
}

/// What a value of `SECURE_PROXY_SSL_HEADER` does behind App Service's front end, which ends TLS and sends
/// `X-Forwarded-Proto: https` (Django reads it as `HTTP_X_FORWARDED_PROTO`).
#[derive(Debug, Clone, PartialEq)]
pub enum ProxyHeader {
    /// `('HTTP_X_FORWARDED_PROTO', 'https')`.
    Fine,
    /// Unset, `None` or empty: Django asks the server for the scheme.
    Missing,
    /// A header name the front end's header never arrives as (`'X-Forwarded-Proto'`,
    /// `'HTTP_X_FORWARDED_PROTOCOL'`): Django finds no such header and asks the server for the scheme.
    WrongHeader { header: String, span: Option<Span> },
    /// The right header with a value other than `'https'`: no request is ever secure.
    WrongValue { value: String, span: Option<Span> },
    /// Cannot be told.
    Unknown,
}

/// The name Django's `request.META` gives App Service's `X-Forwarded-Proto` header.
pub const FORWARDED_PROTO_META: &str = "HTTP_X_FORWARDED_PROTO";

/// Classify one value of `SECURE_PROXY_SSL_HEADER`.
pub fn classify_proxy_header(value: &Value) -> ProxyHeader {
    match value {
        Value::Unset | Value::None => ProxyHeader::Missing,
        Value::Str(s) if s.value.is_empty() => ProxyHeader::Missing,
        Value::List(items) if items.is_empty() => ProxyHeader::Missing,
        Value::List(items) => match items.as_slice() {
            [Value::Str(header), Value::Str(secure)] => {
                if header.value != FORWARDED_PROTO_META {
                    ProxyHeader::WrongHeader {
                        header: header.value.clone(),
                        span: header.span,
                    }
                } else if secure.value != "https" {
                    ProxyHeader::WrongValue {
                        value: secure.value.clone(),
                        span: secure.span,
                    }
                } else {
                    ProxyHeader::Fine
                }
            }
            _ => ProxyHeader::Unknown,
        },
        _ => ProxyHeader::Unknown,
    }
}

/// What Django makes of a request that reached the front end over HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpsSeen {
    /// `is_secure()` is true: the proxy header is right, or the server marks such requests `https`.
    Secure,
    /// `is_secure()` is false for every request, in every branch of the settings.
    Insecure,
    /// Cannot be told (a value or a server this tool cannot read, or branches that differ).
    #[default]
    Unknown,
}

impl DjangoSettings {
    /// The values a setting can have (`[Unset]` when no module assigns it, `[Unknown]` when a loaded
    /// module could not be read whole).
    pub fn get(&self, name: &str) -> Vec<Assigned> {
        let mut alternatives = self.settings.get(name).cloned().unwrap_or_else(|| {
            vec![Assigned {
                value: Value::Unset,
                span: None,
            }]
        });
        if self.incomplete {
            for alt in &mut alternatives {
                if alt.value == Value::Unset {
                    alt.value = Value::Unknown;
                }
            }
        }
        alternatives
    }

    /// The module names, for messages: `proj/production.py`.
    pub fn describe_modules(&self, project: &Project) -> String {
        self.modules
            .iter()
            .map(|m| project.rel_path(m.file).to_owned())
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// The values of `DEBUG` when every one is wrong in some way ([`DebugValue::is_problem`]), else none:
    /// a value that is wrong only on some unknown path is not a finding.
    pub fn debug_problems(&self) -> &[(Assigned, DebugValue)] {
        if self.debug.iter().all(|(_, v)| v.is_problem()) {
            &self.debug
        } else {
            &[]
        }
    }

    /// The values of `ALLOWED_HOSTS` when none of them is [`HostsValue::Fine`], else none.
    pub fn allowed_hosts_problems(&self) -> &[(Assigned, HostsValue)] {
        if self
            .allowed_hosts
            .iter()
            .all(|(_, v)| !matches!(v, HostsValue::Fine))
        {
            &self.allowed_hosts
        } else {
            &[]
        }
    }

    /// Work out [`DjangoSettings::https`] for a server that does (`Some(true)`) or does not trust
    /// `X-Forwarded-Proto` by itself (`None`: unknown). Django's `is_secure()` reads the proxy header when it is
    /// set and the header arrived; otherwise it takes the server's scheme (`django/http/request.py`).
    pub fn see_https(&mut self, server_trusts: Option<bool>) {
        let mut seen = Vec::new();
        for (_, header) in &self.proxy_header {
            seen.push(match header {
                ProxyHeader::Fine => HttpsSeen::Secure,
                ProxyHeader::WrongValue { .. } => HttpsSeen::Insecure,
                ProxyHeader::Missing | ProxyHeader::WrongHeader { .. } => match server_trusts {
                    Some(true) => HttpsSeen::Secure,
                    Some(false) => HttpsSeen::Insecure,
                    None => HttpsSeen::Unknown,
                },
                ProxyHeader::Unknown => HttpsSeen::Unknown,
            });
        }
        self.https = match seen.first() {
            Some(first) if seen.iter().all(|s| s == first) => *first,
            _ => HttpsSeen::Unknown,
        };
    }

    /// The assignments of a setting when every value it can have is a true constant (`True`, a non-zero
    /// number, a non-empty string), else none: a setting on only in some unknown branch is not reported.
    pub fn always_true(&self, name: &str) -> Vec<Assigned> {
        let alternatives = self.get(name);
        let truthy = |v: &Value| match v {
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.value.is_empty(),
            _ => false,
        };
        if alternatives.iter().all(|a| truthy(&a.value)) {
            alternatives
        } else {
            Vec::new()
        }
    }

    /// The values of a setting when every value it can have is known (a literal, or unset: Django's
    /// default), else `None`: a value read from the environment or computed is not guessed.
    pub fn known_values(&self, name: &str) -> Option<Vec<Assigned>> {
        fn literal(v: &Value) -> bool {
            match v {
                Value::Unset | Value::None | Value::Bool(_) | Value::Int(_) | Value::Str(_) => true,
                Value::List(items) => items.iter().all(literal),
                _ => false,
            }
        }
        let values = self.get(name);
        values.iter().all(|a| literal(&a.value)).then_some(values)
    }

    /// Whether a list setting holds `item` in every branch (`Some(true)`), in none (`Some(false)`), or
    /// cannot be told (`None`): a value that is not a known list, or branches that differ.
    pub fn lists(&self, name: &str, item: &str) -> Option<bool> {
        let alternatives = self.get(name);
        let lists = known_string_lists(&alternatives).or_else(|| {
            // Unset is Django's default, an empty list for MIDDLEWARE and INSTALLED_APPS.
            alternatives
                .iter()
                .all(|a| a.value == Value::Unset)
                .then(Vec::new)
        })?;
        if lists.is_empty() {
            return Some(false);
        }
        unanimous(lists.iter().map(|(_, l)| l.contains(&item)))
    }

    /// Whether a setting is exactly `True` in every branch (`Some(true)`), in none (`Some(false)`, unset
    /// being Django's default, never `True` for the settings this is asked about), or cannot be told.
    pub fn is_true(&self, name: &str) -> Option<bool> {
        let values = self.known_values(name)?;
        unanimous(values.iter().map(|a| a.value == Value::Bool(true)))
    }

    /// Django's choice among three check IDs for a session-cookie check (`sessions.py`): the first when
    /// only the sessions app is installed, the second when only the session middleware is on, the third
    /// when both are; `None` when neither is, or it cannot be told.
    pub fn session_check_id<'a>(&self, ids: [&'a str; 3]) -> Option<&'a str> {
        let app = self.lists("INSTALLED_APPS", "django.contrib.sessions");
        let middleware = self.lists(
            "MIDDLEWARE",
            "django.contrib.sessions.middleware.SessionMiddleware",
        );
        match (app, middleware) {
            (Some(true), Some(true)) => Some(ids[2]),
            (Some(true), Some(false)) => Some(ids[0]),
            (Some(false), Some(true)) => Some(ids[1]),
            _ => None,
        }
    }

    /// Whether a setting is truthy in every branch, in none, or cannot be told (unset is falsy: the
    /// Django defaults this is asked about are `0`, `False` or `''`).
    pub fn is_truthy(&self, name: &str) -> Option<bool> {
        self.is_truthy_or(name, false)
    }

    /// Whether a setting is truthy in every branch, in none, or cannot be told, where an unset setting
    /// takes Django's default `unset` (`SESSION_COOKIE_HTTPONLY` is `True` unless set).
    pub fn is_truthy_or(&self, name: &str, unset: bool) -> Option<bool> {
        let values = self.known_values(name)?;
        let truthy = |v: &Value| match v {
            Value::Unset => unset,
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.value.is_empty(),
            Value::List(items) => !items.is_empty(),
            _ => true,
        };
        unanimous(values.iter().map(|a| truthy(&a.value)))
    }

    /// Where to point a finding about a setting: its assignment, else the start of the settings module
    /// App Service loads (an unset setting is written nowhere).
    pub fn setting_span(&self, name: &str) -> Option<Span> {
        self.get(name)
            .iter()
            .find_map(|a| a.span)
            .or_else(|| self.modules.first().map(|m| Span::file_start(m.file)))
    }

    /// Whether the file is one of the settings modules App Service loads (not only inherited).
    pub fn is_loaded_module(&self, file: FileId) -> bool {
        self.modules.iter().any(|m| m.file == file)
    }

    /// Resolve the settings for an app whose start-up module is `entry`. When nothing names a settings
    /// module, files named `settings.py` are taken as the settings only if the app is a Django app (see
    /// [`is_django_app`]): a Flask app's own `settings.py` is not Django's.
    pub fn resolve(
        project: &Project,
        app_settings: &AppSettings,
        entry: Option<&EntryModule>,
        requirements: &Requirements,
    ) -> Result<DjangoSettings, Option<MissingSettings>> {
        Self::resolve_from(
            project,
            app_settings,
            entry,
            is_django_app(project, requirements),
            None,
        )
    }

    /// The settings modules the app loads when the environment variable `var` is not set (the entry module
    /// may choose the module by it): `None` when the settings cannot be resolved that way.
    pub fn loaded_without(
        project: &Project,
        app_settings: &AppSettings,
        entry: Option<&EntryModule>,
        requirements: &Requirements,
        var: &str,
    ) -> Option<Vec<FileId>> {
        let settings = Self::resolve_from(
            project,
            app_settings,
            entry,
            is_django_app(project, requirements),
            Some(var),
        )
        .ok()?;
        Some(settings.loaded)
    }

    /// The settings `manage.py` at the app root loads: what Oryx's `collectstatic` step runs with
    /// (`None` without a root `manage.py` that names a settings module).
    pub fn resolve_for_manage_py(
        project: &Project,
        app_settings: &AppSettings,
    ) -> Option<DjangoSettings> {
        project.file("manage.py")?;
        let settings = Self::resolve_from(project, app_settings, None, false, None).ok()?;
        (!matches!(settings.origin, SettingsOrigin::Fallback)).then_some(settings)
    }

    fn resolve_from(
        project: &Project,
        app_settings: &AppSettings,
        entry: Option<&EntryModule>,
        fallback: bool,
        absent: Option<&str>,
    ) -> Result<DjangoSettings, Option<MissingSettings>> {
        let mut roots: Vec<String> = Vec::new();
        if let Some(entry) = entry {
            roots.push(entry.import_root.clone());
            // The folder that holds the entry module's top package.
            let rel = project.rel_path(entry.file);
            let depth = entry.module.split('.').count();
            let parts: Vec<&str> = rel.split('/').collect();
            if parts.len() >= depth {
                roots.push(parts[..parts.len() - depth].join("/"));
            }
        }
        roots.push(String::new());
        roots.dedup();
        let mut evaluator = Evaluator::new(project, app_settings, roots.clone());
        if let Some(var) = absent {
            evaluator.assume_absent(var);
        }

        let mut origin = None;
        let mut named_unknown = false;
        let mut names: Vec<String> = Vec::new();
        let from_app_setting = app_settings
            .get("DJANGO_SETTINGS_MODULE")
            .map(|s| s.value.clone());

        let mut sources: Vec<FileId> = Vec::new();
        if let Some(entry) = entry {
            sources.push(entry.file);
        }
        if let Some(manage) = project.file("manage.py")
            && !sources.contains(&manage)
        {
            sources.push(manage);
        }
        // No entry module and no root `manage.py` (a project one folder down, which auto-detection does not
        // start): the `wsgi.py` and `manage.py` of the nested project name the module the app loads once it
        // is started from there, so they are asked before falling back to files named `settings.py`.
        let nested_from = sources.len();
        if entry.is_none() && fallback && sources.is_empty() {
            for (file, root) in nested_sources(project) {
                sources.push(file);
                if !roots.contains(&root) {
                    roots.push(root);
                }
            }
        }
        let mut unknown_at: Option<FileId> = None;
        for (i, source) in sources.into_iter().enumerate() {
            let result = evaluator.module(source);
            // Writes to os.environ are kept like assignments, so a write in each branch of an `if` gives
            // one alternative each; `setdefault` is a no-op when the app setting exists.
            let Some(alternatives) = result
                .names
                .get(&crate::platform::eval::env_key("DJANGO_SETTINGS_MODULE"))
            else {
                continue;
            };
            for alt in alternatives {
                match &alt.value {
                    Value::Str(s) => {
                        if !names.contains(&s.value) {
                            names.push(s.value.clone());
                        }
                        if origin.is_none() {
                            origin = alt.span.map(SettingsOrigin::EnvWrite);
                        }
                    }
                    Value::Unknown => {}
                    // Computed from something unknown: a module is named, but which one cannot be told.
                    v if v.is_env_dependent() => named_unknown = true,
                    // Not written on this path: the environment's value, if any, stands.
                    Value::Unset => {
                        if let Some(value) = &from_app_setting
                            && !names.contains(value)
                        {
                            names.push(value.clone());
                        }
                    }
                    _ => {}
                }
            }
            // A nested project's file only helps when it names a module outright; otherwise the
            // fallback to files named `settings.py` stands, as before it was asked.
            if i >= nested_from && names.is_empty() {
                named_unknown = false;
                continue;
            }
            // The first file that writes the variable decides, even when what it writes is unknown: the
            // running app loads what wsgi.py names, whatever manage.py says.
            if named_unknown && names.is_empty() {
                unknown_at = Some(source);
            }
            if !names.is_empty() || named_unknown {
                break;
            }
        }
        if let Some(file) = unknown_at
            && from_app_setting.is_none()
        {
            // Never a silent pass: every Django rule stays quiet, so say why and how to decide it.
            project.notice(format!(
                "the Django settings were not checked: `{}` takes DJANGO_SETTINGS_MODULE from the environment; give it with `--app-setting DJANGO_SETTINGS_MODULE=<module>`",
                project.rel_path(file)
            ));
        }
        if origin.is_none()
            && let Some(value) = from_app_setting
        {
            names = vec![value];
            origin = Some(SettingsOrigin::AppSetting);
        }
        let named = !names.is_empty() || named_unknown;
        let mut modules: Vec<SettingsModule> = names
            .iter()
            .filter_map(|name| {
                roots
                    .iter()
                    .find_map(|root| resolve_module(project, root, name))
                    .map(|file| SettingsModule {
                        name: name.clone(),
                        file,
                    })
            })
            .collect();
        if modules.is_empty() {
            if named || !fallback {
                // A module is named but is not in the app: Django fails to start (ModuleNotFoundError);
                // judging other files as its settings would be a guess. It is reported only when every
                // name is known and no file anywhere in the app has the module's path (a folder added to
                // `sys.path` or installed as a package is not followed, and must not look missing).
                let absent = |name: &String| {
                    let path = name.replace('.', "/");
                    let (module, package) = (format!("{path}.py"), format!("{path}/__init__.py"));
                    !project.files().any(|f| {
                        let rel = project.rel_path(f);
                        [&module, &package].iter().any(|want| {
                            rel == want.as_str()
                                || rel
                                    .strip_suffix(want.as_str())
                                    .is_some_and(|head| head.ends_with('/'))
                        })
                    })
                };
                let missing = (named && !named_unknown && names.iter().all(absent)).then(|| {
                    MissingSettings {
                        names: names.clone(),
                        origin: origin.clone().unwrap_or(SettingsOrigin::AppSetting),
                        candidates: fallback_modules(project)
                            .into_iter()
                            .map(|m| m.name)
                            .filter(|n| !n.ends_with(".__init__"))
                            .take(3)
                            .collect(),
                    }
                });
                return Err(missing);
            }
            origin = Some(SettingsOrigin::Fallback);
            modules = fallback_modules(project);
        }
        if modules.is_empty() {
            return Err(None);
        }
        let origin = origin.unwrap_or(SettingsOrigin::Fallback);
        // The entry module and manage.py were evaluated only to find the settings module.
        let before = evaluator.loaded.len();
        let mut settings: BTreeMap<String, Vec<Assigned>> = BTreeMap::new();
        for (i, module) in modules.iter().enumerate() {
            let result = evaluator.module(module.file);
            for (name, alts) in &result.names {
                if !is_setting_name(name) {
                    continue;
                }
                let entry = settings.entry(name.clone()).or_insert_with(|| {
                    if i == 0 {
                        Vec::new()
                    } else {
                        vec![Assigned {
                            value: Value::Unset,
                            span: None,
                        }]
                    }
                });
                for alt in alts {
                    if !entry.contains(alt) {
                        entry.push(alt.clone());
                    }
                }
            }
            // A setting the other modules have but this one does not is unset when this one is loaded.
            for (name, alts) in settings.iter_mut() {
                if !result.names.contains_key(name) && !alts.iter().any(|a| a.value == Value::Unset)
                {
                    alts.push(Assigned {
                        value: Value::Unset,
                        span: None,
                    });
                }
            }
        }
        let mut loaded: Vec<FileId> = evaluator.loaded[before..].to_vec();
        for m in &modules {
            if !loaded.contains(&m.file) {
                loaded.insert(0, m.file);
            }
        }
        let incomplete = loaded.iter().any(|&f| {
            let parsed = project.python(f);
            parsed.read_error.is_some() || !parsed.errors.is_empty() || evaluator.module(f).opaque
        });
        let mut django = DjangoSettings {
            modules,
            origin,
            loaded,
            settings,
            incomplete,
            debug: Vec::new(),
            allowed_hosts: Vec::new(),
            proxy_header: Vec::new(),
            https: HttpsSeen::Unknown,
        };
        django.proxy_header = django
            .get("SECURE_PROXY_SSL_HEADER")
            .into_iter()
            .map(|a| {
                let v = classify_proxy_header(&a.value);
                (a, v)
            })
            .collect();
        django.debug = django
            .get("DEBUG")
            .into_iter()
            .map(|a| {
                let v = classify_debug(&a.value);
                (a, v)
            })
            .collect();
        django.allowed_hosts = django
            .get("ALLOWED_HOSTS")
            .into_iter()
            .map(|a| {
                let v = classify_allowed_hosts(&a.value);
                (a, v)
            })
            .collect();
        Ok(django)
    }
}

/// A `DJANGO_SETTINGS_MODULE` that names no module of the app: Django stops with `ModuleNotFoundError`.
#[derive(Debug, Clone)]
pub struct MissingSettings {
    /// The module names it can have (each is missing).
    pub names: Vec<String>,
    /// Where it is set: an app setting, or a write to `os.environ` in the entry module or `manage.py`.
    pub origin: SettingsOrigin,
    /// Settings modules the app does have (files named `settings.py` or in a `settings/` package), by
    /// their dotted path from the app root.
    pub candidates: Vec<String>,
}

/// Django reads only upper-case names from a settings module.
fn is_setting_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether the app is a Django app, for the fallback to files named `settings.py`: Django is installed
/// by the requirements (directly or as a dependency of one), or the app has a `manage.py`. (A
/// `DJANGO_SETTINGS_MODULE` from an app setting or written by the entry module or `manage.py` names the
/// module itself, so the fallback is not reached.)
fn is_django_app(project: &Project, requirements: &Requirements) -> bool {
    requirements.provides("django")
        || project.files().any(|f| {
            let rel = project.rel_path(f);
            (rel == "manage.py" || rel.ends_with("/manage.py"))
                && !rel.split('/').any(|p| p == "site-packages")
        })
}

/// The most nested projects' files asked for `DJANGO_SETTINGS_MODULE`.
const MAX_NESTED_SOURCES: usize = 8;

/// `wsgi.py`, `asgi.py` and `manage.py` files below the root (not in tests, virtual environments or
/// vendored packages), with the folder each imports its project from: `manage.py`'s own folder, the
/// parent of `wsgi.py`'s package. `wsgi.py` first, in path order.
fn nested_sources(project: &Project) -> Vec<(FileId, String)> {
    let skipped = |rel: &str| {
        rel.split('/').any(|p| {
            matches!(
                p,
                "tests" | "test" | "site-packages" | "node_modules" | "docs" | "examples"
            )
        })
    };
    let mut found: Vec<(u8, FileId, String)> = Vec::new();
    for file in project.files() {
        let rel = project.rel_path(file);
        if skipped(rel) {
            continue;
        }
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            [dirs @ .., "manage.py"] if !dirs.is_empty() => {
                found.push((1, file, dirs.join("/")));
            }
            [dirs @ .., _package, name] if matches!(*name, "wsgi.py" | "asgi.py") => {
                let rank = if *name == "wsgi.py" { 0 } else { 2 };
                found.push((rank, file, dirs.join("/")));
            }
            _ => {}
        }
    }
    found.sort_by_key(|(rank, file, _)| (*rank, project.rel_path(*file).to_owned()));
    found
        .into_iter()
        .take(MAX_NESTED_SOURCES)
        .map(|(_, file, root)| (file, root))
        .collect()
}

/// Files named `settings.py` or in a `settings/` package, outside tests.
fn fallback_modules(project: &Project) -> Vec<SettingsModule> {
    project
        .files()
        .filter(|&f| {
            let rel = project.rel_path(f);
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let in_settings_pkg =
                rel.split('/').rev().nth(1) == Some("settings") && name.ends_with(".py");
            (name == "settings.py" || in_settings_pkg)
                && !rel
                    .split('/')
                    .any(|p| p == "tests" || p == "test" || p == "site-packages")
        })
        .filter(|&f| {
            // An `__init__.py` of a settings package that is empty holds no settings.
            !project.rel_path(f).ends_with("__init__.py")
                || project.text(f).is_ok_and(|t| !t.text.trim().is_empty())
        })
        .map(|file| SettingsModule {
            name: project
                .rel_path(file)
                .trim_end_matches(".py")
                .replace('/', "."),
            file,
        })
        .collect()
}

/// What a value of `DEBUG` means on App Service.
#[derive(Debug, Clone, PartialEq)]
pub enum DebugValue {
    /// Off: `False`, `None`, an empty value, or not set (Django's default).
    Off,
    /// On whatever the environment says: `literal_true` for `True` itself, else another truthy constant.
    On { literal_true: bool },
    /// On because of what App Service's environment is known to hold (`'RENDER' not in os.environ`, or
    /// an app setting given to the tool).
    OnInThisEnvironment { var: String, span: Span },
    /// A raw environment string (or its truthiness), so `"False"` and `"0"` are on.
    RawString { var: String, span: Span },
    /// Converted to a boolean correctly, but on when the variable is missing.
    FailsOpen { var: String, span: Span },
    /// Read from the environment and converted: fine.
    FromEnv,
    /// Cannot be told.
    Unknown,
}

/// Classify one value of `DEBUG`.
pub fn classify_debug(value: &Value) -> DebugValue {
    match value {
        Value::Unset | Value::None => DebugValue::Off,
        Value::Bool(b) => {
            if *b {
                DebugValue::On { literal_true: true }
            } else {
                DebugValue::Off
            }
        }
        Value::Int(i) => {
            if *i != 0 {
                DebugValue::On {
                    literal_true: false,
                }
            } else {
                DebugValue::Off
            }
        }
        Value::Str(s) => {
            if s.value.is_empty() {
                DebugValue::Off
            } else {
                DebugValue::On {
                    literal_true: false,
                }
            }
        }
        Value::List(items) => {
            if items.is_empty() {
                DebugValue::Off
            } else {
                DebugValue::On {
                    literal_true: false,
                }
            }
        }
        Value::Known {
            value: true,
            var,
            span,
        } => DebugValue::OnInThisEnvironment {
            var: var.clone(),
            span: *span,
        },
        Value::Known { value: false, .. } => DebugValue::Off,
        Value::Env(read) => DebugValue::RawString {
            var: read.var.clone(),
            span: read.span,
        },
        Value::EnvBool(b) if b.string_truthiness => DebugValue::RawString {
            var: b.var.clone(),
            span: b.span,
        },
        Value::EnvBool(b) if b.when_unset == Some(true) => DebugValue::FailsOpen {
            var: b.var.clone(),
            span: b.span,
        },
        Value::EnvBool(_) | Value::EnvDerived(_) => DebugValue::FromEnv,
        _ => DebugValue::Unknown,
    }
}

impl DebugValue {
    /// Whether the value is wrong in some way: on, failing open, or a raw string.
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            DebugValue::On { .. }
                | DebugValue::OnInThisEnvironment { .. }
                | DebugValue::FailsOpen { .. }
                | DebugValue::RawString { .. }
        )
    }
}

/// Domains of other hosting platforms' default host names: never the App Service host.
pub const FOREIGN_DOMAINS: &[&str] = &[
    "herokuapp.com",
    "onrender.com",
    "up.railway.app",
    "fly.dev",
    "vercel.app",
    "pythonanywhere.com",
    "appspot.com",
    "run.app",
];

/// Host names that only ever reach the machine itself.
pub const LOCAL_HOSTS: &[&str] = &[
    "localhost",
    ".localhost",
    "127.0.0.1",
    "[::1]",
    "::1",
    "0.0.0.0",
];

/// What a value of `ALLOWED_HOSTS` lets through on App Service, whose requests carry the app's host name
/// (`<app>.azurewebsites.net`, which App Service puts in `WEBSITE_HOSTNAME`, or a custom domain).
#[derive(Debug, Clone, PartialEq)]
pub enum HostsValue {
    /// The list holds `'*'`: Django accepts every `Host` header. `span` is the `'*'` literal.
    Wildcard { span: Option<Span> },
    /// Nothing in it can be the app's host name: the list is empty or unset, or holds only local names
    /// (`shown`, quoted) and reads of variables App Service never sets (`foreign`).
    Unreachable {
        shown: Vec<String>,
        foreign: Vec<String>,
    },
    /// It can hold the app's host name (a domain written out, a value from an app setting), or it cannot
    /// be told.
    Fine,
}

/// Classify one value of `ALLOWED_HOSTS`.
pub fn classify_allowed_hosts(value: &Value) -> HostsValue {
    let items: Vec<&Value> = match value {
        Value::Unset => Vec::new(),
        Value::List(items) => items.iter().collect(),
        Value::Env(_) | Value::EnvDerived(_) => {
            let vars = value.env_vars();
            return if vars.iter().all(|v| FOREIGN_VARS.contains(&v.as_str())) {
                HostsValue::Unreachable {
                    shown: Vec::new(),
                    foreign: vars,
                }
            } else {
                HostsValue::Fine
            };
        }
        _ => return HostsValue::Fine,
    };
    // `'*'` lets every host through, whatever else the list holds.
    if let Some(star) = items.iter().find_map(|item| match item {
        Value::Str(s) if s.value == "*" => Some(s.span),
        _ => None,
    }) {
        return HostsValue::Wildcard { span: star };
    }
    let mut shown = Vec::new();
    let mut foreign = Vec::new();
    for item in items {
        match item {
            // Another platform's host name (`myapp.herokuapp.com`) is never the App Service host.
            Value::Str(s)
                if FOREIGN_DOMAINS
                    .iter()
                    .any(|d| s.value.trim_start_matches('.').ends_with(d)) =>
            {
                shown.push(format!("'{}'", s.value))
            }
            Value::Str(s) if LOCAL_HOSTS.contains(&s.value.as_str()) => {
                shown.push(format!("'{}'", s.value))
            }
            // A domain written out (the app's azurewebsites.net name, a custom domain) can be the host.
            Value::Str(_) => return HostsValue::Fine,
            Value::None => {}
            other => {
                let vars = other.env_vars();
                if vars.is_empty() || !vars.iter().all(|v| FOREIGN_VARS.contains(&v.as_str())) {
                    // Unknown, or driven by the environment App Service provides: fine.
                    return HostsValue::Fine;
                }
                foreign.extend(vars);
            }
        }
    }
    HostsValue::Unreachable { shown, foreign }
}

/// Whether a value of `CSRF_TRUSTED_ORIGINS` can let the app's own HTTPS origin through.
#[derive(Debug, Clone, PartialEq)]
pub enum OriginsValue {
    /// It may: an `https://` origin written out (the app's name or a custom domain), or a value read from
    /// the environment App Service provides, or one this tool cannot read.
    MayCover,
    /// It cannot: unset, empty, `http://` only, local or another platform's names (`shown`), or read only from
    /// another platform's variables (`foreign`).
    Misses {
        shown: Vec<String>,
        foreign: Vec<String>,
    },
}

/// Classify one value of `CSRF_TRUSTED_ORIGINS` (Django 4.0 and later compare it with the `Origin` header,
/// scheme included).
pub fn classify_trusted_origins(value: &Value) -> OriginsValue {
    let from_env = |value: &Value| {
        let vars = value.env_vars();
        if !vars.is_empty() && vars.iter().all(|v| FOREIGN_VARS.contains(&v.as_str())) {
            Some(vars)
        } else {
            None
        }
    };
    let items: Vec<&Value> = match value {
        Value::Unset | Value::None => Vec::new(),
        Value::List(items) => items.iter().collect(),
        other => {
            return match from_env(other) {
                Some(foreign) => OriginsValue::Misses {
                    shown: Vec::new(),
                    foreign,
                },
                None => OriginsValue::MayCover,
            };
        }
    };
    let mut shown = Vec::new();
    let mut foreign = Vec::new();
    for item in items {
        match item {
            Value::Str(s) => {
                let origin = s.value.trim();
                let Some(host) = origin.strip_prefix("https://") else {
                    // `http://...`, or no scheme at all (Django 4.0 rejects that at start-up): never the
                    // browser's `https://` origin.
                    shown.push(format!("'{}'", s.value));
                    continue;
                };
                let host = host.split(['/', ':']).next().unwrap_or(host);
                let elsewhere = FOREIGN_DOMAINS
                    .iter()
                    .any(|d| host.trim_start_matches("*.").ends_with(d));
                if elsewhere || LOCAL_HOSTS.contains(&host) {
                    shown.push(format!("'{}'", s.value));
                } else {
                    return OriginsValue::MayCover;
                }
            }
            Value::None => {}
            other => match from_env(other) {
                Some(vars) => foreign.extend(vars),
                None => return OriginsValue::MayCover,
            },
        }
    }
    OriginsValue::Misses { shown, foreign }
}

/// Whether every value a list setting can have holds `item` (`false` when one is unknown or unset).
pub fn always_lists(alternatives: &[Assigned], item: &str) -> bool {
    !alternatives.is_empty()
        && alternatives.iter().all(|a| match &a.value {
            Value::List(items) => items.iter().any(|i| i.as_str() == Some(item)),
            _ => false,
        })
}

/// Where a SQLite database of `DATABASES` lives, for what App Service keeps of it.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlitePlace {
    /// In the app's folder (`BASE_DIR / 'db.sqlite3'`, a relative name): the deployed folder.
    InApp(String),
    /// An absolute path outside `/home` (`/tmp/db.sqlite3`): the container's own disk.
    Elsewhere(String),
}

/// A SQLite database whose file App Service does not keep.
#[derive(Debug, Clone, PartialEq)]
pub struct LostSqlite {
    pub alias: String,
    pub place: SqlitePlace,
    /// The engine's string in the settings.
    pub span: Option<Span>,
}

/// Where a SQLite database file is, from its path as written (`db.sqlite3`, `/home/data/db.sqlite3`) or
/// computed from `__file__`: `None` for `/home/...` (kept and shared), an in-memory database, a URI
/// filename, and a path this tool cannot compute.
pub fn sqlite_place(path: &Value) -> Option<SqlitePlace> {
    match path {
        Value::AppPath(tail) => Some(SqlitePlace::InApp(tail.clone())),
        Value::Str(name) => {
            let path = name.value.trim();
            if path.is_empty()
                || path == ":memory:"
                || path.starts_with("file:")
                || path.starts_with("/home/")
            {
                None
            } else if path.starts_with('/') {
                Some(SqlitePlace::Elsewhere(path.to_owned()))
            } else {
                Some(SqlitePlace::InApp(path.trim_start_matches("./").to_owned()))
            }
        }
        _ => None,
    }
}

/// Where the database of a SQLAlchemy `sqlite:` URL written in the code is ([`sqlite_place`]):
/// `sqlite:///app.db` is relative to the working folder (the app's), `sqlite:////home/data/app.db`
/// absolute, `sqlite://` in memory. `None` for any other URL or a value that is not a literal.
pub fn sqlite_url_place(url: &Value) -> Option<SqlitePlace> {
    let Value::Str(text) = url else { return None };
    let (scheme, rest) = text.value.trim().split_once("://")?;
    if scheme.split('+').next() != Some("sqlite") {
        return None;
    }
    // `sqlite:///path?mode=ro`: the path ends at the query.
    let path = rest.strip_prefix('/')?.split('?').next().unwrap_or("");
    if path.is_empty() {
        return None;
    }
    sqlite_place(&Value::Str(StrLit {
        value: path.to_owned(),
        span: text.span,
    }))
}

/// The SQLite databases of one value of `DATABASES` whose file is not under `/home` (the only folder App
/// Service keeps across restarts and shares between instances). A name read from the environment, an
/// in-memory database and a name this tool cannot compute are not reported.
pub fn lost_sqlite(value: &Value) -> Vec<LostSqlite> {
    let Value::Dict(aliases) = value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (alias, db) in aliases {
        let Some(Value::Str(engine)) = db.key("ENGINE") else {
            continue;
        };
        if !engine.value.ends_with("sqlite3") {
            continue;
        }
        let Some(place) = db.key("NAME").and_then(sqlite_place) else {
            continue;
        };
        out.push(LostSqlite {
            alias: alias.clone(),
            place,
            span: engine.span,
        });
    }
    out
}

/// How a database password is written into the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordLiteral {
    /// `'PASSWORD': 'hunter2'`.
    Value,
    /// The fallback of an environment read: `os.environ.get('DBPASS', 'hunter2')`.
    Fallback,
    /// Inside a connection URL: `dj_database_url.parse('postgres://u:hunter2@h/db')`.
    Url,
    /// Inside the default URL of `dj_database_url.config(default='postgres://u:hunter2@h/db')`.
    UrlFallback,
}

/// A database password written in the settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DbPassword {
    pub alias: String,
    pub how: PasswordLiteral,
    /// The literal that holds it (masked in every output).
    pub span: Span,
}

/// The database passwords one value of `DATABASES` writes out (not read from the environment).
pub fn literal_db_passwords(value: &Value) -> Vec<DbPassword> {
    let Value::Dict(aliases) = value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (alias, db) in aliases {
        let mut push = |how, span: Option<Span>| {
            if let Some(span) = span {
                out.push(DbPassword {
                    alias: alias.clone(),
                    how,
                    span,
                });
            }
        };
        // The whole alias from `dj_database_url.config(default=...)`: its default's password.
        if let Value::Env(read) = db
            && let Fallback::Default(default) = &read.fallback
            && let Some(Value::Str(pw)) = default.key("PASSWORD")
            && !pw.value.is_empty()
        {
            push(PasswordLiteral::UrlFallback, pw.span);
            continue;
        }
        let from_url = db.key("ENGINE").and_then(|e| match e {
            Value::Str(engine) => Some(engine.span),
            _ => None,
        }) == db.key("PASSWORD").and_then(|p| match p {
            Value::Str(pw) => Some(pw.span),
            _ => None,
        });
        match db.key("PASSWORD") {
            Some(Value::Str(pw)) if !pw.value.is_empty() => push(
                if from_url {
                    PasswordLiteral::Url
                } else {
                    PasswordLiteral::Value
                },
                pw.span,
            ),
            Some(Value::Env(read)) => {
                if let Fallback::Default(default) = &read.fallback
                    && let Value::Str(pw) = default.as_ref()
                    && !pw.value.is_empty()
                {
                    push(PasswordLiteral::Fallback, pw.span);
                }
            }
            _ => {}
        }
    }
    out
}

/// The custom domains of one value of `ALLOWED_HOSTS` when it lists only domains written out and none is
/// App Service's (`*.azurewebsites.net`): the app's own name and its slots' names are refused. `None` when
/// the list holds anything else (a value from the environment, `'*'`, an `azurewebsites.net` name, something
/// this tool cannot read), or no custom domain at all (AZ304's case).
pub fn custom_domains_only(value: &Value) -> Option<Vec<(String, Option<Span>)>> {
    let Value::List(items) = value else {
        return None;
    };
    let mut custom = Vec::new();
    for item in items {
        let Value::Str(host) = item else {
            return None;
        };
        let name = host
            .value
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase();
        if name == "*" || name == "azurewebsites.net" || name.ends_with(".azurewebsites.net") {
            return None;
        }
        let elsewhere = FOREIGN_DOMAINS.iter().any(|d| name.ends_with(d));
        if !elsewhere && !LOCAL_HOSTS.contains(&name.as_str()) {
            custom.push((host.value.clone(), host.span));
        }
    }
    (!custom.is_empty()).then_some(custom)
}

/// The strings under `/home/site/wwwroot` in one value of a setting (inside lists and dicts too: a
/// `LOGGING` handler's `filename`), with their spans; at most 16, looked for 8 levels deep.
pub fn wwwroot_paths(value: &Value) -> Vec<(String, Span)> {
    fn walk(value: &Value, depth: usize, out: &mut Vec<(String, Span)>) {
        if depth > 8 || out.len() >= 16 {
            return;
        }
        match value {
            Value::Str(s) => {
                let path = s.value.trim();
                if (path == "/home/site/wwwroot" || path.starts_with("/home/site/wwwroot/"))
                    && let Some(span) = s.span
                {
                    out.push((path.to_owned(), span));
                }
            }
            Value::List(items) | Value::Either(items) => {
                items.iter().for_each(|i| walk(i, depth + 1, out))
            }
            Value::Dict(entries) => entries.iter().for_each(|(_, v)| walk(v, depth + 1, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, 0, &mut out);
    out
}

/// WhiteNoise's middleware, as its documentation names it.
pub const WHITENOISE_MIDDLEWARE: &str = "whitenoise.middleware.WhiteNoiseMiddleware";
/// Django's security middleware, which WhiteNoise's comes right after.
pub const SECURITY_MIDDLEWARE: &str = "django.middleware.security.SecurityMiddleware";

/// The strings of a setting whose every value is a list of string literals (`None` when one value is not:
/// unset, read from the environment, built in a way this tool cannot follow).
pub fn known_string_lists(alternatives: &[Assigned]) -> Option<Vec<(&Assigned, Vec<&str>)>> {
    alternatives
        .iter()
        .map(|a| match &a.value {
            Value::List(items) => items
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<&str>>>()
                .map(|strings| (a, strings)),
            _ => None,
        })
        .collect()
}

/// Whether static files may be served by something other than the app's own process: a storage backend
/// that is not local (`django-storages`, Cloudinary, ...) or a `STATIC_URL` on another host. `true` when it
/// cannot be told.
pub fn static_files_elsewhere(django: &DjangoSettings) -> bool {
    let local = |backend: &str| {
        backend.starts_with("django.contrib.staticfiles.")
            || backend.starts_with("django.core.files.storage.")
            || backend.starts_with("whitenoise.")
    };
    let storages_elsewhere = django.get("STORAGES").iter().any(|a| match &a.value {
        Value::Unset | Value::None => false,
        Value::Dict(_) => match a.value.key("staticfiles").and_then(|s| s.key("BACKEND")) {
            None => false,
            Some(Value::Str(backend)) => !local(&backend.value),
            Some(_) => true,
        },
        _ => true,
    });
    let old_setting_elsewhere = django
        .get("STATICFILES_STORAGE")
        .iter()
        .any(|a| match &a.value {
            Value::Unset | Value::None => false,
            Value::Str(backend) => !local(&backend.value),
            _ => true,
        });
    let url_elsewhere = django.get("STATIC_URL").iter().any(|a| match &a.value {
        Value::Unset | Value::None => false,
        Value::Str(url) => {
            let url = url.value.trim();
            url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
        }
        _ => true,
    });
    storages_elsewhere || old_setting_elsewhere || url_elsewhere
}

/// Where one value of `MEDIA_ROOT` puts uploaded files, when that is in the app's folder: `Some("")` for
/// the folder itself (unset, whose default `''` is the working folder), `Some("media")` for a folder in it.
/// `None` for an absolute path elsewhere, a value from the environment, or one this tool cannot compute.
pub fn media_in_app(value: &Value) -> Option<String> {
    match value {
        Value::Unset => Some(String::new()),
        Value::AppPath(tail) => Some(tail.clone()),
        Value::Str(s) if !s.value.starts_with('/') => Some(
            s.value
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned(),
        ),
        _ => None,
    }
}

/// Whether uploads are stored by the app on its own disk: the default storage is Django's file system
/// storage in every branch (`STORAGES` and `DEFAULT_FILE_STORAGE` unset, or naming it). `false` when a
/// backend is remote (`django-storages`, Cloudinary) or cannot be read.
pub fn uploads_stored_locally(django: &DjangoSettings) -> bool {
    let local = |backend: &str| backend == "django.core.files.storage.FileSystemStorage";
    let storages = django.get("STORAGES").iter().all(|a| match &a.value {
        Value::Unset => true,
        Value::Dict(_) => match a.value.key("default").and_then(|d| d.key("BACKEND")) {
            None => true,
            Some(Value::Str(backend)) => local(&backend.value),
            Some(_) => false,
        },
        _ => false,
    });
    let old = django
        .get("DEFAULT_FILE_STORAGE")
        .iter()
        .all(|a| match &a.value {
            Value::Unset => true,
            Value::Str(backend) => local(&backend.value),
            _ => false,
        });
    storages && old
}

/// The Python driver behind Django's MySQL backend, from the requirements files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MysqlDriver {
    /// `mysqlclient`: TLS by the client library's default (libmysqlclient's `PREFERRED`).
    Mysqlclient,
    /// PyMySQL standing in for `MySQLdb` (`pymysql.install_as_MySQLdb()`): TLS only when given `ssl`.
    PyMysql,
    /// Not known (neither listed, both listed, or requirements this tool cannot read in full).
    Unknown,
}

/// How a database of `DATABASES` on Azure Database for PostgreSQL or MySQL treats TLS, where it matters.
#[derive(Debug, Clone, PartialEq)]
pub enum TlsVerdict {
    /// An option turns TLS off (`sslmode=disable`, `ssl_mode=DISABLED`, `ssl=False`): the server refuses.
    Off { option: String },
    /// The MySQL driver is PyMySQL and no `ssl` option is given: PyMySQL connects without TLS.
    PlainDriver,
    /// TLS is left to the client's default or a mode that falls back to plain text (`prefer`, `allow`,
    /// no option at all): it works while the server requires TLS, but is never required by the client.
    NotRequired { mode: Option<String> },
}

/// A database of `DATABASES` on an Azure database server and what its options do with TLS.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseTls {
    pub alias: String,
    /// `PostgreSQL` or `MySQL`.
    pub server: &'static str,
    pub span: Option<Span>,
    /// The host is written out as an Azure database host (else it comes from the environment).
    pub azure_host: bool,
    pub verdict: TlsVerdict,
}

/// What each database of one value of `DATABASES` on an Azure database does with TLS: the host is an
/// Azure database host written out, or read from the environment (the app's own server on App Service).
/// A host written out elsewhere (`localhost`), or options this tool cannot read, are left alone; so is a
/// connection that requires TLS (`sslmode` `require`/`verify-*`, an `ssl` dict, `ssl_mode` `REQUIRED`/
/// `VERIFY_*`). `pgsslmode` is set when libpq's `PGSSLMODE` is an app setting (it replaces the default).
pub fn database_tls(value: &Value, driver: MysqlDriver, pgsslmode: bool) -> Vec<DatabaseTls> {
    let Value::Dict(aliases) = value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (alias, db) in aliases {
        let Some(Value::Str(engine)) = db.key("ENGINE") else {
            continue;
        };
        let (server, domain) =
            if engine.value.contains("postgresql") || engine.value.contains("postgis") {
                ("PostgreSQL", ".postgres.database.azure.com")
            } else if engine.value.contains("mysql") {
                ("MySQL", ".mysql.database.azure.com")
            } else {
                continue;
            };
        let azure_host = match db.key("HOST") {
            Some(Value::Str(host)) if host.value.trim().ends_with(domain) => true,
            Some(host) if host.is_env_dependent() => false,
            _ => continue,
        };
        // No `OPTIONS` at all leaves every option to its default; options this tool cannot read say nothing.
        let empty = Value::Dict(Vec::new());
        let options = match db.key("OPTIONS") {
            None => &empty,
            Some(options @ Value::Dict(_)) => options,
            Some(_) => continue,
        };
        let option = |key: &str| options.key(key);
        let verdict = if server == "PostgreSQL" {
            match option("sslmode") {
                Some(Value::Str(mode)) => match mode.value.trim().to_ascii_lowercase().as_str() {
                    "disable" => TlsVerdict::Off {
                        option: format!("sslmode={}", mode.value),
                    },
                    m @ ("allow" | "prefer") => TlsVerdict::NotRequired {
                        mode: Some(m.to_owned()),
                    },
                    _ => continue,
                },
                None if !pgsslmode => TlsVerdict::NotRequired { mode: None },
                _ => continue,
            }
        } else {
            let mode = option("ssl_mode");
            let ssl = option("ssl");
            match (mode, ssl) {
                (Some(Value::Str(m)), _) if m.value.eq_ignore_ascii_case("DISABLED") => {
                    TlsVerdict::Off {
                        option: format!("ssl_mode={}", m.value),
                    }
                }
                (_, Some(Value::Bool(false))) => TlsVerdict::Off {
                    option: "ssl=False".to_owned(),
                },
                (Some(Value::Str(m)), _) if m.value.eq_ignore_ascii_case("PREFERRED") => {
                    TlsVerdict::NotRequired {
                        mode: Some(m.value.clone()),
                    }
                }
                // Only Django's own backend uses `MySQLdb` (which PyMySQL can stand in for).
                (None, None)
                    if driver == MysqlDriver::PyMysql
                        && engine.value == "django.db.backends.mysql" =>
                {
                    TlsVerdict::PlainDriver
                }
                (None, None) => TlsVerdict::NotRequired { mode: None },
                _ => continue,
            }
        };
        let span = match &verdict {
            TlsVerdict::Off { .. } => option("sslmode")
                .or(option("ssl_mode"))
                .and_then(|v| match v {
                    Value::Str(s) => s.span,
                    _ => None,
                })
                .or(engine.span),
            _ => engine.span,
        };
        out.push(DatabaseTls {
            alias: alias.clone(),
            server,
            span,
            azure_host,
            verdict,
        });
    }
    out
}

/// Whether a secret key fails Django's test (`django/core/checks/security/base.py`, `_check_secret_key`):
/// fewer than 50 characters, fewer than 5 different ones, or the `django-insecure-` prefix.
pub fn weak_secret_key(key: &str) -> bool {
    let distinct: std::collections::HashSet<char> = key.chars().collect();
    distinct.len() < 5 || key.chars().count() < 50 || key.starts_with("django-insecure-")
}

/// The answer every branch gives, when they all give the same one (`None` for none or for a split).
fn unanimous(mut answers: impl Iterator<Item = bool>) -> Option<bool> {
    let first = answers.next()?;
    answers.all(|a| a == first).then_some(first)
}

#[cfg(test)]
mod tests;
