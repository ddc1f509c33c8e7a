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

/// A kind of cloud credential recognised by its shape ([`credentials`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// `AccountKey=` in an Azure Storage connection string.
    StorageAccountKey,
    /// `AccountKey=` in an Azure Cosmos DB connection string (`AccountEndpoint=...documents.azure.com`).
    CosmosAccountKey,
    /// `SharedAccessKey=` in a Service Bus or Event Hubs connection string.
    SharedAccessKey,
    /// `Password=` / `Pwd=` in a SQL connection string (`Server=`, `Data Source=`).
    SqlPassword,
    /// A literal `AZURE_CLIENT_SECRET`.
    AzureClientSecret,
    /// A Stripe live secret key (`sk_live_`).
    StripeLiveKey,
    /// A Razorpay live key (`rzp_live_`).
    RazorpayLiveKey,
    /// A GitHub personal access token (`ghp_`, `github_pat_`).
    GitHubToken,
    /// An AWS access key ID (`AKIA...`).
    AwsAccessKeyId,
}

impl CredentialKind {
    /// How the kind is named in messages.
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::StorageAccountKey => "an Azure Storage account key",
            CredentialKind::CosmosAccountKey => "an Azure Cosmos DB account key",
            CredentialKind::SharedAccessKey => "a Service Bus or Event Hubs shared access key",
            CredentialKind::SqlPassword => "a password in a SQL connection string",
            CredentialKind::AzureClientSecret => "an Azure AD client secret (AZURE_CLIENT_SECRET)",
            CredentialKind::StripeLiveKey => "a Stripe live secret key",
            CredentialKind::RazorpayLiveKey => "a Razorpay live key",
            CredentialKind::GitHubToken => "a GitHub personal access token",
            CredentialKind::AwsAccessKeyId => "an AWS access key ID",
        }
    }
}

