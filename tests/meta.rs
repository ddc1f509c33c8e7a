//! Consistency of the rule set: every rule has a page with the right headings, fixtures, a current README
//! row, runnable doc examples, and messages in the house style.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

mod common;

use appservice_preflight::config::Config;
use appservice_preflight::rules::{self, RULES, Rule};
use common::root;

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in RULES {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(
            r.code.len() == 5
                && r.code.starts_with("AZ")
                && r.code[2..].chars().all(|c| c.is_ascii_digit()),
            "bad code {}",
            r.code
        );
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "name {} is not kebab-case",
            r.name
        );
        assert!(
            !r.summary.ends_with('.'),
            "{}: summary ends with a period",
            r.code
        );
    }
    let mut sorted: Vec<_> = RULES.iter().map(|r| r.code).collect();
    sorted.sort();
    assert_eq!(
        sorted,
        RULES.iter().map(|r| r.code).collect::<Vec<_>>(),
        "RULES is in code order"
    );
}

#[test]
fn every_rule_page_has_the_headings_in_order() {
    for r in RULES {
        let page = std::fs::read_to_string(root().join("lints").join(format!("{}.md", r.code)))
            .unwrap_or_else(|_| panic!("lints/{}.md is missing", r.code));
        assert_eq!(page, r.docs, "{}: the compiled-in page is stale", r.code);
        let title = format!("# {} ({})\n", r.name, r.code);
        assert!(
            page.starts_with(&title),
            "{}: the page must start with `{}`",
            r.code,
            title.trim()
        );
        let category = format!(
            "Category: {} (default level: {}",
            r.category.as_str(),
            r.category.default_level()
        );
        assert!(page.contains(&category), "{}: missing `{category}`", r.code);
        let mut at = 0;
        for heading in [
            "\n## What it does\n",
            "\n## Why is this bad?\n",
            "\n## Example\n",
            "\nUse instead:\n",
            "\n## Options\n",
            "\n## References\n",
        ] {
            let found = page[at..].find(heading).unwrap_or_else(|| {
                panic!("{}: `{}` missing or out of order", r.code, heading.trim())
            });
            at += found + heading.len();
        }
        assert!(!page.contains("TODO"), "{}: the page has a TODO", r.code);
        // The issue's rule: every page names the platform behaviour it relies on and marks inference.
        let why = r.doc_section("Why is this bad?").unwrap_or_default();
        assert!(
            why.contains("**Observed or inferred:**"),
            "{}: `## Why is this bad?` lacks the `**Observed or inferred:**` paragraph",
            r.code
        );
        assert!(
            r.doc_section("References")
                .is_some_and(|s| s.contains("](")),
            "{}: no reference links",
            r.code
        );
    }
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    for r in RULES {
        let dir = root().join("fixtures").join(r.code);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("fixtures/{} is missing", r.code))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("bad")),
            "{}: no bad fixture",
            r.code
        );
        assert!(
            cases.iter().any(|c| c.starts_with("good")),
            "{}: no good fixture",
            r.code
        );
    }
}

#[test]
fn readme_rule_table_is_current() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README has <!-- rules:start -->") + start.len();
    let b = readme.find(end).expect("README has <!-- rules:end -->");
    let table = rules::markdown_table();
    if readme[a..b] != table {
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&path, format!("{}{}{}", &readme[..a], table, &readme[b..])).unwrap();
        } else {
            panic!(
                "the README rule table is stale (BLESS=1 cargo test --test meta rewrites it):\n{table}"
            );
        }
    }
}

/// Fenced blocks of a page section whose info string names a file: (path, bytes). A third word
/// `utf-16` writes the body as UTF-16 (little-endian, with a byte-order mark), as Windows PowerShell 5
/// writes `pip freeze > requirements.txt`; `latin-1` writes each character as one byte (ISO 8859-1).
fn file_blocks(section: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        let mut words = info.split_whitespace().skip(1);
        if let Some(path) = words.next() {
            let bytes = match words.next() {
                Some("utf-16") => [0xFF, 0xFE]
                    .into_iter()
                    .chain(body.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect(),
                Some("latin-1") => body
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
                    .collect(),
                _ => body.into_bytes(),
            };
            out.push((path.to_owned(), bytes));
        }
    }
    out
}

