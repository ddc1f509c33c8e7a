//! Fingerprints of findings that survive lines moving: the rule, the file (relative to the app root), the
//! text of the primary line as renderers may show it (secrets masked, trimmed) and how many earlier
//! findings had the same three. SARIF's `partialFingerprints` and baselines use them.

use std::collections::HashMap;

use super::view::shown_source;
use crate::diagnostic::{Diagnostic, Report};
use crate::project::FileId;

/// The fingerprint of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Rule, path, line text and repeat count.
    pub hash: u64,
    /// The line text alone (GitHub's `primaryLocationLineHash`).
    pub line_hash: u64,
    /// How many earlier findings had the same rule, path and line text.
    pub repeat: u32,
}

impl Fingerprint {
    /// The 16 hex digits of [`Fingerprint::hash`].
    pub fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// GitHub's form of a primary location line hash: the line's hash and the 1-based repeat.
    pub fn line_hash_text(&self) -> String {
        format!("{:016x}:{}", self.line_hash, self.repeat + 1)
    }
}

/// The fingerprints of the report's findings, in order.
pub fn fingerprints(report: &Report) -> Vec<Fingerprint> {
    let all: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    let mut sources: HashMap<FileId, String> = HashMap::new();
    let mut seen: HashMap<(&'static str, String, String), u32> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (path, line) = match d.span {
                // A finding about a whole file (at its start, with no range) is not about its first line:
                // the line's text stays out, so editing that line does not make the finding new.
                Some(span) if d.anchored || span.range == ruff_text_size::TextRange::default() => {
                    (report.project.rel_path(span.file).to_owned(), String::new())
                }
                Some(span) => {
                    let source = sources
                        .entry(span.file)
                        .or_insert_with(|| shown_source(report, span.file, &all));
                    (
                        report.project.rel_path(span.file).to_owned(),
                        line_at(source, span.range.start().to_usize())
                            .trim()
                            .to_owned(),
                    )
                }
                None => (String::new(), String::new()),
            };
            let count = seen
                .entry((d.rule.code, path.clone(), line.clone()))
                .or_insert(0);
            let repeat = *count;
            *count += 1;
            // NUL separates the parts, so ("ab", "c") and ("a", "bc") differ.
            Fingerprint {
                hash: fnv1a(format!("{}\0{path}\0{line}\0{repeat}", d.rule.code).as_bytes()),
                line_hash: fnv1a(line.as_bytes()),
                repeat,
            }
        })
        .collect()
}

/// 64-bit FNV-1a: stable across runs, platforms and Rust versions (unlike `DefaultHasher`).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// The line of `source` holding byte `offset`, without its line ending.
pub(crate) fn line_at(source: &str, offset: usize) -> &str {
    let offset = offset.min(source.len());
    let start = source.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = source.as_bytes()[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(source.len(), |i| offset + i);
    source[start..end].trim_end_matches('\r')
}
