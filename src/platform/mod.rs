//! What App Service will do with the app: its settings, Python version, start-up and Django settings.
//! Built once from the project and the configuration; rules only read it.

pub mod actions;
pub mod app_settings;
pub mod apps;
pub mod build;
pub mod command;
pub mod credentials;
pub mod deployment_keys;
pub mod django;
pub mod eval;
pub mod gitignore;
pub mod gunicorn;
pub mod imports;
pub mod inputs;
pub mod keys;
pub mod modules;
pub mod oryx;
pub mod pyproject;
pub mod python_versions;
pub mod requirements;
pub mod runtime;
pub mod shell;
pub mod sources;
pub mod startup;

use crate::project::{FileId, Project, Span};
pub use app_settings::{AppSettings, Setting, Source};
pub use django::DjangoSettings;
pub use inputs::Inputs;
pub use modules::{EntryKind, EntryModule};
pub use runtime::{NEWEST_PYTHON, PythonRuntime};
pub use startup::{Startup, StartupCommand};

/// The model of the deployed app that rules read.
pub struct Platform<'a> {
    pub project: &'a Project,
    /// Every configuration source found (flags, files, infrastructure as code), with precedence applied.
    pub sources: sources::Sources,
    pub app_settings: AppSettings,
    pub python: PythonRuntime,
    pub build: build::BuildHooks,
    /// The root `pyproject.toml`, parsed once.
    pub pyproject: pyproject::Pyproject,
    pub requirements: requirements::Requirements,
    pub startup: Startup,
    pub django: Option<DjangoSettings>,
    /// `DJANGO_SETTINGS_MODULE` names a module the app does not have.
    pub django_missing: Option<django::MissingSettings>,
    /// The settings `manage.py` loads (Oryx's `collectstatic` runs it), when it names a module.
    pub django_collectstatic: Option<DjangoSettings>,
    pub oryx: oryx::OryxPlan,
    /// [`Platform::startup_python_files`], computed once.
    startup_files: std::cell::OnceCell<Vec<FileId>>,
    /// [`Platform::django_takes_forms`], computed once.
    django_forms: std::cell::OnceCell<bool>,
    /// [`Platform::static_served_in_code`], computed once.
    static_in_code: std::cell::OnceCell<bool>,
    /// [`Platform::django_upload_model`], computed once.
    upload_model: std::cell::OnceCell<Option<FileId>>,
    /// [`Platform::required_env`], computed once.
    required: std::cell::OnceCell<Vec<RequiredRead>>,
    /// [`Platform::startup_code`], computed once.
    code: std::cell::OnceCell<StartupCode>,
    /// [`Platform::credentials`], computed once.
    creds: std::cell::OnceCell<credentials::Credentials>,
    /// Every `.gitignore` of the app.
    gitignores: gitignore::GitIgnores,
}

/// What evaluating the start-up code finds ([`Platform::startup_code`]).
#[derive(Debug, Default)]
pub struct StartupCode {
    /// Every environment read, in order.
    pub reads: Vec<eval::EnvReadSite>,
    /// Every write to a Flask app's configuration, in the order the code runs them.
    pub config: Vec<eval::ConfigWrite>,
    /// Every SQLAlchemy engine created.
    pub engines: Vec<eval::EngineCall>,
    /// Every HTTPS redirect and proxy trust set up.
    pub https: Vec<eval::HttpsMarker>,
    /// Every file write.
    pub writes: Vec<eval::FileWrite>,
}

/// An environment variable the start-up code requires ([`Platform::required_env`]).
#[derive(Debug, Clone)]
pub struct RequiredRead {
    pub var: String,
    /// Its first read.
    pub span: Span,
    pub provided: Provided,
}

/// Who sets a required environment variable.
#[derive(Debug, Clone)]
pub enum Provided {
    /// App Service, in every app (`WEBSITE_HOSTNAME`, `PORT`, ...).
    Platform,
    /// An app setting, from this source.
    AppSetting(app_settings::Source),
    /// Nothing this tool can see.
    Nothing,
}

