//! The settings resolution on the layouts of `django-settings-patterns.md`.

use super::*;
use crate::platform::{Inputs, Platform};

/// Each setting with its values.
type Resolved = Vec<(String, Vec<Value>)>;

/// Resolve the settings of an app made of `files`, with `flags` as `--app-setting`s.
fn resolve(
    files: &[(&str, &str)],
    flags: &[(&str, &str)],
) -> (tempfile::TempDir, Resolved, Vec<String>) {
    let (dir, project) = crate::project::test_project(files);
    let config = Inputs {
        app_settings: flags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Inputs::default()
    };
    let platform = Platform::build(&project, &config);
    let django = platform.django.as_ref().expect("settings resolved");
    let modules = django.modules.iter().map(|m| m.name.clone()).collect();
    let settings = django
        .settings
        .keys()
        .map(|k| {
            (
                k.clone(),
                django.get(k).into_iter().map(|a| a.value).collect(),
            )
        })
        .collect();
    drop(platform);
    (dir, settings, modules)
}

fn get<'a>(settings: &'a [(String, Vec<Value>)], name: &str) -> &'a [Value] {
    settings
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_slice())
        .unwrap_or(&[])
}

const WSGI: &str = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n";

#[test]
fn tutorial_switch_takes_the_production_branch_and_inherits() {
    let wsgi = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.production' if os.getenv('WEBSITE_HOSTNAME') else 'proj.settings')\n";
    let (_d, s, modules) = resolve(
        &[
            ("proj/wsgi.py", wsgi),
            ("proj/settings.py", "DEBUG = True\nSECRET_KEY = 'x'\n"),
            (
                "proj/production.py",
                "from .settings import *\nDEBUG = False\n",
            ),
        ],
        &[],
    );
    assert_eq!(modules, ["proj.production"]);
    assert_eq!(get(&s, "DEBUG"), [Value::Bool(false)]);
    assert!(matches!(get(&s, "SECRET_KEY"), [Value::Str(k)] if k.value == "x"));
}

#[test]
fn settings_packages_and_deep_chains() {
    let (_d, s, _) = resolve(
        &[
            ("proj/wsgi.py", WSGI),
            ("proj/settings/__init__.py", "from .production import *\n"),
            (
                "proj/settings/production.py",
                "from proj.settings.base import *\nALLOWED_HOSTS += ['example.com']\n",
            ),
            (
                "proj/settings/base.py",
                "from .common import *\nALLOWED_HOSTS = ['localhost']\n",
            ),
            ("proj/settings/common.py", "DEBUG = False\n"),
        ],
        &[],
    );
    assert_eq!(get(&s, "DEBUG"), [Value::Bool(false)]);
    let [Value::List(hosts)] = get(&s, "ALLOWED_HOSTS") else {
        panic!("{s:?}")
    };
    assert_eq!(
        hosts.iter().filter_map(Value::as_str).collect::<Vec<_>>(),
        ["localhost", "example.com"]
    );
}

#[test]
fn app_setting_beats_setdefault_but_not_assignment() {
    let files = [
        ("proj/wsgi.py", WSGI),
        ("proj/settings.py", "DEBUG = True\n"),
        ("proj/azure.py", "DEBUG = False\n"),
    ];
    let (_d, _, modules) = resolve(&files, &[("DJANGO_SETTINGS_MODULE", "proj.azure")]);
    assert_eq!(modules, ["proj.azure"]);
    let forced = "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'proj.settings'\n";
    let (_d, _, modules) = resolve(
        &[("proj/wsgi.py", forced), files[1], files[2]],
        &[("DJANGO_SETTINGS_MODULE", "proj.azure")],
    );
    assert_eq!(modules, ["proj.settings"]);
}

#[test]
fn unknown_branches_keep_both_values_and_known_ones_pick() {
    let (_d, s, _) = resolve(
        &[
            ("proj/wsgi.py", WSGI),
            (
                "proj/settings.py",
                "import os\nDEBUG = False\nif os.environ.get('LOCAL'):\n    DEBUG = True\n\
                 if not DEBUG:\n    SECURE_SSL_REDIRECT = True\n\
                 if 'RENDER' in os.environ:\n    ALLOWED_HOSTS = ['*']\nelse:\n    ALLOWED_HOSTS = []\n",
            ),
        ],
        &[],
    );
    assert_eq!(get(&s, "DEBUG"), [Value::Bool(true), Value::Bool(false)]);
    assert_eq!(get(&s, "ALLOWED_HOSTS"), [Value::List(vec![])]);
    // `not DEBUG` is unknown, so the setting may be unset.
    assert_eq!(
        get(&s, "SECURE_SSL_REDIRECT"),
        [Value::Bool(true), Value::Unset]
    );
}

