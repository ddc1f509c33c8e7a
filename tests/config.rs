//! Acceptance tests of the configuration file (`[tool.appservice-preflight]` in `pyproject.toml`,
//! `appservice-preflight.toml`, `.appservice-preflight.toml`): every key changes what the built binary
//! reports or how it exits, the search finds the right file and stops at the repository's root, flags
//! beat the file, `--show-config` names where each value comes from, and a bad file is a usage error
//! naming the file, the line and what the value must be.
//!
//! Each case under `fixtures/config/` is the same small Flask app (the findings of [`APP`]) with one
//! configuration file; every test also runs the case with `--isolated`, so it sees the file make the
//! difference.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{assert_no_panic, bin, path_str, stderr, stdout};

/// What the fixture app reports with no configuration: `CODE level path:line`.
const APP: &[&str] = &[
    "AZ402 warning app.py:6",
    "AZ404 note app.py:12",
    "AZ405 warning app.py:17",
    "AZ405 warning views/pages.py:8",
];

fn case(name: &str) -> PathBuf {
    common::root().join("fixtures/config").join(name)
}

/// The binary run in `dir`, so that the paths it prints are relative to it.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let o = bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    assert_no_panic(&o);
    o
}

/// `check . --format json ARGS` in `dir`: each finding as `CODE level path:line`, and the exit code.
fn report(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let mut argv = vec!["check", ".", "--format", "json"];
    argv.extend_from_slice(args);
    let o = run_in(dir, &argv);
    let code = o.status.code().expect("an exit code");
    assert!(
        code == 0 || code == 1,
        "{}: `{}` exited with {code}: {}",
        dir.display(),
        argv.join(" "),
        stderr(&o)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", dir.display(), stdout(&o)));
    let findings = json
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["code"].as_str().unwrap(),
                f["level"].as_str().unwrap(),
                f["path"].as_str().unwrap_or(""),
                f["start"]["line"].as_u64().unwrap_or(0)
            )
        })
        .collect();
    (findings, code)
}

/// The findings of the app with its configuration file ignored: always [`APP`].
fn isolated(dir: &Path) -> Vec<String> {
    let (findings, _) = report(dir, &["--isolated"]);
    assert_eq!(
        findings,
        APP,
        "{}: the fixture app itself changed",
        dir.display()
    );
    findings
}

fn only(findings: &[String], code: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.starts_with(code))
        .cloned()
        .collect()
}

/// The 1-based line of `file` (in `dir`) holding `needle`.
fn line_of(dir: &Path, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{file} has no `{needle}`"))
        + 1
}

/// The `--show-config` output in `dir`, as (key = value, source) pairs.
fn show_config(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut argv = vec!["check", ".", "--show-config"];
    argv.extend_from_slice(args);
    let o = run_in(dir, &argv);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (setting, source) = l
                .split_once("  # ")
                .unwrap_or_else(|| panic!("`{l}` has no `# source`"));
            (setting.trim().to_owned(), source.trim().to_owned())
        })
        .collect()
}

