//! AZ113 build-automation-off

use crate::diagnostic::Diagnostic;
use crate::platform::Source;
use crate::platform::oryx::{BuildRuns, TriggerCause};
use crate::platform::requirements::DependencyKind;
use crate::rules::{Category, Context, RuleMeta, fixes, on_setting};

pub static META: RuleMeta = RuleMeta {
    code: "AZ113",
    name: "build-automation-off",
    category: Category::Risk,
    summary: "The configuration turns the build off while the app has requirements",
    docs: include_str!("../../lints/AZ113.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let plan = &ctx.oryx;
    if plan.runs != BuildRuns::No || !plan.dependencies.installs_something() {
        return;
    }
    let Some(setting) = &plan.runs_setting else {
        return;
    };
    // The packages come with the deployment: a folder of them in the app, or the `antenv` the deploying
    // workflow fills.
    if plan.packages_shipped.is_some() {
        return;
    }
    let deps = &plan.dependencies;
    let what = match (deps.kind, deps.file) {
        (DependencyKind::CustomBuildCommand, _) => "the CUSTOM_BUILD_COMMAND never runs".to_owned(),
        (_, Some(file)) => format!(
            "the packages in {} are never installed",
            project.rel_path(file)
        ),
        _ => "the app's packages are never installed".to_owned(),
    };
    let (message, help) = match plan.runs_cause {
        TriggerCause::ScmDoBuild => (
            format!("{} is `{}`, so {what}", setting.name, setting.value),
            format!(
                "{}: Kudu then runs Oryx, which installs the packages into `{}`",
                fixes::set_app_setting(
                    project,
                    &setting.source,
                    "SCM_DO_BUILD_DURING_DEPLOYMENT",
                    "true"
                ),
                plan.venv_name
            ),
        ),
        TriggerCause::RunFromPackage | TriggerCause::RunFromPackageUrl => {
            let shown = if plan.runs_cause == TriggerCause::RunFromPackageUrl {
                "a URL".to_owned()
            } else {
                format!("`{}`", setting.value)
            };
            let remove = match &setting.source {
                Source::File(_) => format!(
                    "delete WEBSITE_RUN_FROM_PACKAGE from {}",
                    setting.source.describe_at(project)
                ),
                Source::Flag(_) => "remove it with `az webapp config appsettings delete --resource-group <group> --name <app> --setting-names WEBSITE_RUN_FROM_PACKAGE`".to_owned(),
            };
            (
                format!("WEBSITE_RUN_FROM_PACKAGE is {shown}, so {what}"),
                format!(
                    "{remove} and set SCM_DO_BUILD_DURING_DEPLOYMENT=true so Kudu builds the app, or install the packages into the package you deploy before you upload it"
                ),
            )
        }
        TriggerCause::Default | TriggerCause::ZipDeploy => return,
    };
    let label = match plan.runs_cause {
        TriggerCause::RunFromPackage => "Kudu mounts the uploaded zip as the app and runs no build",
        TriggerCause::RunFromPackageUrl => {
            "the app runs the package at this URL: Kudu neither deploys nor builds"
        }
        _ => "Kudu deploys the files as they are, without running Oryx",
    };
    let mut d = on_setting(&META, project, setting, message, label).help(help);
    if let Some(file) = deps.file
        && d.span.is_some()
    {
        d = d.secondary(
            crate::project::Span::file_start(file),
            "Oryx would install from this file",
        );
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::rules::run_rule;

    const APP: &[(&str, &[u8])] = &[
        ("app.py", b"import flask\n"),
        ("requirements.txt", b"flask\n"),
    ];

    #[test]
    fn reports_each_way_the_build_is_turned_off() {
        let run = |flags: &[(&str, &str)]| run_rule(APP, flags, None, super::check);
        let off = run(&[("SCM_DO_BUILD_DURING_DEPLOYMENT", "false")]);
        assert_eq!(off.len(), 1);
        assert!(
            off[0]
                .help
                .as_deref()
                .unwrap()
                .contains("SCM_DO_BUILD_DURING_DEPLOYMENT=true")
        );
        let url = run(&[(
            "WEBSITE_RUN_FROM_PACKAGE",
            "https://example.blob.core.windows.net/a.zip",
        )]);
        assert!(
            url[0]
                .message
                .starts_with("WEBSITE_RUN_FROM_PACKAGE is a URL"),
            "{}",
            url[0].message
        );
        assert!(
            run(&[("WEBSITE_RUN_FROM_PACKAGE", "1")])[0]
                .message
                .contains("`1`")
        );
    }

    #[test]
    fn silent_when_the_deploying_workflow_fills_antenv_itself() {
        let workflow = |install: &str| {
            format!(
                "jobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          python -m venv antenv\n          {install}\n      - run: az webapp config appsettings set -g rg -n shop --settings SCM_DO_BUILD_DURING_DEPLOYMENT=false\n      - uses: azure/webapps-deploy@v3\n        with:\n          app-name: shop\n"
            )
        };
        let run = |install: &str| {
            let text = workflow(install);
            let files: Vec<(&str, &[u8])> = vec![
                ("app.py", b"import flask\n"),
                ("requirements.txt", b"flask\n"),
                (".github/workflows/ship.yml", text.as_bytes()),
            ];
            run_rule(&files, &[], None, super::check)
        };
        assert!(run("antenv/bin/pip install -r requirements.txt").is_empty());
        // Installed into the runner's Python, not into antenv: nothing reaches the app.
        let fired = run("pip install -r requirements.txt");
        assert_eq!(fired.len(), 1);
        assert!(
            fired[0].message.contains("is `false`"),
            "{}",
            fired[0].message
        );
    }

    #[test]
    fn silent_when_nothing_says_or_nothing_to_install_or_packages_shipped() {
        assert!(run_rule(APP, &[], None, super::check).is_empty());
        assert!(
            run_rule(
                APP,
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "1")],
                None,
                super::check
            )
            .is_empty()
        );
        let bare: &[(&str, &[u8])] = &[("app.py", b"")];
        assert!(
            run_rule(
                bare,
                &[("SCM_DO_BUILD_DURING_DEPLOYMENT", "false")],
                None,
                super::check
            )
            .is_empty()
        );
        let shipped: &[(&str, &[u8])] = &[
            ("app.py", b""),
            ("requirements.txt", b"flask\n"),
            (".python_packages/lib/site-packages/flask/__init__.py", b""),
        ];
        assert!(
            run_rule(
                shipped,
                &[("WEBSITE_RUN_FROM_PACKAGE", "1")],
                None,
                super::check
            )
            .is_empty()
        );
    }
}