#[test]
fn library_readers_are_understood() {
    let (_d, s, _) = resolve(
        &[
            ("proj/wsgi.py", WSGI),
            (
                "proj/settings.py",
                "import environ\nfrom decouple import config, Csv\nenv = environ.Env(DEBUG=(bool, True))\n\
                 DEBUG = env('DEBUG')\nTEMPLATE_DEBUG = config('TD', default=False, cast=bool)\n\
                 ALLOWED_HOSTS = config('HOSTS', cast=Csv())\nSECRET_KEY = env.str('SECRET_KEY')\n",
            ),
        ],
        &[],
    );
    assert!(
        matches!(get(&s, "DEBUG"), [Value::EnvBool(b)] if b.when_unset == Some(true) && !b.string_truthiness)
    );
    assert!(
        matches!(get(&s, "TEMPLATE_DEBUG"), [Value::EnvBool(b)] if b.when_unset == Some(false))
    );
    assert_eq!(
        get(&s, "ALLOWED_HOSTS"),
        [Value::EnvDerived(vec!["HOSTS".into()])]
    );
    assert!(matches!(get(&s, "SECRET_KEY"), [Value::Env(r)] if r.fallback == Fallback::Required));
}

#[test]
fn a_missing_local_settings_module_runs_the_except_branch() {
    let (_d, s, _) = resolve(
        &[
            ("proj/wsgi.py", WSGI),
            (
                "proj/settings.py",
                "DEBUG = False\ntry:\n    from .local import *\nexcept ImportError:\n    ALLOWED_HOSTS = ['a.example']\n",
            ),
        ],
        &[],
    );
    assert!(matches!(get(&s, "ALLOWED_HOSTS"), [Value::List(h)] if h.len() == 1));
}

#[test]
fn known_app_settings_decide_conditions() {
    let (_d, s, _) = resolve(
        &[
            ("proj/wsgi.py", WSGI),
            (
                "proj/settings.py",
                "import os\nDEBUG = os.environ.get('DEBUG', 'True') == 'True'\n",
            ),
        ],
        &[("DEBUG", "False")],
    );
    assert!(matches!(get(&s, "DEBUG"), [Value::Known { value: false, var, .. }] if var == "DEBUG"));
}

#[test]
fn without_a_settings_module_files_named_settings_are_used() {
    let (_d, s, modules) = resolve(
        &[
            ("web/settings.py", "DEBUG = True\n"),
            ("web/views.py", ""),
            ("requirements.txt", "Django>=4.2\n"),
        ],
        &[],
    );
    assert_eq!(modules, ["web.settings"]);
    assert_eq!(get(&s, "DEBUG"), [Value::Bool(true)]);
}

#[test]
fn files_named_settings_are_django_settings_only_in_a_django_app() {
    let django_of = |files: &[(&str, &str)]| {
        let (_dir, project) = crate::project::test_project(files);
        let platform = Platform::build(&project, &Inputs::default());
        platform
            .django
            .as_ref()
            .map(|d| d.describe_modules(&project))
    };
    let flask = [
        (
            "app.py",
            "from flask import Flask\nimport settings\napp = Flask(__name__)\n",
        ),
        ("settings.py", "DEBUG = True\nSECRET_KEY = 'k'\n"),
        ("requirements.txt", "flask\ngunicorn\n"),
    ];
    assert_eq!(django_of(&flask), None);
    // The same files with Django installed, or with a manage.py, are a Django app.
    let mut with_django = flask.to_vec();
    with_django[2] = ("requirements.txt", "flask\nDjango==5.1\n");
    assert_eq!(django_of(&with_django).as_deref(), Some("settings.py"));
    let mut with_manage = flask.to_vec();
    with_manage.push(("tools/manage.py", "import sys\n"));
    assert_eq!(django_of(&with_manage).as_deref(), Some("settings.py"));
}

