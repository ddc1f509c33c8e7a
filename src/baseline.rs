//! Baselines: `--write-baseline FILE` records every finding of a run by fingerprint; `--baseline FILE`
//! then reports only the findings that are not in it, and counts the entries that no finding matches any
//! more (fixed: they can be removed). The fingerprint survives unrelated lines moving (see
//! `render::fingerprint`); the file is JSON, sorted, so it diffs well in review.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::UsageError;
use crate::diagnostic::Report;
use crate::render::fingerprint::fingerprints;

/// The format version written in the file.
const VERSION: u32 = 1;

/// A baseline larger than this is refused.
const MAX_BYTES: u64 = 64 << 20;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub path: String,
    pub fingerprint: String,
    /// For the reader of the file: the finding's message (secrets masked); not compared.
    pub message: String,
}

/// What applying a baseline did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings left out because the baseline has them.
    pub known: usize,
    /// Baseline entries no finding matched: fixed since.
    pub fixed: usize,
}

/// The baseline of a report.
pub fn of(report: &Report) -> Baseline {
    let prints = fingerprints(report);
    let mut findings: Vec<Entry> = report
        .diagnostics
        .iter()
        .zip(&prints)
        .map(|(d, print)| Entry {
            code: d.rule.code.to_owned(),
            path: d
                .span
                .map(|s| report.project.rel_path(s.file).to_owned())
                .unwrap_or_default(),
            fingerprint: print.hex(),
            message: crate::render::safe_message(report, d),
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint))
    });
    Baseline {
        version: VERSION,
        findings,
    }
}

/// Write the baseline of `report` to `path`.
pub fn write(report: &Report, path: &Path) -> Result<usize, UsageError> {
    let baseline = of(report);
    let mut text = serde_json::to_string_pretty(&baseline)
        .map_err(|e| UsageError(format!("cannot write the baseline: {e}")))?;
    text.push('\n');
    std::fs::write(path, text)
        .map_err(|e| UsageError(format!("cannot write `{}`: {e}", path.display())))?;
    Ok(baseline.findings.len())
}

/// Read a baseline file; a file that is not one is a usage error naming it.
pub fn read(path: &Path) -> Result<Baseline, UsageError> {
    let fail = |why: String| {
        UsageError(format!(
            "cannot read the baseline `{}`: {why}",
            path.display()
        ))
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if meta.len() > MAX_BYTES {
        return Err(fail(format!("it is larger than {MAX_BYTES} bytes")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
        fail(format!(
            "line {}: {e} (write one with --write-baseline)",
            e.line()
        ))
    })?;
    if baseline.version != VERSION {
        return Err(fail(format!(
            "it is version {}, and this tool reads version {VERSION}",
            baseline.version
        )));
    }
    Ok(baseline)
}

/// Leave out of `report` the findings `baseline` has (each entry matches one finding). An entry counts as
/// fixed only when this run could have reported it (`checked`: its rule ran and its file is reported on).
pub fn apply(
    report: &mut Report,
    baseline: &Baseline,
    checked: impl Fn(&str, &str) -> bool,
) -> Applied {
    let mut remaining: HashMap<(&str, &str), usize> = HashMap::new();
    for e in baseline
        .findings
        .iter()
        .filter(|e| checked(&e.code, &e.path))
    {
        *remaining
            .entry((e.code.as_str(), e.fingerprint.as_str()))
            .or_insert(0) += 1;
    }
    let prints = fingerprints(report);
    let mut keep = Vec::with_capacity(prints.len());
    let mut known = 0;
    let hexes: Vec<String> = prints.iter().map(|p| p.hex()).collect();
    for (d, hex) in report.diagnostics.iter().zip(&hexes) {
        let hit = remaining
            .get_mut(&(d.rule.code, hex.as_str()))
            .filter(|n| **n > 0);
        match hit {
            Some(n) => {
                *n -= 1;
                known += 1;
                keep.push(false);
            }
            None => keep.push(true),
        }
    }
    let mut flags = keep.into_iter();
    report.diagnostics.retain(|_| flags.next().unwrap_or(true));
    Applied {
        known,
        fixed: remaining.values().sum(),
    }
}
