//! Golden tests of `plan`: each `fixtures/plan/<case>/` is an app (with optional `.args`), its plan is
//! compared with `expected.txt` (text) and `expected.json`. `BLESS=1` writes them.

use std::path::{Path, PathBuf};

use appservice_preflight::cli::AppArgs;
use appservice_preflight::config::Config;
use clap::Parser;

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: AppArgs,
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

pub fn plan_of(case: &Path) -> appservice_preflight::plan::Plan {
    let mut argv = vec!["plan".to_owned(), case.display().to_string()];
    if let Ok(extra) = std::fs::read_to_string(case.join(".args")) {
        argv.extend(shlex::split(extra.trim()).expect("`.args` is shell words"));
    }
    let wrapper = Wrapper::try_parse_from(&argv).expect("valid .args");
    let config = Config::from_app_args(&wrapper.args).expect("valid flags");
    appservice_preflight::plan::plan(&config).expect("a folder")
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
