//! `appsvc.yaml` at the root: the build commands Oryx's build reads, and the `run` command its start-up
//! script generator reads (docs/platform.md, "The appsvc.yaml file" and "The appsvc.yaml run command").
//!
//! Oryx (`DefaultBuildScriptGenerator.ProcessAppSvcYamlFile`) deserializes it with YamlDotNet into an object
//! with the string properties `version`, `pre-build`, `build`, `post-build` and `run`; the deserializer is
//! built without `IgnoreUnmatchedProperties`, so any other key, a value that is not a string, or YAML that
//! does not parse throws, and Oryx prints "Invalid BuildConfigurationFile" and ignores the whole file. A
//! non-empty `pre-build`/`post-build` replaces `PRE_BUILD_COMMAND`/`POST_BUILD_COMMAND` (and clears
//! `*_SCRIPT_PATH`), with its line breaks turned into `;`.
//!
//! The start-up script generator does not parse YAML at all (`ParseUserRunCommand` in
//! `src/startupscriptgenerator/src/common/parseUserCommands.go`): it scans the lines for one that starts,
//! at column 0, with `run:` followed by at least one more character; the rest of that line, trimmed, is the
//! command, and each following line, trimmed, is appended after a line break until a line holding `:`
//! anywhere. So `run: |` appends a bare `|`, a command that starts on the line below `run:` is never
//! read, and a file the build rejects still has its `run` line appended.

use saphyr::YamlData;

use super::values::{AppsvcRun, AppsvcYaml, ConfigError, Sourced};
use super::yaml::{self, ScalarValue};
use crate::platform::app_settings::Source;
use crate::project::{Project, Span};
use ruff_text_size::{TextRange, TextSize};

/// The keys Oryx accepts.
pub const KEYS: &[&str] = &["version", "pre-build", "build", "post-build", "run"];

/// Read `appsvc.yaml` at the app root, if there is one.
pub fn load(project: &Project) -> Option<AppsvcYaml> {
    let file = project.file("appsvc.yaml")?;
    let text = project.text_or_notice(file)?;
    let parsed = parse(&text.text);
    let run = read_run(&text.text, text.had_bom).map(|(command, range)| AppsvcRun {
        command,
        span: Span::new(file, range),
    });
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
        run,
        run_yaml: sourced(parsed.run),
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

/// The `run` command as the start-up script generator reads it: the command and the range from `run:` to
/// the end of the last line taken. `had_bom`: the file starts with a byte-order mark, which the generator
/// sees as text before `run:` on the first line. Go's line scanner gives up on a line of 64 KiB or more,
/// and then the generator keeps no command.
pub(crate) fn read_run(text: &str, had_bom: bool) -> Option<(String, TextRange)> {
    const RUN: &str = "run:";
    let mut found: Option<(String, usize, usize)> = None;
    let mut offset = 0usize;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.len() >= 64 * 1024 {
            return None;
        }
        let at_column_0 = line.starts_with(RUN) && !(index == 0 && had_bom);
        match &mut found {
            Some(_) if line.contains(':') => break,
            Some((command, _, end)) => {
                command.push('\n');
                command.push_str(line.trim());
                *end = start + line.len();
            }
            None if at_column_0 && line.len() > RUN.len() => {
                found = Some((
                    line[RUN.len()..].trim().to_owned(),
                    start,
                    start + line.len(),
                ));
            }
            None => {}
        }
    }
    let (command, start, end) = found?;
    let at = |n: usize| TextSize::try_from(n).unwrap_or_default();
    Some((command, TextRange::new(at(start), at(end))))
}

/// How Oryx's start-up reads `run` differently from what the YAML says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunMisread {
    /// The `run:` line holds no command, so the command on the lines below it is never read.
    Ignored { yaml: String },
    /// The text appended to the start-up script is not the YAML value (`|` or `>` kept, a quoted value kept
    /// with its quotes, a command cut at a line holding `:`, folded lines run as separate commands).
    Differs { appended: String, yaml: String },
}

