//! AZ109 invalid-boolean-app-setting

use crate::diagnostic::Diagnostic;
use crate::platform::app_settings::{BoolParser, InvalidBoolean};
use crate::rules::{Category, Context, RuleMeta, fixes, on_setting};

pub static META: RuleMeta = RuleMeta {
    code: "AZ109",
    name: "invalid-boolean-app-setting",
    category: Category::Blocker,
    summary: "A boolean App Service setting has a value its program does not take as true or false",
    docs: include_str!("../../lints/AZ109.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // The build's (Oryx build, Kudu), then the start-up script generator's, which the start-up model lists
    // only when the generator reads them (an auto-detected start; DISABLE_FASTAPI_DETECTION only on 3.14+
    // without a Django folder).
    let all = ctx
        .oryx
        .invalid_booleans
        .iter()
        .chain(&ctx.startup.invalid_booleans);
    for bad in all {
        out.push(diagnostic(ctx, bad));
    }
}

fn diagnostic(ctx: &Context, bad: &InvalidBoolean) -> Diagnostic {
    let project = ctx.project;
    let setting = &bad.setting;
    let name = &setting.name;
    let fixed = if BoolParser::intended(&setting.value) {
        "true"
    } else {
        "false"
    };
    let (label, why) = match bad.parser {
        BoolParser::DotNet => (
            "Oryx's build reads this with .NET `bool.TryParse` and stops: \"Value can either be 'true' or 'false'\"",
            "Oryx's build takes only `true` or `false` (any case)",
        ),
        BoolParser::Kudu => (
            "Kudu builds only for `true` or `1`, so this value turns the build off",
            "Kudu takes `true` or `1` for true and anything else as false",
        ),
        BoolParser::Go => (
            "the start-up script generator reads this with Go's `strconv.ParseBool` and panics, so no start-up script is written and the container does not start",
            "the start-up script generator takes `1`, `t`, `T`, `TRUE`, `true`, `True`, `0`, `f`, `F`, `FALSE`, `false` or `False`",
        ),
    };
    let expected = match bad.parser {
        BoolParser::Go => "a Go boolean",
        _ => "`true` or `false`",
    };
    let help = format!(
        "{}: {why}",
        fixes::set_app_setting(project, &setting.source, name, fixed)
    );
    on_setting(
        &META,
        project,
        setting,
        format!("{name} is `{}`, not {expected}", setting.value),
        label,
    )
    .help(help)
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
    fn disable_fastapi_detection_is_read_only_where_oryx_reads_it() {
        let fastapi: &[(&str, &[u8])] =
            &[("main.py", b"from fastapi import FastAPI\napp = FastAPI()\n")];
        let yes = [("DISABLE_FASTAPI_DETECTION", "yes")];
        use crate::project::PythonVersion;
        let at = |python, files: &[(&str, &[u8])], flags: &[(&str, &str)], cmd: Option<&str>| {
            crate::rules::run_check(
                files,
                |c| {
                    c.app_settings = flags
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect();
                    c.startup_command = cmd.map(str::to_owned);
                    c.python_version = Some(python);
                },
                super::check,
            )
        };
        let on_314 = |files: &[(&str, &[u8])], flags: &[(&str, &str)], cmd: Option<&str>| {
            at(PythonVersion::PY314, files, flags, cmd)
        };
        let found = on_314(fastapi, &yes, None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("not a Go boolean"),
            "{}",
            found[0].message
        );
        // Not read: a startup command, a Django folder first, or Python before 3.14.
        assert!(on_314(fastapi, &yes, Some("gunicorn main:app")).is_empty());
        let django: &[(&str, &[u8])] = &[("site/wsgi.py", b"application = None\n")];
        assert!(on_314(django, &yes, None).is_empty());
        assert!(at(PythonVersion::PY313, fastapi, &yes, None).is_empty());
        assert!(on_314(fastapi, &[("DISABLE_FASTAPI_DETECTION", "1")], None).is_empty());
    }

    #[test]
    fn stays_silent_when_the_value_does_what_it_says_or_is_not_read() {
        assert!(messages(&[], &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "no")], None).is_empty());
        assert!(messages(&[], &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "1")], None).is_empty());
        assert!(messages(&[], &[("DISABLE_COLLECTSTATIC", "FALSE")], None).is_empty());
        let multi = [("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "yes")];
        assert_eq!(messages(&[], &multi, None).len(), 1);
        assert!(messages(&[], &multi, Some("gunicorn app:app")).is_empty());
        // Go's ParseBool takes `t` and `F`, not `tRue`.
        for value in ["t", "F", "True"] {
            let ok = [("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", value)];
            assert!(messages(&[], &ok, None).is_empty(), "{value}");
        }
        let mixed = [("PYTHON_ENABLE_GUNICORN_MULTIWORKERS", "tRue")];
        assert_eq!(messages(&[], &mixed, None).len(), 1);
        // Kudu and the runtime never read build.env.
        let env: &[(&str, &[u8])] = &[(
            "build.env",
            b"SCM_DO_BUILD_DURING_DEPLOYMENT=yes\nPYTHON_ENABLE_GUNICORN_MULTIWORKERS=on\n",
        )];
        assert!(messages(env, &[], None).is_empty());
    }
}
