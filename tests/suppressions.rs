//! Acceptance tests of suppression comments: `# noqa: AZ303` on a finding's line, a comment alone on its
//! line for the next line, file-wide `# appservice-preflight: noqa[: CODES]`, in the comment syntax of
//! each kind of file (`//` in Bicep, `#` in Terraform, YAML, shell, requirements, `.deployment`,
//! `build.env` and Python; none in JSON), and AZ900 for a suppression that suppresses nothing or names a
//! code that is not a rule.
//!
//! Each case of `fixtures/suppressions/` is checked as it is (the finding is suppressed) and as a copy with
//! its suppression comments removed (the finding is reported): the comment, not the fixture, makes the
//! difference.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{assert_no_panic, bin, stderr, stdout};

fn case(name: &str) -> PathBuf {
    common::root().join("fixtures/suppressions").join(name)
}

/// One finding of `--format json`.
#[derive(Debug, Clone)]
struct Finding {
    code: String,
    level: String,
    path: String,
    line: u64,
    message: String,
    help: String,
}

/// `check . --format json ARGS` run in `dir`: the findings.
fn findings(dir: &Path, args: &[&str]) -> Vec<Finding> {
    let mut argv = vec!["check", ".", "--format", "json"];
    argv.extend_from_slice(args);
    let o = bin()
        .args(&argv)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    assert_no_panic(&o);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}: {}",
        dir.display(),
        stderr(&o)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    json.as_array()
        .expect("a list")
        .iter()
        .map(|f| Finding {
            code: f["code"].as_str().unwrap().to_owned(),
            level: f["level"].as_str().unwrap().to_owned(),
            path: f["path"].as_str().unwrap_or("").to_owned(),
            line: f["start"]["line"].as_u64().unwrap_or(0),
            message: f["message"].as_str().unwrap().to_owned(),
            help: f["help"].as_str().unwrap_or("").to_owned(),
        })
        .collect()
}

fn of<'a>(all: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    all.iter().filter(|f| f.code == code).collect()
}

/// `line` without its suppression comment (`# noqa: ...`, `// noqa: ...`, `# appservice-preflight: ...`);
/// `None` when the comment was the whole line.
fn strip_suppression(line: &str) -> Option<String> {
    let mut cut = None;
    for marker in ["#", "//"] {
        for (at, _) in line.match_indices(marker) {
            let body = line[at + marker.len()..].trim_start().to_ascii_lowercase();
            if body.starts_with("noqa") || body.starts_with("appservice-preflight:") {
                cut = Some(cut.map_or(at, |c: usize| c.min(at)));
            }
        }
    }
    match cut {
        None => Some(line.to_owned()),
        Some(at) => {
            let kept = line[..at].trim_end();
            (!kept.is_empty()).then(|| kept.to_owned())
        }
    }
}

/// A copy of the case `from` with every suppression comment removed, and how many were removed.
fn without_suppressions(from: &Path) -> (tempfile::TempDir, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            match strip_suppression(line) {
                Some(kept) => {
                    if kept != line {
                        removed += 1;
                    }
                    out.push_str(&kept);
                    out.push('\n');
                }
                None => removed += 1,
            }
        }
        std::fs::write(&to, out).unwrap();
    }
    (dir, removed)
}

/// The case reports `left` findings of `code` and no AZ900; without its suppression comments it reports
/// `left + suppressed`, all in `file` (and no AZ900).
fn assert_suppresses(name: &str, code: &str, file: &str, left: usize, suppressed: usize) {
    let dir = case(name);
    let with = findings(&dir, &[]);
    assert_eq!(
        of(&with, code).len(),
        left,
        "{name}: {code} with the comment: {with:#?}"
    );
    assert!(
        of(&with, "AZ900").is_empty(),
        "{name}: the suppression is used: {with:#?}"
    );
    let (plain, removed) = without_suppressions(&dir);
    assert!(removed > 0, "{name}: no suppression comment found");
    let without = findings(plain.path(), &[]);
    let reported = of(&without, code);
    assert_eq!(
        reported.len(),
        left + suppressed,
        "{name}: {code} without the comment: {without:#?}"
    );
    assert!(
        reported.iter().all(|f| f.path == file),
        "{name}: {code} is reported in {file}: {reported:#?}"
    );
    assert!(of(&without, "AZ900").is_empty(), "{name}: {without:#?}");
}

#[test]
fn python_comment_on_the_line() {
    // `...  # noqa: AZ402 rotated, see the runbook`: words after the codes are a reason.
    assert_suppresses("python-same-line", "AZ402", "app.py", 0, 1);
}

#[test]
fn python_comment_alone_on_the_line_above() {
    assert_suppresses("python-line-above", "AZ402", "app.py", 0, 1);
}

#[test]
fn python_file_wide_with_a_code_covers_that_code_only() {
    assert_suppresses("python-file-wide-code", "AZ405", "app.py", 0, 2);
    // AZ402 in the same file is not covered.
    let all = findings(&case("python-file-wide-code"), &[]);
    assert_eq!(of(&all, "AZ402").len(), 1, "{all:#?}");
}

#[test]
fn python_file_wide_bare_covers_every_code_of_that_file_only() {
    assert_suppresses("python-file-wide-bare", "AZ405", "views/pages.py", 0, 1);
    // app.py has no comment: its AZ402 stays.
    let all = findings(&case("python-file-wide-bare"), &[]);
    assert_eq!(of(&all, "AZ402").len(), 1, "{all:#?}");
    assert_eq!(of(&all, "AZ402")[0].path, "app.py");
}

#[test]
fn requirements_txt() {
    assert_suppresses("requirements-txt", "AZ104", "requirements.txt", 0, 1);
}

