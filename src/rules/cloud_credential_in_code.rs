//! AZ603: an Azure or other cloud credential is written in a deployed file.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ603",
    name: "cloud-credential-in-code",
    category: Category::Risk,
    summary: "A cloud credential (Azure connection-string key, client secret, live API key) is written in a deployed file",
    docs: include_str!("../../lints/AZ603.md"),
    security_severity: Some("8.8"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for found in &ctx.credentials().found {
        let file = ctx.project.rel_path(found.span.file);
        out.push(
            Diagnostic::new(
                &META,
                Some(found.span),
                format!("`{file}` holds {}, committed and deployed with the app", found.kind.label()),
            )
            .label("credential")
            .secret(found.span)
            .help("read it from an app setting (App Service passes app settings as environment variables; a Key Vault reference keeps it out of the portal too), or use the app's managed identity instead of a key; then revoke or rotate this one, which stays in the repository's history"),
        );
    }
}
