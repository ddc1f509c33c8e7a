//! AZ602: a `.env` file with secrets is committed (Git does not ignore it) and deployed with the app.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ602",
    name: "secrets-in-dotenv",
    category: Category::Risk,
    summary: "A `.env` file with secret values is committed (Git does not ignore it) and deployed with the app",
    docs: include_str!("../../lints/AZ602.md"),
    security_severity: Some("7.5"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for secret in &ctx.credentials().dotenv {
        let file = ctx.project.rel_path(secret.span.file);
        out.push(
            Diagnostic::new(
                &META,
                Some(secret.span),
                format!("`{file}` sets `{}` to a value, and Git does not ignore the file: the secret is in the repository, and in every deployment that takes the whole folder", secret.name),
            )
            .label("secret value")
            .secret(secret.span)
            .help(format!("move `{}` to an app setting (or a Key Vault reference), add `.env` to .gitignore, remove the file from the repository (`git rm --cached {file}`), and change the secret, which stays in the history", secret.name)),
        );
    }
}
