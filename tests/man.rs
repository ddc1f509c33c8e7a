//! The man pages in `docs/man/` are generated from the clap definitions (`cli::man_pages`); this test
//! fails when they drift (`BLESS=1 cargo test --test man` rewrites them). The completion scripts are
//! generated at run time; each shell's script is checked to name every subcommand.

use std::path::Path;

use appservice_preflight::cli::{completions, man_pages};

#[test]
fn man_pages_match_the_command_line_definitions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    let bless = std::env::var_os("BLESS").is_some();
    let pages = man_pages().unwrap();
    assert!(pages.len() >= 7, "{} pages", pages.len());
    let mut stale = Vec::new();
    for (name, page) in &pages {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(existing) if existing == *page => {}
            _ if bless => {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, page).unwrap();
            }
            _ => stale.push(name.clone()),
        }
    }
    // No page of a subcommand that no longer exists.
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(n, _)| *n == name) {
            if bless {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("{name} (no such command)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/man is out of date (BLESS=1 cargo test --test man): {stale:?}"
    );
    let check = pages
        .iter()
        .find(|(n, _)| n == "appservice-preflight-check.1")
        .unwrap();
    let text = String::from_utf8_lossy(&check.1);
    for flag in [
        "\\-\\-fail\\-on",
        "\\-\\-baseline",
        "\\-\\-stdin\\-filename",
        "\\-\\-fix",
    ] {
        assert!(text.contains(flag), "{flag} missing from the check page");
    }
}

#[test]
fn completion_scripts_name_every_subcommand() {
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
        clap_complete::Shell::PowerShell,
    ] {
        let script = String::from_utf8(completions(shell)).unwrap();
        for sub in ["check", "plan", "rules", "explain", "server", "completions"] {
            assert!(script.contains(sub), "{shell}: no `{sub}`");
        }
        assert!(
            script.contains("--stdin-filename"),
            "{shell}: no check flags"
        );
    }
}
