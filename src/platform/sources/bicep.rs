//! Bicep templates: a small, tolerant reader of `resource` declarations.
//!
//! There is no Bicep parser in Rust, and the checks need little: resource declarations (top-level and
//! nested, `existing`, `if (...)` and `[for ...: ...]` forms), their object bodies, and which property
//! values are plain string literals. A property whose value is a `var` takes the variable's value, and
//! `union(a, b, ...)` of objects is the merged object (a later argument wins; the keys of objects before
//! an argument that is not a known object are dropped, since it may replace them): the pattern of
//! Microsoft's samples that add their settings to those of service connectors. Everything else
//! (parameters, function calls, interpolated strings, modules) is skipped as unknown. Malformed text never
//! fails: the reader skips to the next line it understands.

use ruff_text_size::{TextRange, TextSize};

use super::iac::{self, Node, Parent, Resource, Str};
use super::values::FileValue;

/// How deep objects and arrays are followed; deeper values are unknown.
const MAX_DEPTH: usize = 64;

/// The web-app values a Bicep file sets.
pub(crate) fn values(text: &str) -> Vec<FileValue> {
    iac::site_values(&resources(text))
}

/// The resources a Bicep file declares, nested ones after their parent.
pub(crate) fn resources(text: &str) -> Vec<Resource> {
    let (tokens, strings) = lex(text);
    let mut parser = Parser {
        tokens,
        strings,
        pos: 0,
        text,
        resources: Vec::new(),
        vars: Vec::new(),
    };
    parser.file();
    let Parser {
        mut resources,
        vars,
        ..
    } = parser;
    for resource in &mut resources {
        substitute_vars(&mut resource.body, &vars, 0);
    }
    resources
}

/// How many variables deep a value is followed (`var a = b`, `var b = {...}`).
const MAX_VAR_DEPTH: usize = 4;

/// Replace identifiers naming a `var` with its value (variables may be declared after their use).
fn substitute_vars(node: &mut Node, vars: &[(String, Node)], depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        Node::Ident(name) => {
            if depth < MAX_VAR_DEPTH
                && let Some((_, value)) = vars.iter().find(|(n, _)| n == name)
            {
                *node = value.clone();
                substitute_vars(node, vars, depth + 1);
            }
        }
        Node::Object(props) => props
            .iter_mut()
            .for_each(|(_, v)| substitute_vars(v, vars, depth + 1)),
        Node::Array(items) => items
            .iter_mut()
            .for_each(|v| substitute_vars(v, vars, depth + 1)),
        Node::Str(_) | Node::Other => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    /// Index into the lexer's strings.
    Str(usize),
    Punct(char),
    Newline,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    range: TextRange,
}

fn range(start: usize, end: usize) -> TextRange {
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    TextRange::new(size(start), size(end.max(start)))
}

fn lex(text: &str) -> (Vec<Token>, Vec<Str>) {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut strings = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                tokens.push(Token {
                    kind: Kind::Newline,
                    range: range(i, i + 1),
                });
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
            }
            b'\'' => {
                let (s, end) = if text[i..].starts_with("'''") {
                    multi_line_string(text, i)
                } else {
                    string(text, i)
                };
                tokens.push(Token {
                    kind: Kind::Str(strings.len()),
                    range: range(i, end),
                });
                strings.push(s);
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Ident,
                    range: range(start, i),
                });
            }
            b'{' | b'}' | b'[' | b']' | b'(' | b')' | b':' | b',' | b'=' | b'@' | b'.' | b'?' => {
                tokens.push(Token {
                    kind: Kind::Punct(c as char),
                    range: range(i, i + 1),
                });
                i += 1;
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                tokens.push(Token {
                    kind: Kind::Other,
                    range: range(i, i + len),
                });
                i += len;
            }
        }
    }
    (tokens, strings)
}