fn write_tree(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (path, body) in files {
        let target = dir.join(path);
        if body.trim_ascii() == b"<deleted>" {
            let _ = std::fs::remove_file(&target);
            continue;
        }
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, body).unwrap();
    }
}

fn findings(dir: &Path, rule: &'static Rule) -> Vec<String> {
    let mut config = Config::new(dir);
    config.rules = vec![rule];
    let report = appservice_preflight::check(&config).unwrap();
    report
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn doc_examples_fire_and_their_fixes_do_not() {
    for r in RULES {
        let example = r.doc_section("Example").expect("an Example section");
        let (bad, fix) = example
            .split_once("\nUse instead:\n")
            .expect("`Use instead:` in the Example section");
        let bad_files = file_blocks(bad);
        let fix_files = file_blocks(fix);
        assert!(
            !bad_files.is_empty(),
            "{}: the example names no file (```lang path)",
            r.code
        );
        assert!(!fix_files.is_empty(), "{}: the fix names no file", r.code);
        let dir = tempfile::tempdir().unwrap();
        write_tree(dir.path(), &bad_files);
        let fired = findings(dir.path(), r);
        assert!(
            !fired.is_empty(),
            "{}: the doc example does not fire",
            r.code
        );
        write_tree(dir.path(), &fix_files);
        let after = findings(dir.path(), r);
        assert!(
            after.is_empty(),
            "{}: the doc fix still fires: {after:?}",
            r.code
        );
    }
}

#[test]
fn messages_follow_the_house_style() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for r in RULES {
        let dir = root().join("fixtures").join(r.code);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for case in entries.filter_map(Result::ok).map(|e| e.path()) {
            if !case
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("bad")
            {
                continue;
            }
            let config = common::config_for(&case, Some(r.code));
            for d in appservice_preflight::check(&config).unwrap().diagnostics {
                seen += 1;
                let m = &d.message;
                let first_word = m.split_whitespace().next().unwrap_or("");
                let capitalised_word = first_word.chars().next().is_some_and(|c| c.is_uppercase())
                    && first_word.chars().skip(1).all(|c| c.is_lowercase());
                if m.ends_with('.') || m.contains('\n') || capitalised_word || m.is_empty() {
                    problems.push(format!("{}: `{m}`", case.display()));
                }
                if d.help.as_deref().is_none_or(str::is_empty) {
                    problems.push(format!("{}: `{m}` has no help (the fix)", case.display()));
                }
            }
        }
    }
    assert!(seen > 0, "no messages checked");
    assert!(
        problems.is_empty(),
        "messages off style:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_page_and_fixture_folder_belongs_to_a_rule() {
    let codes: HashSet<&str> = RULES.iter().map(|r| r.code).collect();
    for entry in std::fs::read_dir(root().join("lints")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let code = name.trim_end_matches(".md");
        assert!(
            codes.contains(code),
            "lints/{name} has no rule registered in src/rules/mod.rs"
        );
    }
    for entry in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if ["projects", "plan", "config", "suppressions"].contains(&name.as_str()) {
            continue;
        }
        assert!(
            codes.contains(name.as_str()),
            "fixtures/{name} has no rule registered in src/rules/mod.rs"
        );
    }
}

#[test]
fn every_source_file_says_what_it_owns() {
    for path in common::rust_sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("//! "),
            "{} does not start with a `//!` module comment saying what it owns",
            path.display()
        );
    }
}

