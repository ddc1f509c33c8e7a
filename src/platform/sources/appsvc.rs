//! `appsvc.yaml` at the root: build commands Oryx reads (behaviour item 7).
//!
//! Oryx (`DefaultBuildScriptGenerator.ProcessAppSvcYamlFile`) deserializes it with YamlDotNet into an object
//! with the string properties `version`, `pre-build`, `build`, `post-build` and `run`; the deserializer is
//! built without `IgnoreUnmatchedProperties`, so any other key, a value that is not a string, or YAML that
//! does not parse throws, and Oryx prints "Invalid BuildConfigurationFile" and ignores the whole file. A
//! non-empty `pre-build`/`post-build` replaces `PRE_BUILD_COMMAND`/`POST_BUILD_COMMAND` (and clears
//! `*_SCRIPT_PATH`), with its line breaks turned into `;`.

use saphyr::YamlData;

use super::values::{AppsvcYaml, ConfigError, Sourced};
use super::yaml::{self, ScalarValue};
use crate::platform::app_settings::Source;
use crate::project::{Project, Span};
use ruff_text_size::TextRange;

/// The keys Oryx accepts.
pub const KEYS: &[&str] = &["version", "pre-build", "build", "post-build", "run"];

/// Read `appsvc.yaml` at the app root, if there is one.
pub fn load(project: &Project) -> Option<AppsvcYaml> {
    let file = project.file("appsvc.yaml")?;
    let text = project.text_or_notice(file)?;
    let parsed = parse(&text.text);
    let sourced = |v: Option<ScalarValue>| {
        v.map(|v| Sourced {
            value: v.value,
            source: Source::File(Span::new(file, v.range)),
            value_span: v.exact.then_some(Span::new(file, v.range)),
        })
    };
    Some(AppsvcYaml {
        file,
        error: parsed.error.map(|(range, message)| ConfigError {
            span: Span::new(file, range),
            message,
        }),
        pre_build: sourced(parsed.pre_build),
        post_build: sourced(parsed.post_build),
        run: sourced(parsed.run),
    })
}

#[derive(Default)]
pub(crate) struct Parsed {
    pub error: Option<(TextRange, String)>,
    pub pre_build: Option<ScalarValue>,
    pub post_build: Option<ScalarValue>,
    pub run: Option<ScalarValue>,
}

/// The file's commands, or why Oryx rejects it (then no command is kept: Oryx ignores the file).
pub(crate) fn parse(text: &str) -> Parsed {
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return Parsed::default(),
        Err(err) => {
            let at = yaml::to_range(err.offset, err.offset);
            return rejected(
                at,
                format!(
                    "appsvc.yaml is not valid YAML ({}), so Oryx ignores it",
                    err.message
                ),
            );
        }
    };
    let root = &doc.root;
    match &root.data {
        YamlData::Mapping(_) => {}
        YamlData::Value(saphyr::Scalar::Null) => return Parsed::default(),
        _ => {
            return rejected(
                doc.range(root),
                "appsvc.yaml is not a mapping of `pre-build`, `post-build` and `run`, so Oryx ignores it"
                    .to_owned(),
            );
        }
    }
    if let YamlData::Mapping(map) = &root.data {
        for (key, value) in map.iter() {
            let name = match &key.data {
                YamlData::Value(saphyr::Scalar::String(s)) => s.to_string(),
                _ => doc.text_of(key),
            };
            if !KEYS.contains(&name.as_str()) {
                return rejected(
                    doc.range(key),
                    format!(
                        "`{name}` is not a key of appsvc.yaml (version, pre-build, build, post-build, run), so Oryx ignores the whole file"
                    ),
                );
            }
            let kind = match &value.data {
                YamlData::Mapping(_) => Some("a mapping"),
                YamlData::Sequence(_) => Some("a list"),
                _ => None,
            };
            if let Some(kind) = kind {
                return rejected(
                    doc.range(value),
                    format!("`{name}` is {kind}, not a string, so Oryx ignores the whole file"),
                );
            }
        }
    }
    let value = |key: &str| yaml::get(root, key).and_then(|n| doc.scalar(n));
    Parsed {
        error: None,
        pre_build: value("pre-build"),
        post_build: value("post-build"),
        run: value("run"),
    }
}

fn rejected(range: TextRange, message: String) -> Parsed {
    Parsed {
        error: Some((range, message)),
        ..Parsed::default()
    }
}

/// The command Oryx pastes into the build script for a `pre-build`/`post-build` value.
pub fn as_command(value: &str) -> String {
    value.replace("\r\n", ";").replace('\n', ";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        let text = "version: 1\npre-build: bash /home/site/wwwroot/x.sh\npost-build: |\n  python manage.py migrate\n  echo done\nrun: echo started\n";
        let p = parse(text);
        assert!(p.error.is_none());
        let pre = p.pre_build.unwrap();
        assert_eq!(pre.value, "bash /home/site/wwwroot/x.sh");
        assert!(pre.exact);
        assert_eq!(&text[pre.range], pre.value);
        let post = p.post_build.unwrap();
        assert!(!post.exact);
        assert_eq!(
            as_command(&post.value),
            "python manage.py migrate;echo done;"
        );
        assert_eq!(p.run.unwrap().value, "echo started");
    }

    #[test]
    fn rejected_files_keep_nothing() {
        for (text, message) in [
            ("pre-build: [a\n", "is not valid YAML"),
            (
                "prebuild: x\npost-build: y\n",
                "`prebuild` is not a key of appsvc.yaml",
            ),
            (
                "pre-build:\n  - a\n  - b\n",
                "`pre-build` is a list, not a string",
            ),
            ("- a\n", "is not a mapping"),
        ] {
            let p = parse(text);
            let (_, m) = p.error.expect(text);
            assert!(m.contains(message), "{text}: {m}");
            assert!(p.pre_build.is_none() && p.post_build.is_none());
        }
    }

    #[test]
    fn empty_files_are_fine() {
        assert!(parse("").error.is_none());
        assert!(parse("# nothing\n").error.is_none());
        assert!(parse("pre-build:\n").pre_build.is_none());
    }
}
