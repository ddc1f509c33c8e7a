//! The architecture, enforced: every file under `src/` is in a layer, and a file may use only files of
//! its own layer or below (`project` < `platform`, `diagnostic` < `rules`, `plan` < `render` < `config`,
//! `cli`, the crate root). And the files form no import circle. `docs/architecture.md` draws the layers.
//!
//! A file's uses are read from its text (comments removed): `crate::` and `super::` paths, `use`
//! groups expanded, and paths that start with a child module the file declares. A path is tied to the
//! deepest file it names (`crate::platform::Inputs` is `src/platform/mod.rs`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A file's module path (`platform::sources::mod`) → its text without comments.
fn sources() -> BTreeMap<Vec<String>, String> {
    let src = common::root().join("src");
    let mut out = BTreeMap::new();
    for path in common::rust_sources() {
        let rel = path.strip_prefix(&src).unwrap();
        if rel == Path::new("main.rs") {
            continue; // the binary: it sees the library through `appservice_preflight::`
        }
        let mut module: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.last().is_some_and(|l| l == "mod") {
            module.pop();
        }
        if module == ["lib"] {
            module.clear();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        out.insert(module, strip_comments(&text));
    }
    out
}

/// The text with `//` comments removed (string literals are kept whole).
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut prev = ' ';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            }
            if !in_string && c == '/' && prev == '/' {
                cut = i - 1;
                break;
            }
            prev = c;
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// For each byte of the text, how many inline `mod name { ... }` blocks enclose it (`super::` inside
/// one names the file's own module).
fn inline_depths(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut depths = vec![0u8; bytes.len() + 1];
    let mut braces = 0usize;
    let mut opened: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                braces += 1;
                let before = text[..i].trim_end();
                let word_start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |k| k + 1);
                if before[..word_start].trim_end().ends_with("mod") {
                    opened.push(braces);
                }
            }
            b'}' => {
                if opened.last() == Some(&braces) {
                    opened.pop();
                }
                braces = braces.saturating_sub(1);
            }
            _ => {}
        }
        depths[i] = opened.len() as u8;
        i += 1;
    }
    depths
}

