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
/// `=` or `:`, and an unquoted shell value (`NAME=value`) up to the next space; and every secret found by
/// its shape ([`shape_ranges`]).
pub fn secret_ranges(text: &str) -> Vec<TextRange> {
    let mut out: Vec<TextRange> = shape_ranges(text)
        .into_iter()
        .filter_map(|(s, e)| {
            Some(TextRange::new(
                TextSize::try_from(s).ok()?,
                TextSize::try_from(e).ok()?,
            ))
        })
        .collect();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(value_start) = secret_assignment(line) {
            scan_line(line, offset, value_start, &mut out);
        }
        offset += raw.len();
    }
    out.sort_by_key(|r| (r.start(), r.end()));
    out.dedup();
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
            // Nor is a variable's name tested for: `'SECRET_KEY' in os.environ`.
            let after = line[i + close + 2..].trim_start();
            let tested = ["in os.environ", "not in os.environ", "in environ"]
                .iter()
                .any(|p| after.starts_with(p));
            if close > 0 && !names_a_variable && !tested {
                out.push(TextRange::new(at(i), at(i + close + 2)));
            }
            i += close + 2;
            continue;
        }
        i += 1;
    }
}

/// A secret as it is shown: its first two characters (when it is long enough that this says nothing)
/// and its length, `'dj…(50 chars)'`.
pub fn mask_value(value: &str) -> String {
    let n = value.chars().count();
    if n == 0 {
        return "''".to_owned();
    }
    let head: String = value.chars().take(if n > 8 { 2 } else { 0 }).collect();
    format!("'{head}…({n} chars)'")
}

/// Command-line flags whose value is a secret (`--password x`, `--access-token=x`).
const SECRET_FLAGS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api-key",
    "apikey",
    "access-key",
    "account-key",
    "client-secret",
    "sas-token",
    "connection-string",
];

/// Keys of `key=value;` strings that hold a secret (Azure connection strings, SAS tokens).
const SECRET_KEYS: &[&str] = &[
    "accountkey",
    "sharedaccesskey",
    "password",
    "pwd",
    "sig",
    "clientsecret",
];

