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

/// What GitHub code scanning requires of an upload beyond the schema
/// (<https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>):
/// one run with `results`; every result's `ruleId` among the rules, a physical location with a relative
/// URI and a region, `partialFingerprints.primaryLocationLineHash`; rules with short and full
/// descriptions and help in text and markdown, at most 10 tags, and a `security-severity` only as a string
/// in (0, 10] together with the `security` tag; `columnKind`; at most 25,000 results and 10 MB gzipped.
fn github_problems(text: &str, sarif: &Value, category: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bad = |p: String| problems.push(p);
    let runs = sarif["runs"].as_array().cloned().unwrap_or_default();
    if runs.len() != 1 {
        bad(format!("{} runs", runs.len()));
    }
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap().len()
    };
    if gz > 10 * 1024 * 1024 {
        bad(format!("{gz} bytes gzipped"));
    }
    for run in &runs {
        if run["columnKind"] != "unicodeCodePoints" && run["columnKind"] != "utf16CodeUnits" {
            bad("no columnKind".into());
        }
        if run["automationDetails"]["id"] != category {
            bad(format!(
                "automationDetails.id is {}",
                run["automationDetails"]["id"]
            ));
        }
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for rule in &rules {
            let id = rule["id"].as_str().unwrap_or("?");
            for key in ["shortDescription", "fullDescription"] {
                if rule[key]["text"].as_str().is_none_or(str::is_empty) {
                    bad(format!("{id}: no {key}"));
                }
            }
            if rule["help"]["text"].as_str().is_none_or(str::is_empty)
                || rule["help"]["markdown"].as_str().is_none_or(str::is_empty)
            {
                bad(format!("{id}: no help text and markdown"));
            }
            let tags: Vec<&str> = rule["properties"]["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if tags.len() > 10 {
                bad(format!("{id}: {} tags", tags.len()));
            }
            match &rule["properties"]["security-severity"] {
                Value::Null => {}
                Value::String(s) => {
                    let ok = s.parse::<f64>().is_ok_and(|v| v > 0.0 && v <= 10.0);
                    if !ok || !tags.contains(&"security") {
                        bad(format!("{id}: security-severity {s} with tags {tags:?}"));
                    }
                }
                other => bad(format!("{id}: security-severity is not a string: {other}")),
            }
        }
        let Some(results) = run["results"].as_array() else {
            bad("no results array".into());
            continue;
        };
        if results.len() > 25_000 {
            bad(format!("{} results", results.len()));
        }
        for r in results {
            let id = r["ruleId"].as_str().unwrap_or("?");
            if !rules.iter().any(|rule| rule["id"] == id) {
                bad(format!("{id} is not among the rules"));
            }
            let location = &r["locations"][0]["physicalLocation"];
            let uri = location["artifactLocation"]["uri"].as_str().unwrap_or("");
            if uri.is_empty() || uri.starts_with('/') || uri.contains("://") || uri.contains('\\') {
                bad(format!(
                    "{id}: location URI {uri:?} is missing or not relative"
                ));
            }
            if location["region"]["startLine"]
                .as_u64()
                .is_none_or(|l| l < 1)
            {
                bad(format!("{id}: no region"));
            }
            if r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .is_none_or(str::is_empty)
            {
                bad(format!("{id}: no primaryLocationLineHash"));
            }
        }
    }
    problems
}

/// Every fixture case (each rule's bad and good cases, with their `.args`, and every project), checked
/// with every rule by the binary, gives SARIF that the schema and GitHub's upload rules accept. Several
/// cases have findings that come from a flag only (`--startup-command`, `--app-setting`): they point at
/// the app's most relevant file.
#[test]
fn every_fixture_gives_sarif_github_accepts() {
    let validator = validator();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for group in std::fs::read_dir(&root).unwrap().flatten() {
        for case in std::fs::read_dir(group.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if case.path().is_dir() {
                cases.push(case.path());
            }
        }
    }
    cases.sort();
    let mut failures = Vec::new();
    let mut flag_only = 0;
    for case in &cases {
        let mut args = vec![
            "check".to_owned(),
            case.display().to_string(),
            "--format".into(),
            "sarif".into(),
            "--sarif-category".into(),
            "preflight/app".into(),
        ];
        if let Ok(extra) = std::fs::read_to_string(case.join(".args")) {
            args.extend(shlex::split(extra.trim()).unwrap());
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_appservice-preflight"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let Ok(sarif) = serde_json::from_str::<Value>(&text) else {
            failures.push(format!(
                "{}: not JSON (exit {:?})",
                case.display(),
                out.status.code()
            ));
            continue;
        };
        let schema: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        let github = github_problems(&text, &sarif, "preflight/app");
        if !schema.is_empty() || !github.is_empty() {
            failures.push(format!("{}: {schema:?} {github:?}", case.display()));
        }
        flag_only += sarif["runs"][0]["results"].as_array().map_or(0, |r| {
            r.iter()
                .filter(|r| {
                    r["message"]["text"]
                        .as_str()
                        .is_some_and(|m| m.contains("(set by `--"))
                })
                .count()
        });
    }
    assert!(cases.len() > 300, "{} cases", cases.len());
    assert!(flag_only >= 10, "only {flag_only} results from flags");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_github_checks_catch_a_result_without_a_location() {
    let (text, mut sarif) = {
        let dir = tempfile::tempdir().unwrap();
        django_app(dir.path());
        let (text, sarif) = sarif_for(dir.path());
        (text, sarif)
    };
    sarif["runs"][0]["automationDetails"] = serde_json::json!({"id": "c"});
    assert!(
        github_problems(&text, &sarif, "c").is_empty(),
        "{:?}",
        github_problems(&text, &sarif, "c")
    );
    sarif["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("locations");
    assert!(!github_problems(&text, &sarif, "c").is_empty());
}
