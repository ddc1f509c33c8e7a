//! AZ402: the signing key of a Flask app or of Starlette's session middleware is written in the code.

use crate::diagnostic::{Diagnostic, mask_secret};
use crate::platform::eval::ConfigHow;
use crate::platform::keys::{KeyProblem, key_problem};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ402",
    name: "app-secret-key-hardcoded",
    category: Category::Risk,
    summary: "The app's secret key (Flask `SECRET_KEY`, Starlette `SessionMiddleware`) is written in the code or generated per process",
    docs: include_str!("../../lints/AZ402.md"),
    security_severity: Some("7.5"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(write) = ctx.app_config("SECRET_KEY") else {
        return;
    };
    let Some(problem) = key_problem(&write.value) else {
        return;
    };
    let (whose, help) = if write.how == ConfigHow::SessionMiddleware {
        (
            "the `secret_key` of `SessionMiddleware`",
            "read it from an app setting: `app.add_middleware(SessionMiddleware, secret_key=os.environ['SESSION_SECRET'])` (App Service passes app settings as environment variables), then set one with a random value: `python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
        )
    } else {
        (
            "the Flask app's `SECRET_KEY`",
            "read it from an app setting: `app.config['SECRET_KEY'] = os.environ['SECRET_KEY']` (App Service passes app settings as environment variables), then set one with a random value: `python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
        )
    };
    let file = ctx.project.rel_path(write.span.file);
    let diagnostic = match problem {
        KeyProblem::Literal { value, span } => {
            let span = span.unwrap_or(write.span);
            let kind = if value.is_empty() {
                "an empty string".to_owned()
            } else {
                format!("the literal {}", mask_secret(&value))
            };
            Diagnostic::new(&META, Some(span), format!("{whose} is {kind} ({file})"))
                .label("anyone with the code can sign session cookies")
                .secret(span)
        }
        KeyProblem::LiteralFallback { var, value, span } => {
            let span = span.unwrap_or(write.span);
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "{whose} falls back to the literal {} when the app setting {var} is missing ({file})",
                    mask_secret(&value)
                ),
            )
            .label("used in production as soon as the app setting is missing")
            .secret(span)
        }
        KeyProblem::Generated { call, span } => Diagnostic::new(
            &META,
            Some(span),
            format!("{whose} is `{call}()`, a new key in every process ({file})"),
        )
        .label("each gunicorn worker and instance signs with a different key")
        .note("a session cookie signed by one worker is rejected by the others, and every restart logs everybody out"),
        KeyProblem::GeneratedFallback { var, call, span } => Diagnostic::new(
            &META,
            Some(span),
            format!("{whose} falls back to `{call}()`, a new key in every process, when the app setting {var} is missing ({file})"),
        )
        .label("each gunicorn worker and instance signs with a different key")
        .note("a session cookie signed by one worker is rejected by the others, and every restart logs everybody out"),
    };
    out.push(diagnostic.help(help));
}