/// A `'...'` string starting at `start`: its value (`None` when interpolated or unterminated) and the
/// offset after it. An unterminated string ends at the end of its line.
fn string(text: &str, start: usize) -> (Str, usize) {
    let mut value = String::new();
    let mut exact = true;
    let mut literal = true;
    let mut chars = text[start + 1..].char_indices().peekable();
    let mut end = None;
    while let Some((off, c)) = chars.next() {
        let at = start + 1 + off;
        match c {
            '\'' => {
                end = Some(at);
                break;
            }
            '\n' => {
                let inner = range(start + 1, at);
                return (
                    Str {
                        value: None,
                        range: inner,
                        exact: false,
                        raw: text[start..at].to_owned(),
                    },
                    at,
                );
            }
            '\\' => {
                exact = false;
                match chars.next().map(|(_, e)| e) {
                    Some('n') => value.push('\n'),
                    Some('r') => value.push('\r'),
                    Some('t') => value.push('\t'),
                    Some('u') => {
                        let mut hex = String::new();
                        if chars.peek().map(|p| p.1) == Some('{') {
                            chars.next();
                            for (_, h) in chars.by_ref() {
                                if h == '}' {
                                    break;
                                }
                                hex.push(h);
                            }
                        }
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) => value.push(ch),
                            None => literal = false,
                        }
                    }
                    Some(other) => value.push(other),
                    None => literal = false,
                }
            }
            '$' if chars.peek().map(|p| p.1) == Some('{') => {
                literal = false;
                // Skip the interpolation, strings inside it included.
                chars.next();
                let mut depth = 1;
                let mut in_string = false;
                for (_, d) in chars.by_ref() {
                    match (in_string, d) {
                        (true, '\'') => in_string = false,
                        (true, _) => {}
                        (false, '\'') => in_string = true,
                        (false, '{') => depth += 1,
                        (false, '}') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        (false, '\n') => break,
                        _ => {}
                    }
                }
            }
            other => value.push(other),
        }
    }
    let close = end.unwrap_or(text.len());
    let inner = range(start + 1, close);
    let after = if end.is_some() { close + 1 } else { close };
    (
        Str {
            value: (literal && end.is_some()).then_some(value),
            range: inner,
            exact,
            raw: text[start..after].to_owned(),
        },
        after,
    )
}

/// A `'''...'''` string: no escapes and no interpolation; a line break right after the opening quotes is
/// not part of the value.
fn multi_line_string(text: &str, start: usize) -> (Str, usize) {
    let mut from = start + 3;
    if text[from..].starts_with("\r\n") {
        from += 2;
    } else if text[from..].starts_with('\n') {
        from += 1;
    }
    match text[from..].find("'''") {
        Some(len) => {
            let close = from + len;
            (
                Str {
                    value: Some(text[from..close].to_owned()),
                    range: range(from, close),
                    exact: true,
                    raw: text[start..close + 3].to_owned(),
                },
                close + 3,
            )
        }
        None => (
            Str {
                value: None,
                range: range(from, text.len()),
                exact: false,
                raw: text[start..].to_owned(),
            },
            text.len(),
        ),
    }
}

