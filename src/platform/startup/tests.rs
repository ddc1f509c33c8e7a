//! Tests of the start-up model: the decision, auto-detection, the text model and `plan`.

use super::*;
use crate::platform::app_settings::{AppSettings, Setting, Source};
use crate::platform::gunicorn::{ConfValue, WorkerClass};
use crate::project::{Project, PythonVersion};

fn detect(p: &Project, command: Option<StartupCommand>, python: PythonVersion) -> Startup {
    Startup::detect(p, command, python, &AppSettings::default())
}

fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
    crate::project::test_project(files)
}

fn flag(command: &str) -> Option<StartupCommand> {
    Some(StartupCommand {
        command: command.to_owned(),
        source: Source::Flag("--startup-command".into()),
    })
}

const FLASK: &str = "from flask import Flask\napp = Flask(__name__)\n";
const FASTAPI: &str = "from fastapi import FastAPI\napp = FastAPI()\n";

#[test]
fn auto_detection_order() {
    let (_d, p) = project(&[
        ("app.py", FLASK),
        ("zeta/wsgi.py", "application = None\n"),
        ("alpha/wsgi.py", "application = None\n"),
        ("antenv/wsgi.py", ""),
    ]);
    let s = detect(&p, None, PythonVersion::PY312);
    assert_eq!(s.kind, StartupKind::Django);
    assert_eq!(s.entry.as_ref().unwrap().module, "alpha.wsgi");
    let dirs: Vec<&str> = s.wsgi_folders.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(dirs, ["alpha", "zeta"]);

    let (_d, p) = project(&[("main.py", FASTAPI), ("app.py", FLASK)]);
    let s = detect(&p, None, PythonVersion::PY314);
    assert_eq!(s.kind, StartupKind::FastApi);
    assert_eq!(s.entry.as_ref().unwrap().module, "main");
    let s = detect(&p, None, PythonVersion::PY313);
    assert_eq!(s.kind, StartupKind::Flask);
    assert_eq!(s.entry.as_ref().unwrap().module, "app");
    assert!(s.fastapi_skipped.is_some());

    // `from flask` disqualifies a FastAPI file; a comment naming fastapi does not count.
    let (_d, p) = project(&[
        ("main.py", "import fastapi\nfrom flask import Flask\n"),
        ("server.py", "# fastapi\nimport os\n"),
    ]);
    let s = detect(&p, None, PythonVersion::PY314);
    assert_eq!(s.kind, StartupKind::Flask);
    assert_eq!(s.entry.as_ref().unwrap().module, "server");

    // Detection is a text search: `from flask` anywhere disqualifies a file (even in a comment or as
    // `from flask_cors`), `import flask` does not; `from fastapi`/`import fastapi` anywhere counts
    // (a comment, a string, `from fastapi_users`), a bare mention of fastapi does not.
    let (_d, p) = project(&[
        ("main.py", "import fastapi\n# from flask_cors import CORS\n"),
        ("app.py", "# fastapi\nimport os\n"),
        (
            "application.py",
            "import flask\nHELP = 'import fastapi to serve'\n",
        ),
    ]);
    let s = detect(&p, None, PythonVersion::PY314);
    assert_eq!(s.kind, StartupKind::FastApi);
    assert_eq!(s.entry.as_ref().unwrap().module, "application");
    let (_d, p) = project(&[("server.py", "from fastapi_users import FastAPIUsers\n")]);
    let s = detect(&p, None, PythonVersion::PY314);
    assert_eq!(s.kind, StartupKind::FastApi);
    let (_d, p) = project(&[(
        "main.py",
        "from flask_cors import CORS\nfrom fastapi import FastAPI\n",
    )]);
    let s = detect(&p, None, PythonVersion::PY314);
    assert_eq!(s.kind, StartupKind::Default);

    let (_d, p) = project(&[("hello.py", FLASK)]);
    let s = detect(&p, None, PythonVersion::PY314);
    assert_eq!(s.kind, StartupKind::Default);
    assert!(s.entry.is_none());
}

