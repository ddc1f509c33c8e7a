//! Indexes `src/platform/data/import_names.txt` (which modules each widely used distribution installs) at
//! build time: the table is in file order (most downloaded first), and sorted indexes by normalised name and
//! by installed top-level module are written as Rust statics, so looking a name up costs a binary search
//! and loading the table costs nothing at run time.

#[path = "src/platform/requirements/normalize.rs"]
mod normalize;

use std::fmt::Write as _;

const TABLE: &str = "src/platform/data/import_names.txt";

fn main() {
    println!("cargo::rerun-if-changed={TABLE}");
    println!("cargo::rerun-if-changed=src/platform/requirements/normalize.rs");
    let text = std::fs::read_to_string(TABLE).expect("the import-name table");
    let mut entries: Vec<(String, &str, Vec<&str>)> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(spelling) = words.next() else {
            continue;
        };
        entries.push((
            normalize::normalize_name(spelling),
            spelling,
            words.collect(),
        ));
    }
    let mut by_name: Vec<(&str, usize)> = Vec::new();
    for (i, (name, _, _)) in entries.iter().enumerate() {
        by_name.push((name.as_str(), i));
    }
    // Stable: of two lines with one normalised name, the first (more downloaded) stays.
    by_name.sort_by(|a, b| a.0.cmp(b.0));
    by_name.dedup_by(|later, first| later.0 == first.0);
    let mut by_top: Vec<(&str, usize)> = Vec::new();
    for (i, (_, _, modules)) in entries.iter().enumerate() {
        for m in modules {
            by_top.push((m.split('.').next().unwrap_or(m), i));
        }
    }
    by_top.sort_unstable();
    by_top.dedup();

    let mut out = String::new();
    out.push_str("pub(crate) static ENTRIES: &[KnownDistribution] = &[\n");
    for (name, spelling, modules) in &entries {
        let _ = writeln!(
            out,
            "    KnownDistribution {{ normalized: {name:?}, spelling: {spelling:?}, modules: &{modules:?} }},"
        );
    }
    out.push_str("];\n");
    for (label, index) in [("BY_NAME", &by_name), ("BY_TOP", &by_top)] {
        let _ = writeln!(out, "pub(crate) static {label}: &[(&str, usize)] = &[");
        for (key, i) in index.iter() {
            let _ = writeln!(out, "    ({key:?}, {i}),");
        }
        out.push_str("];\n");
    }
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("import_table.rs");
    std::fs::write(dest, out).expect("write the indexed table");
}
