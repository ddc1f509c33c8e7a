//! End-to-end tests of the built binary: exit codes, every output format, bad input.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{assert_no_panic, bin, django_app, path_str, run, stderr, stdout};

fn project(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/projects")
        .join(name)
}

#[test]
fn clean_project_exits_0_and_says_so() {
    let o = run(&["check", path_str(&project("django-azure-clean"))]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "All checks passed.\n");
}

#[test]
fn findings_exit_1_and_exit_zero_overrides() {
    let p = project("django-broken");
    let o = run(&["check", path_str(&p)]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["check", path_str(&p), "--exit-zero"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("error[AZ301]"));
}

#[test]
fn warnings_fail_but_can_be_ignored() {
    // django-environ-broken has AZ302 (error), AZ303 and AZ304 '*' (warnings).
    let p = project("django-environ-broken");
    let o = run(&[
        "check",
        path_str(&p),
        "--select",
        "AZ303",
        "--format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(1), "a warning fails the check");
    let o = run(&[
        "check",
        path_str(&p),
        "--ignore",
        "AZ3",
        "--format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        vec!["check", "/definitely/not/here"],
        vec!["check", ".", "--select", "AZ999"],
        vec!["check", ".", "--app-setting", "NOEQUALS"],
        vec!["check", ".", "--python-version", "two"],
        vec!["check", ".", "--format", "xml"],
        vec!["explain", "AZ999"],
    ] {
        let o = run(&args);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error"), "{args:?}: {}", stderr(&o));
    }
    let o = run(&["check", "/definitely/not/here"]);
    assert_eq!(
        stderr(&o),
        "error: path `/definitely/not/here` does not exist\n"
    );
}

#[test]
fn a_file_outside_the_app_root_is_skipped_with_a_warning() {
    // pre-commit passes every changed file of the repository; with the app in a subfolder, a workflow at
    // the repository's root is not part of it.
    let root = project("django-broken");
    let outside = project("flask-app").join("app.py");
    let inside = root.join("config/settings/base.py");
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--app-root",
        path_str(&root),
        path_str(&outside),
        path_str(&inside),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("outside the app root"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("AZ301"));
    assert!(!stdout(&o).contains("app.py"));
    let o = run(&["check", "--app-root", path_str(&root), path_str(&outside)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn concise_format_is_one_line_a_finding() {
    let o = run(&[
        "check",
        path_str(&project("django-broken")),
        "--format",
        "concise",
    ]);
    let out = stdout(&o);
    assert!(!out.is_empty());
    for line in out.lines() {
        let mut parts = line.splitn(4, ':');
        let (path, l, c, rest) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(
            path.ends_with(".py") || path.ends_with(".sh") || path.contains('.'),
            "{line}"
        );
        assert!(
            l.parse::<usize>().unwrap() >= 1 && c.parse::<usize>().unwrap() >= 1,
            "{line}"
        );
        assert!(rest.starts_with(" AZ"), "{line}");
    }
}

#[test]
fn json_format_is_a_documented_array() {
    let o = run(&[
        "check",
        path_str(&project("django-broken")),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let items = v.as_array().expect("an array");
    assert!(items.iter().any(|i| i["code"] == "AZ301"));
    for i in items {
        for key in [
            "code", "name", "level", "message", "path", "start", "end", "help",
        ] {
            assert!(i.get(key).is_some(), "missing {key} in {i}");
        }
        if !i["start"].is_null() {
            assert!(i["start"]["line"].as_u64().unwrap() >= 1);
            assert!(i["start"]["column"].as_u64().unwrap() >= 1);
        }
    }
    let o = run(&[
        "check",
        path_str(&project("django-azure-clean")),
        "--format",
        "json",
    ]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn github_format_emits_workflow_commands() {
    let o = run(&[
        "check",
        path_str(&project("django-broken")),
        "--format",
        "github",
    ]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=") && l.contains("title=AZ301")),
        "{out}"
    );
    assert!(out.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
}

#[test]
fn sarif_format_has_results_even_when_clean() {
    let o = run(&[
        "check",
        path_str(&project("django-azure-clean")),
        "--format",
        "sarif",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.sarif");
    let o = run(&[
        "check",
        path_str(&project("django-broken")),
        "--format",
        "sarif",
        "--output-file",
        path_str(&file),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn color_is_used_only_when_asked() {
    let p = project("django-broken");
    let always = run(&["check", path_str(&p), "--color", "always"]);
    assert!(
        stdout(&always).contains("\u{1b}["),
        "no ANSI escapes with --color always"
    );
    let never = run(&["check", path_str(&p), "--color", "never"]);
    assert!(!stdout(&never).contains("\u{1b}["));
    let auto = run(&["check", path_str(&p)]);
    assert!(
        !stdout(&auto).contains("\u{1b}["),
        "a pipe is not a terminal"
    );
}

#[test]
fn secrets_are_masked_in_every_format() {
    let secret = "k8#vq2!x9m@4zr7$w1p&c5n*h3t^b6y0e_u+j-l=s8d(f)g";
    for format in ["text", "concise", "json", "github", "sarif"] {
        let o = run(&[
            "check",
            path_str(&project("django-broken")),
            "--format",
            format,
        ]);
        let out = stdout(&o);
        assert!(out.contains("AZ303"), "{format}: AZ303 missing");
        assert!(
            !out.contains(secret) && !out.contains(&secret[..12]),
            "{format} shows the secret:\n{out}"
        );
    }
}

#[test]
fn rules_and_explain() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    for code in [
        "AZ001", "AZ101", "AZ107", "AZ206", "AZ301", "AZ302", "AZ303", "AZ304",
    ] {
        assert!(stdout(&o).contains(code), "rules lacks {code}");
    }
    let o = run(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.as_array().unwrap().len() >= 8);
    let o = run(&["explain", "django-debug-not-from-env"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# django-debug-not-from-env (AZ301)"));
}

type Listing = Vec<(PathBuf, Vec<u8>, u32, std::time::SystemTime)>;

/// Every path under `root` with its bytes, mode and modification time.
fn listing(root: &Path) -> Listing {
    use std::os::unix::fs::PermissionsExt;
    let mut out: Listing = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let m = e.metadata().unwrap();
            let bytes = if m.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (
                e.path().to_path_buf(),
                bytes,
                m.permissions().mode(),
                m.modified().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every way the tool is run on a project: each format of `check`, and `plan` in text and JSON.
fn every_run(app: &Path) {
    for format in ["text", "concise", "json", "sarif", "github"] {
        let o = run(&["check", path_str(app), "--format", format]);
        assert_no_panic(&o);
    }
    for format in ["text", "json"] {
        let o = run(&["plan", path_str(app), "--format", format]);
        assert_no_panic(&o);
    }
}

#[test]
fn the_tool_never_writes_into_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("app");
    copy_dir(&project("django-broken"), &copy);
    let before = listing(&copy);
    every_run(&copy);
    assert_eq!(before, listing(&copy));
}

#[test]
fn the_tool_never_executes_the_project() {
    // Each module the platform would import at start-up creates a file when it runs: the settings, the
    // WSGI module, gunicorn's configuration, manage.py and the app. None may exist after every run.
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let witness = dir.path().join("executed");
    let touch = |name: &str| {
        format!(
            "import pathlib\npathlib.Path({:?}).joinpath({name:?}).write_text('ran')\n",
            witness.display().to_string()
        )
    };
    let files = [
        ("requirements.txt", "Django==5.1.4\ngunicorn\n".to_owned()),
        ("mysite/__init__.py", String::new()),
        (
            "mysite/settings.py",
            format!(
                "{}DEBUG = False\nALLOWED_HOSTS = ['x']\n",
                touch("settings")
            ),
        ),
        (
            "mysite/wsgi.py",
            format!(
                "{}import os\nfrom django.core.wsgi import get_wsgi_application\n\
                 os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n\
                 application = get_wsgi_application()\n",
                touch("wsgi")
            ),
        ),
        (
            "gunicorn.conf.py",
            format!("{}workers = 2\n", touch("gunicorn")),
        ),
        ("manage.py", touch("manage")),
        (
            "app.py",
            format!(
                "{}from flask import Flask\napp = Flask(__name__)\n",
                touch("app")
            ),
        ),
        (
            "startup.sh",
            "touch ../executed/startup\ngunicorn mysite.wsgi\n".to_owned(),
        ),
    ];
    std::fs::create_dir_all(&witness).unwrap();
    for (rel, text) in &files {
        let path = app.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let before = listing(&app);
    every_run(&app);
    assert_eq!(before, listing(&app));
    let ran: Vec<_> = std::fs::read_dir(&witness).unwrap().collect();
    assert!(ran.is_empty(), "{ran:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn an_unreadable_settings_file_is_a_usage_error() {
    let o = run(&[
        "check",
        path_str(&project("django-azure-clean")),
        "--app-settings-file",
        "/no/such/settings.json",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--app-settings-file `/no/such/settings.json` cannot be read"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "plan",
        path_str(&project("django-azure-clean")),
        "--app-settings-file",
        "/no/such/settings.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_settings_file_that_is_not_a_regular_file_is_a_usage_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("settings.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system
    }
    for args in [
        vec!["check", path_str(&project("django-azure-clean"))],
        vec!["plan", path_str(&project("django-azure-clean"))],
    ] {
        let mut args = args;
        args.extend(["--app-settings-file", path_str(&fifo)]);
        let o = run(&args);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("it is not a regular file"),
            "{}",
            stderr(&o)
        );
    }
    let o = run(&[
        "check",
        path_str(&project("django-azure-clean")),
        "--app-settings-file",
        path_str(dir.path()),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn plan_prints_text_and_json() {
    let o = run(&["plan", path_str(&project("django-azure-clean"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("azureproject.wsgi"), "{}", stdout(&o));
    let o = run(&[
        "plan",
        path_str(&project("django-azure-clean")),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    for key in [
        "runs",
        "python_version",
        "python_version_source",
        "dependencies",
        "collectstatic",
    ] {
        assert!(v["build"].get(key).is_some(), "build.{key} missing: {v}");
    }
    for key in ["kind", "command", "module", "attribute"] {
        assert!(
            v["startup"].get(key).is_some(),
            "startup.{key} missing: {v}"
        );
    }
    assert_eq!(v["startup"]["kind"], "django");
    assert_eq!(v["build"]["python_version"], "3.12");
    let required: Vec<&str> = v["required_env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(
        required.contains(&"SECRET_KEY") && required.contains(&"AZURE_POSTGRESQL_CONNECTIONSTRING"),
        "{required:?}"
    );
}

#[test]
fn secrets_in_snippets_are_masked_even_when_no_finding_names_them() {
    let secret = "zq-SAMELINE-SECRET-0123456789abcdef";
    let settings =
        format!("import os\nDEBUG = True; SECRET_KEY = '{secret}'\nALLOWED_HOSTS = ['*']\n");
    let app = django_app(settings.as_bytes());
    for select in ["AZ301", "AZ304,AZ301", "ALL"] {
        let o = run(&[
            "check",
            path_str(app.path()),
            "--select",
            select,
            "--ignore",
            "AZ303",
        ]);
        assert!(stdout(&o).contains("AZ301"), "{select}: {}", stdout(&o));
        assert!(
            !stdout(&o).contains(&secret[..10]),
            "{select} shows the secret:\n{}",
            stdout(&o)
        );
    }
    // A secret on a line that does not parse, shown by AZ001.
    let broken = format!("import os\nSECRET_KEY = '{secret}' +\n");
    let o = run(&[
        "check",
        path_str(django_app(broken.as_bytes()).path()),
        "--select",
        "AZ001",
    ]);
    assert!(stdout(&o).contains("AZ001"), "{}", stdout(&o));
    assert!(!stdout(&o).contains(&secret[..10]), "{}", stdout(&o));
}

#[test]
fn plan_and_help_texts_never_print_secret_values() {
    let o = run(&[
        "plan",
        path_str(&project("django-azure-clean")),
        "--app-setting",
        "DATABASE_URL=postgres://admin:P4ssw0rd-xyz@db.example.com/app",
        "--app-setting",
        "DB_PWD=hunter2hunter2",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        !out.contains("P4ssw0rd-xyz") && !out.contains("hunter2hunter2"),
        "{out}"
    );
    // A help that quotes a startup line word for word masks what the snippet masks.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "Django\n").unwrap();
    std::fs::write(dir.path().join("manage.py"), "import os\n").unwrap();
    std::fs::write(
        dir.path().join("startup.sh"),
        "#!/bin/sh\nDB_PASSWORD=hunter2hunter2 python manage.py runserver 0.0.0.0:8000\n",
    )
    .unwrap();
    for format in ["text", "json", "github", "sarif", "concise"] {
        let o = run(&[
            "check",
            path_str(dir.path()),
            "--startup-command",
            "startup.sh",
            "--format",
            format,
        ]);
        assert!(stdout(&o).contains("AZ209"), "{format}: {}", stdout(&o));
        assert!(
            !stdout(&o).contains("hunter2hunter2"),
            "{format} shows the password:\n{}",
            stdout(&o)
        );
    }
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    let broken = project("django-broken");
    for args in [
        vec!["rules"],
        vec!["explain", "AZ301"],
        vec!["plan", path_str(&broken)],
        vec!["check", path_str(&broken)],
        vec!["check", path_str(&broken), "--format", "sarif"],
    ] {
        let mut child = bin()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the tool writes: its writes fail with a broken pipe.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_no_panic(&o);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {}",
            o.status,
            stderr(&o)
        );
    }
}

/// One finding as a format shows it: code, path, line, column, message.
type Shown = (String, String, u64, u64, String);

/// A root `startup.sh` and no configured startup command: every format tells the same story (the file is
/// taken as the startup command, so its contents are judged and auto-detection is not), and `plan` says
/// the same, with the assumption and how to configure the file.
#[test]
fn a_root_startup_file_tells_one_story_in_every_format_and_in_plan() {
    let case = project("flask-startup-sh");
    let check = |format: &str| {
        let o = run(&["check", path_str(&case), "--format", format]);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        stdout(&o)
    };
    let number = |s: &str| s.trim().parse::<u64>().unwrap();

    let json: serde_json::Value = serde_json::from_str(&check("json")).unwrap();
    let mut from_json: Vec<Shown> = Vec::new();
    for d in json.as_array().unwrap() {
        from_json.push((
            d["code"].as_str().unwrap().to_owned(),
            d["path"].as_str().unwrap().to_owned(),
            d["start"]["line"].as_u64().unwrap(),
            d["start"]["column"].as_u64().unwrap(),
            d["message"].as_str().unwrap().to_owned(),
        ));
        let notes = d["notes"].as_array().unwrap();
        assert!(
            notes.iter().any(|n| n
                .as_str()
                .unwrap()
                .contains("`startup.sh` at the app root is assumed to be the startup file")),
            "a finding that relies on the assumption says so: {d}"
        );
    }
    let codes: Vec<&str> = from_json.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(codes, ["AZ206", "AZ210", "AZ207"], "{from_json:?}");
    assert!(from_json.iter().all(|f| f.1.ends_with("startup.sh")));
    // The fix of the command written over four lines is one line.
    let az207 = &json.as_array().unwrap()[2];
    assert_eq!(
        az207["help"],
        "change lines 5-8 of startup.sh to `gunicorn --workers 2 --bind 0.0.0.0:8000 --timeout 120 app:application`"
    );

    let concise: Vec<Shown> = check("concise")
        .lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let (path, line, col, rest) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap().trim_start(),
            );
            let (code, message) = rest.split_once(' ').unwrap();
            (
                code.to_owned(),
                path.to_owned(),
                number(line),
                number(col),
                message.to_owned(),
            )
        })
        .collect();
    assert_eq!(concise, from_json, "concise");

    let github: Vec<Shown> = check("github")
        .lines()
        .map(|l| {
            let (command, data) = l.split_once("::").unwrap().1.split_once("::").unwrap();
            let properties = command.split_once(' ').unwrap().1;
            let property = |key: &str| {
                properties
                    .split(',')
                    .find_map(|p| p.strip_prefix(key))
                    .unwrap()
                    .to_owned()
            };
            let title = property("title=");
            (
                title.split(' ').next().unwrap().to_owned(),
                property("file="),
                number(&property("line=")),
                number(&property("col=")),
                data.split("%0A").next().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(github, from_json, "github");

    let sarif: serde_json::Value = serde_json::from_str(&check("sarif")).unwrap();
    let from_sarif: Vec<Shown> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                location["region"]["startLine"].as_u64().unwrap(),
                location["region"]["startColumn"].as_u64().unwrap(),
                r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .split('\n')
                    .next()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(from_sarif, from_json, "sarif");

    let text = check("text");
    for (code, path, line, col, message) in &from_json {
        assert!(text.contains(&format!("[{code}]: {message}")), "{text}");
        assert!(text.contains(&format!("┌─ {path}:{line}:{col}")), "{text}");
    }
    assert_eq!(
        text.matches("`startup.sh` at the app root is assumed to be the startup file")
            .count(),
        3,
        "{text}"
    );

    // `plan` reads the same decision: the file is the startup command, and an assumption.
    let o = run(&["plan", path_str(&case), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let startup = &plan["startup"];
    assert_eq!(startup["kind"], "custom");
    assert_eq!(startup["command"], "startup.sh");
    assert_eq!(startup["startup_file"], "startup.sh");
    assert_eq!(
        (&startup["module"], &startup["attribute"]),
        (&serde_json::json!("app"), &serde_json::json!("application"))
    );
    assert_eq!(startup["assumed"], true);
    let assumption = startup["assumption"].as_str().unwrap();
    assert!(
        assumption.contains("--startup-file startup.sh") && assumption.contains("portal"),
        "{assumption}"
    );
    // The note on the findings is the plan's sentence.
    assert_eq!(json[0]["notes"][0].as_str(), Some(assumption));
    let o = run(&["plan", path_str(&case)]);
    let text = stdout(&o);
    assert!(
        text.contains("  kind:           custom\n")
            && text.contains("  command:        startup.sh\n")
            && text.contains(&format!("  assumed:        {assumption}\n")),
        "{text}"
    );
}

#[test]
fn a_fix_in_json_applies_to_the_file_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let write = |p: &str, t: &str| std::fs::write(dir.path().join(p), t).unwrap();
    write("app.py", "from flask import Flask\napp = Flask(__name__)\n");
    write("requirements.txt", "flask\n");
    write(
        "startup.sh",
        "#!/bin/sh\ngunicorn --bind 127.0.0.1:8000 \\\n    --timeout 600 app:app\n",
    );
    let o = run(&["check", path_str(dir.path()), "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "AZ207")
        .expect("AZ207 fires");
    let fix = &f["fix"];
    // A loopback host made 0.0.0.0, the port kept: safe.
    assert_eq!(fix["applicability"], "safe");
    assert!(fix["path"].as_str().unwrap().ends_with("startup.sh"));
    // Apply the edits by line and column (1-based, in characters), last first.
    let text = std::fs::read_to_string(dir.path().join("startup.sh")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut edits: Vec<&serde_json::Value> = fix["edits"].as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| {
        std::cmp::Reverse((e["start"]["line"].as_u64(), e["start"]["column"].as_u64()))
    });
    for e in edits {
        let line = e["start"]["line"].as_u64().unwrap() as usize - 1;
        assert_eq!(e["end"]["line"], e["start"]["line"], "one-line edits here");
        let chars: Vec<char> = lines[line].chars().collect();
        let (s, t) = (
            e["start"]["column"].as_u64().unwrap() as usize - 1,
            e["end"]["column"].as_u64().unwrap() as usize - 1,
        );
        let fixed: String = chars[..s]
            .iter()
            .chain(
                e["content"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .chain(chars[t..].iter())
            .collect();
        lines[line] = fixed;
    }
    assert_eq!(lines[1], "gunicorn --bind 0.0.0.0:8000 \\");
    // The same fix in words, in `help`.
    assert!(f["help"].as_str().unwrap().contains("0.0.0.0:8000"));
}

#[test]
fn links_out_of_the_app_are_never_read_or_quoted() {
    let outside = tempfile::tempdir().unwrap();
    let secret_file = outside.path().join("runner-secret.txt");
    std::fs::write(&secret_file, "OUTSIDE-MARKER-d41d8cd9 gunicorn app:app\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    for name in ["requirements.txt", "startup.sh", "settings.py"] {
        std::os::unix::fs::symlink(&secret_file, dir.path().join(name)).unwrap();
    }
    for args in [
        vec!["check", path_str(dir.path()), "--format", "text"],
        vec!["check", path_str(dir.path()), "--format", "json"],
        vec!["check", path_str(dir.path()), "--format", "sarif"],
        vec!["plan", path_str(dir.path())],
        vec!["plan", path_str(dir.path()), "--format", "json"],
    ] {
        let o = run(&args);
        assert_no_panic(&o);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            !all.contains("OUTSIDE-MARKER"),
            "{args:?} printed the linked file:\n{all}"
        );
        if args[0] == "check" {
            let err = stderr(&o);
            assert_eq!(
                err.matches("outside the app, which this tool never reads")
                    .count(),
                3,
                "{err}"
            );
            assert!(
                err.contains("runner-secret.txt"),
                "the target is named: {err}"
            );
        }
    }
}

#[test]
fn a_folder_name_with_a_newline_cannot_forge_a_concise_line() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("x\nfake.py:1:1: AZ999 forged");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("requirements.txt"), "flask\n").unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    let o = run(&["check", path_str(dir.path()), "--format", "concise"]);
    assert_no_panic(&o);
    let out = stdout(&o);
    assert!(
        out.lines().all(|l| !l.starts_with("fake.py")),
        "a forged line:\n{out}"
    );
    assert!(out.contains("\\n"), "the newline is escaped:\n{out}");
}

#[test]
fn an_unreadable_requirements_file_is_said_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let src = project("django-azure-clean");
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    // Over the size cap: Django is in it, but the tool cannot see that.
    let padding = "# padding\n".repeat(300_000);
    std::fs::write(
        dir.path().join("requirements.txt"),
        format!("Django==5.1\ngunicorn\nwhitenoise\n{padding}"),
    )
    .unwrap();
    let o = run(&["check", path_str(dir.path())]);
    assert_no_panic(&o);
    let out = stdout(&o);
    assert!(
        !out.contains("AZ106"),
        "no finding built on missing content:\n{out}"
    );
    assert!(out.contains("could not be read or judged"), "{out}");
    assert!(
        stderr(&o).contains("skipped `requirements.txt`"),
        "{}",
        stderr(&o)
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn secrets_in_a_startup_command_are_masked_by_shape_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "flask\n").unwrap();
    let command = "DB_PASSWORD=hunter2supersecret gunicorn --bind 127.0.0.1:8000 \
                   --env DATABASE_URL=postgres://user:pw12345678@db.example.com/db \
                   --access-token abcdef1234567890tok app:app";
    let secrets = ["hunter2supersecret", "pw12345678", "abcdef1234567890tok"];
    let mut runs: Vec<Vec<&str>> = ["text", "concise", "json", "sarif", "github"]
        .iter()
        .map(|f| vec!["check", "--format", f])
        .collect();
    runs.push(vec!["plan"]);
    runs.push(vec!["plan", "--format", "json"]);
    for mut args in runs {
        args.insert(1, path_str(dir.path()));
        args.extend(["--startup-command", command]);
        let o = run(&args);
        assert_no_panic(&o);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        for s in secrets {
            // Not the secret, nor any 8-character piece of it.
            for piece in s.as_bytes().windows(8) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(!all.contains(piece), "{args:?} printed `{piece}`:\n{all}");
            }
        }
    }
}

#[test]
fn a_secret_in_every_place_it_can_live_is_never_printed() {
    // One distinctive secret (with a one-character suffix per place) in the settings, a URL, `.env`,
    // requirements, build commands, a startup script, a workflow's publish profile and startup command,
    // Bicep app settings and command line, a publish profile and app settings given on the command line.
    let secret = "Zq7xSecretVal9Kp";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = [
        (
            "requirements.txt",
            format!(
                "Django==5.1.4\n--extra-index-url https://user:{secret}0@pkgs.example.com/simple\n"
            ),
        ),
        ("mysite/__init__.py", String::new()),
        (
            "mysite/settings.py",
            format!(
                "import os\nSECRET_KEY = '{secret}1'\nDEBUG = True\n\
                 DATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', \
                 'PASSWORD': '{secret}2'}}}}\n\
                 DATABASE_URL = 'postgres://admin:{secret}3@db.example.com/app'\n\
                 EMAIL_HOST_PASSWORD = os.environ.get('EMAIL_PW', '{secret}4')\nALLOWED_HOSTS = []\n"
            ),
        ),
        (
            "mysite/wsgi.py",
            "import os\nfrom django.core.wsgi import get_wsgi_application\n\
             os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n\
             application = get_wsgi_application()\n"
                .to_owned(),
        ),
        (".env", format!("DB_PASSWORD={secret}5\n")),
        (
            "build.env",
            format!(
                "PRE_BUILD_COMMAND=\"curl -u admin:{secret}6 https://example.com/x\"\n\
                 POST_BUILD_COMMAND=\"python manage.py migrate --password={secret}7\"\n"
            ),
        ),
        (
            "startup.sh",
            format!("export DB_PASSWORD={secret}8\ngunicorn --bind 127.0.0.1:8000 mysite.wsgi\n"),
        ),
        (
            ".github/workflows/deploy.yml",
            format!(
                "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n\
                 \x20     - uses: azure/webapps-deploy@v3\n        with:\n          app-name: x\n\
                 \x20         publish-profile: \"<publishData><publishProfile userPWD=\\\"{secret}9\\\"/></publishData>\"\n\
                 \x20         startup-command: \"gunicorn --bind=0.0.0.0 mysite.wsgi --access-token {secret}A\"\n"
            ),
        ),
        (
            "infra/main.bicep",
            format!(
                "resource site 'Microsoft.Web/sites@2022-03-01' = {{\n  name: 'x'\n  properties: {{\n\
                 \x20   siteConfig: {{\n      linuxFxVersion: 'PYTHON|3.12'\n\
                 \x20     appCommandLine: 'gunicorn mysite.wsgi --env DATABASE_URL=postgres://u:{secret}B@h/db'\n\
                 \x20     appSettings: [\n        {{ name: 'DB_PASSWORD', value: '{secret}C' }}\n\
                 \x20       {{ name: 'STORAGE', value: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey={secret}D;EndpointSuffix=core.windows.net' }}\n\
                 \x20     ]\n    }}\n  }}\n}}\n"
            ),
        ),
        (
            "site.PublishSettings",
            format!(
                "<publishData><publishProfile profileName=\"x\" userName=\"$x\" userPWD=\"{secret}E\" /></publishData>\n"
            ),
        ),
    ];
    for (rel, text) in &files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let token = format!("API_TOKEN={secret}F");
    let conn = format!("CONN=Server=tcp:x;Password={secret}G");
    let mut runs: Vec<Vec<&str>> = ["text", "concise", "json", "sarif", "github"]
        .iter()
        .map(|f| vec!["check", "--format", f])
        .collect();
    runs.push(vec!["plan"]);
    runs.push(vec!["plan", "--format", "json"]);
    for mut args in runs {
        args.insert(1, path_str(root));
        args.extend(["--app-setting", &token, "--app-setting", &conn]);
        let o = run(&args);
        assert_no_panic(&o);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        for piece in secret.as_bytes().windows(8) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!all.contains(piece), "{args:?} printed `{piece}`:\n{all}");
        }
    }
}
