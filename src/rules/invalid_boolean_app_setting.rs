//! AZ109 invalid-boolean-app-setting

use crate::diagnostic::Diagnostic;
use crate::platform::oryx::BoolReader;
use crate::rules::{Category, Context, RuleMeta, fixes, on_setting};

pub static META: RuleMeta = RuleMeta {
    code: "AZ109",
    name: "invalid-boolean-app-setting",
    category: Category::Blocker,
    summary: "A boolean App Service setting has a value other than true or false",
    docs: include_str!("../../lints/AZ109.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    for bad in &ctx.oryx.invalid_booleans {
        // The start-up script generator reads it only to build the gunicorn command of an auto-detected app.
        if bad.reader == BoolReader::StartupGenerator
            && ctx.startup.kind == crate::platform::startup::StartupKind::Custom
        {
            continue;
        }
        let setting = &bad.setting;
        let name = &setting.name;
        let intended = BoolReader::intended(&setting.value);
        // `no` or `off`: Kudu reads it as false, which is what it says.
        if bad.reader == BoolReader::Kudu && !intended {
            continue;
        }
        let fixed = if intended { "true" } else { "false" };
        let label = match bad.reader {
            BoolReader::OryxBuild => {
                "Oryx reads this with .NET `bool.TryParse` and stops the build: \"Value can either be 'true' or 'false'\""
                    .to_owned()
            }
            BoolReader::Kudu => {
                "Kudu builds only for `true` or `1`, so this value turns the build off".to_owned()
            }
            BoolReader::StartupGenerator => {
                "the start-up script generator panics on it (\"Value can either be 'true' or 'false'\"), so the container does not start"
                    .to_owned()
            }
        };
        let why = match bad.reader {
            BoolReader::OryxBuild => "Oryx accepts only `true` or `false`",
            BoolReader::Kudu => "Kudu accepts `true`, `false`, `1` or `0`",
            BoolReader::StartupGenerator => {
                "the start-up script generator accepts `true` or `false`"
            }
        };
        let help = format!(
            "{}: {why}",
            fixes::set_app_setting(project, &setting.source, name, fixed)
        );
        let d = on_setting(
            &META,
            project,
            setting,
            format!("{name} is `{}`, not `true` or `false`", setting.value),
            &label,
        )
        .help(help);
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::run_rule;

    fn messages(files: &[(&str, &[u8])], flags: &[(&str, &str)], cmd: Option<&str>) -> Vec<String> {
        run_rule(files, flags, cmd, super::check)
            .into_iter()
            .map(|d| format!("{} | {}", d.message, d.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn reports_each_reader_with_the_value_it_meant() {
        let found = messages(&[("build.env", b"DISABLE_COLLECTSTATIC=0\n")], &[], None);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("DISABLE_COLLECTSTATIC is `0`"),
            "{found:?}"
        );
        assert!(
            found[0].contains("`DISABLE_COLLECTSTATIC=false` in build.env"),
            "{found:?}"
        );
        let found = messages(&[], &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "enabled")], None);
        assert!(
            found[0].contains("SCM_DO_BUILD_DURING_DEPLOYMENT=true"),
            "{found:?}"
        );
    }

    #[test]
    fn stays_silent_when_the_value_does_what_it_says_or_is_not_read() {
        assert!(messages(&[], &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "no")], None).is_empty());
        assert!(messages(&[], &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "1")], None).is_empty());
        assert!(messages(&[], &[("DISABLE_COLLECTSTATIC", "FALSE")], None).is_empty());
        let multi = [("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "yes")];
        assert_eq!(messages(&[], &multi, None).len(), 1);
        assert!(messages(&[], &multi, Some("gunicorn app:app")).is_empty());
        // Kudu and the runtime never read build.env.
        let env: &[(&str, &[u8])] = &[(
            "build.env",
            b"SCM_DO_BUILD_DURING_DEPLOYMENT=yes\nPYTHON_ENABLE_GUNICORN_MULTIWORKERS=on\n",
        )];
        assert!(messages(env, &[], None).is_empty());
    }
}
