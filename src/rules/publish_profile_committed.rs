//! AZ601: a publish profile (the app's deployment credentials) is in the deployed files.

use crate::diagnostic::Diagnostic;
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ601",
    name: "publish-profile-committed",
    category: Category::Risk,
    summary: "A publish profile (the app's deployment user name and password) is committed and deployed",
    docs: include_str!("../../lints/AZ601.md"),
    security_severity: Some("8.8"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for profile in &ctx.credentials().publish_profiles {
        let file = ctx.project.rel_path(profile.file);
        let span = profile.password.unwrap_or(Span::file_start(profile.file));
        let mut d = Diagnostic::new(
            &META,
            Some(span),
            format!("`{file}` is a publish profile: the deployment credentials of the app, committed and deployed with it"),
        )
        .label(if profile.password.is_some() {
            "deployment password"
        } else {
            "publish profile"
        })
        .help("delete the file, add `*.PublishSettings` to .gitignore, reset the credentials (`az webapp deployment list-publishing-profiles` shows new ones after `az resource invoke-action --action newpassword`, or Get publish profile > Reset in the portal), and keep the profile in a GitHub secret (`AZURE_WEBAPP_PUBLISH_PROFILE`)")
        .note("anyone who can read the repository can deploy any code to the app with it, until the credentials are reset");
        if let Some(password) = profile.password {
            d = d.secret(password);
        }
        out.push(d);
    }
}
