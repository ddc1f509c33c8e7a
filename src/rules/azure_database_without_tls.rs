//! AZ309: a connection to Azure Database for PostgreSQL or MySQL turns TLS off, which the server refuses.

use crate::diagnostic::Diagnostic;
use crate::platform::django::TlsVerdict;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ309",
    name: "azure-database-without-tls",
    category: Category::Blocker,
    summary: "The database connection does not use TLS, which Azure Database for PostgreSQL and MySQL refuse by default",
    docs: include_str!("../../lints/AZ309.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let mut seen = Vec::new();
    for assigned in django.get("DATABASES") {
        for db in ctx.database_tls(&assigned.value) {
            let (how, fix) = match (&db.verdict, db.server) {
                (TlsVerdict::Off { option }, "PostgreSQL") => (
                    format!("with `{option}`"),
                    "`'OPTIONS': {'sslmode': 'require'}` (the server's certificate is public: `verify-full` with the CA bundle checks it too)",
                ),
                (TlsVerdict::Off { option }, _) => (
                    format!("with `{option}`"),
                    "remove the option, or require TLS: `'OPTIONS': {'ssl_mode': 'REQUIRED'}` (mysqlclient), `{'ssl': {'ca': '/etc/ssl/certs/ca-certificates.crt'}}` (PyMySQL)",
                ),
                (TlsVerdict::PlainDriver, _) => (
                    "through PyMySQL without an `ssl` option (PyMySQL uses TLS only when given one)".to_owned(),
                    "`'OPTIONS': {'ssl': {'ca': '/etc/ssl/certs/ca-certificates.crt'}}` (the system's CA bundle, which has the server's root)",
                ),
                (TlsVerdict::NotRequired { .. }, _) => continue,
            };
            let Some(span) = db.span.or(assigned.span) else {
                continue;
            };
            if seen.contains(&span) {
                continue;
            }
            seen.push(span);
            let host = if db.azure_host {
                format!("an Azure Database for {} host", db.server)
            } else {
                "the database host App Service's app settings give".to_owned()
            };
            out.push(
                Diagnostic::new(
                    &META,
                    Some(span),
                    format!(
                        "the `{}` database connects to {host} {how}, but Azure Database for {} refuses connections without TLS by default, so every query fails ({})",
                        db.alias,
                        db.server,
                        settings_place(ctx, span)
                    ),
                )
                .label(match db.verdict {
                    TlsVerdict::PlainDriver => "no TLS with PyMySQL",
                    _ => "TLS turned off",
                })
                .help(format!("connect with TLS: {fix}")),
            );
        }
    }
}
