//! `.deployment` at the root: Kudu's per-deployment settings (docs/platform.md, "Whether the deployment builds").
//!
//! Kudu reads it with its own INI reader (`IniFile.cs`, used by `DeploymentSettingsProvider.cs`) and keeps
//! only the `[config]` section. The reader's rules, followed here: lines are trimmed and blank ones skipped;
//! `[name]` (more than two characters) starts a section, names compared ignoring case, and a second
//! `[config]` replaces the first; lines before any section are ignored; in a section, a line without `=` or
//! with nothing before it is ignored, otherwise it is `KEY=VALUE` split at the first `=` with both sides
//! trimmed. There are no comments and no quotes: `# X=1` sets a key named `# X`, and `"true"` keeps its
//! quotes. Keys are compared ignoring case. Kudu passes every deployment setting to the build as an
//! environment variable (`ExternalCommandFactory.cs`, `AddDeploymentSettingsAsEnvironmentVariables`), below
//! the app settings.

use ruff_text_size::{TextRange, TextSize};

use super::values::DeploymentFile;
use crate::platform::app_settings::{Setting, Source};
use crate::project::{Project, Span};

/// Read `.deployment` at the app root, if there is one.
pub fn load(project: &Project) -> Option<DeploymentFile> {
    let file = project.file(".deployment")?;
    let text = project.text_or_notice(file)?;
    let parsed = parse(&text.text);
    Some(DeploymentFile {
        file,
        has_config_section: parsed.has_config_section,
        settings: parsed
            .entries
            .into_iter()
            .map(|(name, value, range)| Setting {
                name,
                value,
                source: Source::File(Span::new(file, range)),
                value_span: Some(Span::new(file, range)),
            })
            .collect(),
    })
}

#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub has_config_section: bool,
    /// The `[config]` keys in file order: name, value, and the value's range.
    pub entries: Vec<(String, String, TextRange)>,
}

pub(crate) fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut in_config: Option<bool> = None;
    let mut start = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let value = body.trim();
        if value.is_empty() {
            continue;
        }
        if value.len() > 2 && value.starts_with('[') && value.ends_with(']') {
            let name = value[1..value.len() - 1].trim();
            if !name.is_empty() {
                let is_config = name.eq_ignore_ascii_case("config");
                if is_config {
                    // A new section object replaces the earlier one of the same name.
                    parsed.entries.clear();
                    parsed.has_config_section = true;
                }
                in_config = Some(is_config);
            }
            continue;
        }
        if in_config != Some(true) {
            continue;
        }
        let Some(eq) = value.find('=') else { continue };
        if eq == 0 {
            continue;
        }
        let key = value[..eq].trim().to_owned();
        let after = &value[eq + 1..];
        let val = after.trim();
        let lead = body.len() - body.trim_start().len();
        let from = line_start + lead + eq + 1 + (after.len() - after.trim_start().len());
        let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
        let range = TextRange::new(size(from), size(from + val.len()));
        parsed
            .entries
            .retain(|(k, _, _)| !k.eq_ignore_ascii_case(&key));
        parsed.entries.push((key, val.to_owned(), range));
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, String)> {
        parse(text)
            .entries
            .into_iter()
            .map(|(k, v, r)| {
                assert_eq!(&text[r], v);
                (k, v)
            })
            .collect()
    }

    #[test]
    fn config_section_only() {
        let text = "X=ignored\n[other]\nY=1\n[Config]\n SCM_DO_BUILD_DURING_DEPLOYMENT = true \nno equals\n=skipped\n";
        assert!(parse(text).has_config_section);
        assert_eq!(
            entries(text),
            vec![("SCM_DO_BUILD_DURING_DEPLOYMENT".into(), "true".into())]
        );
    }

    #[test]
    fn no_comments_no_quotes_last_wins() {
        let text = "[config]\n# A=1\nB=\"x\"\nb=2\n";
        assert_eq!(
            entries(text),
            vec![("# A".into(), "1".into()), ("b".into(), "2".into())]
        );
    }

    #[test]
    fn a_second_config_section_replaces_the_first() {
        let text = "[config]\nA=1\n[config]\nB=2\n";
        assert_eq!(entries(text), vec![("B".into(), "2".into())]);
        assert!(!parse("A=1\n").has_config_section);
        assert!(!parse("[]\n[c]\n").has_config_section);
    }
}