#[test]
fn what_oryx_reads_around_the_command() {
    use crate::platform::oryx::BuildRuns;
    use crate::platform::sources::manifest::Manifest;
    let setting = |name: &str, value: &str| Setting {
        name: name.to_owned(),
        value: value.to_owned(),
        source: Source::flag("--app-setting"),
        value_span: None,
    };
    let (_d, p) = project(&[
        ("main.py", FASTAPI),
        (
            "oryx-manifest.toml",
            "PythonVersion=\"3.12.9\"\nVirtualEnvName=\"antenv\"\nCompressDestinationDir=\"false\"\n",
        ),
        ("antenv/pyvenv.cfg", ""),
    ]);
    let mut inputs = StartupInputs::new(None, PythonVersion::PY314);
    inputs.manifest = Manifest::load(&p);
    // The build rewrites the manifest: the site's version and an activated `antenv`.
    let built = Startup::detect_with(&p, inputs.clone());
    assert_eq!(built.python, Some(PythonVersion::PY314));
    assert_eq!(built.kind, StartupKind::FastApi);
    assert!(matches!(built.packages, Packages::Activated { .. }));
    // Deployed as it is: the manifest's 3.12 turns FastAPI detection off, and an uncompressed
    // output with no build folder named is not activated.
    inputs.build_runs = BuildRuns::No;
    let shipped = Startup::detect_with(&p, inputs.clone());
    assert_eq!(shipped.python, Some(PythonVersion::PY312));
    assert_eq!(shipped.python_text(), "3.12.9");
    assert!(matches!(shipped.fastapi_gate, FastApiGate::TooOld));
    assert_eq!(shipped.kind, StartupKind::Default);
    assert!(matches!(shipped.packages, Packages::OnPythonPath { .. }));
    assert!(!shipped.compressed);
    // Without a manifest, a `PYTHON_VERSION` app setting replaces the image's.
    inputs.manifest = None;
    inputs.runtime.insert(setting("PYTHON_VERSION", "3.13"));
    let env = Startup::detect_with(&p, inputs.clone());
    assert_eq!(env.python, Some(PythonVersion::PY313));

    // DISABLE_FASTAPI_DETECTION: Go booleans; a value Go rejects writes no script.
    let mut inputs = StartupInputs::new(None, PythonVersion::PY314);
    inputs
        .runtime
        .insert(setting(DISABLE_FASTAPI_DETECTION, "t"));
    assert_eq!(
        Startup::detect_with(&p, inputs.clone()).kind,
        StartupKind::Default
    );
    inputs
        .runtime
        .insert(setting(DISABLE_FASTAPI_DETECTION, "yes"));
    let panics = Startup::detect_with(&p, inputs.clone());
    assert_eq!(panics.kind, StartupKind::NoScript);
    assert!(panics.entry.is_none() && panics.steps(&p).is_empty());
    assert_eq!(panics.invalid_booleans.len(), 1);

    // PRE_RUN_COMMAND runs before HOST/PORT and the packages; multi-workers take `t`.
    let mut inputs = StartupInputs::new(None, PythonVersion::PY314);
    inputs.pre_run = Some(setting("PRE_RUN_COMMAND", "sh prep.sh"));
    inputs.runtime.insert(setting(MULTIWORKERS, "t"));
    let s = Startup::detect_with(&p, inputs);
    let steps = s.steps(&p);
    let at = |needle: &str| steps.iter().position(|x| x.contains(needle)).unwrap();
    assert!(at("PRE_RUN_COMMAND") < at("HOST=0.0.0.0"));
    assert!(at("HOST=0.0.0.0") < at("site-packages"));
    let plan = s.plan(&p, &AppSettings::default());
    assert!(
        plan.command.contains("--workers=<2 x CPUs + 1>"),
        "{}",
        plan.command
    );
}