impl<'a> Platform<'a> {
    pub fn build(project: &'a Project, inputs: &Inputs) -> Platform<'a> {
        let sources = sources::Sources::load(project, inputs);
        let app_settings = sources.app_settings();
        let python = sources.python_runtime(&app_settings);
        project.set_python_version(python.version);
        let build = build::BuildHooks::detect(project, &app_settings);
        let pyproject = pyproject::Pyproject::read(project);
        let requirements = requirements::Requirements::detect(project, &app_settings, &pyproject);
        // Every `.gitignore` of the app, read once: the deployed virtual environments and the credential
        // search both ask which files Git leaves out.
        let gitignores = gitignore::GitIgnores::load(project);
        let oryx = oryx::OryxPlan::detect(
            project,
            &app_settings,
            &python,
            &requirements,
            &build,
            &sources.deploys,
            &gitignores,
        );
        let startup = Startup::detect_with(project, sources.startup_inputs(&python, oryx.runs));
        let django = DjangoSettings::resolve(
            project,
            &app_settings,
            startup.entry.as_ref(),
            &requirements,
        );
        let (django, django_missing) = match django {
            Ok(mut django) => {
                django.see_https(startup.server_trusts_forwarded_proto());
                (Some(django), None)
            }
            Err(missing) => (None, missing),
        };
        let django_collectstatic = DjangoSettings::resolve_for_manage_py(project, &app_settings);
        Platform {
            project,
            sources,
            app_settings,
            python,
            build,
            pyproject,
            requirements,
            startup,
            django,
            django_missing,
            django_collectstatic,
            oryx,
            startup_files: std::cell::OnceCell::new(),
            django_forms: std::cell::OnceCell::new(),
            static_in_code: std::cell::OnceCell::new(),
            upload_model: std::cell::OnceCell::new(),
            required: std::cell::OnceCell::new(),
            code: std::cell::OnceCell::new(),
            creds: std::cell::OnceCell::new(),
            gitignores,
        }
    }

    /// Whether the Django app takes form posts a user makes: the admin is installed in every branch of
    /// the settings, or a template of the app renders `{% csrf_token %}`. Computed on first use (it reads
    /// the templates).
    pub fn django_takes_forms(&self) -> bool {
        *self.django_forms.get_or_init(|| {
            let Some(django) = &self.django else {
                return false;
            };
            if django::always_lists(&django.get("INSTALLED_APPS"), "django.contrib.admin") {
                return true;
            }
            let project = self.project;
            let templates: Vec<FileId> = project
                .files()
                .filter(|&f| {
                    let rel = project.rel_path(f);
                    [".html", ".htm", ".jinja", ".jinja2", ".j2"]
                        .iter()
                        .any(|ext| rel.ends_with(ext))
                        && !rel
                            .split('/')
                            .any(|p| p == "node_modules" || p == "site-packages")
                })
                .collect();
            !project
                .files_containing(&templates, &["csrf_token"])
                .is_empty()
        })
    }

    /// Whether the app's own code serves static files some other way than `MIDDLEWARE`: a Python file of the
    /// app imports WhiteNoise (`application = WhiteNoise(application)` in `wsgi.py`), `dj_static`, or Django's
    /// `django.views.static` (a `serve` route). Computed on first use (it searches the Python files).
    pub fn static_served_in_code(&self) -> bool {
        *self.static_in_code.get_or_init(|| {
            let project = self.project;
            let files: Vec<FileId> = project
                .files()
                .filter(|&f| {
                    let rel = project.rel_path(f);
                    rel.ends_with(".py")
                        && !rel.split('/').any(|p| {
                            p == "site-packages" || p == "node_modules" || p.starts_with('.')
                        })
                })
                .collect();
            project
                .files_containing(&files, &["whitenoise", "dj_static", "views.static"])
                .into_iter()
                .any(|file| {
                    apps::imports_module(project, file, |m| {
                        m == "whitenoise"
                            || m.starts_with("whitenoise.")
                            || m == "dj_static"
                            || m == "django.views.static"
                    })
                })
        })
    }

    /// The environment variables the start-up code reads with no default, outside any condition (a missing
    /// one stops the app with `KeyError` at import), the first read of each, and who sets it. Computed on
    /// first use; `plan` lists them and AZ313 reports those nothing sets.
    pub fn required_env(&self) -> &[RequiredRead] {
        self.required.get_or_init(|| {
            let mut out: Vec<RequiredRead> = Vec::new();
            for read in self
                .startup_code()
                .reads
                .iter()
                .filter(|r| r.required && !r.conditional)
                .cloned()
            {
                if out.iter().any(|o| o.var == read.var) {
                    continue;
                }
                let provided = if eval::is_provided_var(&read.var) {
                    Provided::Platform
                } else {
                    match self.app_settings.get(&read.var) {
                        Some(setting) => Provided::AppSetting(setting.source.clone()),
                        None => match self.sources.computed_setting(&read.var) {
                            Some(candidate) => Provided::AppSetting(candidate.value.source.clone()),
                            None => Provided::Nothing,
                        },
                    }
                };
                out.push(RequiredRead {
                    var: read.var,
                    span: read.span,
                    provided,
                });
            }
            out
        })
    }

    /// What each database of one value of `DATABASES` on an Azure database does with TLS
    /// ([`django::database_tls`]), with the MySQL driver the requirements install and libpq's `PGSSLMODE`
    /// from the app settings.
    pub fn database_tls(&self, databases: &eval::Value) -> Vec<django::DatabaseTls> {
        let pgsslmode = self.app_settings.get("PGSSLMODE").is_some();
        django::database_tls(databases, self.mysql_driver(), pgsslmode)
    }

    /// The driver behind Django's MySQL backend: `mysqlclient` or PyMySQL when the requirements, read in
    /// full, list exactly one of them.
    pub fn mysql_driver(&self) -> django::MysqlDriver {
        if !self.requirements.complete() {
            return django::MysqlDriver::Unknown;
        }
        let names = self.requirements.installed_names();
        let has = |name: &str| names.iter().any(|n| n == name);
        match (has("mysqlclient"), has("pymysql")) {
            (true, false) => django::MysqlDriver::Mysqlclient,
            (false, true) => django::MysqlDriver::PyMysql,
            _ => django::MysqlDriver::Unknown,
        }
    }

    /// The Django settings modules the app loads when the environment variable `var` is missing (the
    /// entry module may choose its settings by it), the inherited ones included.
    pub fn django_loaded_without(&self, var: &str) -> Option<Vec<FileId>> {
        self.django.as_ref()?;
        DjangoSettings::loaded_without(
            self.project,
            &self.app_settings,
            self.startup.entry.as_ref(),
            &self.requirements,
            var,
        )
    }

    /// Every declaration of a Python version besides the site's own: `runtime.txt`, `.python-version`,
    /// `requires-python`, and `actions/setup-python` in the workflows that deploy the app.
    pub fn python_declarations(&self) -> Vec<python_versions::Declaration> {
        use python_versions::{Declaration, DeclaredBy};
        let mut out = Vec::new();
        for c in self.sources.candidates(&sources::ConfigKey::PythonVersion) {
            if c.origin == sources::Origin::RuntimeTxt
                && let Source::File(span) = &c.value.source
            {
                out.push(Declaration {
                    by: DeclaredBy::RuntimeTxt,
                    text: c.value.value.trim_start_matches("python-").to_owned(),
                    span: *span,
                });
            }
        }
        out.extend(python_versions::file_declarations(self.project));
        for step in self.sources.deploy_workflow_actions() {
            if let Some((version, span)) = &step.python_version {
                out.push(Declaration {
                    by: DeclaredBy::SetupPython,
                    text: version.trim_matches(['\'', '"']).to_owned(),
                    span: *span,
                });
            }
        }
        out
    }

    /// The credentials in the files deployed with the app (publish profiles, `.env` secrets, cloud keys),
    /// found on first use.
    pub fn credentials(&self) -> &credentials::Credentials {
        self.creds
            .get_or_init(|| credentials::Credentials::find(self.project, &self.gitignores))
    }

    /// What the start-up code does, evaluated once: each start-up module's top level, then the bodies of
    /// its functions the top level does not call (app factories, handlers).
    pub fn startup_code(&self) -> &StartupCode {
        self.code.get_or_init(|| {
            let mut evaluator =
                eval::Evaluator::new(self.project, &self.app_settings, vec![String::new()]);
            let files = self.startup_python_files();
            for &file in files {
                evaluator.module(file);
            }
            for &file in files {
                evaluator.uncalled_functions(file);
            }
            StartupCode {
                reads: evaluator.env_reads(),
                config: evaluator.config_writes(),
                engines: evaluator.engines(),
                https: evaluator.https_markers(),
                writes: evaluator.file_writes(),
            }
        })
    }

    /// The value a key of the app's configuration (Flask's `app.config`, or `SECRET_KEY` of Starlette's
    /// session middleware) ends with once the start-up code has run: the last write of the key, when no
    /// loader this tool cannot read runs after it and it is not in a branch that may not run.
    pub fn app_config(&self, key: &str) -> Option<&eval::ConfigWrite> {
        let last = self
            .startup_code()
            .config
            .iter()
            .rfind(|w| w.key == key || w.how == eval::ConfigHow::Opaque)?;
        (last.how != eval::ConfigHow::Opaque && !last.conditional).then_some(last)
    }

    /// The HTTPS redirect the start-up code sets up when nothing makes the app see the front end's
    /// HTTPS: no `ProxyFix` (or uvicorn's proxy middleware) in the code, and a server that does not trust
    /// `X-Forwarded-Proto` from App Service's front end. `None` when the code trusts the proxy, the server
    /// does (or it cannot be told), or the redirect is in a branch that may not run.
    pub fn https_redirect_loop(&self) -> Option<&eval::HttpsMarker> {
        if !self.front_end_https_unseen() {
            return None;
        }
        let markers = &self.startup_code().https;
        markers.iter().find(|m| m.forces && !m.conditional)
    }

    /// Whether the app cannot see that App Service's front end received a request over HTTPS: no proxy
    /// trust in the code (`ProxyFix`, uvicorn's proxy middleware), and a server known not to trust
    /// `X-Forwarded-Proto`.
    fn front_end_https_unseen(&self) -> bool {
        let code_trusts = self
            .startup_code()
            .https
            .iter()
            .any(|m| !m.forces && !m.external_url);
        !code_trusts && self.startup.server_trusts_forwarded_proto() == Some(false)
    }

    /// The first absolute URL the app builds from the request (`url_for(..., _external=True)`) when
    /// nothing makes it see the front end's HTTPS (as [`Platform::https_redirect_loop`] judges): the URL
    /// comes out `http://`.
    pub fn http_external_url(&self) -> Option<&eval::HttpsMarker> {
        if !self.front_end_https_unseen() {
            return None;
        }
        self.startup_code().https.iter().find(|m| m.external_url)
    }

    /// The files the app's functions (request handlers, jobs) write inside the app folder: a relative path
    /// or one computed from `__file__`, written with `open(..., 'w'/'a'/'x')`, `os.makedirs`, `os.mkdir` or
    /// `Path.write_text()`. Writes at import (caches made at every start), in a branch that may not run,
    /// under `/home` or `/tmp`, or to a path from the environment are left out; so are SQLite files
    /// ([`Platform::code_sqlite`]). The place of each, with the folder-relative path when it is known.
    pub fn writes_in_app(&self) -> Vec<(&eval::FileWrite, String)> {
        self.startup_code()
            .writes
            .iter()
            .filter(|w| w.in_function && !w.conditional)
            .filter_map(|w| {
                let place = match &w.path {
                    eval::Value::AppPath(tail) => tail.clone(),
                    eval::Value::Str(s)
                        if !s.value.trim().is_empty() && !s.value.starts_with('/') =>
                    {
                        s.value.trim().trim_start_matches("./").to_owned()
                    }
                    _ => return None,
                };
                if place.ends_with(".db")
                    || place.ends_with(".sqlite")
                    || place.ends_with(".sqlite3")
                {
                    return None;
                }
                Some((w, place))
            })
            .collect()
    }

    /// A value the app's configuration takes from the object `from_object` picks when an environment
    /// variable is missing (`config[os.getenv('FLASK_CONFIG', 'default')]`), when that variable is not a
    /// known app setting: the write (its `when_unset` names the variable).
    pub fn app_config_when_unset(&self, key: &str) -> Option<&eval::ConfigWrite> {
        self.startup_code().config.iter().find(|w| {
            w.key == key
                && w.when_unset
                    .as_deref()
                    .is_some_and(|var| self.app_settings.get(var).is_none())
        })
    }

    /// The SQLite databases the start-up code opens whose file is not under `/home`: a `sqlite:` URL
    /// written in the code as a Flask app's `SQLALCHEMY_DATABASE_URI` (the value the configuration ends
    /// with) or given to `create_engine`, or a path given to `sqlite3.connect` (the `bool`). A URL from the environment, in a branch that
    /// may not run, or replaced later by a loader this tool cannot read is not reported.
    pub fn code_sqlite(&self) -> Vec<(Span, django::SqlitePlace, bool)> {
        let code = self.startup_code();
        let mut out = Vec::new();
        if let Some(write) = self.app_config("SQLALCHEMY_DATABASE_URI")
            && let Some(place) = django::sqlite_url_place(&write.value)
        {
            out.push((write.span, place, false));
        }
        for engine in code.engines.iter().filter(|e| !e.conditional) {
            let place = if engine.sqlite3 {
                django::sqlite_place(&engine.url)
            } else {
                django::sqlite_url_place(&engine.url)
            };
            if let Some(place) = place {
                out.push((engine.span, place, engine.sqlite3));
            }
        }
        out
    }

    /// The first model file of the app with a `FileField` or `ImageField` (the app takes uploads), found on
    /// first use by searching the app's `models.py` files and `models/` packages.
    pub fn django_upload_model(&self) -> Option<FileId> {
        *self.upload_model.get_or_init(|| {
            let project = self.project;
            let files: Vec<FileId> = project
                .files()
                .filter(|&f| {
                    let rel = project.rel_path(f);
                    let in_models = rel.ends_with("/models.py")
                        || rel == "models.py"
                        || rel.split('/').rev().nth(1) == Some("models");
                    in_models
                        && rel.ends_with(".py")
                        && !rel
                            .split('/')
                            .any(|p| p == "site-packages" || p == "tests" || p.starts_with('.'))
                })
                .collect();
            project
                .files_containing(&files, &["FileField(", "ImageField("])
                .first()
                .copied()
        })
    }

    /// Where the app runs `collectstatic` itself (a build step, a script it runs, the startup command or a
    /// startup script), for a message; `None` when it does not.
    pub fn collectstatic_elsewhere(&self) -> Option<String> {
        let platform = self;
        let project = platform.project;
        let mentions = |file: FileId| {
            project
                .text(file)
                .is_ok_and(|t| t.text.contains("collectstatic"))
        };
        // The deploying workflow collects them before it deploys.
        if let Some(span) = platform
            .sources
            .deploys
            .iter()
            .find_map(|d| d.collectstatic)
        {
            return Some(format!(
                "the deploying workflow ({})",
                Source::File(span).describe_at(project)
            ));
        }
        for step in oryx::OryxPlan::build_steps(project, &platform.build) {
            if step.command.contains("collectstatic") {
                return Some(step.set_by);
            }
            if let Some(&file) = step.scripts.iter().find(|&&f| mentions(f)) {
                return Some(project.rel_path(file).to_owned());
            }
        }
        if let Some(cmd) = &platform.startup.command
            && cmd.command.contains("collectstatic")
        {
            return Some(format!(
                "the startup command ({})",
                cmd.source.describe(project)
            ));
        }
        platform
            .startup
            .startup_file
            .as_ref()
            .and_then(|f| f.file)
            .filter(|&f| mentions(f))
            .map(|f| project.rel_path(f).to_owned())
    }

    /// The file that stands for the app as a whole, for a finding that has no place of its own (a value
    /// from a flag, or about the whole app): the root dependency file Oryx reads, else the entry module
    /// App Service starts, else the first root Python file, else the first file. `None` for an empty app.
    pub fn anchor_file(&self) -> Option<FileId> {
        ["requirements.txt", "pyproject.toml", "setup.py"]
            .iter()
            .find_map(|name| self.project.file(name))
            .or_else(|| self.startup.entry.as_ref().map(|e| e.file))
            .or_else(|| {
                self.project.files().find(|&f| {
                    let rel = self.project.rel_path(f);
                    rel.ends_with(".py") && !rel.contains('/')
                })
            })
            .or_else(|| self.project.files().next())
    }

    /// The Python files App Service imports at start-up: the entry module, the modules it imports from
    /// the repository (top level only), the settings modules and the gunicorn config file gunicorn loads.
    pub fn startup_python_files(&self) -> &[FileId] {
        self.startup_files
            .get_or_init(|| self.find_startup_python_files())
    }

    fn find_startup_python_files(&self) -> Vec<FileId> {
        let mut files: Vec<FileId> = Vec::new();
        if let Some(entry) = &self.startup.entry {
            let mut queue = vec![entry.file];
            while let Some(file) = queue.pop() {
                if files.contains(&file) || files.len() > 500 {
                    continue;
                }
                files.push(file);
                queue.extend(self.imported_repo_modules(file, &entry.import_root));
            }
        }
        if let Some(django) = &self.django {
            for &file in &django.loaded {
                if !files.contains(&file) {
                    files.push(file);
                }
            }
        }
        if let Some(conf) = self
            .startup
            .gunicorn_settings()
            .and_then(|g| g.used_config_file())
            && !files.contains(&conf)
        {
            files.push(conf);
        }
        files
    }

    /// Repository modules a file imports at its top level (not inside functions).
    fn imported_repo_modules(&self, file: FileId, import_root: &str) -> Vec<FileId> {
        use ruff_python_ast::Stmt;
        let project = self.project;
        let rel = project.rel_path(file).to_owned();
        let mut out = Vec::new();
        let top_level = crate::project::walk::walk(project.python(file).body(), |_, block| {
            use crate::project::walk::Block;
            matches!(
                block,
                Block::IfBody { .. }
                    | Block::IfElse
                    | Block::TryBody
                    | Block::TryElse
                    | Block::Finally
                    | Block::WithBody
            )
        });
        for stmt in top_level {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        if let Some(f) = modules::resolve_module(project, import_root, name)
                            .or_else(|| modules::resolve_module(project, "", name))
                        {
                            out.push(f);
                        }
                    }
                }
                Stmt::ImportFrom(import) => {
                    let module = import.module.as_ref().map(|m| m.as_str());
                    let base = modules::absolute_import(&rel, import.level, module);
                    let Some(base) = base.filter(|b| !b.is_empty()) else {
                        continue;
                    };
                    let mut candidates = vec![base.clone()];
                    candidates.extend(
                        import
                            .names
                            .iter()
                            .filter(|a| a.name.as_str() != "*")
                            .map(|a| format!("{base}.{}", a.name)),
                    );
                    for name in candidates {
                        let root = if import.level == 0 { import_root } else { "" };
                        if let Some(f) = modules::resolve_module(project, root, &name)
                            .or_else(|| modules::resolve_module(project, "", &name))
                        {
                            out.push(f);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}
