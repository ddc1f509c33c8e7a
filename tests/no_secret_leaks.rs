//! No output format, nor `plan`, prints a secret value any fixture holds: every value the tool itself
//! takes for a secret in a fixture's files (assigned to a secret-looking name, a URL password, a cloud
//! credential by its shape) is searched for in the output of `check` in all six formats, of `check
//! --diff --unsafe-fixes` and of `plan` in both, run on that fixture with every rule.

mod common;

use std::path::{Path, PathBuf};

use appservice_preflight::project::secrets::secret_ranges;
use common::cli::{path_str, run};

/// Every fixture case: `fixtures/<CODE>/<case>` and `fixtures/projects/<name>`.
fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for group in std::fs::read_dir(&root).unwrap().flatten() {
        if !group.path().is_dir() {
            continue;
        }
        for case in std::fs::read_dir(group.path()).unwrap().flatten() {
            if case.path().is_dir() {
                out.push(case.path());
            }
        }
    }
    out.sort();
    out
}

/// The secret values in the case's files, as the tool finds them (at least 8 characters, so that a
/// short value that also occurs as ordinary text does not count).
fn secrets(case: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(case).into_iter().flatten() {
        let golden = ["expected.txt", "fix.diff", "unsafe-fix.diff"];
        if !entry.file_type().is_file() || golden.iter().any(|g| entry.file_name() == *g) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for range in secret_ranges(&text) {
            let value = &text[range];
            let value = value.trim_matches(['\'', '"']);
            if value.chars().count() >= 8 && !out.iter().any(|v| v == value) {
                out.push(value.to_owned());
            }
        }
    }
    out
}

#[test]
fn no_output_prints_a_secret_of_any_fixture() {
    let mut checked = 0;
    let mut leaks = Vec::new();
    for case in cases() {
        let values = secrets(&case);
        if values.is_empty() {
            continue;
        }
        checked += 1;
        let mut outputs = Vec::new();
        // `--diff` shows the files' text: the lines it removes must be masked too.
        outputs.push(run(&["check", path_str(&case), "--diff", "--unsafe-fixes"]));
        for format in ["text", "concise", "json", "github", "sarif", "gitlab"] {
            outputs.push(run(&[
                "check",
                path_str(&case),
                "--format",
                format,
                "--color",
                "never",
            ]));
        }
        for format in ["text", "json"] {
            outputs.push(run(&["plan", path_str(&case), "--format", format]));
        }
        for o in outputs {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            for v in &values {
                if text.contains(v.as_str()) {
                    leaks.push(format!("{}: `{v}`", case.display()));
                }
            }
        }
    }
    leaks.sort();
    leaks.dedup();
    assert!(checked >= 20, "only {checked} fixtures hold secrets");
    assert!(
        leaks.is_empty(),
        "secret values printed:\n{}",
        leaks.join("\n")
    );
}
