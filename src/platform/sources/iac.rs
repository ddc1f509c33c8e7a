//! What infrastructure-as-code templates (Bicep, ARM JSON) say about a web app, read from a small tree that
//! both template readers build: objects, arrays, string literals with their ranges, and everything else
//! (expressions, parameters, numbers) as unknown.
//!
//! A `Microsoft.Web/sites` resource whose `kind` names `functionapp` is a Function App (or a Logic App),
//! and one whose literal `linuxFxVersion` is not `PYTHON|…` runs another stack: neither is the app being
//! checked, so their settings are skipped. Read from a site: `properties.siteConfig.linuxFxVersion`,
//! `.appCommandLine` and `.appSettings` (`[{name, value}]`); from a `Microsoft.Web/sites/config` child
//! named `appsettings`: its `properties` map; named `web`: the same keys as `siteConfig`. Only string
//! literals count.

use ruff_text_size::TextRange;

use super::values::{ConfigKey, FileValue};

/// A value of a template.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Properties with a literal name, in order.
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    Str(Str),
    /// A bare identifier: a parameter, a variable or a resource symbol (Bicep).
    Ident(String),
    /// An expression, a number, a boolean: nothing known.
    Other,
}

/// A string in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Str {
    /// The string's value; `None` when it is an expression (Bicep interpolation, ARM `[...]`).
    pub value: Option<String>,
    /// Where the value is (quotes excluded).
    pub range: TextRange,
    /// The text at `range` is exactly `value` (no escapes).
    pub exact: bool,
    /// The string as written, for recognising names such as `'${site.name}/appsettings'`.
    pub raw: String,
}

impl Node {
    /// A property of an object, ignoring case as ARM does.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(props) => props
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The literal string at `path` (object keys), if it is one.
    pub fn literal(&self, path: &[&str]) -> Option<&Str> {
        let mut node = self;
        for key in path {
            node = node.get(key)?;
        }
        match node {
            Node::Str(s) if s.value.is_some() => Some(s),
            _ => None,
        }
    }

    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        let mut node = self;
        for key in path {
            node = node.get(key)?;
        }
        Some(node)
    }
}

impl Str {
    fn text(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }
}

/// How a resource names its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Parent {
    /// Not said (a top-level resource; its name may still say it).
    Unknown,
    /// Declared inside this resource (index into the list).
    Nested(usize),
    /// Bicep `parent: symbol`.
    Symbol(String),
}

/// One resource declaration.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    /// The Bicep symbolic name.
    pub symbol: Option<String>,
    /// The full type in lower case without the API version, e.g. `microsoft.web/sites/config`.
    pub type_name: String,
    /// A Bicep `existing` resource: declared elsewhere.
    pub existing: bool,
    pub parent: Parent,
    pub body: Node,
}

const SITE: &str = "microsoft.web/sites";
const SITE_CONFIG: &str = "microsoft.web/sites/config";

/// The full type of a nested resource whose type is relative (`config` under a site).
pub(crate) fn child_type(parent_type: &str, declared: &str) -> String {
    let declared = declared
        .split('@')
        .next()
        .unwrap_or(declared)
        .to_ascii_lowercase();
    if declared.contains('/') && declared.contains('.') {
        declared
    } else {
        format!("{parent_type}/{declared}")
    }
}

/// Whether a site resource is a web app running Python (or may be: unknown kind or stack).
fn is_python_web_app(site: &Resource) -> bool {
    if let Some(kind) = site.body.literal(&["kind"]) {
        let kind = kind.text().to_ascii_lowercase();
        if kind.contains("functionapp") || kind.contains("workflowapp") {
            return false;
        }
    }
    let fx = site
        .body
        .literal(&["properties", "siteConfig", "linuxFxVersion"]);
    !fx.is_some_and(|fx| {
        let fx = fx.text().trim();
        !fx.is_empty() && !fx.to_ascii_lowercase().starts_with("python|")
    })
}