#[test]
fn startup_files_and_first_lines() {
    let (_d, p) = project(&[
        ("src/app.py", FLASK),
        ("startup.txt", "gunicorn --chdir src app:app\necho never\n"),
        ("startup.sh", "#!/bin/sh\ncd src\nexec gunicorn app:app\n"),
    ]);
    let s = detect(&p, flag("startup.txt"), PythonVersion::PY312);
    let sf = s.startup_file.as_ref().unwrap();
    assert!(sf.file.is_some() && !sf.whole);
    assert_eq!(s.run().unwrap().text, "gunicorn --chdir src app:app");
    assert_eq!(s.entry.as_ref().unwrap().import_root, "src");
    assert!(matches!(s.decision, StartupDecision::Configured(_)));
    // `echo never` is on a line that never runs.
    assert_eq!(sf.unused_lines.len(), 1);

    let s = detect(&p, flag("./startup.sh"), PythonVersion::PY312);
    assert!(s.startup_file.as_ref().unwrap().whole);
    let server = &s.servers()[0];
    assert_eq!(server.cwd.as_deref(), Some("src"));
    assert_eq!(p.rel_path(server.file.unwrap()), "src/app.py");

    let s = detect(
        &p,
        flag("sh /home/site/wwwroot/startup.sh"),
        PythonVersion::PY312,
    );
    assert!(s.startup_file.as_ref().unwrap().file.is_some());

    let s = detect(&p, flag("run.sh"), PythonVersion::PY312);
    let sf = s.startup_file.as_ref().unwrap();
    assert!(sf.file.is_none() && sf.whole);

    // A one-word program is not a file.
    let s = detect(&p, flag("gunicorn"), PythonVersion::PY312);
    assert!(s.startup_file.is_none());

    // Without a command, the root startup file is taken as the startup command: `startup.sh` first.
    let s = detect(&p, None, PythonVersion::PY312);
    assert_eq!(
        s.decision,
        StartupDecision::AssumedStartupFile(p.file("startup.sh").unwrap())
    );
    assert_eq!(s.assumed_file(), p.file("startup.sh"));
    assert_eq!(s.kind, StartupKind::Custom);
    assert_eq!(p.rel_path(s.entry.as_ref().unwrap().file), "src/app.py");
    assert!(s.startup_file.as_ref().unwrap().whole);
}

#[test]
fn the_root_startup_file_replaces_auto_detection() {
    // A Flask app Oryx would detect, and a startup.txt: the file decides, once, for everyone.
    let (_d, p) = project(&[
        ("app.py", FLASK),
        (
            "startup.txt",
            "gunicorn --bind=0.0.0.0 --timeout 600 app:create()\npip list\n",
        ),
    ]);
    let s = detect(&p, None, PythonVersion::PY312);
    assert_eq!(s.kind, StartupKind::Custom);
    assert_eq!(
        s.run().unwrap().text,
        "gunicorn --bind=0.0.0.0 --timeout 600 app:create()"
    );
    assert!(matches!(s.gunicorn, GunicornStart::Custom(0)));
    assert_eq!(s.startup_file.as_ref().unwrap().unused_lines.len(), 1);
    let plan = s.plan(&p, &AppSettings::default());
    assert_eq!(plan.kind, StartupKind::Custom);
    assert!(plan.assumed);
    assert_eq!(
        plan.command,
        "gunicorn --bind=0.0.0.0 --timeout 600 app:create()"
    );
    assert_eq!(plan.source, "assumed: startup.txt at the app root");
    assert_eq!(plan.startup_file.as_deref(), Some("startup.txt"));
    assert!(
        plan.reason.contains("its first line is the command"),
        "{}",
        plan.reason
    );

    // A configured command wins over the root file.
    let s = detect(&p, flag("gunicorn app:app"), PythonVersion::PY312);
    assert!(s.assumed_file().is_none());
    assert!(s.startup_file.is_none());
    assert!(!s.plan(&p, &AppSettings::default()).assumed);

    // Without either, auto-detection.
    let (_d, p) = project(&[("app.py", FLASK)]);
    let s = detect(&p, None, PythonVersion::PY312);
    assert_eq!(s.decision, StartupDecision::AutoDetected);
    assert_eq!(s.kind, StartupKind::Flask);
    assert!(matches!(s.gunicorn, GunicornStart::Auto(_)));
}

