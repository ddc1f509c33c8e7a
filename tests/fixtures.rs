//! The golden runner: every `fixtures/<CODE>/<case>/` is checked with only that rule, every
//! `fixtures/projects/<name>/` with all rules, and the text output is compared with `expected.txt`.
//! `good*` cases must produce nothing. `BLESS=1 cargo test` writes missing or changed files.
//! A case may hold `.args`: extra `check` flags on one line (`--app-setting X=Y`).

mod common;

use std::path::{Path, PathBuf};

use appservice_preflight::render::{DisplayPaths, Format, render_with_paths};
use appservice_preflight::rules;
use common::config_for;

fn fixtures_dir() -> PathBuf {
    common::root().join("fixtures")
}

/// The uncoloured text report of a case, paths relative to the case.
pub fn run_case(case: &Path, select: Option<&str>) -> (String, usize) {
    let config = config_for(case, select);
    let report = appservice_preflight::check(&config).expect("the fixture is a folder");
    let mut out = Vec::new();
    render_with_paths(
        &report,
        Format::Text,
        false,
        &DisplayPaths::relative_to_root(),
        &mut out,
    )
    .unwrap();
    let mut text = String::from_utf8(out).unwrap();
    for notice in &report.notices {
        text.push_str(&format!("notice: {notice}\n"));
    }
    (text, report.diagnostics.len())
}

fn compare(case: &Path, actual: &str, failures: &mut Vec<String>) {
    let expected_path = case.join("expected.txt");
    let bless = std::env::var_os("BLESS").is_some();
    match std::fs::read_to_string(&expected_path) {
        Ok(expected) if expected == actual => {}
        Ok(_) | Err(_) if bless => std::fs::write(&expected_path, actual).unwrap(),
        Ok(expected) => failures.push(format!(
            "{}: output differs (BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}",
            case.display()
        )),
        Err(_) => failures.push(format!(
            "{}: no expected.txt (BLESS=1 writes it)\n--- actual\n{actual}",
            case.display()
        )),
    }
}

#[test]
fn rule_fixtures_match_their_expected_output() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in rules::RULES {
        for case in common::sub_dirs(&fixtures_dir().join(rule.code)) {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let (text, count) = run_case(&case, Some(rule.code));
            ran += 1;
            if name.starts_with("good") && count != 0 {
                failures.push(format!(
                    "{}: a good case must be silent, got:\n{text}",
                    case.display()
                ));
                continue;
            }
            if name.starts_with("bad") && count == 0 {
                failures.push(format!(
                    "{}: a bad case must fire {}",
                    case.display(),
                    rule.code
                ));
                continue;
            }
            if name.starts_with("bad") && !text.contains(&format!("[{}]", rule.code)) {
                failures.push(format!(
                    "{}: fired, but not {}:\n{text}",
                    case.display(),
                    rule.code
                ));
                continue;
            }
            compare(&case, &text, &mut failures);
        }
    }
    assert!(ran > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn project_fixtures_match_their_expected_output() {
    let mut failures = Vec::new();
    let projects = common::sub_dirs(&fixtures_dir().join("projects"));
    assert!(projects.len() >= 3, "at least three realistic projects");
    for case in projects {
        let (text, _) = run_case(&case, None);
        compare(&case, &text, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