#[test]
fn fixture_folders_are_named_by_convention() {
    let kebab = |s: &str| {
        !s.is_empty()
            && s.split('-').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    };
    for r in RULES {
        for entry in std::fs::read_dir(root().join("fixtures").join(r.code)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue; // `.gitattributes` keeping CRLF fixtures byte-exact
            }
            let ok = ["bad-", "good-"]
                .iter()
                .any(|p| name.strip_prefix(p).is_some_and(kebab));
            assert!(
                ok,
                "fixtures/{}/{name}: a case is named `bad-<what>` or `good-<what>` in kebab-case",
                r.code
            );
        }
    }
    for group in ["projects", "plan"] {
        for entry in std::fs::read_dir(root().join("fixtures").join(group)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(kebab(&name), "fixtures/{group}/{name} is not kebab-case");
        }
    }
}

/// The GitHub anchor of a Markdown heading: lowercase, punctuation other than `-` dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn citations_of_docs_platform_name_existing_sections() {
    let platform = std::fs::read_to_string(root().join("docs/platform.md")).unwrap();
    let headings: Vec<&str> = platform
        .lines()
        .filter_map(|l| l.strip_prefix("### ").or_else(|| l.strip_prefix("## ")))
        .collect();
    let anchors: HashSet<String> = headings.iter().map(|h| anchor(h)).collect();
    let mut files: Vec<PathBuf> = vec![root().join("README.md")];
    for dir in ["lints", "docs", "src"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "md" || x == "rs") {
                    files.push(p);
                }
            }
        }
    }
    let mut problems = Vec::new();
    let mut seen = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // Markdown links: `platform.md#anchor`.
        for (i, _) in text.match_indices("platform.md#") {
            let rest = &text[i + "platform.md#".len()..];
            let end = rest.find([')', ' ', '\n', '`']).unwrap_or(rest.len());
            seen += 1;
            if !anchors.contains(&rest[..end]) {
                problems.push(format!("{}: #{}", file.display(), &rest[..end]));
            }
        }
        // Code comments: `docs/platform.md, "Heading"` (and further quoted headings joined by `and`/`,`).
        for (i, _) in text.match_indices("docs/platform.md, \"") {
            let rest = &text[i + "docs/platform.md, ".len()..];
            let mut quoted = rest;
            while let Some(stripped) = quoted.strip_prefix('"') {
                let Some(end) = stripped.find('"') else { break };
                seen += 1;
                let title = stripped[..end]
                    .replace("\n//! ", " ")
                    .replace("\n/// ", " ");
                if !headings.contains(&title.as_str()) {
                    problems.push(format!("{}: \"{title}\"", file.display()));
                }
                quoted = stripped[end + 1..]
                    .trim_start_matches([',', ' '])
                    .trim_start_matches("and ");
            }
        }
    }
    assert!(seen > 50, "only {seen} citations found");
    assert!(
        problems.is_empty(),
        "citations of missing sections:\n{}",
        problems.join("\n")
    );
}

#[test]
fn nothing_cites_the_unpublished_behaviour_notes() {
    // Platform facts are cited from docs/platform.md (in this repository) or public sources, never by the
    // item numbers of a document users cannot read.
    let mut files: Vec<PathBuf> = vec![root().join("README.md")];
    for dir in ["src", "lints", "docs"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "md") {
                    files.push(path);
                }
            }
        }
    }
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            if lower.contains("behaviour item")
                || lower.contains("behaviour notes")
                || lower.contains(", d25")
                || lower.contains("(d25")
                || lower.contains("failure mode ")
            {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "cite docs/platform.md instead:\n{}",
        found.join("\n")
    );
}

