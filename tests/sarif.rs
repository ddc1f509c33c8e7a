//! The SARIF output is valid against the official SARIF 2.1.0 schema (`tests/data/sarif-2.1.0.json`).

use std::path::Path;

use appservice_preflight::cli::Format;
use appservice_preflight::config::Config;
use appservice_preflight::render::{DisplayPaths, render_with_paths};
use serde_json::Value;

const SECRET: &str = "django-insecure-abcdefghijklmnopqrstuvwxyz0123456789";

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-2.1.0.json")).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::options()
        // `format` is only an annotation in 2020-12 unless asked for: check URIs too.
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, sarif: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is not schema-valid:\n{}\n{sarif:#}",
        errors.join("\n")
    );
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Run every rule on the app in `root` and return the SARIF as text and as JSON.
fn sarif_for(root: &Path) -> (String, Value) {
    let config = Config::new(root);
    let report = appservice_preflight::check(&config).unwrap();
    let mut buf = Vec::new();
    render_with_paths(
        &report,
        Format::Sarif,
        false,
        &DisplayPaths::relative_to_root(),
        &mut buf,
    )
    .unwrap();
    let text = String::from_utf8(buf).unwrap();
    let value = serde_json::from_str(&text).unwrap();
    (text, value)
}

fn django_app(root: &Path) {
    write(
        root,
        &[
            (
                "manage.py",
                "import os\nimport sys\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
            ),
            ("proj/__init__.py", ""),
            (
                "proj/wsgi.py",
                "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n\
                 os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\n\
                 application = get_wsgi_application()\n",
            ),
            (
                "proj/settings.py",
                &format!("SECRET_KEY = '{SECRET}'\nDEBUG = True\nALLOWED_HOSTS = []\n"),
            ),
            ("requirements.txt", "Django==5.1\n"),
        ],
    );
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    django_app(dir.path());
    let (_, sarif) = sarif_for(dir.path());
    assert_valid(&validator, &sarif);

    let mut wrong_version = sarif.clone();
    wrong_version["version"] = "9.9".into();
    assert!(
        !validator.is_valid(&wrong_version),
        "a log with version 9.9 must be rejected"
    );

    let mut no_tool = sarif.clone();
    no_tool["runs"][0].as_object_mut().unwrap().remove("tool");
    assert!(
        !validator.is_valid(&no_tool),
        "a run without `tool` must be rejected"
    );

    let mut unknown = sarif.clone();
    unknown["runs"][0]["tool"]["driver"]["colour"] = "blue".into();
    assert!(
        !validator.is_valid(&unknown),
        "an unknown property must be rejected"
    );

    let mut bad_uri = sarif;
    bad_uri["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    assert!(!validator.is_valid(&bad_uri), "formats must be checked");
}

#[test]
fn findings_are_valid_sarif_without_secrets() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    django_app(dir.path());
    let (text, sarif) = sarif_for(dir.path());
    assert_valid(&validator, &sarif);
    assert!(
        !text.contains(SECRET),
        "the secret leaked into the SARIF:\n{text}"
    );
    assert!(
        !text.contains("abcdefghijklmnopqrstuvwxyz"),
        "part of the secret leaked into the SARIF:\n{text}"
    );

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"]
        .as_array()
        .expect("`results` is always an array");
    for result in results {
        let index = result["ruleIndex"]
            .as_u64()
            .expect("every result has a ruleIndex") as usize;
        assert!(
            index < rules.len(),
            "ruleIndex {index} is out of range: {result:#}"
        );
        assert_eq!(rules[index]["id"], result["ruleId"], "{result:#}");
    }
    for rule in rules {
        assert!(
            rule["helpUri"].is_string(),
            "no helpUri (is `repository` set in Cargo.toml?): {rule:#}"
        );
        assert!(
            rule["help"]["markdown"].is_string(),
            "no help.markdown: {rule:#}"
        );
        let id = rule["id"].as_str().unwrap();
        assert!(
            results.iter().any(|r| r["ruleId"] == id),
            "rule {id} is listed but has no result"
        );
    }
    // This app has a hardcoded secret key, DEBUG = True and an empty ALLOWED_HOSTS: once the rules
    // are implemented, it has findings.
    assert!(
        !results.is_empty(),
        "the Django sample should have findings"
    );
}

#[test]
fn a_clean_app_has_an_empty_results_array() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("requirements.txt", "flask==3.0\n"),
            (
                "app.py",
                "from flask import Flask\n\napp = Flask(__name__)\n",
            ),
        ],
    );
    let (_, sarif) = sarif_for(dir.path());
    assert_valid(&validator, &sarif);
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}
