//! AZ701: a workflow that deploys the app uses an action version GitHub has retired, or asks
//! `actions/setup-python` for a Python the runner no longer offers.

use crate::diagnostic::Diagnostic;
use crate::platform::actions::{retired, setup_python_unavailable};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ701",
    name: "deploy-workflow-uses-retired-action",
    category: Category::Blocker,
    summary: "The deploy workflow uses an action version GitHub has retired (artifact actions v1-v3, cache v1-v2) or a Python setup-python cannot install",
    docs: include_str!("../../lints/AZ701.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for step in ctx.sources.deploy_workflow_actions() {
        if let Some(r) = retired(&step.action, &step.reference) {
            out.push(
                Diagnostic::new(
                    &META,
                    Some(step.span),
                    format!(
                        "`{}@{}` was retired by GitHub on {}: the job fails at this step with \"This request has been automatically failed because it uses a deprecated version\", so the app is never deployed",
                        step.action, step.reference, r.date
                    ),
                )
                .label("retired action version")
                .help(format!(
                    "move to the current major version: `{}@v4` (v4 of the artifact actions needs a unique artifact name per upload in a run)",
                    step.action
                ))
                .note(format!("source: {}", r.source)),
            );
        }
        if let Some((version, span)) = &step.python_version
            && !step.runs_on.is_empty()
            && let Some(source) = setup_python_unavailable(version, &step.runs_on)
        {
            out.push(
                Diagnostic::new(
                    &META,
                    Some(*span),
                    format!(
                        "`actions/setup-python` cannot install Python {} on `{}`: the runner image has no build of it, so the job fails before the app is built or deployed",
                        version.trim_matches(['\'', '"']),
                        step.runs_on
                    ),
                )
                .label("Python the runner does not offer")
                .help("ask for the Python the site runs (its version in the portal, `linuxFxVersion` in a template), which the runner offers")
                .note(format!("source: {source}")),
            );
        }
    }
}
