//! Shell syntax: words with their positions (enough of POSIX `sh` quoting to read startup and build
//! commands), lines continued with a trailing `\\`, `NAME=value` assignments, and where a `cd` goes in the
//! app's folders. Nothing here knows what a command does.

use ruff_text_size::{TextRange, TextSize};

/// One word of a command, unquoted, with the range it covers in the text (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub range: TextRange,
    /// The word is a control operator (`&&`, `||`, `;`, `|`, `&`) rather than an argument.
    pub operator: bool,
}

/// Split `line` into words and control operators. A `#` at the start of a word starts a comment.
/// Unbalanced quotes run to the end of the line (the shell would fail; the words are still useful).
pub fn words(line: &str) -> Vec<Word> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |n: usize| TextSize::try_from(n).unwrap_or_default();
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(n) = continuation_at(bytes, i) {
            i += n;
            continue;
        }
        if c == b'#' {
            break;
        }
        if matches!(c, b'&' | b'|' | b';') {
            let len = if i + 1 < bytes.len() && bytes[i + 1] == c && c != b';' {
                2
            } else {
                1
            };
            out.push(Word {
                text: line[i..i + len].to_owned(),
                range: TextRange::new(at(i), at(i + len)),
                operator: true,
            });
            i += len;
            continue;
        }
        let start = i;
        let mut text = String::new();
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_whitespace() || matches!(c, b'&' | b'|' | b';') {
                break;
            }
            if let Some(n) = continuation_at(bytes, i) {
                i += n;
                continue;
            }
            match c {
                b'\'' => {
                    let end = line[i + 1..].find('\'').map_or(line.len(), |p| i + 1 + p);
                    text.push_str(&line[i + 1..end]);
                    i = (end + 1).min(line.len());
                }
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        if let Some(n) = continuation_at(bytes, i) {
                            i += n;
                            continue;
                        }
                        if bytes[i] == b'\\'
                            && i + 1 < bytes.len()
                            && matches!(bytes[i + 1], b'"' | b'\\' | b'$' | b'`')
                        {
                            i += 1;
                        }
                        let ch = line[i..].chars().next().unwrap_or('\0');
                        text.push(ch);
                        i += ch.len_utf8();
                    }
                    i = (i + 1).min(line.len());
                }
                b'\\' if i + 1 < bytes.len() => {
                    let ch = line[i + 1..].chars().next().unwrap_or('\0');
                    text.push(ch);
                    i += 1 + ch.len_utf8();
                }
                _ => {
                    let ch = line[i..].chars().next().unwrap_or('\0');
                    text.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        out.push(Word {
            text,
            range: TextRange::new(at(start), at(i)),
            operator: false,
        });
    }
    out
}

/// The simple commands of a line: its words split at control operators.
pub fn simple_commands(line: &str) -> Vec<Vec<Word>> {
    let mut out: Vec<Vec<Word>> = vec![Vec::new()];
    for word in words(line) {
        if word.operator {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.push(word);
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// The length of a line continuation (a `\\` that ends its line, with the line ending) at byte `i`.
fn continuation_at(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'\\') {
        return None;
    }
    match (bytes.get(i + 1), bytes.get(i + 2)) {
        (Some(b'\n'), _) => Some(2),
        (Some(b'\r'), Some(b'\n')) => Some(3),
        _ => None,
    }
}

/// One line as the shell reads it: a physical line and the lines a trailing `\\` continues it into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogicalLine {
    /// Its first and last physical lines, 1-based.
    pub first: usize,
    pub last: usize,
    /// Its range in the text, the final line ending excluded.
    pub range: TextRange,
}

/// The lines of a text as the shell reads them: a line ending with an odd number of `\\` (outside a
/// comment) continues on the next one.
pub fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut out: Vec<LogicalLine> = Vec::new();
    let mut offset = 0usize;
    let mut continued = false;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let body = raw.trim_end_matches(['\n', '\r']);
        let start = TextSize::try_from(offset).unwrap_or_default();
        let end = start + TextSize::of(body);
        offset += raw.len();
        match out.last_mut() {
            Some(line) if continued => {
                line.last = index + 1;
                line.range = TextRange::new(line.range.start(), end);
            }
            _ => out.push(LogicalLine {
                first: index + 1,
                last: index + 1,
                range: TextRange::new(start, end),
            }),
        }
        let backslashes = body.len() - body.trim_end_matches('\\').len();
        continued = raw.ends_with('\n') && backslashes % 2 == 1 && !has_comment(body);
    }
    out
}