/// Run the built binary from the repository root (fixture `.args` name files relative to it): its stdout.
fn run_binary(args: &[String]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_appservice-preflight"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "`{}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `check CASE [.args] --select CODE --format FORMAT`, for the binary.
fn check_args(case: &Path, code: &str, format: &str) -> Vec<String> {
    let mut args = vec!["check".to_owned(), case.display().to_string()];
    if let Ok(extra) = std::fs::read_to_string(case.join(".args")) {
        args.extend(shlex::split(extra.trim()).expect("`.args` is shell words"));
    }
    args.extend(["--select", code, "--format", format, "--color", "never"].map(str::to_owned));
    args
}

/// One code, one level: for every code, the level `rules --format json` lists, the SARIF rule's
/// `defaultConfiguration.level`, and the level of every finding of every bad fixture (text, JSON and SARIF
/// results, from the real binary) are the one its category sets.
#[test]
fn every_code_has_one_level_everywhere() {
    let listed: serde_json::Value = serde_json::from_str(&run_binary(&[
        "rules".into(),
        "--format".into(),
        "json".into(),
    ]))
    .expect("`rules --format json` is JSON");
    let listed = listed.as_array().expect("a list of rules");
    assert_eq!(listed.len(), RULES.len(), "`rules` lists every rule once");
    let mut checked = 0;
    for r in RULES {
        let level = r.category.default_level().as_str();
        let entry = listed
            .iter()
            .find(|e| e["code"] == r.code)
            .unwrap_or_else(|| panic!("{}: not in `rules --format json`", r.code));
        assert_eq!(entry["level"], level, "{}: `rules` level", r.code);
        assert_eq!(
            entry["category"],
            r.category.as_str(),
            "{}: `rules` category",
            r.code
        );

        for case in common::sub_dirs(&root().join("fixtures").join(r.code)) {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("bad") {
                continue;
            }
            let at = format!("{}/{name}", r.code);

            let sarif: serde_json::Value =
                serde_json::from_str(&run_binary(&check_args(&case, r.code, "sarif")))
                    .expect("SARIF is JSON");
            let run = &sarif["runs"][0];
            let descriptors = run["tool"]["driver"]["rules"].as_array().expect("rules");
            let descriptor = descriptors
                .iter()
                .find(|d| d["id"] == r.code)
                .unwrap_or_else(|| panic!("{at}: no SARIF rule {}", r.code));
            assert_eq!(
                descriptor["defaultConfiguration"]["level"], level,
                "{at}: SARIF defaultConfiguration.level"
            );
            let results = run["results"].as_array().expect("results");
            assert!(!results.is_empty(), "{at}: no SARIF result");
            for result in results {
                assert_eq!(result["ruleId"], r.code, "{at}: only the selected rule");
                assert_eq!(result["level"], level, "{at}: SARIF result level");
            }

            let json: serde_json::Value =
                serde_json::from_str(&run_binary(&check_args(&case, r.code, "json")))
                    .expect("JSON output");
            let findings = json.as_array().expect("a list of findings");
            assert!(!findings.is_empty(), "{at}: no JSON finding");
            for finding in findings {
                assert_eq!(finding["level"], level, "{at}: JSON level");
                assert_eq!(
                    finding["category"],
                    r.category.as_str(),
                    "{at}: JSON category"
                );
            }

            let text = run_binary(&check_args(&case, r.code, "text"));
            let tag = format!("[{}]: ", r.code);
            let heads: Vec<&str> = text.lines().filter(|l| l.contains(&tag)).collect();
            assert_eq!(
                heads.len(),
                findings.len(),
                "{at}: one text heading a finding"
            );
            for head in heads {
                assert!(
                    head.starts_with(&format!("{level}{tag}")),
                    "{at}: the text prints `{head}`, not {level}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= RULES.len(), "every code has a bad fixture");
}

#[test]
fn rule_files_are_named_after_their_rules() {
    let dir = root().join("src/rules");
    for r in RULES {
        let file = format!("{}.rs", r.name.replace('-', "_"));
        let path = dir.join(&file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{}: expected the rule in src/rules/{file}", r.code));
        assert!(
            text.contains(&format!("code: \"{}\"", r.code)),
            "src/rules/{file} does not declare {}",
            r.code
        );
    }
}
