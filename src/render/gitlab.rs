//! `--format gitlab`: GitLab Code Quality, a JSON array of issues for a merge request's code quality
//! widget. Each issue has `description`, `check_name`, `fingerprint`, `severity` and
//! `location.path` / `location.lines.begin`, the fields GitLab documents as required
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>). Paths are relative to
//! the current directory (GitLab wants them relative to the repository root, where CI jobs run).

use std::io::{self, Write};

use serde_json::json;

use super::fingerprint::fingerprints;
use super::view::{DisplayPaths, safe_message, span_positions};
use crate::diagnostic::{Level, Report};

pub fn render(report: &Report, paths: &DisplayPaths, out: &mut dyn Write) -> io::Result<()> {
    let prints = fingerprints(report);
    let issues: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .zip(&prints)
        .map(|(d, print)| {
            // GitLab's levels: info, minor, major, critical, blocker.
            let severity = match d.level {
                Level::Error => "critical",
                Level::Warning => "major",
                Level::Note => "info",
            };
            let (path, line) = match d.span {
                Some(span) => (
                    paths.show(report, span.file),
                    span_positions(report, span).0.0,
                ),
                None => (String::new(), 1),
            };
            json!({
                "description": format!("{}: {}", d.rule.code, safe_message(report, d)),
                "check_name": d.rule.code,
                "fingerprint": print.hex(),
                "severity": severity,
                "location": {"path": path, "lines": {"begin": line}},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