/// Whether a value is an obvious placeholder, not a credential: `<your-key>`, `xxx`, `changeme`, a
/// template variable (`${KEY}`, `{password}`, `%(pwd)s`), or one character repeated.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['\'', '"']);
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "your",
        "xxx",
        "changeme",
        "change-me",
        "change_me",
        "replace",
        "example",
        "placeholder",
        "dummy",
        "redacted",
        "secret_here",
        "key_here",
        "insert",
        "todo",
        "fixme",
        "<",
        ">",
        "...",
        "***",
        "{{",
        "%(",
    ];
    v.is_empty()
        || v.starts_with('$')
        || WORDS.iter().any(|w| lower.contains(w))
        || (v.starts_with('{')
            && v.ends_with('}')
            && v[1..v.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || v.chars().all(|c| c == v.chars().next().unwrap_or(c))
}

/// The cloud credentials in `text`, found by their shape: the byte range of each value and its kind.
/// Placeholders ([`is_placeholder`]) are not credentials.
pub fn credentials(text: &str) -> Vec<(usize, usize, CredentialKind)> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let value_end = |from: usize| {
        text[from..]
            .find(|c: char| c.is_whitespace() || matches!(c, ';' | '\'' | '"' | '`' | ',' | ')'))
            .map_or(text.len(), |p| from + p)
    };
    let line_of = |at: usize| {
        let start = lower[..at].rfind('\n').map_or(0, |p| p + 1);
        let end = lower[at..].find('\n').map_or(lower.len(), |p| at + p);
        &lower[start..end]
    };
    let base64ish = |v: &str| {
        v.len() >= 40
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    };
    // Connection-string keys.
    for (key, min) in [
        ("accountkey=", 0),
        ("sharedaccesskey=", 0),
        ("password=", 4),
        ("pwd=", 4),
    ] {
        let mut from = 0;
        let mut seen = 0;
        while let Some(k) = lower[from..].find(key) {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            let at = from + k;
            from = at + key.len();
            // `SharedAccessKeyName=` is a name, not the key; a word that ends in the key is not it.
            if at > 0 && lower.as_bytes()[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let start = from;
            let end = value_end(start);
            let value = &text[start..end];
            if is_placeholder(value) {
                continue;
            }
            let line = line_of(at);
            let kind = match key {
                "accountkey=" if !base64ish(value) => continue,
                "accountkey="
                    if line.contains("documents.azure.com")
                        || line.contains("accountendpoint=") =>
                {
                    CredentialKind::CosmosAccountKey
                }
                "accountkey=" => CredentialKind::StorageAccountKey,
                "sharedaccesskey=" if value.len() >= 40 && base64ish(value) => {
                    CredentialKind::SharedAccessKey
                }
                "sharedaccesskey=" => continue,
                _ if value.len() >= min && !value.starts_with('{') && {
                    // The connection string the key is in: the text around it up to a quote or a line
                    // end, which must name a server and separate its keys with `;` (minified code that
                    // happens to hold `password=` and `server=` on one line is not one).
                    let seg_start = lower[..at]
                        .rfind(['\'', '"', '`', '\n'])
                        .map_or(0, |p| p + 1);
                    let seg = &lower[seg_start..at];
                    at - seg_start <= 400
                        && seg.contains(';')
                        && (seg.contains("server=") || seg.contains("data source="))
                } =>
                {
                    CredentialKind::SqlPassword
                }
                _ => continue,
            };
            out.push((start, end, kind));
        }
    }
    // Tokens with a well-known prefix, as whole words.
    let word_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let bytes = text.as_bytes();
    for (prefix, min, charset, kind) in [
        ("sk_live_", 20, 0u8, CredentialKind::StripeLiveKey),
        ("rzp_live_", 14, 0, CredentialKind::RazorpayLiveKey),
        ("ghp_", 36, 0, CredentialKind::GitHubToken),
        ("github_pat_", 40, 1, CredentialKind::GitHubToken),
        ("AKIA", 16, 2, CredentialKind::AwsAccessKeyId),
    ] {
        let mut from = 0;
        let mut seen = 0;
        while let Some(k) = text[from..].find(prefix) {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            let at = from + k;
            from = at + prefix.len();
            if at > 0 && word_char(bytes[at - 1]) {
                continue;
            }
            let tail = bytes[from..]
                .iter()
                .take_while(|&&b| match charset {
                    2 => b.is_ascii_uppercase() || b.is_ascii_digit(),
                    1 => b.is_ascii_alphanumeric() || b == b'_',
                    _ => b.is_ascii_alphanumeric(),
                })
                .count();
            let exact = charset == 2 || prefix == "ghp_";
            if tail < min || (exact && tail != min) {
                continue;
            }
            let end = from + tail;
            if end < bytes.len() && word_char(bytes[end]) {
                continue;
            }
            if is_placeholder(&text[at..end]) {
                continue;
            }
            out.push((at, end, kind));
        }
    }
    // `AZURE_CLIENT_SECRET = '...'`, `AZURE_CLIENT_SECRET=...`.
    let mut from = 0;
    while let Some(k) = text[from..].find("AZURE_CLIENT_SECRET") {
        let at = from + k;
        from = at + "AZURE_CLIENT_SECRET".len();
        let rest = &text[from..];
        let skipped = rest.len() - rest.trim_start_matches(['\'', '"', ' ', '\t']).len();
        let after = &rest[skipped..];
        let Some(op) = after.chars().next().filter(|c| matches!(c, '=' | ':')) else {
            continue;
        };
        let value_at = from + skipped + op.len_utf8();
        let value_rest = &text[value_at..];
        let lead = value_rest.len() - value_rest.trim_start_matches([' ', '\t', '\'', '"']).len();
        let start = value_at + lead;
        let end = value_end(start);
        let value = &text[start..end];
        if value.len() >= 20 && !value.contains(['(', '[', '{']) && !is_placeholder(value) {
            out.push((start, end, CredentialKind::AzureClientSecret));
        }
    }
    out.sort_by_key(|&(s, e, _)| (s, e));
    out.dedup_by_key(|c| (c.0, c.1));
    out
}

/// The byte ranges of the secrets [`mask_shapes`] masks, sorted.
pub fn shape_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = credentials(text)
        .into_iter()
        .map(|(s, e, _)| (s, e))
        .collect();
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
    fn credentials_by_shape_and_placeholders_left_alone() {
        let key = "k3Jq9vZ2mX8pL4wN7tR1yU6iO0aS5dF2gH8jK3lZ9xC4vB7nM1qW5eR8tY2uI6oP0aS3dF5gH7jK9lZ1xC3vB==";
        let text = format!(
            "STORAGE = 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey={key};EndpointSuffix=core.windows.net'\n\
             COSMOS = 'AccountEndpoint=https://x.documents.azure.com:443/;AccountKey={key};'\n\
             SB = 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF+/='\n\
             SQL = 'Server=tcp:x.database.windows.net;Database=shop;User ID=app;Password=Winter-2024-shop;'\n\
             STRIPE = 'sk_live_51HqLyjWDarjtT1zdp7dcXYZ'\n\
             AWS = 'AKIAIOSFODNN7REALKEY'\n\
             AZURE_CLIENT_SECRET = 'Qx18Q~abcdefghijklmnopqrstuvwxyz0123'\n"
        );
        let kinds: Vec<CredentialKind> = credentials(&text).into_iter().map(|c| c.2).collect();
        assert_eq!(
            kinds,
            [
                CredentialKind::StorageAccountKey,
                CredentialKind::CosmosAccountKey,
                CredentialKind::SharedAccessKey,
                CredentialKind::SqlPassword,
                CredentialKind::StripeLiveKey,
                CredentialKind::AwsAccessKeyId,
                CredentialKind::AzureClientSecret,
            ]
        );
        let placeholders = "AccountKey=<your-account-key>;\nServer=x;Password={db_password};\nPwd=$DB_PASSWORD;\n\
             AZURE_CLIENT_SECRET=os.environ['AZURE_CLIENT_SECRET']\nAKIAIOSFODNN7EXAMPLE sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n\
             SharedAccessKeyName=RootManageSharedAccessKey;";
        assert_eq!(credentials(placeholders), []);
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
