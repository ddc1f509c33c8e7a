//! AZ313: the start-up code requires an environment variable nothing sets.

use crate::diagnostic::Diagnostic;
use crate::platform::Provided;
use crate::platform::app_settings::Source;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ313",
    name: "required-env-var-not-configured",
    category: Category::Blocker,
    summary: "The start-up code reads an environment variable with no default that neither App Service nor the app's listed app settings set",
    docs: include_str!("../../lints/AZ313.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let listed_by = ctx
        .sources
        .app_settings_listed_by()
        .map(|c| c.value.source.describe(project));
    for read in ctx.required_env() {
        if !matches!(read.provided, Provided::Nothing) {
            continue;
        }
        let var = &read.var;
        // A host name used as the variable's name is never an app setting, whatever is listed.
        let host_name = var.contains(".azurewebsites.net") || var.ends_with(".azurewebsites");
        let d = if host_name {
            Diagnostic::new(
                &META,
                Some(read.span),
                format!("the start-up code reads the environment variable `{var}`, a host name used as a variable name, which no app setting defines, so the app stops with KeyError"),
            )
            .label("a host name, not a variable")
            .help("read the variable App Service sets to the app's host name: `os.environ['WEBSITE_HOSTNAME']`")
        } else {
            let Some(listed_by) = &listed_by else {
                continue;
            };
            Diagnostic::new(
                &META,
                Some(read.span),
                format!(
                    "the start-up code reads `{var}` with no default, but App Service does not set it and {listed_by}, which lists the app settings, does not either, so the app stops with KeyError at start-up"
                ),
            )
            .label("required at import")
            .help(format!(
                "add `{var}` to the app settings where they are listed ({listed_by}), or set it with `az webapp config appsettings set --name <app> --resource-group <group> --settings {var}=<value>`"
            ))
        };
        out.push(d.note(format!(
            "{} reads it outside any condition, so the first import fails without it",
            Source::File(read.span).describe_at(project)
        )));
    }
}
