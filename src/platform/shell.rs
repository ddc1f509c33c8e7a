//! Shell words with their positions: enough of POSIX `sh` quoting to read startup and build commands.

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
            match c {
                b'\'' => {
                    let end = line[i + 1..].find('\'').map_or(line.len(), |p| i + 1 + p);
                    text.push_str(&line[i + 1..end]);
                    i = (end + 1).min(line.len());
                }
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
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

/// The simple commands of a whole text (a startup command or script), line by line: the 1-based line
/// and the words, their ranges relative to the start of the text.
pub fn text_commands(text: &str) -> Vec<(usize, Vec<Word>)> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let base = TextSize::try_from(offset).unwrap_or_default();
        offset += raw.len();
        for mut words in simple_commands(line) {
            for w in &mut words {
                w.range += base;
            }
            out.push((index + 1, words));
        }
    }
    out
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
}
