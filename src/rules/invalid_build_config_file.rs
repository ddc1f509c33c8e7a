//! AZ112 invalid-build-config-file

use crate::diagnostic::Diagnostic;
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
                .note("until it parses, its pre-build, post-build and run commands never run, and the build says so only as a warning in the deployment log"),
        );
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
}
