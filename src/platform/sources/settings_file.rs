//! `--app-settings-file FILE`: the site's configuration as the Azure CLI prints it.
//!
//! Two shapes are read, told apart by their JSON: a list of `{"name", "value", "slotSetting"}` objects
//! (`az webapp config appsettings list`; a `null` value, which the CLI prints when the caller may not read
//! values, is skipped), and an object with `linuxFxVersion` and `appCommandLine` (`az webapp config show`,
//! or the `siteConfig` of `az webapp show`). PowerShell's `>` writes UTF-16, which is read too.

use std::path::Path;

use serde_json::Value;

/// What a settings file says about the site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    /// App settings, in file order.
    pub app_settings: Vec<(String, String)>,
    /// `linuxFxVersion`, such as `PYTHON|3.11`.
    pub linux_fx_version: Option<String>,
    /// `appCommandLine`: the startup command (empty: none).
    pub app_command_line: Option<String>,
}

/// Read and parse the file at `path`; the error is a one-line usage message.
pub fn read(path: &Path) -> Result<SiteSettings, String> {
    let shown = path.display();
    let bytes = read_regular_file(path, MAX_BYTES)
        .map_err(|e| format!("--app-settings-file `{shown}` cannot be read: {e}"))?;
    let text = decode(&bytes)
        .ok_or_else(|| format!("--app-settings-file `{shown}` is not UTF-8 or UTF-16 text"))?;
    parse(&text).map_err(|e| format!("--app-settings-file `{shown}` {e}"))
}

/// The largest settings file read (the CLI's JSON for hundreds of settings is a few tens of KiB).
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// The bytes of a regular file, at most `max` of them counted as read (a FIFO, a device or a file whose
/// reported size is wrong cannot block or exhaust memory).
fn read_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // Asked before opening: opening a FIFO blocks until a writer comes.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB",
            max / 1024 / 1024
        )));
    }
    Ok(bytes)
}

fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |big: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if big {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Parse the JSON; the error completes "--app-settings-file `path` ...".
pub(crate) fn parse(text: &str) -> Result<SiteSettings, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("is not JSON: {e}"))?;
    let not_known = || {
        "is neither the JSON of `az webapp config appsettings list` nor of `az webapp config show`"
            .to_owned()
    };
    let mut site = SiteSettings::default();
    match &json {
        Value::Array(items) => {
            site.app_settings = name_value_pairs(items).ok_or_else(not_known)?;
        }
        Value::Object(object) => {
            let config = match object.get("siteConfig") {
                Some(Value::Object(inner)) => inner,
                _ => object,
            };
            let string = |key: &str| match config.get(key) {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            let known = ["linuxFxVersion", "appCommandLine"]
                .iter()
                .any(|k| config.contains_key(*k));
            if !known {
                return Err(not_known());
            }
            site.linux_fx_version = string("linuxFxVersion").filter(|v| !v.trim().is_empty());
            site.app_command_line = string("appCommandLine").filter(|v| !v.trim().is_empty());
            if let Some(Value::Array(items)) = config.get("appSettings") {
                site.app_settings = name_value_pairs(items).unwrap_or_default();
            }
        }
        _ => return Err(not_known()),
    }
    Ok(site)
}

/// `[{"name": ..., "value": ...}]`; `None` when an item is not such an object.
fn name_value_pairs(items: &[Value]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for item in items {
        let name = item.get("name")?.as_str()?;
        match item.get("value") {
            Some(Value::String(value)) => out.push((name.to_owned(), value.clone())),
            Some(Value::Null) | None => {}
            Some(other) => out.push((name.to_owned(), other.to_string())),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appsettings_list() {
        let text = r#"[
          {"name": "SCM_DO_BUILD_DURING_DEPLOYMENT", "slotSetting": false, "value": "true"},
          {"name": "SECRET", "slotSetting": true, "value": null}
        ]"#;
        let site = parse(text).unwrap();
        assert_eq!(
            site.app_settings,
            vec![("SCM_DO_BUILD_DURING_DEPLOYMENT".into(), "true".into())]
        );
        assert_eq!(site.linux_fx_version, None);
    }

    #[test]
    fn config_show() {
        let text = r#"{"appCommandLine": "gunicorn app:app", "linuxFxVersion": "PYTHON|3.11", "appSettings": null}"#;
        let site = parse(text).unwrap();
        assert_eq!(site.linux_fx_version.as_deref(), Some("PYTHON|3.11"));
        assert_eq!(site.app_command_line.as_deref(), Some("gunicorn app:app"));
        let empty = parse(r#"{"appCommandLine": "", "linuxFxVersion": "PYTHON|3.12"}"#).unwrap();
        assert_eq!(empty.app_command_line, None);
        let nested =
            parse(r#"{"name": "app", "siteConfig": {"linuxFxVersion": "PYTHON|3.10"}}"#).unwrap();
        assert_eq!(nested.linux_fx_version.as_deref(), Some("PYTHON|3.10"));
    }

    #[test]
    fn usage_errors() {
        assert!(parse("not json").unwrap_err().starts_with("is not JSON"));
        assert!(parse(r#"{"a": 1}"#).unwrap_err().starts_with("is neither"));
        assert!(parse(r#"[1, 2]"#).unwrap_err().starts_with("is neither"));
        assert!(parse("3").is_err());
        let missing = read(Path::new("/nonexistent/appsettings.json")).unwrap_err();
        assert!(
            missing
                .starts_with("--app-settings-file `/nonexistent/appsettings.json` cannot be read")
        );
    }

    #[test]
    fn utf16_and_bom() {
        let text = r#"[{"name": "A", "value": "1"}]"#;
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode(&le).as_deref(), Some(text));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(text.bytes());
        assert_eq!(decode(&bom).as_deref(), Some(text));
    }
}