#[test]
fn startup_script() {
    assert_suppresses("startup-sh", "AZ210", "startup.sh", 0, 1);
}

#[test]
fn github_workflow_yaml() {
    // upload-artifact@v3 has the comment; download-artifact@v3, on another line, is still reported.
    assert_suppresses(
        "github-workflow",
        "AZ701",
        ".github/workflows/main_shop.yml",
        1,
        1,
    );
    let all = findings(&case("github-workflow"), &[]);
    assert!(
        of(&all, "AZ701")[0]
            .message
            .contains("actions/download-artifact@v3"),
        "{all:#?}"
    );
}

#[test]
fn deployment_file_line_above() {
    assert_suppresses("deployment-file", "AZ109", ".deployment", 0, 1);
    // The comment covers the code it names: AZ113 on the same line stays.
    let all = findings(&case("deployment-file"), &[]);
    assert_eq!(of(&all, "AZ113").len(), 1, "{all:#?}");
    // Kudu has no comments, and the tool does not take the comment line for a setting.
    assert!(of(&all, "AZ115").is_empty(), "{all:#?}");
}

#[test]
fn build_env_line_above() {
    assert_suppresses("build-env", "AZ109", "build.env", 0, 1);
    let all = findings(&case("build-env"), &[]);
    assert!(
        of(&all, "AZ112").is_empty() && of(&all, "AZ115").is_empty(),
        "the comment line is not a setting: {all:#?}"
    );
}

#[test]
fn bicep_double_slash() {
    assert_suppresses("bicep", "AZ109", "infra/main.bicep", 0, 1);
}

#[test]
fn terraform_hash() {
    assert_suppresses("terraform", "AZ109", "main.tf", 0, 1);
}

#[test]
fn other_linters_codes_in_the_same_comment() {
    // `# noqa: E501, AZ402`
    assert_suppresses("other-linters-codes", "AZ402", "app.py", 0, 1);
}

#[test]
fn a_bare_noqa_suppresses_nothing() {
    // `# noqa` alone is flake8's and ruff's: AZ402 is reported, and the comment is not AZ900's business.
    let all = findings(&case("bare-noqa-does-not-suppress"), &[]);
    let secret = of(&all, "AZ402");
    assert_eq!(secret.len(), 1, "{all:#?}");
    assert_eq!((secret[0].path.as_str(), secret[0].line), ("app.py", 4));
    assert!(of(&all, "AZ900").is_empty(), "{all:#?}");
}

#[test]
fn json_has_no_suppression_comments() {
    // An ARM template may hold comments, but `// noqa: AZ109` there (alone or after the value) is not a
    // suppression.
    let all = findings(&case("arm-template-json-has-no-suppressions"), &[]);
    let found = of(&all, "AZ109");
    assert_eq!(found.len(), 1, "{all:#?}");
    assert_eq!(found[0].path, "infra/azuredeploy.json");
    assert!(of(&all, "AZ900").is_empty(), "{all:#?}");
}

#[test]
fn unused_and_unknown_codes_are_az900() {
    let all = findings(&case("unused-and-unknown-codes"), &[]);
    let az900: Vec<(u64, &str)> = of(&all, "AZ900")
        .iter()
        .map(|f| (f.line, f.message.as_str()))
        .collect();
    assert_eq!(
        az900,
        [
            (
                1,
                "this file-wide suppression of AZ210 suppresses no finding"
            ),
            (4, "this suppression of AZ301 suppresses no finding"),
            (5, "`AZ4020` in this suppression is not a rule code"),
            (10, "`AZ999` in this suppression is not a rule code"),
        ]
    );
    assert!(of(&all, "AZ900").iter().all(|f| f.level == "note"));
    let near = of(&all, "AZ900")[2];
    assert!(near.help.contains("did you mean AZ402?"), "{near:#?}");
    // `# noqa: AZ4020` does not suppress AZ402.
    assert_eq!(of(&all, "AZ402").len(), 1, "{all:#?}");
    assert_eq!(of(&all, "AZ402")[0].line, 5);
}

#[test]
fn az900_leaves_alone_codes_whose_rule_did_not_run() {
    // Neither AZ210 nor AZ301 runs: their suppressions may be needed by a full run. An unknown code is
    // wrong whatever runs.
    let all = findings(
        &case("unused-and-unknown-codes"),
        &["--select", "AZ402,AZ900"],
    );
    let lines: Vec<u64> = of(&all, "AZ900").iter().map(|f| f.line).collect();
    assert_eq!(lines, [5, 10], "{all:#?}");
    let all = findings(
        &case("unused-and-unknown-codes"),
        &["--ignore", "AZ210,AZ301"],
    );
    let lines: Vec<u64> = of(&all, "AZ900").iter().map(|f| f.line).collect();
    assert_eq!(lines, [5, 10], "{all:#?}");
}

#[test]
fn without_az900_nothing_is_reported_about_suppressions() {
    let all = findings(&case("unused-and-unknown-codes"), &["--ignore", "AZ900"]);
    assert!(of(&all, "AZ900").is_empty(), "{all:#?}");
    assert_eq!(of(&all, "AZ402").len(), 1);
}

#[test]
fn the_stripping_of_the_tests_removes_only_suppressions() {
    assert_eq!(
        strip_suppression("x = 1  # noqa: AZ402 reason").as_deref(),
        Some("x = 1")
    );
    assert_eq!(strip_suppression("  # noqa: AZ402"), None);
    assert_eq!(strip_suppression("# appservice-preflight: noqa"), None);
    assert_eq!(
        strip_suppression("  value: 'yes' // noqa: AZ109").as_deref(),
        Some("  value: 'yes'")
    );
    assert_eq!(
        strip_suppression("url = \"https://x\" # keep").as_deref(),
        Some("url = \"https://x\" # keep")
    );
}