#[test]
fn continued_lines_are_one_command() {
    let (_d, p) = project(&[
        ("app.py", FASTAPI),
        (
            "startup.sh",
            "#!/bin/sh\nFOO=1 python -m uvicorn app:app \\\n    --host 0.0.0.0 \\\n    --port 8000\n",
        ),
    ]);
    let s = detect(&p, flag("startup.sh"), PythonVersion::PY312);
    let text = s.run().unwrap();
    assert_eq!(text.commands.len(), 1);
    let server = &text.servers[0];
    assert_eq!(server.command.value("--host").unwrap().text, "0.0.0.0");
    assert_eq!(server.command.value("--port").unwrap().text, "8000");
    assert_eq!(server.env, [("FOO".to_owned(), "1".to_owned())]);
    let line = text.line_at(server.command.range().start());
    assert_eq!((line.first, line.last), (2, 4));
    assert_eq!(
        text.edited(line.range, &[]),
        "FOO=1 python -m uvicorn app:app --host 0.0.0.0 --port 8000"
    );
    // The port's span is in the file, on line 4.
    let port = server.command.value("--port").unwrap().range;
    let span = text.span(port).unwrap();
    let file = p.text(span.file).unwrap();
    assert_eq!(file.slice(span.range), "8000");
    assert_eq!(file.line_column(span.range.start()).0, 4);
}

#[test]
fn custom_command_targets() {
    let (_d, p) = project(&[
        ("src/proj/__init__.py", ""),
        ("src/proj/wsgi.py", "application = None\n"),
        ("api/main.py", FASTAPI),
    ]);
    let s = detect(
        &p,
        flag("cd src && gunicorn --workers 2 proj.wsgi"),
        PythonVersion::PY312,
    );
    let e = s.entry.as_ref().unwrap();
    assert_eq!(
        (e.module.as_str(), e.attribute.as_str()),
        ("proj.wsgi", "application")
    );
    assert_eq!(e.import_root, "src");

    let s = detect(
        &p,
        flag("gunicorn --chdir=/home/site/wwwroot/api 'main:create()'"),
        PythonVersion::PY312,
    );
    let server = &s.servers()[0];
    assert!(server.factory);
    assert_eq!(server.attribute.as_deref(), Some("create"));
    assert_eq!(server.import_root.as_deref(), Some("api"));

    let s = detect(
        &p,
        flag("python -m uvicorn --app-dir api main:app"),
        PythonVersion::PY312,
    );
    assert_eq!(p.rel_path(s.entry.unwrap().file), "api/main.py");

    let s = detect(
        &p,
        flag("gunicorn --pythonpath api main:app"),
        PythonVersion::PY312,
    );
    assert_eq!(p.rel_path(s.entry.unwrap().file), "api/main.py");

    let (_d, p) = project(&[
        ("src/app.py", "app = None\n"),
        ("lib/shared.py", ""),
        ("gunicorn.conf.py", "chdir = 'src'\npythonpath = '../lib'\n"),
        (
            "conf/dynamic.py",
            "import os\nchdir = os.environ['APP_DIR']\n",
        ),
    ]);
    let s = detect(&p, flag("gunicorn app:app"), PythonVersion::PY312);
    let server = &s.servers()[0];
    assert_eq!(server.import_root.as_deref(), Some("src"));
    assert_eq!(server.roots(), ["src", "lib"]);
    assert_eq!(p.rel_path(server.file.unwrap()), "src/app.py");
    let s = detect(
        &p,
        flag("gunicorn -c conf/dynamic.py app:app"),
        PythonVersion::PY312,
    );
    assert_eq!(s.servers()[0].import_root, None);

    // GUNICORN_CMD_ARGS sits between the config file and the command line.
    let settings = crate::platform::sources::test_app_settings(
        &p,
        &[("GUNICORN_CMD_ARGS".to_owned(), "--chdir lib".to_owned())],
    );
    let s = Startup::detect(
        &p,
        flag("gunicorn shared:app"),
        PythonVersion::PY312,
        &settings,
    );
    let server = &s.servers()[0];
    assert_eq!(server.import_root.as_deref(), Some("lib"));
    assert_eq!(p.rel_path(server.file.unwrap()), "lib/shared.py");
    let s = Startup::detect(
        &p,
        flag("gunicorn --chdir src app:app"),
        PythonVersion::PY312,
        &settings,
    );
    assert_eq!(s.servers()[0].import_root.as_deref(), Some("src"));
}