/// The source `--show-config` gives for the setting that starts with `prefix` (`select =`).
fn source_of(shown: &[(String, String)], prefix: &str) -> String {
    shown
        .iter()
        .find(|(s, _)| s.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` in {shown:#?}"))
        .1
        .clone()
}

/// The configuration file as the search finds it (canonical, as `--show-config` prints it).
fn found(dir: &Path, name: &str) -> String {
    std::fs::canonicalize(dir.join(name))
        .unwrap()
        .display()
        .to_string()
}

// ---------------------------------------------------------------------------------------------------
// One key at a time.

#[test]
fn select_runs_only_the_rules_it_names() {
    let dir = case("select");
    isolated(&dir);
    let (findings, code) = report(&dir, &[]);
    assert_eq!(
        findings,
        ["AZ405 warning app.py:17", "AZ405 warning views/pages.py:8"]
    );
    assert_eq!(code, 1);
}

#[test]
fn extend_select_adds_to_the_selection_of_the_file_and_of_the_flag() {
    let dir = case("extend-select");
    isolated(&dir);
    // `select = ["AZ402"]` and `extend-select = ["external-url-scheme-http"]` (AZ404, by name).
    let (findings, _) = report(&dir, &[]);
    assert_eq!(findings, ["AZ402 warning app.py:6", "AZ404 note app.py:12"]);
    // `--select` replaces the file's `select`; the file's `extend-select` still adds to it.
    let (findings, _) = report(&dir, &["--select", "AZ405"]);
    assert_eq!(
        findings,
        [
            "AZ404 note app.py:12",
            "AZ405 warning app.py:17",
            "AZ405 warning views/pages.py:8"
        ]
    );
}

#[test]
fn ignore_in_pyproject_skips_rules_and_adds_up_with_the_flag() {
    let dir = case("ignore");
    isolated(&dir);
    let (findings, _) = report(&dir, &[]);
    assert_eq!(findings, ["AZ402 warning app.py:6", "AZ404 note app.py:12"]);
    let (findings, _) = report(&dir, &["--ignore", "AZ404"]);
    assert_eq!(findings, ["AZ402 warning app.py:6"]);
}

#[test]
fn levels_change_the_level_everywhere_and_the_exit_code() {
    let dir = case("levels");
    isolated(&dir);
    // AZ402 (a warning) is made an error; AZ405 (by name) a note.
    let (findings, _) = report(&dir, &[]);
    assert_eq!(
        findings,
        [
            "AZ402 error app.py:6",
            "AZ404 note app.py:12",
            "AZ405 note app.py:17",
            "AZ405 note views/pages.py:8"
        ]
    );
    let (_, code) = report(&dir, &["--fail-on", "error"]);
    assert_eq!(code, 1, "an error now fails `--fail-on error`");
    let (_, code) = report(&dir, &["--fail-on", "error", "--isolated"]);
    assert_eq!(code, 0, "without the file nothing is an error");
    // The text output says the same.
    let o = run_in(&dir, &["check", ".", "--color", "never"]);
    let text = stdout(&o);
    assert!(text.contains("error[AZ402]: "), "{text}");
    assert!(text.contains("note[AZ405]: "), "{text}");
    assert!(!text.contains("warning["), "{text}");
}

#[test]
fn per_file_ignores_with_a_slash_match_the_path_from_the_app_root() {
    let dir = case("per-file-ignores-path");
    isolated(&dir);
    // `"views/*.py" = ["AZ405"]`: only the finding in views/ goes; AZ405 in app.py stays.
    let (findings, _) = report(&dir, &[]);
    assert_eq!(
        findings,
        [
            "AZ402 warning app.py:6",
            "AZ404 note app.py:12",
            "AZ405 warning app.py:17"
        ]
    );
}

#[test]
fn per_file_ignores_without_a_slash_match_the_name_in_any_folder() {
    let dir = case("per-file-ignores-name");
    isolated(&dir);
    // `"pages.py" = ["AZ405"]` matches views/pages.py.
    let (findings, _) = report(&dir, &[]);
    assert_eq!(
        findings,
        [
            "AZ402 warning app.py:6",
            "AZ404 note app.py:12",
            "AZ405 warning app.py:17"
        ]
    );
}

#[test]
fn exclude_drops_every_finding_in_the_files_it_matches() {
    let dir = case("exclude");
    isolated(&dir);
    let (findings, _) = report(&dir, &[]);
    assert_eq!(
        findings,
        [
            "AZ402 warning app.py:6",
            "AZ404 note app.py:12",
            "AZ405 warning app.py:17"
        ]
    );
}

#[test]
fn fail_on_note_makes_a_note_fail_the_check() {
    let dir = case("fail-on");
    isolated(&dir);
    // `select = ["AZ404"]`, `fail-on = "note"`.
    let (findings, code) = report(&dir, &[]);
    assert_eq!(findings, ["AZ404 note app.py:12"]);
    assert_eq!(code, 1, "a note fails with fail-on = \"note\"");
    let (findings, code) = report(&dir, &["--isolated", "--select", "AZ404"]);
    assert_eq!(findings, ["AZ404 note app.py:12"]);
    assert_eq!(code, 0, "by default a note does not fail the check");
}

#[test]
fn app_settings_reach_the_rules_and_findings_point_at_their_line() {
    let dir = case("app-settings");
    isolated(&dir);
    let (findings, code) = report(&dir, &[]);
    let line = line_of(
        &dir,
        "appservice-preflight.toml",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
    );
    assert_eq!(
        only(&findings, "AZ109"),
        [format!("AZ109 error appservice-preflight.toml:{line}")],
        "{findings:?}"
    );
    assert_eq!(
        only(&findings, "AZ113"),
        [format!("AZ113 warning appservice-preflight.toml:{line}")]
    );
    assert_eq!(code, 1);
    // The text output quotes the line of the configuration file.
    let o = run_in(
        &dir,
        &["check", ".", "--select", "AZ109", "--color", "never"],
    );
    let text = stdout(&o);
    assert!(
        text.contains(&format!("appservice-preflight.toml:{line}:"))
            && text.contains("SCM_DO_BUILD_DURING_DEPLOYMENT = \"yes\""),
        "{text}"
    );
}

#[test]
fn app_settings_of_a_file_outside_the_app_name_the_file() {
    let dir = case("app-settings-above-the-app");
    let app = dir.join("app");
    let o = run_in(
        &app,
        &["check", ".", "--select", "AZ109", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = json.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    let notes = findings[0]["notes"].to_string();
    let file = found(&dir, "appservice-preflight.toml");
    assert!(
        notes.contains(&format!(
            "app-settings.SCM_DO_BUILD_DURING_DEPLOYMENT in {file}"
        )),
        "the finding names the key and the file: {notes}"
    );
    let (findings, _) = report(&app, &["--isolated", "--select", "AZ109"]);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn startup_command_reaches_the_rules() {
    let dir = case("startup-command");
    isolated(&dir);
    let (findings, _) = report(&dir, &[]);
    let line = line_of(&dir, "appservice-preflight.toml", "startup-command =");
    assert_eq!(
        only(&findings, "AZ210"),
        [format!("AZ210 warning appservice-preflight.toml:{line}")],
        "{findings:?}"
    );
    let o = run_in(&dir, &["plan", "."]);
    assert!(
        stdout(&o).contains("pip install -r requirements.txt && gunicorn"),
        "`plan` shows the configured command:\n{}",
        stdout(&o)
    );
}

#[test]
fn python_version_reaches_the_rules() {
    let dir = case("python-version");
    isolated(&dir);
    let (findings, _) = report(&dir, &[]);
    let line = line_of(&dir, "appservice-preflight.toml", "python-version =");
    assert_eq!(
        only(&findings, "AZ501"),
        [format!("AZ501 error appservice-preflight.toml:{line}")],
        "{findings:?}"
    );
}

#[test]
fn every_key_at_once() {
    let dir = case("show-config");
    isolated(&dir);
    // select AZ4, extend-select AZ109 (set to "true": silent), ignore AZ406, levels AZ402 = error,
    // per-file-ignores views/*.py AZ405, exclude legacy/**, fail-on error, a startup command and a
    // Python version that raise nothing.
    let (findings, code) = report(&dir, &[]);
    assert_eq!(
        findings,
        [
            "AZ402 error app.py:6",
            "AZ404 note app.py:12",
            "AZ405 warning app.py:17"
        ]
    );
    assert_eq!(code, 1, "AZ402 is an error and fail-on is error");
    let (_, code) = report(&dir, &["--ignore", "AZ402"]);
    assert_eq!(code, 0, "with fail-on = \"error\" a warning passes");
}

// ---------------------------------------------------------------------------------------------------
// Which file is read.

#[test]
fn each_of_the_three_file_names_is_found() {
    for (name, file) in [
        ("select", "appservice-preflight.toml"),
        ("levels", ".appservice-preflight.toml"),
        ("ignore", "pyproject.toml"),
    ] {
        let dir = case(name);
        let shown = show_config(&dir, &[]);
        assert_eq!(
            shown[0],
            (
                format!("config-file = \"{}\"", found(&dir, file)),
                "searched from the app root up".to_owned()
            ),
            "{name}"
        );
    }
}

#[test]
fn the_dotfile_beats_pyproject() {
    // `.appservice-preflight.toml` ignores AZ404; pyproject.toml's table ignores AZ402.
    let dir = case("precedence-dotfile-over-pyproject");
    isolated(&dir);
    let (findings, _) = report(&dir, &[]);
    assert!(only(&findings, "AZ404").is_empty(), "{findings:?}");
    assert_eq!(only(&findings, "AZ402"), ["AZ402 warning app.py:6"]);
}

#[test]
fn appservice_preflight_toml_beats_pyproject() {
    let dir = case("precedence-toml-over-pyproject");
    isolated(&dir);
    let (findings, _) = report(&dir, &[]);
    assert!(only(&findings, "AZ404").is_empty(), "{findings:?}");
    assert_eq!(only(&findings, "AZ402"), ["AZ402 warning app.py:6"]);
}

#[test]
fn flags_beat_the_file() {
    // `--select` replaces the file's `select`.
    let (findings, _) = report(&case("select"), &["--select", "AZ402"]);
    assert_eq!(findings, ["AZ402 warning app.py:6"]);
    // `--fail-on` replaces the file's `fail-on = "note"`.
    let (_, code) = report(&case("fail-on"), &["--fail-on", "warning"]);
    assert_eq!(code, 0);
    // `--app-setting` beats the file's app setting.
    let (findings, _) = report(
        &case("app-settings"),
        &["--app-setting", "SCM_DO_BUILD_DURING_DEPLOYMENT=true"],
    );
    assert!(only(&findings, "AZ109").is_empty(), "{findings:?}");
    // `--startup-command` and `--python-version` beat the file's.
    let (findings, _) = report(
        &case("startup-command"),
        &["--startup-command", "gunicorn --bind=0.0.0.0 app:app"],
    );
    assert!(only(&findings, "AZ210").is_empty(), "{findings:?}");
    let (findings, _) = report(&case("python-version"), &["--python-version", "3.12"]);
    assert!(only(&findings, "AZ501").is_empty(), "{findings:?}");
}

#[test]
fn config_flag_reads_that_file_and_not_the_one_found() {
    let dir = case("config-flag");
    isolated(&dir);
    // The app's own file ignores AZ404; ci/strict.toml ignores AZ402.
    let (findings, _) = report(&dir, &[]);
    assert!(only(&findings, "AZ404").is_empty(), "{findings:?}");
    assert_eq!(only(&findings, "AZ402").len(), 1);
    let (findings, _) = report(&dir, &["--config", "ci/strict.toml"]);
    assert!(only(&findings, "AZ402").is_empty(), "{findings:?}");
    assert_eq!(only(&findings, "AZ404").len(), 1);
    let shown = show_config(&dir, &["--config", "ci/strict.toml"]);
    assert_eq!(
        shown[0],
        (
            "config-file = \"ci/strict.toml\"".to_owned(),
            "--config".to_owned()
        )
    );
    // A `pyproject.toml` named by `--config` is read for its table.
    let pyproject = case("ignore").join("pyproject.toml");
    let (findings, _) = report(&dir, &["--config", path_str(&pyproject)]);
    assert!(only(&findings, "AZ405").is_empty(), "{findings:?}");
    assert_eq!(only(&findings, "AZ404").len(), 1);
    // A missing file is a usage error.
    let o = run_in(&dir, &["check", ".", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn isolated_reads_no_file() {
    let dir = case("select");
    let shown = show_config(&dir, &["--isolated"]);
    assert_eq!(
        shown[0],
        ("config-file = none".to_owned(), "--isolated".to_owned())
    );
    assert_eq!(source_of(&shown, "select ="), "default");
    assert_eq!(isolated(&dir), APP);
    let o = run_in(&dir, &["check", ".", "--isolated", "--config", "x.toml"]);
    assert_eq!(o.status.code(), Some(2), "--isolated and --config conflict");
}

#[test]
fn a_pyproject_without_the_table_is_passed_over() {
    // app/pyproject.toml has [project] and [tool.ruff] only; the folder above has
    // appservice-preflight.toml with `ignore = ["AZ402"]`.
    let dir = case("pyproject-without-table");
    let app = dir.join("app");
    isolated(&app);
    let (findings, _) = report(&app, &[]);
    assert!(only(&findings, "AZ402").is_empty(), "{findings:?}");
    assert_eq!(
        show_config(&app, &[])[0].0,
        format!(
            "config-file = \"{}\"",
            found(&dir, "appservice-preflight.toml")
        )
    );
}

/// A copy of the fixture app (no configuration file) in `dir`.
fn write_app(dir: &Path) {
    let from = case("select");
    for file in [
        "app.py",
        "views/__init__.py",
        "views/pages.py",
        "requirements.txt",
    ] {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(file), to).unwrap();
    }
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    let repo = outer.path().join("repo");
    write_app(&repo);
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        outer.path().join("appservice-preflight.toml"),
        "ignore = [\"AZ402\"]\n",
    )
    .unwrap();
    // The file above the repository is not read.
    let (findings, _) = report(&repo, &[]);
    assert_eq!(findings, APP);
    assert_eq!(
        show_config(&repo, &[])[0],
        (
            "config-file = none".to_owned(),
            "searched from the app root up".to_owned()
        )
    );
    // Without `.git`, it is.
    std::fs::remove_dir(repo.join(".git")).unwrap();
    let (findings, _) = report(&repo, &[]);
    assert!(only(&findings, "AZ402").is_empty(), "{findings:?}");
    // `.git` as a file (a worktree or a submodule) stops the search too.
    std::fs::write(repo.join(".git"), "gitdir: ../elsewhere\n").unwrap();
    let (findings, _) = report(&repo, &[]);
    assert_eq!(findings, APP);
}

#[test]
fn the_file_at_the_repository_root_is_read_for_an_app_in_a_subfolder() {
    let outer = tempfile::tempdir().unwrap();
    let repo = outer.path().join("repo");
    let app = repo.join("src/web");
    write_app(&app);
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join("appservice-preflight.toml"),
        "ignore = [\"AZ402\"]\n",
    )
    .unwrap();
    let (findings, _) = report(&app, &[]);
    assert!(only(&findings, "AZ402").is_empty(), "{findings:?}");
    isolated(&app);
}

// ---------------------------------------------------------------------------------------------------
// `--show-config`.

#[test]
fn show_config_names_the_source_of_every_value() {
    let dir = case("show-config");
    let file = found(&dir, "appservice-preflight.toml");
    let at = |needle: &str| {
        format!(
            "{file}:{}",
            line_of(&dir, "appservice-preflight.toml", needle)
        )
    };
    let shown = show_config(&dir, &["--fail-on", "note"]);
    assert_eq!(
        shown[0],
        (
            format!("config-file = \"{file}\""),
            "searched from the app root up".to_owned()
        )
    );
    assert_eq!(source_of(&shown, "app-root ="), "PATH");
    for (setting, needle) in [
        ("select = [\"AZ4\"]", "select ="),
        ("startup-command = \"gunicorn", "startup-command ="),
        ("python-version = \"3.12\"", "python-version ="),
        (
            "app-settings = SCM_DO_BUILD_DURING_DEPLOYMENT = \"true\"",
            "SCM_DO_BUILD_DURING_DEPLOYMENT",
        ),
        ("levels = AZ402 = \"error\"", "AZ402 = \"error\""),
        (
            "per-file-ignores = \"views/*.py\" = [\"AZ405\"]",
            "\"views/*.py\"",
        ),
        ("exclude = \"legacy/**\"", "exclude ="),
    ] {
        assert_eq!(source_of(&shown, setting), at(needle), "{setting}");
    }
    // The lists that add up name the file (and the flag when both give some).
    assert!(
        source_of(&shown, "extend-select = [\"AZ109\"]").starts_with(&file),
        "{shown:#?}"
    );
    assert!(
        source_of(&shown, "ignore = [\"AZ406\"]").starts_with(&file),
        "{shown:#?}"
    );
    // A flag names itself.
    assert_eq!(source_of(&shown, "fail-on = \"note\""), "--fail-on");
    let shown = show_config(&dir, &["--ignore", "AZ403", "--startup-command", "x"]);
    assert_eq!(
        source_of(&shown, "ignore = [\"AZ406\", \"AZ403\"]"),
        format!("{} and --ignore", at("ignore ="))
    );
    assert_eq!(
        source_of(&shown, "startup-command = \"x\""),
        "--startup-command"
    );
    // The defaults say so.
    let shown = show_config(&case("levels"), &[]);
    assert_eq!(source_of(&shown, "select = [\"ALL\"]"), "default");
    assert_eq!(source_of(&shown, "ignore = []"), "default");
    assert_eq!(source_of(&shown, "fail-on = \"warning\""), "default");
    // The last line lists the rules that run.
    let o = run_in(&dir, &["check", ".", "--show-config"]);
    assert!(
        stdout(&o).ends_with("# 6 rules run: AZ109 AZ401 AZ402 AZ403 AZ404 AZ405\n"),
        "{}",
        stdout(&o)
    );
}

/// BUG (reported, not fixed here): `--show-config` gives `extend-select` and `ignore` from the file as
/// the file's path alone, where every other key of the file gets `file:line`.
#[test]
fn show_config_gives_the_line_of_extend_select_and_ignore() {
    let dir = case("show-config");
    let file = found(&dir, "appservice-preflight.toml");
    let shown = show_config(&dir, &[]);
    for (setting, needle) in [
        ("extend-select = [\"AZ109\"]", "extend-select ="),
        ("ignore = [\"AZ406\"]", "ignore ="),
    ] {
        assert_eq!(
            source_of(&shown, setting),
            format!(
                "{file}:{}",
                line_of(&dir, "appservice-preflight.toml", needle)
            )
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Bad configuration.

/// `check` of the fixture app with `--config FILE`: exit 2, nothing on stdout, and one line on stderr
/// that starts with `error: FILE:LINE: ` and says what the value must be.
fn assert_refused(args: &[&str], file: &str, line: usize, says: &[&str]) {
    let dir = case("select");
    let mut argv = vec!["check", "."];
    argv.extend_from_slice(args);
    let o = run_in(&dir, &argv);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{file}: {err}");
    assert_eq!(stdout(&o), "", "{file}: nothing on stdout");
    assert_eq!(err.lines().count(), 1, "{file}: one line:\n{err}");
    assert!(
        err.starts_with(&format!("error: {file}:{line}: ")),
        "{file}: the message names the file and line {line}:\n{err}"
    );
    for s in says {
        assert!(err.contains(s), "{file}: `{s}` missing from:\n{err}");
    }
}

#[test]
fn bad_configuration_is_a_usage_error_naming_the_file_the_line_and_the_choices() {
    let invalid = case("invalid");
    let levels = "it must be \"error\", \"warning\" or \"note\"";
    let rules = "run `appservice-preflight rules` for the list";
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "unknown-key.toml",
            "fail_on",
            &[
                "unknown key `fail_on` (did you mean `fail-on`?)",
                "the keys are: select, extend-select, ignore, levels, per-file-ignores, exclude, fail-on, app-settings, startup-command, python-version",
            ],
        ),
        (
            "wrong-type.toml",
            "select =",
            &["`select` must be a list of rule codes, prefixes or names"],
        ),
        (
            "wrong-type-in-app-settings.toml",
            "WEBSITES_PORT",
            &["`app-settings.WEBSITES_PORT` must be a string (a table: NAME = \"value\")"],
        ),
        (
            "bad-level.toml",
            "fatal",
            &["the level of AZ402 is `fatal`", levels],
        ),
        (
            "bad-fail-on.toml",
            "fail-on",
            &["`fail-on` is `errors`", levels],
        ),
        (
            "unknown-code-in-select.toml",
            "AZ999",
            &["unknown rule selector `AZ999`", rules],
        ),
        (
            "unknown-code-in-levels.toml",
            "AZ999",
            &["`levels` names `AZ999`, which is not a rule", rules],
        ),
        (
            "unknown-code-in-per-file-ignores.toml",
            "AZ4O5",
            &["unknown rule selector `AZ4O5`", rules],
        ),
        (
            "invalid-glob-in-per-file-ignores.toml",
            "views/[ab.py",
            &["`per-file-ignores` glob `views/[ab.py` is not valid"],
        ),
        (
            "invalid-glob-in-exclude.toml",
            "exclude",
            &["`exclude` glob `legacy/{old,new` is not valid"],
        ),
        (
            "bad-python-version.toml",
            "python-version",
            &["`python-version` is `3.twelve`, not a Python version such as \"3.12\""],
        ),
        // The line where the parser gives up: the array is not closed before `ignore`.
        ("invalid-toml.toml", "ignore", &["not valid TOML"]),
    ];
    for (name, needle, says) in cases {
        let path = invalid.join(name);
        let line = line_of(&invalid, name, needle);
        assert_refused(&["--config", path_str(&path)], path_str(&path), line, says);
    }
    let files = std::fs::read_dir(&invalid)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert_eq!(
        files,
        cases.len(),
        "every file of fixtures/config/invalid is a case"
    );
}

#[test]
fn a_bad_pyproject_table_found_by_the_search_is_a_usage_error() {
    let dir = case("invalid").join("in-pyproject");
    let file = found(&dir, "pyproject.toml");
    let o = run_in(&dir, &["check", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(stdout(&o), "");
    let line = line_of(&dir, "pyproject.toml", "per-file-ignore]");
    assert!(
        err.starts_with(&format!(
            "error: {file}:{line}: unknown key `tool.appservice-preflight.per-file-ignore` (did you mean `per-file-ignores`?); the keys are: "
        )),
        "{err}"
    );
    // `--isolated` does not read it.
    let o = run_in(&dir, &["check", ".", "--isolated"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// BUG (reported, not fixed here): a `pyproject.toml` that has `[tool.appservice-preflight]` but is not
/// valid TOML is passed over as if it had no table: the search goes on upward and the run uses no
/// configuration (or another one), where `--config pyproject.toml` on the same file is a usage error.
#[test]
fn an_invalid_pyproject_with_the_table_found_by_the_search_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write_app(dir.path());
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"shop\"\n\n[tool.appservice-preflight]\nignore = [\"AZ405\"\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("pyproject.toml:5: not valid TOML"),
        "{}",
        stderr(&o)
    );
}

/// BUG (reported, not fixed here): a `pyproject.toml` that is not UTF-8 stops every run with exit 2, even
/// when it does not configure the tool (and even in a folder above the app, up to the repository root).
#[test]
fn a_pyproject_that_does_not_configure_the_tool_never_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write_app(dir.path());
    // Latin-1: `café`.
    std::fs::write(
        dir.path().join("pyproject.toml"),
        b"[project]\nname = \"caf\xe9\"\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", "."]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}