/// The values the templates' web apps set, in declaration order.
pub(crate) fn site_values(resources: &[Resource]) -> Vec<FileValue> {
    let mut out = Vec::new();
    let sites: Vec<usize> = (0..resources.len())
        .filter(|&i| resources[i].type_name == SITE)
        .collect();
    let ours = |i: usize| is_python_web_app(&resources[i]);
    let any_ours = sites.is_empty() || sites.iter().any(|&i| ours(i));
    for (i, resource) in resources.iter().enumerate() {
        if resource.type_name == SITE {
            if ours(i) && !resource.existing {
                site_config(resource.body.at(&["properties", "siteConfig"]), &mut out);
            }
            continue;
        }
        if resource.type_name != SITE_CONFIG {
            continue;
        }
        let parent = match &resource.parent {
            Parent::Nested(p) => Some(*p),
            Parent::Symbol(symbol) => resources
                .iter()
                .position(|r| r.symbol.as_deref() == Some(symbol.as_str())),
            Parent::Unknown => None,
        };
        let counts = match parent {
            Some(p) if resources[p].type_name == SITE => ours(p),
            Some(_) => false,
            None => any_ours,
        };
        if !counts {
            continue;
        }
        match config_name(&resource.body).as_deref() {
            Some("appsettings") => {
                if let Some(Node::Object(props)) = resource.body.get("properties") {
                    for (name, value) in props {
                        match value {
                            Node::Str(s) => push(&mut out, ConfigKey::AppSetting(name.clone()), s),
                            _ => named(&mut out, name, TextRange::default()),
                        }
                    }
                }
            }
            Some("web") => site_config(resource.body.get("properties"), &mut out),
            _ => {}
        }
    }
    out
}

/// The last segment of a config resource's name (`appsettings`, `web`), in lower case, also when the name
/// is an expression such as `'${site.name}/appsettings'` or `[concat(parameters('s'), '/web')]`.
fn config_name(body: &Node) -> Option<String> {
    let Some(Node::Str(name)) = body.get("name") else {
        return None;
    };
    let text = name.value.as_deref().unwrap_or(&name.raw);
    let last = text.rsplit('/').next().unwrap_or(text);
    let last = last.trim_start_matches(['\'', '"']);
    let word: String = last
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!word.is_empty()).then(|| word.to_ascii_lowercase())
}

/// `linuxFxVersion`, `appCommandLine` and `appSettings` of a `siteConfig` (or `web` config) object.
fn site_config(config: Option<&Node>, out: &mut Vec<FileValue>) {
    let Some(config) = config else { return };
    if let Some(Node::Str(fx)) = config.get("linuxFxVersion") {
        push(out, ConfigKey::PythonVersion, fx);
    }
    if let Some(Node::Str(cmd)) = config.get("appCommandLine") {
        push(out, ConfigKey::StartupCommand, cmd);
    }
    if let Some(Node::Array(items)) = config.get("appSettings") {
        for item in items {
            match (item.literal(&["name"]), item.get("value")) {
                (Some(name), Some(Node::Str(value))) => {
                    push(out, ConfigKey::AppSetting(name.text().to_owned()), value)
                }
                (Some(name), Some(_)) => named(out, name.text(), name.range),
                _ => {}
            }
        }
    }
}

/// An app setting whose value the template computes: its name is set (at `range`), its value unknown.
fn named(out: &mut Vec<FileValue>, name: &str, range: TextRange) {
    out.push(FileValue {
        key: ConfigKey::AppSettingNamed(name.to_owned()),
        value: String::new(),
        range,
        exact: false,
    });
}

fn push(out: &mut Vec<FileValue>, key: ConfigKey, s: &Str) {
    let Some(value) = &s.value else {
        // An expression (`'${prefix}-db'`, `[parameters('x')]`): the setting is set, to an unknown value.
        if let ConfigKey::AppSetting(name) = key {
            out.push(FileValue {
                key: ConfigKey::AppSettingNamed(name),
                value: String::new(),
                range: s.range,
                exact: false,
            });
        }
        return;
    };
    out.push(FileValue {
        key,
        value: value.clone(),
        range: s.range,
        exact: s.exact,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_child_types() {
        assert_eq!(child_type(SITE, "config"), SITE_CONFIG);
        assert_eq!(
            child_type(SITE, "Microsoft.Web/sites/config@2022-03-01"),
            SITE_CONFIG
        );
    }
}