impl AppsvcYaml {
    /// Whether the start-up reads `run` as something other than its YAML value (compared line by line,
    /// blank lines and white space at the ends of lines aside). `None` when they agree, or when the file
    /// is not YAML Oryx's build accepts (there is no YAML value to compare with).
    pub fn run_misread(&self) -> Option<RunMisread> {
        if self.error.is_some() {
            return None;
        }
        let yaml = self.run_yaml.as_ref().map(|v| v.value.trim().to_owned());
        let lines = |s: &str| -> Vec<String> {
            s.lines()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        };
        match (&self.run, yaml) {
            (_, None) => None,
            (None, Some(yaml)) if !yaml.is_empty() => Some(RunMisread::Ignored { yaml }),
            (None, Some(_)) => None,
            (Some(run), Some(yaml)) if lines(&run.command) != lines(&yaml) => {
                if run.command.is_empty() {
                    Some(RunMisread::Ignored { yaml })
                } else {
                    Some(RunMisread::Differs {
                        appended: run.command.clone(),
                        yaml,
                    })
                }
            }
            _ => None,
        }
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
    fn run_is_read_line_by_line() {
        let read = |text: &str| read_run(text, false).map(|(c, r)| (c, text[r].to_owned()));
        assert_eq!(
            read("version: 1\nrun: gunicorn app:app\n"),
            Some(("gunicorn app:app".into(), "run: gunicorn app:app".into()))
        );
        // A block scalar keeps its indicator as a line of its own.
        assert_eq!(
            read("run: |\n  echo one\n  echo two\npost-build: x\n")
                .unwrap()
                .0,
            "|\necho one\necho two"
        );
        // Continuation stops at any line holding `:`.
        assert_eq!(
            read("run: gunicorn\n  --bind=0.0.0.0:8000 app:app\n")
                .unwrap()
                .0,
            "gunicorn"
        );
        // `run:` alone, indented, or after a byte-order mark is not read.
        assert_eq!(read("run:\n  gunicorn app:app\n"), None);
        assert_eq!(read("  run: gunicorn app:app\n"), None);
        assert_eq!(read_run("run: x\n", true), None);
        assert_eq!(read_run("a: b\r\nrun: x\r\n", true).unwrap().0, "x");
        // Only spaces after `run:`: found, but nothing to append.
        assert_eq!(read("run:  \n").unwrap().0, "");
        assert_eq!(read(&format!("run: x\n{}\n", "y".repeat(70_000))), None);
    }

    #[test]
    fn run_misreadings_against_the_yaml() {
        let misread = |text: &str| {
            let (_d, p) = crate::project::test_project(&[("appsvc.yaml", text)]);
            load(&p).unwrap().run_misread()
        };
        assert_eq!(misread("run: gunicorn app:app\n"), None);
        assert_eq!(
            misread("run:\n  gunicorn app:app\n"),
            Some(RunMisread::Ignored {
                yaml: "gunicorn app:app".into()
            })
        );
        // `app:app` holds a colon, so even the block's first line is left out.
        assert!(matches!(
            misread("run: |\n  gunicorn app:app\n"),
            Some(RunMisread::Differs { appended, .. }) if appended == "|"
        ));
        assert!(matches!(
            misread("run: |\n  echo started\n"),
            Some(RunMisread::Differs { appended, .. }) if appended == "|\necho started"
        ));
        assert!(matches!(
            misread("run: \"echo hi\"\n"),
            Some(RunMisread::Differs { .. })
        ));
        // A file the build rejects has no YAML value to compare with; its run line is still read.
        let (_d, p) =
            crate::project::test_project(&[("appsvc.yaml", "prebuild: x\nrun: echo hi\n")]);
        let yaml = load(&p).unwrap();
        assert!(yaml.error.is_some() && yaml.run_misread().is_none());
        assert_eq!(yaml.run.unwrap().command, "echo hi");
    }

    #[test]
    fn empty_files_are_fine() {
        assert!(parse("").error.is_none());
        assert!(parse("# nothing\n").error.is_none());
        assert!(parse("pre-build:\n").pre_build.is_none());
    }
}
