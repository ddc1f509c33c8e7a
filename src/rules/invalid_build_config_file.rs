//! AZ112 invalid-build-config-file

use crate::diagnostic::Diagnostic;
use crate::platform::sources::appsvc::RunMisread;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ112",
    name: "invalid-build-config-file",
    category: Category::Risk,
    summary: "`appsvc.yaml` or `build.env` is malformed: Oryx ignores it or cannot load it",
    docs: include_str!("../../lints/AZ112.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(appsvc) = &ctx.sources.appsvc
        && let Some(error) = &appsvc.error
    {
        let path = ctx.project.rel_path(appsvc.file);
        out.push(
            Diagnostic::new(&META, Some(error.span), error.message.clone())
                .label("Oryx logs \"Invalid BuildConfigurationFile\" and ignores the whole file")
                .help(format!(
                    "make {path} valid YAML with only the keys Oryx reads, e.g. `version: 1`, `pre-build: <command>`, `post-build: |` followed by indented command lines, `run: <command>`"
                ))
                .note("until it parses, its pre-build and post-build commands never run, and the build says so only as a warning in the deployment log; the start-up still reads its `run:` line, line by line"),
        );
    }
    if let Some(appsvc) = &ctx.sources.appsvc
        && let Some(misread) = appsvc.run_misread()
    {
        let one_line = |yaml: &str| {
            yaml.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" && ")
        };
        let (span, message, label, yaml) = match &misread {
            RunMisread::Ignored { yaml } => (
                appsvc.run_yaml.as_ref().and_then(|v| v.source.span()),
                format!(
                    "the `run:` line of appsvc.yaml holds no command, so Oryx's start-up never reads `{}` below it",
                    one_line(yaml)
                ),
                "Oryx's start-up takes the command only from the `run:` line itself",
                yaml,
            ),
            RunMisread::Differs { appended, yaml } => (
                appsvc.run.as_ref().map(|r| r.span),
                format!(
                    "Oryx's start-up appends {appended:?} for `run`, not the YAML value {:?}",
                    yaml.trim_end()
                ),
                "read line by line: the rest of this line, then each next line up to one holding `:`",
                yaml,
            ),
        };
        let command = one_line(yaml);
        let mut d = Diagnostic::new(&META, span, message)
            .label(label)
            .help(format!(
                "write the whole command on the `run:` line, unquoted, with no `|` or `>` and no `:` on the lines after it: `run: {command}`"
            ));
        if command.contains(':') {
            d = d.note("a command with a `:` (such as `gunicorn app:app`) can only be a `run:` line of its own: Oryx stops at the next line holding `:`");
        }
        out.push(d.note("the start-up script runs the appended text after the startup command (or the detected app) exits"));
    }
    for error in &ctx.sources.build_env_errors {
        out.push(
            Diagnostic::new(&META, Some(error.span), error.message.clone())
                .help(
                    "write each line of build.env as NAME=VALUE (one name per line, no `export`, no `[section]`; double quotes around a value with spaces), or delete the line",
                )
                .note("Oryx reads build.env with .NET's INI configuration provider, not with a shell"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::run_rule;

    #[test]
    fn passes_on_what_the_configuration_model_finds() {
        let bad: &[(&str, &[u8])] = &[("build.env", b"PRE_BUILD_COMMAND=echo a\nNOT A SETTING\n")];
        let found = run_rule(bad, &[], None, super::check);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].span.is_some() && found[0].help.is_some());
        let yaml: &[(&str, &[u8])] = &[(
            "appsvc.yaml",
            b"version: 1\npost-build: |\npython manage.py migrate\n",
        )];
        let found = run_rule(yaml, &[], None, super::check);
        assert_eq!(found.len(), 1, "{found:?}");
        let good: &[(&str, &[u8])] = &[
            ("build.env", b"# comment\nPRE_BUILD_COMMAND=\"echo a\"\n"),
            (
                "appsvc.yaml",
                b"version: 1\npost-build: |\n  python manage.py migrate\n",
            ),
        ];
        assert!(run_rule(good, &[], None, super::check).is_empty());
    }

    #[test]
    fn run_lines_oryx_misreads() {
        let found = |text: &[u8]| {
            run_rule(&[("appsvc.yaml", text)], &[], None, super::check)
                .into_iter()
                .map(|d| d.message)
                .collect::<Vec<_>>()
        };
        let next_line = found(b"version: 1\nrun:\n  python worker.py\n");
        assert_eq!(next_line.len(), 1);
        assert!(
            next_line[0].contains("never reads `python worker.py`"),
            "{next_line:?}"
        );
        let block = found(b"run: |\n  python seed.py\n");
        assert!(
            block[0].contains(r#"appends "|\npython seed.py""#),
            "{block:?}"
        );
        assert!(found(b"run: python seed.py\n").is_empty());
        assert!(found(b"pre-build: echo hi\n").is_empty());
    }
}