/// Every path the text uses, with the inline-module depth where it is used: `use` statements
/// expanded, and inline `a::b::c` paths.
fn paths(text: &str) -> Vec<(Vec<String>, u8)> {
    let depths = inline_depths(text);
    let mut out = Vec::new();
    // `use` statements, groups expanded.
    let mut from = 0;
    while let Some(k) = find_word(&text[from..], "use") {
        let i = from + k;
        let after = &text[i + 3..];
        let Some(end) = after.find(';') else { break };
        let tree: String = after[..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut found = Vec::new();
        expand(&tree, Vec::new(), &mut found);
        out.extend(found.into_iter().map(|p| (p, depths[i])));
        from = i + 3 + end;
    }
    // Inline paths.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if starts_word && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
            let mut j = i;
            let mut segments = Vec::new();
            loop {
                let start = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                segments.push(text[start..j].to_owned());
                if text[j..].starts_with("::")
                    && text[j + 2..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                {
                    j += 2;
                } else {
                    break;
                }
            }
            if segments.len() > 1 {
                out.push((segments, depths[i]));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(k) = text[from..].find(word) {
        let i = from + k;
        let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let after = i + word.len();
        let after_ok = after < bytes.len() && bytes[after].is_ascii_whitespace();
        if before_ok && after_ok {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// Expand a `use` tree without whitespace (`crate::a::{b,c::{d,e}}`) into paths.
fn expand(tree: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let mut head = prefix;
        head.extend(
            tree[..open]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], head.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], head, out);
    } else {
        let mut path = prefix;
        let plain = tree.split(" as ").next().unwrap_or(tree);
        let plain = plain.split("as").next().unwrap_or(plain);
        path.extend(
            plain
                .split("::")
                .filter(|s| !s.is_empty() && *s != "*" && *s != "self")
                .map(str::to_owned),
        );
        if !path.is_empty() {
            out.push(path);
        }
    }
}

/// The child modules a file declares (`mod x;`, `pub mod x;`).
fn children(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub "))
                .unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
        })
        .collect()
}

/// The file module a path of `from` names: the longest known module prefix.
fn target(
    from: &[String],
    (path, depth): &(Vec<String>, u8),
    local_children: &[String],
    known: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut absolute: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => path[1..].to_vec(),
        Some("super") => {
            let mut base = from.to_vec();
            let mut rest = &path[..];
            let mut inline = *depth;
            while rest.first().is_some_and(|s| s == "super") {
                if inline > 0 {
                    inline -= 1;
                } else {
                    base.pop();
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            base
        }
        Some(first) if *depth == 0 && local_children.iter().any(|c| c == first) => {
            let mut base = from.to_vec();
            base.extend(path.iter().cloned());
            base
        }
        _ => return None,
    };
    while !absolute.is_empty() && !known.contains(&absolute) {
        absolute.pop();
    }
    (absolute != from).then_some(absolute)
}

/// The layer of a file module, low to high.
fn layer(module: &[String]) -> (u8, &'static str) {
    match module.first().map(String::as_str) {
        Some("project") => (0, "project"),
        Some("platform") | Some("diagnostic") => (1, "platform/diagnostic"),
        Some("rules") | Some("plan") => (2, "rules/plan"),
        Some("render") => (3, "render"),
        _ => (4, "config/cli/crate root"),
    }
}

/// The text without test-only items (`#[cfg(test)]` and the item after it, to its closing brace or
/// semicolon).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let item = &rest[i..];
        let (mut depth, mut end) = (0usize, item.len());
        for (k, c) in item.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// File module → the file modules it uses, each with the first path that ties them. With `tests`
/// false, test-only code (`#[cfg(test)]` items, `tests.rs` files) is left out.
fn graph(tests: bool) -> BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> {
    let mut files = sources();
    if !tests {
        files.retain(|module, _| module.last().is_none_or(|m| m != "tests"));
        for text in files.values_mut() {
            *text = without_tests(text);
        }
    }
    let known: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, text) in &files {
        let local = children(text);
        let mut to = BTreeMap::new();
        for path in paths(text) {
            if let Some(t) = target(module, &path, &local, &known) {
                // A parent's `mod child;` is not a use; a child using its parent's items is.
                to.entry(t).or_insert_with(|| path.0.join("::"));
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

fn show(module: &[String]) -> String {
    if module.is_empty() {
        "lib.rs".to_owned()
    } else {
        module.join("::")
    }
}

#[test]
fn no_file_uses_a_higher_layer() {
    let mut errors = Vec::new();
    for (from, targets) in graph(true) {
        for (to, via) in targets {
            let (a, a_name) = layer(&from);
            let (b, b_name) = layer(&to);
            if b > a {
                errors.push(format!(
                    "{} ({a_name}) uses {} ({b_name}), a higher layer, through `{via}`",
                    show(&from),
                    show(&to)
                ));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "layer violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_files_form_no_import_circle() {
    // Test code may use the whole model (a test builds a `Platform`); the circle check is about the
    // code that ships.
    let edges = graph(false);
    // Tarjan's strongly connected components, iteratively.
    let nodes: Vec<&Vec<String>> = edges.keys().collect();
    let index_of: BTreeMap<&Vec<String>, usize> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges[*n]
                .keys()
                .filter_map(|t| index_of.get(t).copied())
                .collect()
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut circles) = (Vec::new(), 0, Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, i)) = work.pop() {
            if i == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            if let Some(&w) = adj[v].get(i) {
                work.push((v, i + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    component.push(show(nodes[w]));
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    let members: BTreeSet<&String> = component.iter().collect();
                    let mut ties = Vec::new();
                    for (from, targets) in &edges {
                        for (to, via) in targets {
                            if members.contains(&show(from)) && members.contains(&show(to)) {
                                ties.push(format!("  {} -> {} (`{via}`)", show(from), show(to)));
                            }
                        }
                    }
                    circles.push(format!("{}\n{}", component.join(", "), ties.join("\n")));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_sees_uses() {
    // The reader itself: groups, `super`, child modules and inline paths.
    let found = paths("use crate::a::{b, c::{D, e}};\nfn f() { super::x::y(); child::z(); }\n");
    let shown: Vec<String> = found.iter().map(|p| p.0.join("::")).collect();
    for want in [
        "crate::a::b",
        "crate::a::c::D",
        "crate::a::c::e",
        "super::x::y",
        "child::z",
    ] {
        assert!(shown.contains(&want.to_owned()), "{want} not in {shown:?}");
    }
    assert!(strip_comments("let a = 1; // crate::x::y\n").trim() == "let a = 1;");
    let inline = paths("mod tests {\n    use super::*;\n}\nuse super::y;\n");
    assert_eq!(inline[0].1, 1);
    assert_eq!(inline[1].1, 0);
    assert_eq!(
        without_tests("a\n#[cfg(test)]\nmod t {\n fn f() {}\n}\nb\n#[cfg(test)]\nuse x;\nc"),
        "a\n\nb\n\nc"
    );
}
