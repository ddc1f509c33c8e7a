//! Values that look secret, found by what they are assigned to, so that no output ever prints them:
//! `SECRET_KEY = '...'`, `'PASSWORD': '...'`, `DB_PASSWORD=hunter2 gunicorn ...`.
//!
//! This is a textual guard for values no finding names (a rule that is not selected, a file that does
//! not parse, a startup script quoted in a help text); findings about secrets mark their own ranges.

use ruff_text_size::{TextRange, TextSize};

/// Words that make a name look like it holds a secret.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "ACCOUNT_KEY",
    "CREDENTIAL",
    "CONNECTIONSTRING",
    "CONNECTION_STRING",
];

/// Whether a setting or variable name looks like it holds a secret.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w)) || upper.ends_with("_KEY") || upper == "KEY"
}

/// Whether a value carries a secret of its own: a URL with a password (`postgres://user:pass@host/db`).
pub fn value_has_credentials(value: &str) -> bool {
    value.split_once("://").is_some_and(|(_, rest)| {
        rest.split(['/', '?', '#']).next().is_some_and(|authority| {
            authority
                .split_once('@')
                .is_some_and(|(userinfo, _)| userinfo.contains(':'))
        })
    })
}

/// The ranges of values assigned to secret-looking names in `text`: quoted literals after the name's
/// `=` or `:`, and an unquoted shell value (`NAME=value`) up to the next space.
pub fn secret_ranges(text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(value_start) = secret_assignment(line) {
            scan_line(line, offset, value_start, &mut out);
        }
        offset += raw.len();
    }
    out
}

/// Where the value starts on a line that assigns to a secret-looking name.
fn secret_assignment(line: &str) -> Option<usize> {
    let upper = line.to_ascii_uppercase();
    for w in SECRET_WORDS {
        for (i, _) in upper.match_indices(w) {
            let rest = &upper[i + w.len()..];
            let name_end = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    .len();
            let after = &rest[name_end..];
            let after = after.trim_start_matches(['\'', '"']).trim_start();
            if after.starts_with('=') || after.starts_with(':') {
                let at = line.len() - after.len() + 1;
                return Some(at);
            }
        }
    }
    None
}

fn scan_line(line: &str, offset: usize, value_start: usize, out: &mut Vec<TextRange>) {
    let bytes = line.as_bytes();
    let at = |n: usize| TextSize::try_from(offset + n).unwrap_or_default();
    // An unquoted shell value right after `=`: `DB_PASSWORD=hunter2`.
    if bytes.get(value_start.wrapping_sub(1)) == Some(&b'=')
        && bytes
            .get(value_start)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'\'' | b'"' | b'$'))
    {
        let end = line[value_start..]
            .find(char::is_whitespace)
            .map_or(line.len(), |p| value_start + p);
        let value = &line[value_start..end];
        if !value.contains(['(', '[', '{', '\'', '"']) && value.len() >= 4 {
            out.push(TextRange::new(at(value_start), at(end)));
        }
    }
    let mut i = value_start;
    while i < bytes.len() {
        let q = bytes[i];
        if q == b'\'' || q == b'"' {
            let Some(close) = line[i + 1..].find(q as char) else {
                break;
            };
            // The name of an environment variable is not a secret: `os.environ.get('SECRET_KEY', ...)`.
            let before = line[..i].trim_end();
            let names_a_variable = [
                "get(",
                "getenv(",
                "environ[",
                "config(",
                "env(",
                "setdefault(",
            ]
            .iter()
            .any(|p| before.ends_with(p));
            if close > 0 && !names_a_variable {
                out.push(TextRange::new(at(i), at(i + close + 2)));
            }
            i += close + 2;
            continue;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        secret_ranges(text)
            .into_iter()
            .map(|r| &text[r.start().to_usize()..r.end().to_usize()])
            .collect()
    }

    #[test]
    fn values_assigned_to_secret_names() {
        assert_eq!(found("SECRET_KEY = 'abc123'\n"), ["'abc123'"]);
        assert_eq!(found("    'PASSWORD': \"pw-1234\",\n"), ["\"pw-1234\""]);
        assert_eq!(
            found("SECRET_KEY = os.environ.get('SECRET_KEY', 'dev-fallback')\n"),
            ["'dev-fallback'"]
        );
        assert_eq!(
            found("DB_PASSWORD=hunter2hunter2 python manage.py runserver\n"),
            ["hunter2hunter2"]
        );
        assert!(found("SECRET_KEY=os.environ['SECRET_KEY']\n").is_empty());
        assert!(found("DEBUG = 'True'\nNAME = 'app'\n").is_empty());
        assert!(found("PASSWORD=$DB_PASSWORD gunicorn app:app\n").is_empty());
    }

    #[test]
    fn names_and_urls() {
        assert!(
            looks_secret("DB_PWD") && looks_secret("DB_CREDENTIALS") && looks_secret("SECRET_KEY")
        );
        assert!(
            looks_secret("STRIPE_KEY")
                && !looks_secret("DEBUG")
                && !looks_secret("WEBSITE_HOSTNAME")
        );
        assert!(value_has_credentials(
            "postgres://admin:P4ss@db.example.com/app"
        ));
        assert!(
            !value_has_credentials("https://example.com/a:b@c")
                && !value_has_credentials("redis://cache:6379")
        );
    }
}
