//! The shared harness of the integration tests: a fixture case's configuration is built exactly as the
//! command line builds it (its `.args` parsed by the real clap definitions and resolved by
//! `Config::from_args`), so no test has a second way of turning flags into a model.

#![allow(dead_code)]

pub mod cli;

use std::path::{Path, PathBuf};

use appservice_preflight::cli::CheckArgs;
use appservice_preflight::config::Config;
use appservice_preflight::render::ColorWhen;
use clap::Parser;

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: CheckArgs,
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The configuration of `check CASE [.args] [--select CODE]`, uncoloured.
pub fn config_for(case: &Path, select: Option<&str>) -> Config {
    let mut argv = vec!["check".to_owned(), case.display().to_string()];
    if let Ok(extra) = std::fs::read_to_string(case.join(".args")) {
        argv.extend(shlex::split(extra.trim()).expect("`.args` is shell words"));
    }
    if let Some(code) = select {
        argv.push("--select".into());
        argv.push(code.into());
    }
    let wrapper = Wrapper::try_parse_from(&argv)
        .unwrap_or_else(|e| panic!("{}: bad .args: {e}", case.display()));
    let mut config = Config::from_args(&wrapper.args)
        .unwrap_or_else(|e| panic!("{}: bad .args: {e}", case.display()));
    config.color = ColorWhen::Never;
    config
}

/// The sub-folders of `dir`, sorted.
pub fn sub_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Every `.rs` file under the crate's `src/`, sorted.
pub fn rust_sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
