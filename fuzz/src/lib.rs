//! The fuzzing harness: one fuzzed input becomes one file (or the startup command) of a small Django app, and
//! the whole tool runs on it as the command does: discovery, the platform model, every rule, every output
//! format, and `plan` in text and JSON.
//!
//! The first byte of the input chooses the slot the rest goes into (`Target::slots`), so one target covers
//! every file of its kind. The same function runs the saved crash inputs as regression tests
//! (`tests/fuzz_regressions.rs` includes this file), so a fixed crash stays fixed without a nightly toolchain.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use appservice_preflight::config::Config;
use appservice_preflight::render::{self, Format};

/// What a fuzz target feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Python on the start-up path: settings (and a module they star-import), WSGI, an app file, the gunicorn
    /// configuration, `manage.py`.
    Python,
    /// `requirements.txt` and a file it includes.
    Requirements,
    /// `startup.sh`, `startup.txt` and the startup command of the app settings.
    Startup,
    /// `appsvc.yaml`, `build.env`, `.deployment`, and a pre-build script they may name.
    BuildConfig,
    /// Bicep, ARM, Terraform, a GitHub workflow and a publish profile.
    Iac,
}

/// Where an input goes.
#[derive(Debug, Clone, Copy)]
enum Slot {
    File(&'static str),
    StartupCommand,
    AppSettingsFile,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Python,
        Target::Requirements,
        Target::Startup,
        Target::BuildConfig,
        Target::Iac,
    ];

    /// The name of the fuzz target (and of its folder under `fuzz/regressions/`).
    pub fn name(self) -> &'static str {
        match self {
            Target::Python => "python",
            Target::Requirements => "requirements",
            Target::Startup => "startup",
            Target::BuildConfig => "build_config",
            Target::Iac => "iac",
        }
    }

    fn slots(self) -> &'static [Slot] {
        match self {
            Target::Python => &[
                Slot::File("mysite/settings.py"),
                Slot::File("mysite/extra.py"),
                Slot::File("mysite/wsgi.py"),
                Slot::File("app.py"),
                Slot::File("gunicorn.conf.py"),
                Slot::File("manage.py"),
            ],
            Target::Requirements => &[
                Slot::File("requirements.txt"),
                Slot::File("requirements/base.txt"),
            ],
            Target::Startup => &[
                Slot::File("startup.sh"),
                Slot::File("startup.txt"),
                Slot::StartupCommand,
            ],
            Target::BuildConfig => &[
                Slot::File("appsvc.yaml"),
                Slot::File("build.env"),
                Slot::File(".deployment"),
                Slot::File("prebuild.sh"),
                Slot::AppSettingsFile,
            ],
            Target::Iac => &[
                Slot::File("infra/main.bicep"),
                Slot::File("azuredeploy.json"),
                Slot::File("infra/main.tf"),
                Slot::File(".github/workflows/deploy.yml"),
                Slot::File("site.PublishSettings"),
            ],
        }
    }
}

/// The app every input is placed in: enough that settings, WSGI, requirements and start-up are all followed.
const SKELETON: &[(&str, &str)] = &[
    (
        "manage.py",
        "#!/usr/bin/env python\nimport os\nimport sys\n\n\ndef main():\n    \
         os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n    \
         from django.core.management import execute_from_command_line\n    \
         execute_from_command_line(sys.argv)\n\n\nif __name__ == '__main__':\n    main()\n",
    ),
    ("mysite/__init__.py", ""),
    (
        "mysite/settings.py",
        "import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\
         SECRET_KEY = os.environ['SECRET_KEY']\nDEBUG = os.environ.get('DEBUG', '') == '1'\n\
         ALLOWED_HOSTS = [os.environ.get('WEBSITE_HOSTNAME', 'localhost')]\n\
         INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.staticfiles']\n\
         MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', \
         'whitenoise.middleware.WhiteNoiseMiddleware']\nROOT_URLCONF = 'mysite.urls'\n\
         WSGI_APPLICATION = 'mysite.wsgi.application'\nSTATIC_URL = 'static/'\n\
         STATIC_ROOT = BASE_DIR / 'staticfiles'\n\nfrom .extra import *  # noqa\n",
    ),
    (
        "mysite/extra.py",
        "import os\n\nif os.environ.get('DBHOST'):\n    DATABASES = {'default': {'ENGINE': \
         'django.db.backends.postgresql', 'HOST': os.environ['DBHOST'], 'PASSWORD': \
         os.environ.get('DBPASS')}}\n",
    ),
    (
        "mysite/urls.py",
        "from django.contrib import admin\nfrom django.urls import path\n\nurlpatterns = \
         [path('admin/', admin.site.urls)]\n",
    ),
    (
        "mysite/wsgi.py",
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n\
         os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n\
         application = get_wsgi_application()\n",
    ),
    (
        "requirements.txt",
        "-r requirements/base.txt\ngunicorn==22.0.0\npsycopg2-binary\n",
    ),
    ("requirements/base.txt", "Django==4.2.11\nwhitenoise\n"),
];

struct App {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        // A RAM-backed folder when there is one: every run writes a file.
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .expect("a temporary folder for the fuzzed app");
        let root = dir.path().to_path_buf();
        for (rel, text) in SKELETON {
            write(&root, rel, text.as_bytes());
        }
        App { _dir: dir, root }
    })
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create a folder of the fuzzed app");
    }
    std::fs::write(&path, bytes).expect("write a file of the fuzzed app");
}

/// Put `data` in the slot its first byte chooses, run the tool as the command does, and put the app back.
pub fn run(target: Target, data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let slots = target.slots();
    let slot = slots[usize::from(selector) % slots.len()];
    let app = app();
    let mut config = Config::new(&app.root);
    let mut settings_file = None;
    match slot {
        Slot::File(rel) => write(&app.root, rel, content),
        Slot::StartupCommand => {
            let command = String::from_utf8_lossy(content);
            if !command.trim().is_empty() {
                config.app.startup_command = Some(command.into_owned());
            }
        }
        Slot::AppSettingsFile => {
            let path = app.root.with_extension("appsettings.json");
            std::fs::write(&path, content).expect("write the app settings file");
            // What `--app-settings-file` does: a file it refuses is a usage error, not a crash.
            let _ = config.app.add_settings_file(&path);
            settings_file = Some(path);
        }
    }
    // The command runs the analysis on a thread with a large stack; so does the harness.
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || analyse(&config))
        .expect("start the analysis thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    match slot {
        Slot::File(rel) => match SKELETON.iter().find(|(name, _)| *name == rel) {
            Some((_, text)) => write(&app.root, rel, text.as_bytes()),
            None => std::fs::remove_file(app.root.join(rel)).expect("remove a fuzzed file"),
        },
        Slot::StartupCommand => {}
        Slot::AppSettingsFile => {
            if let Some(path) = settings_file {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

fn analyse(config: &Config) {
    let report = appservice_preflight::check(config).expect("the fuzzed app's root is a folder");
    for format in [
        Format::Text,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
    ] {
        let mut out = Vec::new();
        render::render(&report, format, false, &mut out).expect("render to memory");
    }
    let plan = appservice_preflight::plan::plan(&config.root, &config.app)
        .expect("the fuzzed app's root is a folder");
    let _ = plan.to_text();
    let _ = plan.to_json();
}
