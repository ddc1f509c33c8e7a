//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers (built with serde-sarif).
//!
//! One run; `tool.driver.rules` lists only the rules with results; `results` is always present, empty
//! when the app is clean (GitHub's upload rejects a run without it). No source text or snippet is ever
//! written: the fingerprint hashes the line as renderers may show it, with secrets masked.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};

use super::fingerprint::{Fingerprint, fingerprints};
use super::view::{DisplayPaths, safe_message, safe_text, span_positions};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Report;
use crate::project::Span;
use crate::rules::{Level, RuleMeta};

/// The `$schema` of the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "appservicePreflight/v1";

/// GitHub code scanning keeps at most this many results of a run; past it the upload is refused.
pub const MAX_RESULTS: usize = 25_000;

pub fn render(
    report: &Report,
    paths: &DisplayPaths,
    category: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let sarif = build(report, paths, category);
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

fn build(report: &Report, paths: &DisplayPaths, category: Option<&str>) -> Sarif {
    // The most serious findings first when there are more than GitHub keeps.
    let mut shown: Vec<usize> = (0..report.diagnostics.len()).collect();
    let truncated = shown.len() > MAX_RESULTS;
    if truncated {
        shown.sort_by_key(|&i| std::cmp::Reverse(report.diagnostics[i].level));
        shown.truncate(MAX_RESULTS);
        shown.sort_unstable();
    }
    let mut rules: Vec<&'static RuleMeta> = Vec::new();
    for d in shown.iter().map(|&i| &report.diagnostics[i]) {
        if !rules.iter().any(|r| r.code == d.rule.code) {
            rules.push(d.rule);
        }
    }
    rules.sort_by_key(|r| r.code);

    let fingerprints = fingerprints(report);
    let results: Vec<SarifResult> = shown
        .iter()
        .map(|&i| {
            let d = &report.diagnostics[i];
            let index = rules
                .iter()
                .position(|r| r.code == d.rule.code)
                .expect("every rule with a result is listed");
            result(report, paths, d, index, &fingerprints[i])
        })
        .collect();

    let mut driver = ToolComponent::builder()
        .name(env!("CARGO_PKG_NAME"))
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>())
        .build();
    driver.information_uri = absolute_uri(env!("CARGO_PKG_REPOSITORY"));

    let mut run = Run::builder()
        .tool(Tool::from(driver))
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();
    if let Some(category) = category {
        run.automation_details = Some(RunAutomationDetails::builder().id(category).build());
    }
    let mut invocation = Invocation::builder().execution_successful(true).build();
    if truncated {
        invocation.tool_execution_notifications = Some(vec![
            Notification::builder()
                .level(json!("warning"))
                .message(
                    Message::builder()
                        .text(format!(
                            "{} findings; only the {MAX_RESULTS} most serious are in this log, the most code scanning accepts in a run",
                            report.diagnostics.len()
                        ))
                        .build(),
                )
                .build(),
        ]);
    }
    run.invocations = Some(vec![invocation]);
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    let mut properties = BTreeMap::new();
    properties.insert("precision".to_owned(), json!("high"));
    if let Some(severity) = rule.security_severity {
        properties.insert("security-severity".to_owned(), json!(severity));
    }
    let mut descriptor = ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(rule.full_description())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(rule.docs)
                .markdown(rule.docs)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(rule.category.default_level().as_str()))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(
                    rule.tags()
                        .into_iter()
                        .map(str::to_owned)
                        .collect::<Vec<_>>(),
                )
                .additional_properties(properties)
                .build(),
        )
        .build();
    // SARIF wants an absolute URI here; a relative one (no repository configured) is left out.
    descriptor.help_uri = absolute_uri(&rule.url());
    descriptor
}

fn result(
    report: &Report,
    paths: &DisplayPaths,
    d: &Diagnostic,
    rule_index: usize,
    fingerprint: &Fingerprint,
) -> SarifResult {
    let mut text = safe_message(report, d);
    for note in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(&safe_text(report, d, note));
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(&safe_text(report, d, help));
    }
    let result_level = match d.level {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
        Level::Note => ResultLevel::Note,
    };
    let mut result = SarifResult::builder()
        .rule_id(d.rule.code)
        .rule_index(rule_index as i64)
        .level(result_level)
        .message(Message::builder().text(text).build())
        .partial_fingerprints(BTreeMap::from([
            (FINGERPRINT_KEY.to_owned(), fingerprint.hex()),
            (
                "primaryLocationLineHash".to_owned(),
                fingerprint.line_hash_text(),
            ),
        ]))
        .build();
    if let Some(span) = d.span {
        result.locations = Some(vec![
            Location::builder()
                .physical_location(physical(report, paths, span))
                .build(),
        ]);
    }
    if !d.labels.is_empty() {
        let related = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let mut location = Location::builder()
                    .id(i as i64)
                    .physical_location(physical(report, paths, label.span))
                    .build();
                if !label.message.is_empty() {
                    location.message = Some(
                        Message::builder()
                            .text(safe_text(report, d, &label.message))
                            .build(),
                    );
                }
                location
            })
            .collect();
        result.related_locations = Some(related);
    }
    result
}

fn physical(report: &Report, paths: &DisplayPaths, span: Span) -> PhysicalLocation {
    let ((start_line, start_column), (end_line, end_column)) = span_positions(report, span);
    PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(path_uri(
                    &paths.show(report, span.file),
                    paths.is_absolute(),
                ))
                .build(),
        )
        .region(
            Region::builder()
                .start_line(start_line as i64)
                .start_column(start_column as i64)
                .end_line(end_line as i64)
                .end_column(end_column as i64)
                .build(),
        )
        .build()
}