#[test]
fn settings_module_chosen_by_an_if_statement_takes_the_app_service_branch() {
    let wsgi = "import os\nif os.getenv('WEBSITE_HOSTNAME') is not None:\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.production')\nelse:\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n";
    let files = [
        ("proj/wsgi.py", wsgi),
        ("proj/settings.py", "DEBUG = True\n"),
        (
            "proj/production.py",
            "from .settings import *\nDEBUG = False\n",
        ),
    ];
    let (_d, s, modules) = resolve(&files, &[]);
    assert_eq!(modules, ["proj.production"]);
    assert_eq!(get(&s, "DEBUG"), [Value::Bool(false)]);
    // With an unknown condition both modules are candidates.
    let unknown = wsgi.replace(
        "os.getenv('WEBSITE_HOSTNAME') is not None",
        "os.environ.get('DJANGO_ENV') == 'production'",
    );
    let (_d, _, modules) = resolve(&[("proj/wsgi.py", &unknown), files[1], files[2]], &[]);
    assert_eq!(modules, ["proj.production", "proj.settings"]);
}

#[test]
fn smart_cast_setdefault_fallbacks_and_try_except() {
    let (_d, s, _) = resolve(
        &[
            ("proj/wsgi.py", WSGI),
            (
                "proj/settings.py",
                "import os\nimport environ\nenv = environ.Env()\nDEBUG = env('DEBUG', default=False)\n\
                 os.environ.setdefault('API_TOKEN', 'dev-token')\nAPI_TOKEN = os.environ['API_TOKEN']\n\
                 try:\n    SECRET_KEY = os.environ['SECRET_KEY']\nexcept KeyError:\n    SECRET_KEY = 'fallback'\n",
            ),
        ],
        &[],
    );
    assert!(matches!(get(&s, "DEBUG"), [Value::EnvBool(b)] if b.when_unset == Some(false)));
    assert!(
        matches!(get(&s, "API_TOKEN"), [Value::Env(r)] if matches!(&r.fallback, Fallback::Default(d) if d.as_str() == Some("dev-token")))
    );
    // `try: os.environ['X'] except KeyError: 'fallback'` reads like `os.environ.get('X', 'fallback')`.
    assert!(
        matches!(get(&s, "SECRET_KEY"), [Value::Env(r)] if matches!(&r.fallback, Fallback::Default(d) if d.as_str() == Some("fallback"))),
        "{:?}",
        get(&s, "SECRET_KEY")
    );
}

#[test]
fn settings_from_places_the_evaluator_cannot_see_are_unknown_not_unset() {
    for settings in [
        "from acme_common.settings import *\nDEBUG = False\n",
        "from split_settings.tools import include\ninclude('components/*.py')\n",
        "import importlib\nglobals().update(vars(importlib.import_module('proj.prod')))\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        for (path, body) in [("proj/wsgi.py", WSGI), ("proj/settings.py", settings)] {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        let project = Project::discover(dir.path()).unwrap();
        let config = Inputs::default();
        let platform = Platform::build(&project, &config);
        let django = platform.django.as_ref().unwrap();
        assert!(django.incomplete, "{settings}");
        let hosts: Vec<Value> = django
            .get("ALLOWED_HOSTS")
            .into_iter()
            .map(|a| a.value)
            .collect();
        assert_eq!(hosts, [Value::Unknown], "{settings}");
    }
}

#[test]
fn a_named_module_that_does_not_exist_resolves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (path, body) in [
        ("proj/wsgi.py", WSGI),
        ("proj/other/settings.py", "DEBUG = True\n"),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let project = Project::discover(dir.path()).unwrap();
    let config = Inputs::default();
    let platform = Platform::build(&project, &config);
    assert!(platform.django.is_none());
}

