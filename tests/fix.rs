//! `--fix` golden tests. For every fixture case (`fixtures/<CODE>/<case>/`, checked with only that rule),
//! the safe fixes as a unified diff are compared with `fix.diff`, and the fixes `--unsafe-fixes` adds with
//! `unsafe-fix.diff` (`BLESS=1` writes them). Then the safe fixes are applied to a copy of the case: the
//! copy must check clean for that rule, and a second `--fix` must change nothing. A case with no fix has
//! neither file. The binary's `check` (every format, no `--fix`) must leave a project's files as they were.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use appservice_preflight::fix;
use appservice_preflight::rules;
use common::config_for;

fn compare(path: &Path, actual: &str, failures: &mut Vec<String>) {
    let bless = std::env::var_os("BLESS").is_some();
    let expected = std::fs::read_to_string(path).ok();
    match (expected, actual.is_empty()) {
        (Some(e), _) if e == actual => {}
        (None, true) => {}
        (_, true) if bless => std::fs::remove_file(path).unwrap(),
        (_, false) if bless => std::fs::write(path, actual).unwrap(),
        (Some(e), _) => failures.push(format!(
            "{}: differs (BLESS=1 to accept)\n--- expected\n{e}\n--- actual\n{actual}",
            path.display()
        )),
        (None, false) => failures.push(format!(
            "{}: missing (BLESS=1 writes it)\n--- actual\n{actual}",
            path.display()
        )),
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// The fixes of a case with only `code` selected, applied to a copy; returns how many there were.
fn apply_in_copy(case: &Path, code: &str, dir: &Path) -> usize {
    copy_tree(case, dir);
    let mut config = config_for(dir, Some(code));
    config.fix = appservice_preflight::config::FixMode::Apply;
    let report = appservice_preflight::check(&config).unwrap();
    let (fixes, warnings) = fix::plan(&report, false);
    assert!(warnings.is_empty(), "{}: {warnings:?}", case.display());
    for f in &fixes {
        std::fs::write(dir.join(&f.rel), &f.bytes).unwrap();
    }
    fixes.len()
}

#[test]
fn fixes_match_their_goldens_fix_the_finding_and_are_idempotent() {
    let mut failures = Vec::new();
    let mut fixed_cases = 0;
    for rule in rules::RULES {
        for case in common::sub_dirs(&common::root().join("fixtures").join(rule.code)) {
            let config = config_for(&case, Some(rule.code));
            let report = appservice_preflight::check(&config).unwrap();
            let (safe, _) = fix::plan(&report, false);
            let (all, _) = fix::plan(&report, true);
            compare(&case.join("fix.diff"), &fix::diff(&safe), &mut failures);
            let unsafe_only: Vec<_> = all.iter().filter(|f| !safe.contains(f)).cloned().collect();
            compare(
                &case.join("unsafe-fix.diff"),
                &fix::diff(&unsafe_only),
                &mut failures,
            );
            if safe.is_empty() {
                continue;
            }
            fixed_cases += 1;
            let dir = tempfile::tempdir().unwrap();
            apply_in_copy(&case, rule.code, dir.path());
            let again =
                appservice_preflight::check(&config_for(dir.path(), Some(rule.code))).unwrap();
            let left: Vec<String> = again
                .diagnostics
                .iter()
                .filter(|d| d.fix.as_ref().is_some_and(|f| fix::applies(f, false)))
                .map(|d| d.message.clone())
                .collect();
            if !left.is_empty() {
                failures.push(format!(
                    "{}: after --fix, {} still reports fixable findings: {left:?}",
                    case.display(),
                    rule.code
                ));
            }
            let findings_after = again.diagnostics.len();
            if findings_after >= report.diagnostics.len() {
                failures.push(format!(
                    "{}: --fix did not remove a {} finding ({} before, {findings_after} after)",
                    case.display(),
                    rule.code,
                    report.diagnostics.len()
                ));
            }
            let before = snapshot(dir.path());
            let (second, _) = fix::plan(&again, false);
            if !second.is_empty() {
                failures.push(format!(
                    "{}: a second --fix would change {:?}",
                    case.display(),
                    second.iter().map(|f| &f.rel).collect::<Vec<_>>()
                ));
            }
            assert_eq!(before, snapshot(dir.path()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(fixed_cases >= 8, "only {fixed_cases} cases have a safe fix");
}

#[test]
fn check_without_fix_leaves_the_tree_unchanged() {
    let projects = common::root().join("fixtures").join("projects");
    for project in common::sub_dirs(&projects) {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&project, dir.path());
        let before = snapshot(dir.path());
        for format in ["text", "concise", "json", "sarif", "github", "gitlab"] {
            let out =
                common::cli::run(&["check", dir.path().to_str().unwrap(), "--format", format]);
            assert!(
                out.status.code().is_some_and(|c| c < 2),
                "{format}: {out:?}"
            );
        }
        let out = common::cli::run(&["check", dir.path().to_str().unwrap(), "--diff"]);
        assert_eq!(out.status.code(), Some(0), "--diff: {out:?}");
        assert_eq!(before, snapshot(dir.path()), "{}", project.display());
    }
}

#[test]
fn fix_writes_and_a_second_fix_changes_nothing() {
    let project = common::root().join("fixtures/projects/django-broken");
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&project, dir.path());
    let before = snapshot(dir.path());
    let path = dir.path().to_str().unwrap();
    let first = common::cli::run(&["check", path, "--fix", "--format", "concise"]);
    let stderr = String::from_utf8_lossy(&first.stderr).into_owned();
    assert!(stderr.contains("fixed "), "{stderr}");
    let after = snapshot(dir.path());
    assert_ne!(before, after);
    let second = common::cli::run(&["check", path, "--fix", "--format", "concise"]);
    assert!(
        !String::from_utf8_lossy(&second.stderr).contains("fixed "),
        "{:?}",
        second
    );
    assert_eq!(after, snapshot(dir.path()));
}
