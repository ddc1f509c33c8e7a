//! AZ702: the deploy workflow builds `antenv` for one Python and the site runs another.

use crate::diagnostic::Diagnostic;
use crate::project::parse_python_version;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ702",
    name: "deploy-workflow-build-mismatch",
    category: Category::Blocker,
    summary: "The deploy workflow builds the virtual environment with one Python and the site runs another",
    docs: include_str!("../../lints/AZ702.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // The site's version, when the repository or a flag sets it (`runtime.txt` does not decide it).
    let Some(source) = ctx.python.site_source() else {
        return;
    };
    let site = ctx.python.version;
    for deploy in &ctx.sources.deploys {
        let Some(venv) = &deploy.venv else { continue };
        let Some((written, span)) = ctx.sources.workflow_python(deploy.span.file) else {
            continue;
        };
        let Some(built) = parse_python_version(written.trim_matches(['\'', '"'])) else {
            continue;
        };
        if built == site {
            continue;
        }
        out.push(
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "the workflow builds antenv with Python {built} and deploys it, but the site runs Python {site} ({}): the environment's interpreter links and compiled packages are for {built}, so the app fails to import them",
                    source.describe_at(ctx.project)
                ),
            )
            .label(format!("Python {built}"))
            .secondary(venv.created, "antenv made here")
            .help(format!(
                "set up the site's Python in the workflow: `python-version: '{site}'` (or move the site to {built})"
            )),
        );
    }
}