#[test]
fn manage_py_main_is_followed_for_its_environment_writes_only() {
    let manage = "import os\nimport sys\n\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.admin_settings')\n    DEBUG = True\n\nif __name__ == '__main__':\n    main()\n";
    let dir = tempfile::tempdir().unwrap();
    for (path, body) in [
        ("manage.py", manage),
        ("proj/wsgi.py", WSGI),
        ("proj/settings.py", "DEBUG = False\n"),
        ("proj/admin_settings.py", "STATIC_ROOT = 'static'\n"),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let project = Project::discover(dir.path()).unwrap();
    let config = Inputs::default();
    let platform = Platform::build(&project, &config);
    let running = platform.django.as_ref().unwrap();
    assert_eq!(running.modules[0].name, "proj.settings");
    let collect = platform
        .django_collectstatic
        .as_ref()
        .expect("manage.py's settings");
    assert_eq!(collect.modules[0].name, "proj.admin_settings");
    // `DEBUG = True` inside main() is a local variable, not a module-level setting.
    let module = collect.modules[0].file;
    let mut evaluator = Evaluator::new(&project, &platform.app_settings, vec![String::new()]);
    let manage_names = &evaluator.module(project.file("manage.py").unwrap()).names;
    assert!(!manage_names.contains_key("DEBUG"));
    assert!(evaluator.module(module).names.contains_key("STATIC_ROOT"));
}

/// The classified values of `DEBUG` and `ALLOWED_HOSTS` of an app whose settings module is `settings`.
fn classified(settings: &str) -> (Vec<DebugValue>, Vec<HostsValue>, bool, bool) {
    let dir =
        crate::project::write_test_app(&[("proj/wsgi.py", WSGI), ("proj/settings.py", settings)]);
    let project = Project::discover(dir.path()).unwrap();
    let platform = Platform::build(&project, &Inputs::default());
    let django = platform.django.as_ref().unwrap();
    (
        django.debug.iter().map(|(_, v)| v.clone()).collect(),
        django
            .allowed_hosts
            .iter()
            .map(|(_, v)| v.clone())
            .collect(),
        !django.debug_problems().is_empty(),
        !django.allowed_hosts_problems().is_empty(),
    )
}

#[test]
fn debug_is_classified_once_and_reported_only_when_every_branch_is_wrong() {
    let (debug, _, problems, _) = classified("DEBUG = 1\n");
    assert_eq!(
        debug,
        [DebugValue::On {
            literal_true: false
        }]
    );
    assert!(problems);
    let (debug, _, problems, _) = classified(
        "import os\nif os.environ.get('LOCAL'):\n    DEBUG = True\nelse:\n    DEBUG = False\n",
    );
    assert_eq!(debug.len(), 2, "{debug:?}");
    assert!(!problems, "one branch is off");
    let (debug, _, problems, _) =
        classified("import os\nDEBUG = os.environ.get('DEBUG', 'True') == 'True'\n");
    assert!(
        matches!(debug[..], [DebugValue::FailsOpen { .. }]),
        "{debug:?}"
    );
    assert!(problems);
}

#[test]
fn allowed_hosts_wildcard_wins_over_every_other_entry() {
    let (_, hosts, _, problems) =
        classified("import os\nALLOWED_HOSTS = [os.environ['WEBSITE_HOSTNAME'], '*']\n");
    assert!(
        matches!(hosts[..], [HostsValue::Wildcard { span: Some(_) }]),
        "{hosts:?}"
    );
    assert!(problems);
    let (_, hosts, _, _) = classified("ALLOWED_HOSTS = ['localhost', 'myapp.onrender.com']\n");
    assert_eq!(
        hosts,
        [HostsValue::Unreachable {
            shown: vec!["'localhost'".into(), "'myapp.onrender.com'".into()],
            foreign: Vec::new()
        }]
    );
    let (_, hosts, _, problems) = classified(
        "import os\nif os.environ.get('LOCAL'):\n    ALLOWED_HOSTS = ['*']\nelse:\n    ALLOWED_HOSTS = ['example.com']\n",
    );
    assert_eq!(hosts.len(), 2);
    assert!(!problems, "a branch can serve the app");
    let (_, hosts, _, _) = classified("DEBUG = False\n");
    assert!(
        matches!(hosts[..], [HostsValue::Unreachable { .. }]),
        "never set"
    );
}

/// The variables a module reads that the app cannot start without (required, not in a branch).
fn required_reads(source: &str) -> Vec<String> {
    let dir = crate::project::write_test_app(&[("conf.py", source.as_bytes())]);
    let project = Project::discover(dir.path()).unwrap();
    let settings = AppSettings::default();
    let mut evaluator = Evaluator::new(&project, &settings, vec![String::new()]);
    evaluator.module(project.file("conf.py").unwrap());
    let mut vars: Vec<String> = evaluator
        .env_reads()
        .into_iter()
        .filter(|r| r.required && !r.conditional)
        .map(|r| r.var)
        .collect();
    vars.dedup();
    vars
}

#[test]
fn class_bodies_run_at_import_and_their_reads_count() {
    let source = "import os\n\nclass Config:\n    SECRET_KEY = os.environ['SECRET_KEY']\n    TIMEOUT = os.environ.get('TIMEOUT', '30')\n\n    class Nested:\n        TOKEN = os.environ['TOKEN']\n\n    def url(self):\n        return os.environ['ONLY_WHEN_CALLED']\n\nif os.getenv('STAGING'):\n    class Staging(Config):\n        EXTRA = os.environ['STAGING_ONLY']\n";
    assert_eq!(required_reads(source), ["SECRET_KEY", "TOKEN"]);
}

#[test]
fn a_getenv_result_used_as_a_string_or_number_is_required() {
    let source = "import os, json\nfrom pathlib import Path\n\nHOSTS = os.getenv('HOSTS').split(',')\nPORT = int(os.environ.get('APP_PORT'))\nURL = os.getenv('BASE') + '/api'\nFIRST = os.getenv('LIST')[0]\nDATA = json.loads(os.getenv('JSON_BLOB'))\nHOME = Path(os.getenv('DATA_DIR'))\nmode = os.getenv('MODE')\nLOWER = mode.lower()\n";
    assert_eq!(
        required_reads(source),
        [
            "HOSTS",
            "APP_PORT",
            "BASE",
            "LIST",
            "JSON_BLOB",
            "DATA_DIR",
            "MODE"
        ]
    );
}

#[test]
fn a_getenv_result_that_may_be_none_without_harm_is_optional() {
    let source = "import os\n\nA = os.getenv('A', '').split(',')\nB = (os.getenv('B') or 'x').upper()\nC = os.getenv('C') and os.getenv('C').split(',')\nD = os.getenv('D').split(',') if os.getenv('D') else []\nE = '%s' % os.getenv('E')\nF = f\"{os.getenv('F')}\"\nG = os.getenv('G')\nif G:\n    H = G.split(',')\n";
    assert!(
        required_reads(source).is_empty(),
        "{:?}",
        required_reads(source)
    );
}

#[test]
fn a_read_whose_error_is_caught_is_optional() {
    let caught = "import os\ntry:\n    KEY = os.environ['KEY']\nexcept KeyError:\n    KEY = None\ntry:\n    N = int(os.getenv('N'))\nexcept (TypeError, ValueError):\n    N = 1\n";
    assert!(required_reads(caught).is_empty());
    let not_caught = "import os\ntry:\n    KEY = os.environ['KEY']\n    from .local import *\nexcept ImportError:\n    pass\n";
    assert_eq!(required_reads(not_caught), ["KEY"]);
}

#[test]
fn a_raise_when_a_variable_is_missing_makes_it_required() {
    let source = "import os\n\nHOST = os.getenv('DB_HOST')\nUSER = os.environ.get('DB_USER', '')\nif not all([HOST, USER]):\n    raise RuntimeError('database settings missing')\nKEY = os.getenv('API_KEY')\nif KEY is None or not os.getenv('REGION'):\n    raise SystemExit(1)\nLEVEL = os.getenv('LOG_LEVEL')\nif not LEVEL:\n    LEVEL = 'info'\nif os.getenv('DEBUG_TOOLBAR'):\n    raise RuntimeError('not in production')\n";
    assert_eq!(
        required_reads(source),
        ["DB_HOST", "DB_USER", "API_KEY", "REGION"]
    );
}

#[test]
fn dicts_are_built_read_and_changed_in_place() {
    let settings = "import os\n\
BASE = {'ENGINE': 'django.db.backends.postgresql', 'OPTIONS': {'sslmode': 'require'}}\n\
DATABASES = {'default': {**BASE, 'NAME': 'app', 'HOST': os.environ['DBHOST']}}\n\
DATABASES['default']['NAME'] = 'shop'\n\
DATABASES['default']['PORT'] = 5432\n\
DATABASES['default'].update({'USER': 'web'})\n\
ENGINE = DATABASES['default']['ENGINE']\n\
SSL = DATABASES['default'].get('OPTIONS', {}).get('sslmode')\n\
MISSING = DATABASES.get('replica', 'none')\n\
CACHES = {'default': {}}\n\
CACHES[os.environ['CACHE_ALIAS']] = {}\n\
OPAQUE = {1: 'a'}\n";
    let (_d, s, _) = resolve(
        &[("proj/wsgi.py", WSGI), ("proj/settings.py", settings)],
        &[],
    );
    let db = &get(&s, "DATABASES")[0];
    let default = db.key("default").expect("default");
    assert_eq!(default.key("NAME").and_then(Value::as_str), Some("shop"));
    assert_eq!(default.key("PORT"), Some(&Value::Int(5432)));
    assert_eq!(default.key("USER").and_then(Value::as_str), Some("web"));
    assert!(matches!(default.key("HOST"), Some(Value::Env(_))));
    assert_eq!(
        default
            .key("OPTIONS")
            .and_then(|o| o.key("sslmode"))
            .and_then(Value::as_str),
        Some("require")
    );
    assert_eq!(
        get(&s, "ENGINE")[0].as_str(),
        Some("django.db.backends.postgresql")
    );
    assert_eq!(get(&s, "SSL")[0].as_str(), Some("require"));
    assert_eq!(get(&s, "MISSING")[0].as_str(), Some("none"));
    // A key that cannot be told makes the dict unknown, and so does a key that is not a string.
    assert_eq!(get(&s, "CACHES")[0], Value::Unknown);
    assert_eq!(get(&s, "OPAQUE")[0], Value::Unknown);
}

#[test]
fn paths_from_file_stay_in_the_app() {
    let settings = "import os\nfrom pathlib import Path\n\
BASE_DIR = Path(__file__).resolve().parent.parent\n\
OLD_BASE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n\
DB = BASE_DIR / 'db.sqlite3'\n\
MEDIA_ROOT = os.path.join(OLD_BASE, 'media')\n\
STATIC_ROOT = f'{BASE_DIR}/staticfiles'\n\
JOINED = BASE_DIR.joinpath('data', 'app.db')\n\
TEXT = str(BASE_DIR / 'logs')\n\
HOME = os.path.join(OLD_BASE, '/home/data')\n\
FROM_ENV = Path(os.environ['DATA_DIR']) / 'db.sqlite3'\n";
    let (_d, s, _) = resolve(
        &[("proj/wsgi.py", WSGI), ("proj/settings.py", settings)],
        &[],
    );
    let app = |name: &str| match &get(&s, name)[0] {
        Value::AppPath(tail) => Some(tail.clone()),
        _ => None,
    };
    assert_eq!(app("BASE_DIR").as_deref(), Some(""));
    assert_eq!(app("DB").as_deref(), Some("db.sqlite3"));
    assert_eq!(app("MEDIA_ROOT").as_deref(), Some("media"));
    assert_eq!(app("STATIC_ROOT").as_deref(), Some("staticfiles"));
    assert_eq!(app("JOINED").as_deref(), Some("data/app.db"));
    assert_eq!(app("TEXT").as_deref(), Some("logs"));
    // An absolute part leaves the app; an environment-driven base is not the app's.
    assert_eq!(app("HOME"), None);
    assert_eq!(app("FROM_ENV"), None);
    assert!(get(&s, "FROM_ENV")[0].is_env_dependent());
}

#[test]
fn insert_at_a_computed_position_keeps_the_order() {
    let settings = "MIDDLEWARE = ['a', 'b', 'c']\n\
MIDDLEWARE.insert(MIDDLEWARE.index('a') + 1, 'x')\n\
MIDDLEWARE.insert(-1, 'y')\n\
MIDDLEWARE.insert(99, 'z')\n\
OTHER = ['a']\n\
OTHER.insert(unknown_position(), 'x')\n";
    let (_d, s, _) = resolve(
        &[("proj/wsgi.py", WSGI), ("proj/settings.py", settings)],
        &[],
    );
    let names: Vec<&str> = match &get(&s, "MIDDLEWARE")[0] {
        Value::List(items) => items.iter().filter_map(Value::as_str).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(names, ["a", "x", "b", "y", "c", "z"]);
    assert!(!matches!(get(&s, "OTHER")[0], Value::List(_)));
}