/// `uri` when it is absolute (has a scheme), else `None`.
fn absolute_uri(uri: &str) -> Option<String> {
    let scheme = uri.split_once(':')?.0;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| uri.to_owned())
}

/// A display path (forward slashes) as a URI reference: relative, or `file://` when absolute.
fn path_uri(path: &str, absolute: bool) -> String {
    let mut uri = String::new();
    if absolute {
        uri.push_str("file://");
        if !path.starts_with('/') {
            uri.push('/');
        }
    }
    let path = path.replace('\\', "/");
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            // A drive letter (`C:`) in a file URI; in a relative one a colon could read as a scheme.
            || (absolute && byte == b':');
        if keep {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::render::fingerprint::{fnv1a, line_at};
    use crate::render::view::test_support::{SECRET, sample};

    fn rendered(report: &Report, paths: &DisplayPaths) -> (String, Value) {
        let mut out = Vec::new();
        render(report, paths, None, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let value = serde_json::from_str(&text).unwrap();
        (text, value)
    }

    #[test]
    fn log_run_rules_and_results() {
        let (_dir, report) = sample();
        let (text, sarif) = rendered(&report, &DisplayPaths::relative_to_root());
        assert!(text.ends_with("}\n"));
        assert!(!text.contains(SECRET), "{text}");
        // No source text: rule docs may quote `DEBUG = True`, but never this file's line.
        assert!(!text.contains("x = 'é'"), "no source text: {text}");
        assert!(!text.contains("\"snippet\""), "no snippets: {text}");
        assert_eq!(sarif["$schema"], SCHEMA_URI);
        assert_eq!(sarif["version"], "2.1.0");
        let run = &sarif["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "appservice-preflight");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["AZ107", "AZ301", "AZ303", "AZ304"]);
        let az303 = &driver["rules"][2];
        let meta = crate::rules::find("AZ303").unwrap();
        assert_eq!(az303["name"], meta.name);
        assert_eq!(az303["shortDescription"]["text"], meta.summary);
        assert_eq!(az303["fullDescription"]["text"], meta.full_description());
        assert_eq!(az303["help"]["text"], meta.docs);
        assert_eq!(az303["help"]["markdown"], meta.docs);
        assert_eq!(az303["defaultConfiguration"]["level"], "warning");
        assert_eq!(az303["properties"]["precision"], "high");
        assert_eq!(az303["properties"]["tags"], serde_json::json!(meta.tags()));
        assert_eq!(
            az303["helpUri"].as_str().map(str::to_owned),
            absolute_uri(&meta.url())
        );

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        for r in results {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(driver["rules"][index]["id"], r["ruleId"]);
            let fingerprint = r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap();
            assert_eq!(fingerprint.len(), 16);
        }
        let secret = &results[0];
        assert_eq!(secret["level"], "warning");
        assert!(
            secret["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("SECRET_KEY is the literal 'dj…(52 chars)'\nhelp: ")
        );
        let location = &secret["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "proj/settings.py");
        assert_eq!(
            location["region"],
            serde_json::json!({"startLine": 1, "startColumn": 14, "endLine": 1, "endColumn": 68})
        );
        let debug = &results[1];
        assert_eq!(
            debug["relatedLocations"][0]["message"]["text"],
            "and every host is refused"
        );
        assert_eq!(
            debug["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        assert_eq!(results[2]["level"], "note");
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "my%20dir/app%2C1%25.py"
        );
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["region"]["endColumn"],
            8
        );
        assert!(results[3].get("locations").is_none());
        assert!(results[3].get("relatedLocations").is_none());
    }

    #[test]
    fn clean_report_has_empty_results_and_rules() {
        let (_dir, mut report) = sample();
        report.diagnostics.clear();
        let (_, sarif) = rendered(&report, &DisplayPaths::relative_to_root());
        assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            sarif["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
    }

    #[test]
    fn fingerprints_are_stable_and_distinguish_repeats() {
        let (_dir, mut report) = sample();
        let first = report.diagnostics[1].clone();
        report.diagnostics.push(first);
        let (_, a) = rendered(&report, &DisplayPaths::relative_to_root());
        let (_, b) = rendered(&report, &DisplayPaths::relative_to_root());
        let prints = |v: &Value| -> Vec<String> {
            v["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r["partialFingerprints"][FINGERPRINT_KEY]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect()
        };
        assert_eq!(prints(&a), prints(&b));
        let mut unique = prints(&a);
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 5);
    }

    #[test]
    fn fnv1a_matches_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn uris() {
        assert_eq!(path_uri("my dir/é#1.py", false), "my%20dir/%C3%A9%231.py");
        assert_eq!(path_uri("c:d.py", false), "c%3Ad.py");
        assert_eq!(
            path_uri("/srv/my app/x.py", true),
            "file:///srv/my%20app/x.py"
        );
        assert_eq!(path_uri("C:/app/x.py", true), "file:///C:/app/x.py");
        assert_eq!(
            absolute_uri("https://example.com/x"),
            Some("https://example.com/x".to_owned())
        );
        assert_eq!(absolute_uri("/blob/main/lints/AZ301.md"), None);
        assert_eq!(line_at("a\r\nbcd\nef", 4), "bcd");
        assert_eq!(line_at("abc", 99), "abc");
    }
}