struct Parser<'a> {
    tokens: Vec<Token>,
    strings: Vec<Str>,
    pos: usize,
    text: &'a str,
    resources: Vec<Resource>,
    /// `var name = value` declarations, in order.
    vars: Vec<(String, Node)>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<Kind> {
        self.tokens.get(self.pos).map(|t| t.kind)
    }

    fn peek_at(&self, ahead: usize) -> Option<Kind> {
        self.tokens.get(self.pos + ahead).map(|t| t.kind)
    }

    fn string_at(&self, ahead: usize) -> Option<&Str> {
        match self.peek_at(ahead)? {
            Kind::Str(i) => self.strings.get(i),
            _ => None,
        }
    }

    fn ident_at(&self, ahead: usize) -> Option<&str> {
        let token = self.tokens.get(self.pos + ahead)?;
        (token.kind == Kind::Ident).then(|| &self.text[token.range])
    }

    fn is_punct(&self, c: char) -> bool {
        self.peek() == Some(Kind::Punct(c))
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(Kind::Newline) {
            self.pos += 1;
        }
    }

    /// Skip to just past the `:` that ends a `for ... in ...:` or `if (...):` head (nested brackets
    /// skipped whole); stop at a `]` that closes the expression.
    fn skip_past_colon(&mut self) {
        while let Some(kind) = self.peek() {
            match kind {
                Kind::Punct(':') => {
                    self.pos += 1;
                    break;
                }
                Kind::Punct(']') => break,
                Kind::Punct('{' | '[' | '(') => self.skip_balanced(),
                _ => self.pos += 1,
            }
        }
    }

    /// From an opening bracket, past its matching closer (or to the end).
    fn skip_balanced(&mut self) {
        let mut depth = 0usize;
        while let Some(kind) = self.peek() {
            self.pos += 1;
            match kind {
                Kind::Punct('{' | '[' | '(') => depth += 1,
                Kind::Punct('}' | ']' | ')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Past an expression: up to a line break, a comma or a closing bracket at its own level.
    fn skip_expression(&mut self) {
        while let Some(kind) = self.peek() {
            match kind {
                Kind::Newline | Kind::Punct(',' | '}' | ']' | ')') => return,
                Kind::Punct('{' | '[' | '(') => self.skip_balanced(),
                _ => self.pos += 1,
            }
        }
    }

    /// A decorator `@name(...)`.
    fn skip_decorator(&mut self) {
        self.pos += 1;
        while self.ident_at(0).is_some() || self.is_punct('.') {
            self.pos += 1;
        }
        if self.is_punct('(') {
            self.skip_balanced();
        }
    }

    fn file(&mut self) {
        while let Some(kind) = self.peek() {
            match kind {
                Kind::Newline => self.pos += 1,
                Kind::Punct('@') => self.skip_decorator(),
                Kind::Ident if self.is_resource_declaration() => self.resource(None, 0),
                Kind::Ident
                    if self.ident_at(0) == Some("var")
                        && self.ident_at(1).is_some()
                        && self.peek_at(2) == Some(Kind::Punct('=')) =>
                {
                    let name = self.ident_at(1).unwrap_or_default().to_owned();
                    self.pos += 3;
                    let value = self.value(0);
                    self.vars.push((name, value));
                }
                _ => {
                    // Any other statement: up to the end of its line (brackets may span lines).
                    while let Some(kind) = self.peek() {
                        match kind {
                            Kind::Newline => break,
                            Kind::Punct('{' | '[' | '(') => self.skip_balanced(),
                            _ => self.pos += 1,
                        }
                    }
                }
            }
        }
    }

    fn is_resource_declaration(&self) -> bool {
        self.ident_at(0) == Some("resource")
            && self.ident_at(1).is_some()
            && matches!(self.peek_at(2), Some(Kind::Str(_)))
    }

    /// `resource sym 'type' [existing] = <body>`, the parser at `resource`.
    fn resource(&mut self, owner: Option<usize>, depth: usize) {
        let symbol = self.ident_at(1).map(str::to_owned);
        let declared = self
            .string_at(2)
            .and_then(|s| s.value.clone())
            .unwrap_or_default();
        self.pos += 3;
        let existing = self.ident_at(0) == Some("existing");
        if existing {
            self.pos += 1;
        }
        let type_name = match owner {
            Some(p) => iac::child_type(&self.resources[p].type_name, &declared),
            None => iac::child_type("", &declared)
                .trim_start_matches('/')
                .to_owned(),
        };
        let index = self.resources.len();
        self.resources.push(Resource {
            symbol,
            type_name,
            existing,
            parent: owner.map_or(Parent::Unknown, Parent::Nested),
            body: Node::Other,
        });
        if !self.is_punct('=') {
            self.skip_expression();
            return;
        }
        self.pos += 1;
        self.skip_newlines();
        let looped = self.is_punct('[');
        if looped {
            // `[for x in xs: <body>]`
            self.pos += 1;
            self.skip_past_colon();
            self.skip_newlines();
        }
        if self.ident_at(0) == Some("if") {
            self.pos += 1;
            if self.is_punct('(') {
                self.skip_balanced();
            }
            self.skip_newlines();
        }
        let body = if self.is_punct('{') && depth <= MAX_DEPTH {
            self.object(depth + 1, Some(index))
        } else {
            self.skip_expression();
            Node::Other
        };
        if looped {
            self.skip_newlines();
            if self.is_punct(']') {
                self.pos += 1;
            }
        }
        if let Parent::Unknown = self.resources[index].parent
            && let Some(symbol) = parent_symbol(&body)
        {
            self.resources[index].parent = Parent::Symbol(symbol);
        }
        self.resources[index].body = body;
    }

    fn value(&mut self, depth: usize) -> Node {
        self.skip_newlines();
        if depth > MAX_DEPTH {
            self.skip_expression();
            return Node::Other;
        }
        match self.peek() {
            Some(Kind::Punct('{')) => self.object(depth + 1, None),
            Some(Kind::Punct('[')) => self.array(depth + 1),
            Some(Kind::Str(i)) => {
                self.pos += 1;
                match self.peek() {
                    None | Some(Kind::Newline | Kind::Punct(',' | '}' | ']' | ')')) => {
                        Node::Str(self.strings[i].clone())
                    }
                    _ => {
                        self.skip_expression();
                        Node::Other
                    }
                }
            }
            Some(Kind::Ident)
                if self.ident_at(0) == Some("union")
                    && self.peek_at(1) == Some(Kind::Punct('(')) =>
            {
                self.union(depth)
            }
            Some(Kind::Ident) => {
                let start = self.pos;
                self.skip_expression();
                let end = self.pos.max(start + 1).min(self.tokens.len());
                // A lone identifier (a parameter, a variable, a resource symbol) is kept by name.
                if end == start + 1 {
                    return Node::Ident(self.text[self.tokens[start].range].to_owned());
                }
                Node::Other
            }
            _ => {
                self.skip_expression();
                Node::Other
            }
        }
    }

    /// `{ ... }` from its opening brace; `owner` is the resource whose body it is (nested resources).
    fn object(&mut self, depth: usize, owner: Option<usize>) -> Node {
        self.pos += 1;
        let mut props = Vec::new();
        self.items('}', |p| match p.peek() {
            Some(Kind::Punct('@')) => p.skip_decorator(),
            Some(Kind::Ident) if p.is_resource_declaration() => match owner {
                Some(owner) => p.resource(Some(owner), depth),
                None => {
                    p.pos += 1;
                    p.skip_expression();
                }
            },
            Some(key @ (Kind::Ident | Kind::Str(_))) if p.peek_at(1) == Some(Kind::Punct(':')) => {
                let name = match key {
                    Kind::Str(i) => p.strings[i].value.clone(),
                    _ => Some(p.text[p.tokens[p.pos].range].to_owned()),
                };
                p.pos += 2;
                let value = p.value(depth);
                if let Some(name) = name {
                    props.push((name, value));
                }
            }
            _ => p.skip_expression(),
        });
        Node::Object(props)
    }

    /// `union(a, b, ...)` from `union`: the merged object, a later argument winning; an argument that is
    /// not a known object may set any key, so the keys before it are dropped. Arguments that are not
    /// objects at all (arrays) make it unknown.
    fn union(&mut self, depth: usize) -> Node {
        self.pos += 2;
        let mut props: Vec<(String, Node)> = Vec::new();
        let mut known = true;
        self.items(')', |p| {
            let mut arg = p.value(depth + 1);
            substitute_vars(&mut arg, &p.vars, 0);
            match arg {
                Node::Object(more) => {
                    for (key, value) in more {
                        props.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
                        props.push((key, value));
                    }
                }
                Node::Array(_) | Node::Str(_) => known = false,
                Node::Ident(_) | Node::Other => props.clear(),
            }
        });
        if known {
            Node::Object(props)
        } else {
            Node::Other
        }
    }

    /// `[ ... ]` from its opening bracket.
    fn array(&mut self, depth: usize) -> Node {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_newlines();
        if self.ident_at(0) == Some("for") {
            self.skip_past_colon();
            self.skip_newlines();
            if self.ident_at(0) == Some("if") {
                self.pos += 1;
                if self.is_punct('(') {
                    self.skip_balanced();
                }
            }
        }
        self.items(']', |p| items.push(p.value(depth)));
        Node::Array(items)
    }

    /// The items of a bracketed list, up to `close` (consumed): newlines and commas between items are
    /// skipped, `item` is called at each item's first token, and another closer ends the list unconsumed
    /// (malformed input: the caller recovers). An item that consumes nothing is stepped past, so the
    /// loop always ends.
    fn items(&mut self, close: char, mut item: impl FnMut(&mut Self)) {
        loop {
            let before = self.pos;
            while matches!(self.peek(), Some(Kind::Newline | Kind::Punct(','))) {
                self.pos += 1;
            }
            match self.peek() {
                None => break,
                Some(Kind::Punct(c)) if c == close => {
                    self.pos += 1;
                    break;
                }
                Some(Kind::Punct('}' | ']' | ')')) => break,
                _ => item(self),
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
    }
}

/// `parent: symbol` of a resource body.
fn parent_symbol(body: &Node) -> Option<String> {
    match body.get("parent")? {
        Node::Ident(symbol) => Some(symbol.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::sources::ConfigKey;

    #[test]
    fn computed_settings_are_named() {
        let text = "resource web 'Microsoft.Web/sites@2022-09-01' = {\n  properties: {\n    siteConfig: {\n      appSettings: [\n        {\n          name: 'DBPASS'\n          value: dbPassword\n        }\n        {\n          name: 'HOST'\n          value: '${prefix}.example.com'\n        }\n      ]\n    }\n  }\n}\n";
        let named: Vec<String> = values(text)
            .into_iter()
            .filter_map(|v| match v.key {
                ConfigKey::AppSettingNamed(name) => Some(name),
                _ => None,
            })
            .collect();
        assert_eq!(named, ["DBPASS", "HOST"]);
    }

    fn found(text: &str) -> Vec<(String, String, String)> {
        values(text)
            .into_iter()
            // Settings set to computed values are checked in `computed_settings_are_named`.
            .filter(|v| !matches!(v.key, ConfigKey::AppSettingNamed(_)))
            .map(|v| {
                let key = match v.key {
                    ConfigKey::AppSetting(name) => name,
                    ConfigKey::AppSettingNamed(name) => format!("{name}=<computed>"),
                    ConfigKey::StartupCommand => "<startup>".to_owned(),
                    ConfigKey::PythonVersion => "<python>".to_owned(),
                };
                let at = text[v.range].to_owned();
                if v.exact {
                    assert_eq!(at, v.value);
                }
                (key, v.value, at)
            })
            .collect()
    }

    const SITE: &str = r#"
param location string = resourceGroup().location
@description('The app')
resource web 'Microsoft.Web/sites@2022-09-01' = {
  name: 'app-${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    siteConfig: {
      linuxFxVersion: 'PYTHON|3.11'
      appCommandLine: 'gunicorn --bind=0.0.0.0 app:app' // comment
      appSettings: [
        {
          name: 'PRE_BUILD_COMMAND'
          value: '/home/site/wwwroot/x.sh'
        }
        { name: 'FROM_PARAM', value: location }
        { name: 'ESCAPED', value: 'it\'s' }
        { name: 'INTERPOLATED', value: 'x-${location}' }
      ]
    }
  }
}
"#;

    #[test]
    fn site_properties() {
        assert_eq!(
            found(SITE),
            vec![
                (
                    "<python>".into(),
                    "PYTHON|3.11".into(),
                    "PYTHON|3.11".into()
                ),
                (
                    "<startup>".into(),
                    "gunicorn --bind=0.0.0.0 app:app".into(),
                    "gunicorn --bind=0.0.0.0 app:app".into()
                ),
                (
                    "PRE_BUILD_COMMAND".into(),
                    "/home/site/wwwroot/x.sh".into(),
                    "/home/site/wwwroot/x.sh".into()
                ),
                ("ESCAPED".into(), "it's".into(), "it\\'s".into()),
            ]
        );
    }

    #[test]
    fn function_apps_and_other_stacks_are_skipped() {
        let func = SITE.replace("'app,linux'", "'functionapp,linux'");
        assert!(found(&func).is_empty());
        let node = SITE.replace("'PYTHON|3.11'", "'NODE|20-lts'");
        assert!(found(&node).is_empty());
    }

    #[test]
    fn config_children() {
        let text = r#"
resource site 'Microsoft.Web/sites@2022-09-01' = {
  name: 'a'
  kind: 'app,linux'
  resource web 'config' = {
    name: 'web'
    properties: {
      appCommandLine: 'startup.sh'
    }
  }
}
resource settings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
    'WITH-DASH': 'x'
    NOT_LITERAL: toLower('X')
  }
}
resource func 'Microsoft.Web/sites@2022-09-01' = {
  name: 'f'
  kind: 'functionapp'
}
resource funcSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: func
  name: 'appsettings'
  properties: { FUNC_ONLY: '1' }
}
resource byName 'Microsoft.Web/sites/config@2022-09-01' = if (deploy) {
  name: '${site.name}/appsettings'
  properties: { BY_NAME: 'yes' }
}
"#;
        let keys: Vec<String> = found(text).into_iter().map(|f| f.0).collect();
        assert_eq!(
            keys,
            vec![
                "<startup>",
                "SCM_DO_BUILD_DURING_DEPLOYMENT",
                "WITH-DASH",
                "BY_NAME"
            ]
        );
    }

    #[test]
    fn variables_and_unions_of_settings() {
        let text = r#"
resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'a'
  kind: 'app,linux'
  properties: {
    siteConfig: {
      appCommandLine: startCommand
    }
  }
}
var startCommand = 'startup.sh'
var base = {
  EARLY: 'dropped: the reduce() after it may replace it'
}
var merged = union(
  base,
  reduce(connector.listConfigurations().configurations, {}, (cur, next) => union(cur, { '${next.name}': next.value })),
  {
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
    SECRET_KEY: secretKey
  },
  { LATE: 'kept' }
)
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  name: 'appsettings'
  parent: site
  properties: merged
}
"#;
        assert_eq!(
            found(text),
            vec![
                ("<startup>".into(), "startup.sh".into(), "startup.sh".into()),
                (
                    "SCM_DO_BUILD_DURING_DEPLOYMENT".into(),
                    "true".into(),
                    "true".into()
                ),
                ("LATE".into(), "kept".into(), "kept".into()),
            ]
        );
        // A union with an array is not an object; a variable naming itself does not loop.
        assert!(
            found(
                "var a = union([1], {X: 'y'})
resource s 'Microsoft.Web/sites/config@1' = {
  name: 'appsettings'
  properties: a
}
"
            )
            .is_empty()
        );
        let _ = found(
            "var a = a
resource s 'Microsoft.Web/sites/config@1' = {
  name: 'appsettings'
  properties: a
}
",
        );
    }

    #[test]
    fn strings() {
        let text = "x: '''\nline one\nline two'''\n";
        let (tokens, strings) = lex(text);
        assert_eq!(tokens[2].kind, Kind::Str(0));
        assert_eq!(strings[0].value.as_deref(), Some("line one\nline two"));
        let (s, end) = string("'a\\u{41}b' rest", 0);
        assert_eq!((s.value.as_deref(), end), (Some("aAb"), 10));
        let (s, _) = string("'unterminated\nnext'", 0);
        assert_eq!(s.value, None);
    }

    #[test]
    fn malformed_text_never_panics() {
        for text in [
            "resource",
            "resource x 'Microsoft.Web/sites@1' =",
            "resource x 'Microsoft.Web/sites@1' = {",
            "resource x 'Microsoft.Web/sites@1' = { properties: { siteConfig: { appSettings: [ { name: 'A' value: 'B' } ] ",
            "}}}]]])))",
            "resource x 'Microsoft.Web/sites@1' = [for i in range(0, 2): {",
            "'\\u{zz}'",
            "'${",
        ] {
            let _ = values(text);
        }
        let deep = format!(
            "resource x 'Microsoft.Web/sites@1' = {{ p: {} }}",
            "{ a: ".repeat(10_000)
        );
        let _ = values(&deep);
        // Every prefix of a real template (cut anywhere, even inside a string or a comment).
        let text =
            format!("{SITE}/* é */ resource r 'Microsoft.Web/sites/config@1' = {{ name: 'web' }}");
        for (i, _) in text.char_indices() {
            let _ = values(&text[..i]);
        }
    }
}
