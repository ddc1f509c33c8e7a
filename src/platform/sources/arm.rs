//! ARM JSON templates: `resources` (a list, or an object of symbolic names in language version 2.0),
//! nested `resources`, and the templates of nested `Microsoft.Resources/deployments`. A string that
//! starts with `[` is an ARM expression (unknown); `[[` starts a literal `[`. ARM accepts `//` and `/* */`
//! comments in templates, so they are parsed as JSON with comments.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};
use ruff_text_size::{TextRange, TextSize};

use super::iac::{self, Node, Parent, Resource, Str};
use super::values::FileValue;
use std::collections::HashSet;

use crate::project::{FileId, Project, Scanned};

/// How deep nested deployments are followed.
const MAX_DEPTH: usize = 32;

/// A folder with more JSON files than this is taken for data and its JSON files are not read as templates.
const MAX_TEMPLATES_PER_FOLDER: usize = 64;

/// How much of a JSON file is read to tell whether it may be a template.
const SNIFF_BYTES: u64 = 8 * 1024;

/// The JSON files of `files` that may be ARM templates, from their first bytes and without keeping them: a
/// repository can hold tens of thousands of JSON files (fixtures, data, translations), and only templates
/// are worth decoding and keeping. A file longer than the sniffed part is read whole if its start does not
/// decide it, so a template whose `$schema` comes late is still found; an unreadable file is kept (its
/// error is said where it is read).
pub(crate) fn may_be_templates(project: &Project, files: &[FileId]) -> HashSet<FileId> {
    // A folder holding many JSON files holds data (fixtures, translations, API samples), not deployment
    // templates, which come one or a few to a folder: it is not read at all, so the time spent grows with
    // the files that may matter, not with the data a repository carries.
    let mut per_folder: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let folder = |file: FileId| {
        let rel = project.rel_path(file);
        rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    };
    for &file in files {
        *per_folder.entry(folder(file)).or_default() += 1;
    }
    let files: Vec<FileId> = files
        .iter()
        .copied()
        .filter(|&file| per_folder[folder(file)] <= MAX_TEMPLATES_PER_FOLDER)
        .collect();
    let files = files.as_slice();
    let mentions = |bytes: &[u8]| {
        bytes
            .windows(SCHEMA_NAME.len())
            .any(|w| w.eq_ignore_ascii_case(SCHEMA_NAME))
    };
    let sniffed = project.scan(files, SNIFF_BYTES, |head, whole| {
        // `true` when the start decides nothing and the rest must be read.
        mentions(head) || !whole
    });
    files
        .iter()
        .zip(sniffed)
        .filter(|(file, sniffed)| match sniffed {
            Scanned::No => false,
            Scanned::Yes => project
                .text(**file)
                .map_or(true, |t| mentions(t.text.as_bytes())),
            Scanned::Unread => true,
        })
        .map(|(file, _)| *file)
        .collect()
}

const SCHEMA_NAME: &[u8] = b"deploymentTemplate.json";

/// Whether a JSON file is an ARM deployment template (by its `$schema`), from its text.
pub(crate) fn looks_like_template(text: &str) -> bool {
    text.contains("deploymentTemplate.json") && text.contains("resources")
}

/// The web-app values an ARM template sets, or why it cannot be read.
pub(crate) fn values(text: &str) -> Result<Vec<FileValue>, String> {
    let parse = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        ..ParseOptions::default()
    };
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &parse)
        .map_err(|e| e.to_string())?;
    let Some(root) = parsed.value else {
        return Ok(Vec::new());
    };
    let root = convert(&root, text);
    let schema = root
        .literal(&["$schema"])
        .and_then(|s| s.value.as_deref())
        .unwrap_or("");
    if !schema
        .to_ascii_lowercase()
        .contains("deploymenttemplate.json")
    {
        return Ok(Vec::new());
    }
    let mut resources = Vec::new();
    collect(root.get("resources"), None, &mut resources, 0);
    Ok(iac::site_values(&resources))
}

/// The resources of a `resources` value, each followed by its nested ones.
fn collect(list: Option<&Node>, owner: Option<usize>, out: &mut Vec<Resource>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let items: Vec<&Node> = match list {
        Some(Node::Array(items)) => items.iter().collect(),
        Some(Node::Object(props)) => props.iter().map(|(_, v)| v).collect(),
        _ => return,
    };
    for item in items {
        let declared = item
            .literal(&["type"])
            .and_then(|s| s.value.clone())
            .unwrap_or_default();
        let type_name = match owner {
            Some(p) => iac::child_type(&out[p].type_name, &declared),
            None => declared
                .split('@')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase(),
        };
        let index = out.len();
        let is_deployment = type_name == "microsoft.resources/deployments";
        out.push(Resource {
            symbol: None,
            type_name,
            existing: item
                .get("existing")
                .is_some_and(|e| matches!(e, Node::Ident(b) if b == "true")),
            parent: owner.map_or(Parent::Unknown, Parent::Nested),
            body: item.clone(),
        });
        collect(item.get("resources"), Some(index), out, depth + 1);
        if is_deployment {
            collect(
                item.at(&["properties", "template", "resources"]),
                None,
                out,
                depth + 1,
            );
        }
    }
}

fn size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or_default()
}

