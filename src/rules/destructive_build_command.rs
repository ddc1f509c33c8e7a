//! AZ114: a build hook deletes what the build needs (its own folder in /tmp, the app, antenv).

use crate::diagnostic::Diagnostic;
use crate::platform::build::Destroys;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ114",
    name: "destructive-build-command",
    category: Category::Blocker,
    summary: "A build hook deletes what the build needs: `/tmp` (the build's own folder), the app, or `antenv`",
    docs: include_str!("../../lints/AZ114.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for hook in ctx.build.iter() {
        let setting = hook.setting.name.as_str();
        for d in hook.destructive(ctx.project) {
            let (what, consequence) = match d.what {
                Destroys::Tmp => (
                    "everything under /tmp, where Oryx builds the app (its copy in /tmp/<id>)",
                    "the build deletes its own source and fails",
                ),
                Destroys::SourceDir => (
                    "the folder the hook runs in, the copy of the app being built",
                    "the build deletes the app it is building and fails, or deploys nothing",
                ),
                Destroys::Venv => (
                    "antenv, into which the build just installed the requirements",
                    "the app starts without its packages and fails with ModuleNotFoundError",
                ),
                Destroys::Wwwroot => (
                    "/home/site/wwwroot, where the build writes its output",
                    "the previous deployment's files go, and the build's output may not be written",
                ),
            };
            let mut diag = Diagnostic::new(
                &META,
                d.span,
                format!("the {} hook (`{setting}`) runs `rm -r {}`, which deletes {what}: {consequence}", hook.phase.as_str(), d.target),
            )
            .label("deletes what the build needs")
            .help("delete only what you created, by a path inside the app (`rm -rf ./build-cache`), or nothing: each build starts from a fresh copy");
            if d.span.is_none() {
                diag = diag.note(format!(
                    "set by {}",
                    hook.setting.source.describe(ctx.project)
                ));
            }
            out.push(diag);
        }
    }
}