/// `text` with every secret found by its shape masked, whatever names it: a URL's password
/// (`postgres://u:pw@h`), a `NAME=value` pair with a secret-looking name (`DB_PASSWORD=x`), a secret
/// flag's value (`--password x`, `--access-token=x`), `Bearer`/`Basic` credentials, `-u user:pass`, and the
/// keys of Azure connection strings (`AccountKey=`, `SharedAccessKey=`, `Password=`, `sig=`). Applied to
/// every string that reaches an output.
pub fn mask_shapes(text: &str) -> String {
    let ranges = shape_ranges(text);
    if ranges.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in ranges {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&mask_value(&text[s..e]));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// [`mask_shapes`], and then every other occurrence of a value it masked: a secret found by its shape in
/// one place (`--access-token X` in a startup command) is masked where it reappears without that shape
/// (the same token taken as the app module by a start-up parser). At most 64 distinct values are followed.
pub fn mask_everywhere(text: &str) -> String {
    let mut values: Vec<&str> = Vec::new();
    for (s, e) in shape_ranges(text) {
        if let Some(v) = text.get(s..e)
            && v.chars().count() >= 6
            && !values.contains(&v)
            && values.len() < 64
        {
            values.push(v);
        }
    }
    let mut out = mask_shapes(text);
    for v in values {
        if out.contains(v) {
            out = out.replace(v, &mask_value(v));
        }
    }
    out
}

/// The byte ranges of the secrets [`mask_shapes`] masks, sorted.
pub fn shape_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let word_end = |from: usize| {
        text[from..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '\'' | '"' | '`' | ';' | '&' | '|' | ')' | ',')
            })
            .map_or(text.len(), |p| from + p)
    };
    // URL passwords.
    let mut from = 0;
    while let Some(k) = text[from..].find("://") {
        let start = from + k + 3;
        let authority_end = text[start..]
            .find(|c: char| {
                matches!(c, '/' | '?' | '#') || c.is_whitespace() || matches!(c, '\'' | '"' | '`')
            })
            .map_or(text.len(), |p| start + p);
        if let Some(at) = text[start..authority_end].rfind('@')
            && let Some(colon) = text[start..start + at].find(':')
        {
            ranges.push((start + colon + 1, start + at));
        }
        from = start;
    }
    // `NAME=value` with a secret-looking name, and connection-string keys.
    let mut i = 0;
    while let Some(k) = text[i..].find('=') {
        let eq = i + k;
        // After the last character that cannot be in a name (which may be several bytes long: `é=`).
        let name_start = text[..eq]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let name = &text[name_start..eq];
        let is_flag = text[..name_start].ends_with("--");
        let secret_name = !name.is_empty()
            && ((is_flag
                && SECRET_FLAGS.iter().any(|f| {
                    name.eq_ignore_ascii_case(f) || name.to_ascii_lowercase().ends_with(f)
                }))
                || (!is_flag && looks_secret(name))
                || SECRET_KEYS.iter().any(|key| name.eq_ignore_ascii_case(key)));
        let value_start = eq + 1;
        if secret_name && bytes.get(value_start).is_some_and(|b| *b != b'$') {
            let (s, e) = match bytes.get(value_start) {
                Some(q @ (b'\'' | b'"')) => {
                    let close = text[value_start + 1..]
                        .find(*q as char)
                        .map_or(text.len(), |p| value_start + 1 + p);
                    // A variable or a command's output, not a value: `KEY="$(python -c ...)"`.
                    if text[value_start + 1..].starts_with('$') {
                        i = value_start;
                        continue;
                    }
                    (value_start + 1, close)
                }
                _ => {
                    // Code, not a value: `SECRET_KEY=os.environ['SECRET_KEY']`, `KEY=f(x)`.
                    let token_end = text[value_start..]
                        .find(char::is_whitespace)
                        .map_or(text.len(), |p| value_start + p);
                    if text[value_start..token_end].contains(['(', '[', '{']) {
                        i = value_start;
                        continue;
                    }
                    (value_start, word_end(value_start))
                }
            };
            // Shorter than four characters: a number or a flag value, not a secret (`SECRET=1`).
            if e >= s + 4 {
                ranges.push((s, e));
            }
        }
        i = value_start;
    }
    // Flags followed by their value as the next word, `Bearer`/`Basic` credentials, `-u user:pass`.
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    for pair in words.windows(2) {
        let ((_, a), (b_at, b)) = (pair[0], pair[1]);
        let flag = a.trim_start_matches('-');
        let secret_flag = a.starts_with("--")
            && !a.contains('=')
            && SECRET_FLAGS
                .iter()
                .any(|f| flag.eq_ignore_ascii_case(f) || flag.to_ascii_lowercase().ends_with(f));
        let scheme = matches!(
            a.trim_start_matches(['\'', '"']),
            "Bearer" | "bearer" | "Basic" | "basic"
        );
        let value = b.trim_matches(|c| matches!(c, '\'' | '"' | '`' | ',' | ';'));
        let value_at = b_at + b.find(value).unwrap_or(0);
        if (secret_flag || scheme) && value.len() >= 4 && !value.starts_with('$') {
            ranges.push((value_at, value_at + value.len()));
        }
        if matches!(a, "-u" | "--user")
            && let Some(colon) = value.find(':')
        {
            ranges.push((value_at + colon + 1, value_at + value.len()));
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    ranges
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
    fn a_multibyte_character_before_an_equals_sign_is_not_cut() {
        // Found by fuzzing: the name started one byte after `é`, inside it.
        assert_eq!(mask_shapes("café=1 x"), "café=1 x");
        assert_eq!(
            mask_shapes("éPASSWORD=hunter2"),
            format!("éPASSWORD={}", mask_value("hunter2"))
        );
        assert!(shape_ranges("日本=語 ü=ö").is_empty());
    }

    #[test]
    fn a_variable_name_tested_for_is_not_a_secret() {
        let line =
            "SECRET_KEY = os.environ['SECRET_KEY'] if 'SECRET_KEY' in os.environ else 'dev-key'";
        assert_eq!(found(line), ["'dev-key'"]);
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

    #[test]
    fn shapes_are_masked_whatever_names_them() {
        let command = "DB_PASSWORD=hunter2supersecret gunicorn --env DATABASE_URL=postgres://user:pw12345678@db/x --access-token abcdef1234567890tok --password=p4ssw0rd-long app:app";
        let masked = mask_shapes(command);
        for secret in [
            "hunter2supersecret",
            "pw12345678",
            "abcdef1234567890tok",
            "p4ssw0rd-long",
        ] {
            assert!(!masked.contains(secret), "{masked}");
        }
        assert!(
            masked.contains("gunicorn") && masked.contains("app:app"),
            "{masked}"
        );
        let more = "curl -u admin:topsecretpw -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x' https://x; DefaultEndpointsProtocol=https;AccountName=a;AccountKey=AbCdEf0123456789==;EndpointSuffix=core";
        let masked = mask_shapes(more);
        for secret in [
            "topsecretpw",
            "eyJhbGciOiJIUzI1NiJ9.x",
            "AbCdEf0123456789==",
        ] {
            assert!(!masked.contains(secret), "{masked}");
        }
        assert!(masked.contains("AccountName=a"), "{masked}");
        // What is not a secret stays: variables, hosts, ports, plain options.
        let plain =
            "gunicorn --bind 0.0.0.0:8000 --env DATABASE_URL=$DATABASE_URL --workers 2 app:app";
        assert_eq!(mask_shapes(plain), plain);
        assert_eq!(
            mask_shapes("postgres://db.example.com/x"),
            "postgres://db.example.com/x"
        );
    }
}
