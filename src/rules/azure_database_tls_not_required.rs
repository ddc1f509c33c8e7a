//! AZ337: a connection to Azure Database for PostgreSQL or MySQL leaves TLS to the client's default.

use crate::diagnostic::Diagnostic;
use crate::platform::django::TlsVerdict;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ337",
    name: "azure-database-tls-not-required",
    category: Category::Advice,
    summary: "The connection to Azure Database for PostgreSQL or MySQL does not require TLS: it would fall back to plain text",
    docs: include_str!("../../lints/AZ337.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let mut seen = Vec::new();
    for assigned in django.get("DATABASES") {
        for db in ctx.database_tls(&assigned.value) {
            let TlsVerdict::NotRequired { mode } = &db.verdict else {
                continue;
            };
            let Some(span) = db.span.or(assigned.span) else {
                continue;
            };
            if seen.contains(&span) {
                continue;
            }
            seen.push(span);
            let (how, fix) = if db.server == "PostgreSQL" {
                (
                    match mode {
                        Some(m) => format!("`sslmode={m}`"),
                        None => "no `sslmode`: libpq's default `prefer`".to_owned(),
                    },
                    "`'OPTIONS': {'sslmode': 'require'}` (or `verify-full` with the CA bundle, which also checks the server's name)",
                )
            } else {
                (
                    match mode {
                        Some(m) => format!("`ssl_mode={m}`"),
                        None => "no TLS option: the client library's default".to_owned(),
                    },
                    "`'OPTIONS': {'ssl_mode': 'REQUIRED'}` (mysqlclient), or `{'ssl': {'ca': '/etc/ssl/certs/ca-certificates.crt'}}` (PyMySQL)",
                )
            };
            let host = if db.azure_host {
                format!("an Azure Database for {} host", db.server)
            } else {
                "host from the app settings".to_owned()
            };
            out.push(
                Diagnostic::new(
                    &META,
                    Some(span),
                    format!(
                        "the `{}` database does not require TLS ({how} falls back to an unencrypted connection when TLS is not offered); it works while the Azure server requires TLS, but the app never insists on it ({host}; {})",
                        db.alias,
                        settings_place(ctx, span)
                    ),
                )
                .label("TLS not required")
                .help(format!("require TLS in the connection: {fix}")),
            );
        }
    }
}