#[test]
fn plans() {
    let settings = AppSettings::default();
    let (_d, p) = project(&[("app.py", FLASK)]);
    let plan = detect(&p, None, PythonVersion::PY312).plan(&p, &settings);
    assert_eq!(plan.kind, StartupKind::Flask);
    assert_eq!(
        plan.command,
        "gunicorn --bind=0.0.0.0:8000 --timeout 600 --access-logfile '-' --error-logfile '-' -c /opt/startup/gunicorn.conf.py --chdir=$APP_PATH app:app"
    );
    assert_eq!(plan.attribute.as_deref(), Some("app"));

    let (_d, p) = project(&[("main.py", FASTAPI)]);
    let plan = detect(&p, None, PythonVersion::PY314).plan(&p, &settings);
    assert_eq!(plan.kind, StartupKind::FastApi);
    assert!(
        plan.command
            .ends_with("-k uvicorn_worker.UvicornWorker --chdir=$APP_PATH main:app")
    );
    let plan = detect(&p, None, PythonVersion::PY312).plan(&p, &settings);
    assert_eq!(plan.kind, StartupKind::Default);
    assert!(
        plan.command
            .ends_with("--chdir=/opt/defaultsite application:app")
    );
    assert!(
        plan.reason.contains(
            "`main.py` imports fastapi, but Oryx detects FastAPI apps only on Python 3.14"
        ),
        "{}",
        plan.reason
    );

    let (_d, p) = project(&[("startup.txt", "gunicorn app:app\n\n"), ("app.py", FLASK)]);
    let plan = detect(&p, flag("startup.txt"), PythonVersion::PY312).plan(&p, &settings);
    assert_eq!(plan.kind, StartupKind::Custom);
    assert_eq!(plan.command, "gunicorn app:app");
    assert_eq!(plan.source, "`--startup-command`");
    assert_eq!(plan.module.as_deref(), Some("app"));
    assert_eq!(plan.startup_file.as_deref(), Some("startup.txt"));
}

#[test]
fn worker_classes() {
    let (_d, p) = project(&[
        ("main.py", FASTAPI),
        (
            "gunicorn.conf.py",
            "worker_class = 'uvicorn_worker.UvicornWorker'\n",
        ),
        ("conf/sync.py", "import os\nworkers = 2\n"),
    ]);
    let class_with = |cmd: &str, settings: &AppSettings| {
        let s = Startup::detect(&p, flag(cmd), PythonVersion::PY312, settings);
        let server = &s.servers()[0];
        server
            .gunicorn
            .as_ref()
            .unwrap()
            .worker_class(&p, &server.command)
    };
    let class = |cmd: &str| class_with(cmd, &AppSettings::default());
    assert_eq!(class("gunicorn main:app").serves_asgi(), Some(true));
    assert_eq!(
        class("gunicorn -c conf/sync.py main:app"),
        WorkerClass::Default
    );
    assert_eq!(
        class("gunicorn -k gthread main:app"),
        WorkerClass::Named {
            class: "gthread".into(),
            origin: "`-k`".into()
        }
    );
    assert_eq!(class("gunicorn -k asgi main:app").serves_asgi(), Some(true));
    assert_eq!(
        class("gunicorn -k myworkers.Custom main:app").serves_asgi(),
        None
    );
    assert_eq!(
        class("gunicorn -c python:missing main:app"),
        WorkerClass::Unknown
    );
    let env = crate::platform::sources::test_app_settings(
        &p,
        &[(
            "GUNICORN_CMD_ARGS".to_owned(),
            "--timeout 600 -kuvicorn.workers.UvicornWorker".to_owned(),
        )],
    );
    assert_eq!(
        class_with("gunicorn -c conf/sync.py main:app", &env),
        WorkerClass::Named {
            class: "uvicorn.workers.UvicornWorker".into(),
            origin: "GUNICORN_CMD_ARGS".into()
        }
    );
    // The command line wins over GUNICORN_CMD_ARGS.
    assert_eq!(
        class_with("gunicorn -k sync main:app", &env).serves_asgi(),
        Some(false)
    );
    let s = detect(&p, flag("gunicorn main:app"), PythonVersion::PY312);
    let settings = s.gunicorn_settings().unwrap();
    assert_eq!(settings.text("chdir"), ConfValue::Unset);
    assert_eq!(
        settings.text("worker_class"),
        ConfValue::Literal("uvicorn_worker.UvicornWorker".into())
    );
}

