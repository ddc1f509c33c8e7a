//! `check --stdin-filename PATH -` gives, byte for byte, what checking the saved file gives (`check PATH`
//! with the same app root), in every format, for every file with findings in every example project; and
//! the buffer, not the disk, is what is checked.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::cli::{bin, path_str};

fn with_stdin(root: &Path, args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = bin()
        .current_dir(root)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn stdin_mode_is_byte_identical_to_checking_the_saved_file() {
    let projects = common::root().join("fixtures/projects");
    let mut compared = 0;
    for project in common::sub_dirs(&projects) {
        // The files with findings, from the whole app's JSON report.
        let out = bin()
            .current_dir(&project)
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut files: Vec<String> = findings
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["path"].as_str().map(str::to_owned))
            .collect();
        files.sort();
        files.dedup();
        for file in &files {
            let content = std::fs::read(project.join(file)).unwrap();
            for format in ["concise", "json", "text", "sarif", "gitlab"] {
                let saved = bin()
                    .current_dir(&project)
                    .args(["check", "--format", format, "--color", "never", file])
                    .output()
                    .unwrap();
                let piped = with_stdin(
                    &project,
                    &[
                        "check",
                        "--format",
                        format,
                        "--color",
                        "never",
                        "--stdin-filename",
                        file,
                        "-",
                    ],
                    &content,
                );
                assert_eq!(
                    String::from_utf8_lossy(&saved.stdout),
                    String::from_utf8_lossy(&piped.stdout),
                    "{}: {file} ({format})",
                    project.display()
                );
                assert_eq!(saved.status.code(), piped.status.code());
                assert!(!saved.stdout.is_empty());
                compared += 1;
            }
        }
    }
    assert!(compared >= 50, "only {compared} comparisons");
}

#[test]
fn the_buffer_replaces_the_file_on_disk() {
    let project = common::root().join("fixtures/projects/django-broken");
    let rel = "config/settings/base.py";
    let text = std::fs::read_to_string(project.join(rel)).unwrap();
    assert!(text.contains("DEBUG = True"));
    let edited = text.replace("DEBUG = True", "DEBUG = False");
    let args = ["check", "--format", "concise", "--stdin-filename", rel, "-"];
    let on_disk = with_stdin(&project, &args, text.as_bytes());
    let buffer = with_stdin(&project, &args, edited.as_bytes());
    assert!(String::from_utf8_lossy(&on_disk.stdout).contains("AZ301"));
    assert!(!String::from_utf8_lossy(&buffer.stdout).contains("AZ301"));
    // Only that file's findings, unless --all.
    for line in String::from_utf8_lossy(&buffer.stdout).lines() {
        assert!(line.starts_with(rel), "{line}");
    }
    let all = with_stdin(
        &project,
        &[
            "check",
            "--format",
            "concise",
            "--all",
            "--stdin-filename",
            rel,
            "-",
        ],
        edited.as_bytes(),
    );
    assert!(String::from_utf8_lossy(&all.stdout).contains("build.env"));
    // A buffer for a file not yet saved is checked too.
    let new = with_stdin(
        &project,
        &[
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "config/settings/staging.py",
            "-",
        ],
        b"from .base import *\nDEBUG = True\n",
    );
    assert!(new.status.code().is_some_and(|c| c < 2), "{new:?}");
    let _ = path_str(&project);
}

#[test]
fn stdin_needs_both_the_dash_and_the_file_name() {
    let project = common::root().join("fixtures/projects/flask-app");
    let o = with_stdin(&project, &["check", "--stdin-filename", "app.py"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = with_stdin(&project, &["check", "-"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = with_stdin(
        &project,
        &["check", "--stdin-filename", "/etc/passwd", "-"],
        b"x",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not inside the app root"));
}
