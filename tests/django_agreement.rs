//! Django's own `manage.py check --deploy` and this tool's mirrors of its checks (AZ320-AZ336) report
//! the same check IDs on every fixture of those rules. Django is pip-installed into a virtual environment of
//! the test's own (`target/django-agreement`); the test is skipped, with the reason printed, only when that
//! cannot be done.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::cli::{bin, path_str};

/// The rules that mirror a Django deployment check, and the check IDs each can report.
const MIRRORED: &[(&str, &[&str])] = &[
    ("AZ320", &["security.W004"]),
    ("AZ321", &["security.W008"]),
    (
        "AZ323",
        &["security.W010", "security.W011", "security.W012"],
    ),
    ("AZ324", &["security.W016"]),
    ("AZ325", &["security.W001"]),
    ("AZ326", &["security.W002"]),
    ("AZ327", &["security.W003"]),
    ("AZ328", &["security.W005"]),
    ("AZ329", &["security.W021"]),
    ("AZ330", &["security.W006"]),
    ("AZ331", &["security.W019"]),
    ("AZ332", &["security.W022"]),
    ("AZ333", &["security.E023"]),
    ("AZ334", &["security.E024"]),
    ("AZ322", &["security.W009"]),
    ("AZ335", &["security.W025"]),
    (
        "AZ336",
        &["security.W013", "security.W014", "security.W015"],
    ),
];

/// The Django the agreement is checked against (a release App Service's Python images run).
const DJANGO: &str = "django==5.1.4";

fn venv_python() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/django-agreement");
    let python = root.join("bin/python");
    let has_django = |python: &Path| {
        Command::new(python)
            .args(["-c", "import django"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if python.exists() && has_django(&python) {
        return Ok(python);
    }
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(Command::new("python3").args(["-m", "venv", path_str(&root)]))?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", DJANGO]))?;
    if has_django(&python) {
        Ok(python)
    } else {
        Err("Django does not import after pip installed it".to_owned())
    }
}

/// The check IDs of `MIRRORED` in a text.
fn ids(text: &str) -> BTreeSet<String> {
    MIRRORED
        .iter()
        .flat_map(|(_, ids)| ids.iter())
        .filter(|id| text.contains(*id))
        .map(|id| (*id).to_owned())
        .collect()
}

#[test]
fn django_check_deploy_agrees_with_the_mirrored_rules() {
    let python = match venv_python() {
        Ok(python) => python,
        Err(reason) => {
            eprintln!("skipped: cannot install {DJANGO} into a virtual environment: {reason}");
            return;
        }
    };
    let select = MIRRORED
        .iter()
        .map(|(code, _)| *code)
        .collect::<Vec<_>>()
        .join(",");
    let mut compared = 0;
    for (code, _) in MIRRORED {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(code);
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        cases.sort();
        for case in cases {
            let ours = bin()
                .args([
                    "check",
                    path_str(&case),
                    "--select",
                    &select,
                    "--format",
                    "json",
                ])
                .output()
                .unwrap();
            let ours = ids(&String::from_utf8_lossy(&ours.stdout));
            // The settings module the app loads, as the tool resolves it.
            let plan = bin()
                .args(["plan", path_str(&case), "--format", "json"])
                .output()
                .unwrap();
            let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
            let module = plan["django_settings"]["modules"][0]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no settings module", case.display()))
                .to_owned();
            let django = Command::new(&python)
                .args(["-m", "django", "check", "--deploy", "--settings", &module])
                .args(["--pythonpath", path_str(&case)])
                .env(
                    "SECRET_KEY",
                    "k7Vq-9zR2m!xP4wL8nT6yB3cF5hJ1dG0sA_eU-oI2kM7qW9rZ4vX",
                )
                .env("WEBSITE_HOSTNAME", "agreement.azurewebsites.net")
                .env(
                    "OLD_SECRET_KEY",
                    "Rt5!uY8@iO2#pA6$sD9%fG3^hJ7&kL1*zX4(cV0)bN-mQ_wE+rT=yU~iO",
                )
                .env_remove("DJANGO_SETTINGS_MODULE")
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&django.stdout),
                String::from_utf8_lossy(&django.stderr)
            );
            assert!(
                text.contains("System check identified"),
                "{}: Django's check did not run:\n{text}",
                case.display()
            );
            assert_eq!(
                ours,
                ids(&text),
                "{}: this tool and Django's check --deploy disagree:\n{text}",
                case.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 38, "only {compared} fixtures compared");
}