/// Whether a line holds a comment (a `#` starting a word outside quotes): a `\\` at its end is then part of
/// the comment, not a continuation.
fn has_comment(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\'' => i += line[i + 1..].find('\'').map_or(line.len(), |p| p + 1),
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' if i == 0
                || bytes[i - 1].is_ascii_whitespace()
                || b";&|".contains(&bytes[i - 1]) =>
            {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The logical line of a text holding the byte `offset` (the last line for an offset past the end).
pub fn logical_line_at(text: &str, offset: TextSize) -> LogicalLine {
    let lines = logical_lines(text);
    lines
        .iter()
        .find(|l| offset <= l.range.end())
        .or(lines.last())
        .copied()
        .unwrap_or(LogicalLine {
            first: 1,
            last: 1,
            range: TextRange::empty(TextSize::default()),
        })
}

/// A command written over continued lines, on one line: every `\\`, line ending and the indentation after
/// it become one space.
pub fn join_continued(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if let Some(n) = continuation_at(bytes, i) {
                out.push_str(text[copied..i].trim_end_matches([' ', '\t']));
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                i += n;
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
                    i += 1;
                }
                copied = i;
                continue;
            }
            // An escaped character: skip it with its backslash.
            i += 1;
        }
        i += 1;
    }
    out.push_str(&text[copied.min(text.len())..]);
    out
}

/// The simple commands of a whole text (a startup command or script), line by line, a line continued
/// with `\\` read as one: the 1-based line each starts on and its words, their ranges relative to the
/// start of the text.
pub fn text_commands(text: &str) -> Vec<(usize, Vec<Word>)> {
    let mut out = Vec::new();
    for line in logical_lines(text) {
        let base = line.range.start();
        for mut words in simple_commands(&text[line.range]) {
            for w in &mut words {
                w.range += base;
            }
            out.push((line.first, words));
        }
    }
    out
}

/// A `NAME=value` shell assignment word.
pub fn env_assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    (!name.is_empty()
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit()))
    .then_some((name, value))
}

/// `base` (a folder relative to the app root, "" for the root) joined with a path as a command writes it,
/// normalised: relative, or absolute into the app (`/home/site/wwwroot/...`, `$APP_PATH/...`). `None` for a
/// path outside the app or one this tool cannot follow (`$HOME`, `~`).
pub fn join_dir(base: &str, path: &str) -> Option<String> {
    let path = path.trim();
    let (mut parts, rest): (Vec<&str>, &str) = if let Some(rest) =
        ["/home/site/wwwroot", "$APP_PATH", "${APP_PATH}"]
            .iter()
            .find_map(|p| {
                path.strip_prefix(p)
                    .filter(|r| r.is_empty() || r.starts_with('/'))
            }) {
        (Vec::new(), rest)
    } else if path.starts_with('/')
        || path.starts_with('~')
        || path.contains('$')
        || path.contains('`')
    {
        return None;
    } else {
        (base.split('/').filter(|p| !p.is_empty()).collect(), path)
    };
    push_parts(&mut parts, rest)?;
    Some(parts.join("/"))
}

/// `base` (a relative folder, "" for the top) joined with the relative path `rest`, `.` and `..` resolved;
/// `None` when `..` climbs above the top.
pub fn clean_join(base: &str, rest: &str) -> Option<String> {
    let mut parts: Vec<&str> = base
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    push_parts(&mut parts, rest)?;
    Some(parts.join("/"))
}

fn push_parts<'a>(parts: &mut Vec<&'a str>, rest: &'a str) -> Option<()> {
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(())
}