/// The template tree (the parser limits nesting to 512 levels).
fn convert(value: &Value, text: &str) -> Node {
    match value {
        Value::Object(object) => Node::Object(
            object
                .properties
                .iter()
                .map(|p| {
                    let name = match &p.name {
                        ObjectPropName::String(s) => s.value.to_string(),
                        ObjectPropName::Word(w) => w.value.to_owned(),
                    };
                    (name, convert(&p.value, text))
                })
                .collect(),
        ),
        Value::Array(array) => {
            Node::Array(array.elements.iter().map(|v| convert(v, text)).collect())
        }
        Value::StringLit(s) => {
            let raw = &text[s.range.start..s.range.end];
            let mut inner = TextRange::new(
                size(s.range.start + 1),
                size(s.range.end.saturating_sub(1).max(s.range.start + 1)),
            );
            let value: Option<String> = if let Some(rest) = s.value.strip_prefix("[[") {
                inner = TextRange::new(inner.start() + TextSize::new(1), inner.end());
                Some(format!("[{rest}"))
            } else if s.value.starts_with('[') && s.value.ends_with(']') {
                None
            } else {
                Some(s.value.to_string())
            };
            let exact = value.as_deref().is_some_and(|v| {
                text.get(inner.start().to_usize()..inner.end().to_usize()) == Some(v)
            });
            Node::Str(Str {
                value,
                range: inner,
                exact,
                raw: raw.to_owned(),
            })
        }
        Value::BooleanLit(b) => Node::Ident(b.value.to_string()),
        _ => Node::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::sources::ConfigKey;

    #[test]
    fn json_in_a_data_folder_is_not_read_and_a_template_folder_is() {
        let template = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"resources\": []}";
        let mut files: Vec<(String, String)> = (0..70)
            .map(|i| (format!("fixtures/f{i}.json"), format!("{{\"pk\": {i}}}")))
            .collect();
        files.push(("fixtures/site.json".into(), template.into()));
        files.push(("infra/azuredeploy.json".into(), template.into()));
        files.push(("infra/params.json".into(), "{}".into()));
        // A template whose `$schema` comes after the sniffed start is still found.
        let late = format!(
            "{{\"padding\": \"{}\", {}",
            "x".repeat(9000),
            &template[1..]
        );
        files.push(("deploy/late.json".into(), late));
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (_d, project) = crate::project::test_project(&refs);
        let json: Vec<FileId> = project
            .files()
            .filter(|&f| project.rel_path(f).ends_with(".json"))
            .collect();
        let found: Vec<&str> = {
            let set = may_be_templates(&project, &json);
            let mut v: Vec<&str> = set.iter().map(|&f| project.rel_path(f)).collect();
            v.sort();
            v
        };
        assert_eq!(found, ["deploy/late.json", "infra/azuredeploy.json"]);
    }

    const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  // ARM accepts comments
  "resources": [
    {
      "type": "Microsoft.Web/sites",
      "apiVersion": "2022-09-01",
      "name": "[parameters('siteName')]",
      "kind": "app,linux",
      "properties": {
        "siteConfig": {
          "linuxFxVersion": "PYTHON|3.11",
          "appSettings": [
            { "name": "PRE_BUILD_COMMAND", "value": "/home/site/wwwroot/x.sh" },
            { "name": "FROM_PARAM", "value": "[parameters('x')]" },
            { "name": "BRACKET", "value": "[[literal]" }
          ]
        }
      },
      "resources": [
        {
          "type": "config",
          "apiVersion": "2022-09-01",
          "name": "web",
          "properties": { "appCommandLine": "gunicorn app:app" }
        }
      ]
    },
    {
      "type": "Microsoft.Web/sites/config",
      "apiVersion": "2022-09-01",
      "name": "[concat(parameters('siteName'), '/appsettings')]",
      "properties": { "SCM_DO_BUILD_DURING_DEPLOYMENT": "true" }
    }
  ]
}"#;

    fn found(text: &str) -> Vec<(String, String)> {
        values(text)
            .unwrap()
            .into_iter()
            // Settings set to computed values are checked in `computed_settings_are_named`.
            .filter(|v| !matches!(v.key, ConfigKey::AppSettingNamed(_)))
            .map(|v| {
                if v.exact {
                    assert_eq!(&text[v.range], v.value);
                }
                let key = match v.key {
                    ConfigKey::AppSetting(name) => name,
                    ConfigKey::AppSettingNamed(name) => format!("{name}=<computed>"),
                    ConfigKey::StartupCommand => "<startup>".to_owned(),
                    ConfigKey::PythonVersion => "<python>".to_owned(),
                };
                (key, v.value)
            })
            .collect()
    }

    #[test]
    fn template_values() {
        assert_eq!(
            found(TEMPLATE),
            vec![
                ("<python>".into(), "PYTHON|3.11".into()),
                ("PRE_BUILD_COMMAND".into(), "/home/site/wwwroot/x.sh".into()),
                ("BRACKET".into(), "[literal]".into()),
                ("<startup>".into(), "gunicorn app:app".into()),
                ("SCM_DO_BUILD_DURING_DEPLOYMENT".into(), "true".into()),
            ]
        );
    }

    #[test]
    fn function_apps_and_non_templates() {
        let func = TEMPLATE.replace("\"app,linux\"", "\"functionapp,linux\"");
        assert!(found(&func).is_empty());
        assert!(found(r#"{"resources": [{"type": "Microsoft.Web/sites"}]}"#).is_empty());
        assert!(values("{ not json").is_err());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(values(&deep).is_err());
    }

    #[test]
    fn symbolic_resources_and_nested_deployments() {
        let text = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "resources": {
    "inner": {
      "type": "Microsoft.Resources/deployments",
      "properties": { "template": { "resources": [
        { "type": "Microsoft.Web/sites", "kind": "app,linux",
          "properties": { "siteConfig": { "appCommandLine": "startup.sh" } } }
      ] } }
    }
  }
}"#;
        assert_eq!(found(text), vec![("<startup>".into(), "startup.sh".into())]);
    }
}
