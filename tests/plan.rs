//! Golden tests of `plan`: each `fixtures/plan/<case>/` is an app (with optional `.args`), its plan is
//! compared with `expected.txt` (text) and `expected.json`. `BLESS=1` writes them.

use std::path::{Path, PathBuf};

mod common;

fn cases() -> Vec<PathBuf> {
    common::sub_dirs(&common::root().join("fixtures/plan"))
}

pub fn plan_of(case: &Path) -> appservice_preflight::plan::Plan {
    let config = common::config_for(case, None);
    appservice_preflight::plan::plan(&config.root, &config.app).expect("a folder")
}

fn compare(path: &Path, actual: &str, failures: &mut Vec<String>) {
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => {}
        _ if std::env::var_os("BLESS").is_some() => std::fs::write(path, actual).unwrap(),
        Ok(expected) => failures.push(format!(
            "{}: differs (BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )),
        Err(_) => failures.push(format!(
            "{}: missing (BLESS=1 writes it)\n{actual}",
            path.display()
        )),
    }
}

#[test]
fn plan_outputs_match_their_golden_files() {
    let cases = cases();
    assert!(cases.len() >= 6, "the plan cases are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let plan = plan_of(case);
        compare(&case.join("expected.txt"), &plan.to_text(), &mut failures);
        compare(&case.join("expected.json"), &plan.to_json(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