/// The folder a `cd` goes to from `cwd` (`None`: unknown): `cd` alone, `cd -`, a variable or a folder
/// outside the app cannot be followed; a folder named from the app root is known even after one that cannot.
pub fn cd_to(cwd: Option<&str>, dir: Option<&str>) -> Option<String> {
    let dir = dir.filter(|d| *d != "-")?;
    match cwd {
        Some(c) => join_dir(c, dir),
        None if dir.starts_with(['/', '$']) => join_dir("", dir),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        words(line).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn quoting_and_operators() {
        assert_eq!(
            texts(r#"cd src && gunicorn -k "uvicorn.workers.UvicornWorker" 'a b':app"#),
            [
                "cd",
                "src",
                "&&",
                "gunicorn",
                "-k",
                "uvicorn.workers.UvicornWorker",
                "a b:app"
            ]
        );
        assert_eq!(
            texts("echo a\\ b; ls # comment"),
            ["echo", "a b", ";", "ls"]
        );
        let w = words("gunicorn  --bind=127.0.0.1:8000 app:app");
        assert_eq!(
            &"gunicorn  --bind=127.0.0.1:8000 app:app"
                [w[1].range.start().to_usize()..w[1].range.end().to_usize()],
            "--bind=127.0.0.1:8000"
        );
        assert_eq!(simple_commands("a b || c; d").len(), 3);
        assert_eq!(texts("echo 'unterminated"), ["echo", "unterminated"]);
    }

    #[test]
    fn continued_lines_are_one_command() {
        let text = "cd src\npython -m uvicorn app:app \\\n    --host 0.0.0.0 \\\r\n    --port 8000\necho done # a \\\nls\n";
        let commands = text_commands(text);
        let words: Vec<Vec<&str>> = commands
            .iter()
            .map(|(_, w)| w.iter().map(|w| w.text.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            [
                vec!["cd", "src"],
                vec![
                    "python", "-m", "uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"
                ],
                vec!["echo", "done"],
                vec!["ls"],
            ]
        );
        let lines: Vec<usize> = commands.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 5, 6]);
        let port = &commands[1].1[7];
        assert_eq!(&text[port.range], "8000");
        let line = logical_line_at(text, port.range.start());
        assert_eq!((line.first, line.last), (2, 4));
        assert_eq!(
            join_continued(&text[line.range]),
            "python -m uvicorn app:app --host 0.0.0.0 --port 8000"
        );
        // A line left empty by an edit adds no second blank.
        assert_eq!(join_continued("a \\\n \\\n    b"), "a b");
        // An escaped backslash at the end does not continue; inside a word a continuation joins.
        assert_eq!(logical_lines("a \\\\\nb\n").len(), 2);
        assert_eq!(texts("gun\\\nicorn"), ["gunicorn"]);
        assert_eq!(texts("echo \"a\\\nb\""), ["echo", "ab"]);
    }

    #[test]
    fn folders() {
        assert_eq!(join_dir("src", "../api/./x"), Some("api/x".into()));
        assert_eq!(join_dir("src", "../.."), None);
        assert_eq!(join_dir("src", "/opt/x"), None);
        assert_eq!(join_dir("src", "/home/site/wwwroot"), Some(String::new()));
        // `$APP_PATH` and absolute app folders are known even after an unknown folder; `cd -` and `cd`
        // alone are not followed.
        assert_eq!(
            cd_to(Some("src"), Some("$APP_PATH/api")),
            Some("api".into())
        );
        assert_eq!(
            cd_to(None, Some("/home/site/wwwroot/api")),
            Some("api".into())
        );
        assert_eq!(cd_to(None, Some("api")), None);
        assert_eq!(cd_to(Some("src"), Some("-")), None);
        assert_eq!(cd_to(Some("src"), None), None);
        assert_eq!(
            env_assignment("FLASK_APP=app.py"),
            Some(("FLASK_APP", "app.py"))
        );
        assert_eq!(env_assignment("--bind=0.0.0.0"), None);
        assert_eq!(env_assignment("1X=y"), None);
    }
}
