//! AZ308: a database password is written in the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{PasswordLiteral, literal_db_passwords};
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ308",
    name: "django-database-password-hardcoded",
    category: Category::Risk,
    summary: "A database password is written in the settings (a literal, a literal fallback, or inside a connection URL)",
    docs: include_str!("../../lints/AZ308.md"),
    security_severity: Some("7.5"),
};

const HELP: &str = "read it from an app setting, with no fallback: `'PASSWORD': os.environ['DBPASS']` (App Service passes app settings as environment variables; a Key Vault reference keeps it out of the portal too), then change the password, which is in the repository's history";

const HELP_URL: &str = "take the whole URL from an app setting, with no default: `dj_database_url.config()` or django-environ's `env.db()` reads the DATABASE_URL app setting (App Service passes app settings as environment variables), then change the password, which is in the repository's history";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let mut seen = Vec::new();
    for assigned in django.get("DATABASES") {
        for pw in literal_db_passwords(&assigned.value) {
            if seen.contains(&pw.span) {
                continue;
            }
            seen.push(pw.span);
            let how = match pw.how {
                PasswordLiteral::Value => "is written in the settings",
                PasswordLiteral::Fallback => {
                    "falls back to a password written in the settings when the variable is not set"
                }
                PasswordLiteral::Url => "is written in the connection URL",
                PasswordLiteral::UrlFallback => {
                    "falls back to a connection URL with a password written in the settings"
                }
            };
            out.push(
                Diagnostic::new(
                    &META,
                    Some(pw.span),
                    format!(
                        "the password of the `{}` database {how} ({})",
                        pw.alias,
                        settings_place(ctx, pw.span)
                    ),
                )
                .label("database password in the code")
                .secret(pw.span)
                .help(match pw.how {
                    PasswordLiteral::Url | PasswordLiteral::UrlFallback => HELP_URL,
                    _ => HELP,
                })
                .note("anyone who can read the repository (and every fork and CI log of it) has the password"),
            );
        }
    }
}
