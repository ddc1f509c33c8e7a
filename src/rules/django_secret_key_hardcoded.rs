//! AZ303: `SECRET_KEY` is written in the code, falls back to a literal, or is generated per process.

use crate::diagnostic::{Diagnostic, mask_secret};
use crate::platform::keys::{KeyProblem as Problem, key_problem};
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ303",
    name: "django-secret-key-hardcoded",
    category: Category::Risk,
    summary: "`SECRET_KEY` is written in the code or generated per process",
    docs: include_str!("../../lints/AZ303.md"),
    security_severity: Some("7.5"),
};

const HELP: &str = "read it from an app setting: `SECRET_KEY = os.environ['SECRET_KEY']`, then set one: `az webapp config appsettings set --resource-group <group> --name <app> --settings SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\"`";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let alternatives = django.get("SECRET_KEY");
    for (assigned, problem) in bad_in_every_branch(&alternatives, key_problem) {
        let Some(assigned_span) = assigned.span else {
            continue;
        };
        let place = settings_place(ctx, assigned_span);
        let diagnostic = match problem {
            Problem::Literal { value, span } => {
                let span = span.unwrap_or(assigned_span);
                let kind = if value.is_empty() {
                    "an empty string (Django refuses to start with an empty key)".to_owned()
                } else if value.starts_with("django-insecure-") {
                    format!("the generated development key {}", mask_secret(&value))
                } else {
                    format!("the literal {}", mask_secret(&value))
                };
                // Only a literal that is the whole value is replaced (not a fallback inside a call).
                let fix = (span == assigned_span).then(|| {
                    fixes::replace_value_unsafe(ctx.project, span, "os.environ['SECRET_KEY']")
                });
                Diagnostic::new(&META, Some(span), format!("SECRET_KEY is {kind} in {place}"))
                    .label("anyone with the code can sign sessions, CSRF tokens and password-reset links")
                    .secret(span)
                    .fix(fix.flatten())
            }
            Problem::LiteralFallback { var, value, span } => {
                let span = span.unwrap_or(assigned_span);
                Diagnostic::new(
                    &META,
                    Some(span),
                    format!(
                        "SECRET_KEY falls back to the literal {} when the app setting {var} is missing ({place})",
                        mask_secret(&value)
                    ),
                )
                .label("used in production as soon as the app setting is missing")
                .secret(span)
            }
            Problem::Generated { call, span } => Diagnostic::new(
                &META,
                Some(span),
                format!("SECRET_KEY is `{call}()`, a new key in every process ({place})"),
            )
            .label("each gunicorn worker and instance signs with a different key")
            .note("sessions, CSRF tokens and password-reset links signed by one worker are rejected by the others"),
            Problem::GeneratedFallback { var, call, span } => Diagnostic::new(
                &META,
                Some(span),
                format!("SECRET_KEY falls back to `{call}()`, a new key in every process, when the app setting {var} is missing ({place})"),
            )
            .label("each gunicorn worker and instance signs with a different key")
            .note("sessions, CSRF tokens and password-reset links signed by one worker are rejected by the others"),
        };
        out.push(diagnostic.help(HELP));
    }
}
