//! Terraform: the `azurerm_linux_web_app` resource (and the older `azurerm_app_service`), read with
//! `hcl-edit`, which keeps the position of every value.
//!
//! Read: `app_settings = { NAME = "value" }`, `site_config { app_command_line = "..." }` (also accepted
//! at the resource's top level), `site_config { application_stack { python_version = "3.11" } }`, and
//! `site_config { linux_fx_version = "PYTHON|3.9" }` of `azurerm_app_service`. A resource whose
//! `application_stack` names another stack (and no `python_version`), or whose `linux_fx_version` is not
//! `PYTHON|…`, is not the app being checked. Function Apps (`azurerm_linux_function_app`,
//! `azurerm_function_app`) and slots are not read. Only string literals count: variables, locals and
//! templates with `${...}` are unknown.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use ruff_text_size::{TextRange, TextSize};

use super::values::{ConfigKey, FileValue};

/// The resource types that are web apps.
const WEB_APPS: &[&str] = &["azurerm_linux_web_app", "azurerm_app_service"];

/// The web-app values a Terraform file sets, or why it does not parse.
pub(crate) fn values(text: &str) -> Result<Vec<FileValue>, String> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("").trim().to_owned();
        first.chars().take(200).collect::<String>()
    })?;
    let mut out = Vec::new();
    for block in body.blocks() {
        if block.ident.as_str() != "resource" {
            continue;
        }
        let Some(kind) = block.labels.first() else {
            continue;
        };
        if WEB_APPS.contains(&kind.as_str()) {
            web_app(block, text, &mut out);
        }
    }
    Ok(out)
}

fn web_app(block: &Block, text: &str, out: &mut Vec<FileValue>) {
    let mut found = Vec::new();
    let site_config = block.body.get_blocks("site_config").next();
    let configs: Vec<&Body> = std::iter::once(&block.body)
        .chain(site_config.map(|b| &b.body))
        .collect();
    for body in &configs {
        if let Some(attr) = body.get_attribute("app_command_line")
            && let Some((value, range, exact)) = literal(&attr.value, text)
        {
            found.push(FileValue {
                key: ConfigKey::StartupCommand,
                value,
                range,
                exact,
            });
        }
    }
    if let Some(site_config) = site_config {
        if let Some(attr) = site_config.body.get_attribute("linux_fx_version")
            && let Some((value, range, exact)) = literal(&attr.value, text)
        {
            if !value.trim().is_empty() && !value.to_ascii_lowercase().starts_with("python|") {
                return;
            }
            found.push(FileValue {
                key: ConfigKey::PythonVersion,
                value,
                range,
                exact,
            });
        }
        if let Some(stack) = site_config.body.get_blocks("application_stack").next() {
            match stack.body.get_attribute("python_version") {
                Some(attr) => {
                    if let Some((value, range, exact)) = literal(&attr.value, text) {
                        found.push(FileValue {
                            key: ConfigKey::PythonVersion,
                            value,
                            range,
                            exact,
                        });
                    }
                }
                None if stack.body.attributes().next().is_some() => return,
                None => {}
            }
        }
    }
    if let Some(attr) = block.body.get_attribute("app_settings")
        && let Expression::Object(object) = &attr.value
    {
        for (key, value) in object.iter() {
            let name = match key {
                ObjectKey::Ident(ident) => Some(ident.as_str().to_owned()),
                ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
                ObjectKey::Expression(_) => None,
            };
            let Some(name) = name else { continue };
            match literal(value.expr(), text) {
                Some((value, range, exact)) => found.push(FileValue {
                    key: ConfigKey::AppSetting(name),
                    value,
                    range,
                    exact,
                }),
                // `var.db_password`, `azurerm_key_vault_secret.x.id`: set, to an unknown value.
                None => found.push(FileValue {
                    key: ConfigKey::AppSettingNamed(name),
                    value: String::new(),
                    range: ruff_text_size::TextRange::default(),
                    exact: false,
                }),
            }
        }
    }
    found.sort_by_key(|f| f.range.start());
    out.extend(found);
}

/// A string literal: its value, where the value is (quotes excluded), and whether the text there is the
/// value exactly (no escapes).
fn literal(expr: &Expression, text: &str) -> Option<(String, TextRange, bool)> {
    let Expression::String(s) = expr else {
        return None;
    };
    let span = s.span()?;
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    let (start, end) = if text
        .get(span.clone())
        .is_some_and(|raw| raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"'))
    {
        (span.start + 1, span.end - 1)
    } else {
        (span.start, span.end)
    };
    let value = s.value().clone();
    let exact = text.get(start..end) == Some(value.as_str());
    Some((value, TextRange::new(size(start), size(end)), exact))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    const APP: &str = r#"
resource "azurerm_linux_web_app" "app" {
  name                = "app"
  service_plan_id     = azurerm_service_plan.plan.id
  app_settings = {
    "PRE_BUILD_COMMAND"            = "/home/site/wwwroot/x.sh"
    SCM_DO_BUILD_DURING_DEPLOYMENT = "true"
    FROM_VAR                       = var.x
    TEMPLATE                       = "x-${var.y}"
    ESCAPED                        = "a\"b"
  }
  site_config {
    app_command_line = "gunicorn app:app"
    application_stack {
      python_version = "3.11"
    }
  }
}
"#;

    #[test]
    fn web_app_values() {
        assert_eq!(
            found(APP),
            vec![
                ("PRE_BUILD_COMMAND".into(), "/home/site/wwwroot/x.sh".into()),
                ("SCM_DO_BUILD_DURING_DEPLOYMENT".into(), "true".into()),
                ("ESCAPED".into(), "a\"b".into()),
                ("<startup>".into(), "gunicorn app:app".into()),
                ("<python>".into(), "3.11".into()),
            ]
        );
    }

    #[test]
    fn function_apps_and_other_stacks() {
        let func = APP.replace("azurerm_linux_web_app", "azurerm_linux_function_app");
        assert!(found(&func).is_empty());
        let node = APP.replace("python_version = \"3.11\"", "node_version = \"20-lts\"");
        assert!(found(&node).is_empty());
        let legacy = r#"
resource "azurerm_app_service" "old" {
  site_config {
    linux_fx_version = "PYTHON|3.9"
    app_command_line = "startup.sh"
  }
}
"#;
        assert_eq!(
            found(legacy),
            vec![
                ("<python>".into(), "PYTHON|3.9".into()),
                ("<startup>".into(), "startup.sh".into())
            ]
        );
    }

    #[test]
    fn unparsable_files() {
        assert!(values("resource \"x\" {").is_err());
        let deep = format!("x = {}", "[".repeat(100_000));
        let err = values(&deep).unwrap_err();
        assert!(err.len() <= 200);
    }
}
