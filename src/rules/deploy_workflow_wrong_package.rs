//! AZ703: the deploy workflow deploys a folder other than the app root this tool checks.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ703",
    name: "deploy-workflow-wrong-package",
    category: Category::Blocker,
    summary: "The deploy workflow deploys a subfolder, not the app root this tool checked, or an archive zipped without requirements.txt",
    docs: include_str!("../../lints/AZ703.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    for deploy in &ctx.sources.deploys {
        // The archive it deploys was zipped without the requirements file.
        if deploy.excludes_requirements && project.file("requirements.txt").is_some() {
            out.push(
                Diagnostic::new(
                    &META,
                    Some(deploy.span),
                    format!(
                        "`{}` deploys an archive zipped without `requirements.txt` (`zip ... -x`), so the build on App Service finds no requirements file and installs no packages",
                        deploy.tool
                    ),
                )
                .label("deploys an archive without requirements.txt")
                .help("keep requirements.txt in the archive: remove it from the `zip -x` patterns (exclude the virtual environment and caches instead)"),
            );
            continue;
        }
        let Some(package) = deploy.package.as_deref() else {
            continue;
        };
        if package.is_empty() || package.ends_with(".zip") {
            continue;
        }
        // A folder the repository has (not one the workflow builds, such as `dist`).
        let prefix = format!("{package}/");
        if !project
            .files()
            .any(|f| project.rel_path(f).starts_with(&prefix))
        {
            continue;
        }
        let has_app = [
            "requirements.txt",
            "pyproject.toml",
            "manage.py",
            "app.py",
            "wsgi.py",
        ]
        .iter()
        .any(|name| project.file(&format!("{prefix}{name}")).is_some());
        out.push(
            Diagnostic::new(
                &META,
                Some(deploy.span),
                format!(
                    "`{}` deploys `{package}/`, not the folder this tool checked: App Service builds and runs what is in `{package}/`{}",
                    deploy.tool,
                    if has_app { "" } else { ", which has no requirements.txt, pyproject.toml or app module at its root" }
                ),
            )
            .label(format!("deploys {package}/"))
            .help(if has_app {
                format!("run appservice-preflight on the folder the workflow deploys: `appservice-preflight check {package}`")
            } else {
                format!("deploy the folder that holds the app (`package: .`), or move the app's files to the root of `{package}/`")
            }),
        );
    }
}