#[cfg(test)]
mod plan_fixture_tests {
    use crate::platform::{Inputs, Platform};
    use crate::project::Project;

    /// The start-up plan of a `fixtures/plan/<case>` app, with the flags of its `.args`.
    fn plan_of(case: &str) -> super::StartupPlan {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/plan")
            .join(case);
        let mut config = Inputs::default();
        if let Ok(args) = std::fs::read_to_string(root.join(".args")) {
            let words = shlex::split(args.trim()).expect("shell words");
            let mut it = words.iter();
            while let Some(w) = it.next() {
                if w == "--startup-command" {
                    config.startup_command = it.next().cloned();
                }
            }
        }
        let project = Project::discover(&root).unwrap();
        let platform = Platform::build(&project, &config);
        platform.startup.plan(&project, &platform.app_settings)
    }

    #[test]
    fn acceptance_cases() {
        use super::StartupKind::*;
        const ORYX: &str = "gunicorn --bind=0.0.0.0:8000 --timeout 600 --access-logfile '-' --error-logfile '-' -c /opt/startup/gunicorn.conf.py";
        type Case<'a> = (
            &'a str,
            super::StartupKind,
            String,
            Option<&'a str>,
            Option<&'a str>,
        );
        let cases: [Case; 6] = [
            (
                "flask-root-app",
                Flask,
                format!("{ORYX} --chdir=$APP_PATH app:app"),
                Some("app:app"),
                None,
            ),
            (
                "hello-myapp",
                Default,
                format!("{ORYX} --chdir=/opt/defaultsite application:app"),
                None,
                Some("gunicorn --bind=0.0.0.0 --timeout 600 hello:myapp"),
            ),
            (
                "django-in-src",
                Default,
                format!("{ORYX} --chdir=/opt/defaultsite application:app"),
                None,
                Some("gunicorn --bind=0.0.0.0 --timeout 600 --chdir src proj.wsgi"),
            ),
            (
                "two-wsgi-folders",
                Django,
                format!("{ORYX} --chdir=$APP_PATH deploy.wsgi"),
                Some("deploy.wsgi:application"),
                Some("gunicorn --bind=0.0.0.0 --timeout 600 mysite.wsgi"),
            ),
            (
                "fastapi-main",
                FastApi,
                format!("{ORYX} -k uvicorn_worker.UvicornWorker --chdir=$APP_PATH main:app"),
                Some("main:app"),
                None,
            ),
            (
                "fastapi-main-custom",
                Custom,
                "gunicorn -k uvicorn.workers.UvicornWorker main:app".to_owned(),
                Some("main:app"),
                None,
            ),
        ];
        for (case, kind, command, target, suggested) in cases {
            let plan = plan_of(case);
            assert_eq!(plan.kind, kind, "{case}");
            assert_eq!(plan.command, command, "{case}");
            let got = plan
                .module
                .as_ref()
                .map(|m| format!("{m}:{}", plan.attribute.as_deref().unwrap_or("")));
            assert_eq!(got.as_deref(), target, "{case}");
            assert_eq!(plan.suggested_command.as_deref(), suggested, "{case}");
        }
    }
}
