//! AZ304: `ALLOWED_HOSTS` cannot match the host name App Service serves the app on.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{DebugValue, FOREIGN_VARS, Value, classify_debug};
use crate::project::Span;
use crate::rules::{Category, Context, Level, RuleMeta, bad_in_every_branch, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ304",
    name: "django-allowed-hosts-missing-website-hostname",
    category: Category::Blocker,
    summary: "`ALLOWED_HOSTS` cannot match the app's host name on App Service",
    docs: include_str!("../../lints/AZ304.md"),
    security_severity: Some("5.3"),
};

const HELP: &str = "allow the host name App Service gives the app: `ALLOWED_HOSTS = [os.environ['WEBSITE_HOSTNAME']]` in the production settings (add custom domains after it)";

/// Domains of other hosting platforms' default host names.
const FOREIGN_DOMAINS: &[&str] = &[
    "herokuapp.com",
    "onrender.com",
    "up.railway.app",
    "fly.dev",
    "vercel.app",
    "pythonanywhere.com",
    "appspot.com",
    "run.app",
];

const LOCAL_HOSTS: &[&str] = &[
    "localhost",
    ".localhost",
    "127.0.0.1",
    "[::1]",
    "::1",
    "0.0.0.0",
];

/// Why a list cannot serve the app.
enum Verdict {
    /// Only local names (or nothing), and maybe variables App Service never sets.
    Unreachable {
        shown: Vec<String>,
        foreign: Vec<String>,
    },
    /// `'*'`: every Host header is accepted.
    Wildcard,
}

fn verdict(value: &Value) -> Option<Verdict> {
    let items: Vec<&Value> = match value {
        Value::Unset => Vec::new(),
        Value::List(items) => items.iter().collect(),
        Value::Env(_) | Value::EnvDerived(_) => {
            let vars = value.env_vars();
            return if vars.iter().all(|v| FOREIGN_VARS.contains(&v.as_str())) {
                Some(Verdict::Unreachable {
                    shown: Vec::new(),
                    foreign: vars,
                })
            } else {
                None
            };
        }
        _ => return None,
    };
    let mut shown = Vec::new();
    let mut foreign = Vec::new();
    let mut wildcard = false;
    for item in items {
        match item {
            Value::Str(s) if s.value == "*" => wildcard = true,
            // Another platform's host name (`myapp.herokuapp.com`) is never the App Service host.
            Value::Str(s)
                if FOREIGN_DOMAINS
                    .iter()
                    .any(|d| s.value.trim_start_matches('.').ends_with(d)) =>
            {
                shown.push(format!("'{}'", s.value))
            }
            Value::Str(s) if LOCAL_HOSTS.contains(&s.value.as_str()) => {
                shown.push(format!("'{}'", s.value))
            }
            // A domain written out (the app's azurewebsites.net name, a custom domain) can be the host.
            Value::Str(_) => return None,
            Value::None => {}
            other => {
                let vars = other.env_vars();
                if vars.is_empty() || !vars.iter().all(|v| FOREIGN_VARS.contains(&v.as_str())) {
                    // Unknown, or driven by the environment App Service provides: fine.
                    return None;
                }
                foreign.extend(vars);
            }
        }
    }
    if wildcard {
        return Some(Verdict::Wildcard);
    }
    Some(Verdict::Unreachable { shown, foreign })
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let alternatives = django.get("ALLOWED_HOSTS");
    let debug_on = {
        let debug = django.get("DEBUG");
        !debug.is_empty()
            && debug.iter().all(|a| {
                matches!(
                    classify_debug(&a.value),
                    DebugValue::On { .. } | DebugValue::RawString { .. }
                )
            })
    };
    for (assigned, verdict) in bad_in_every_branch(&alternatives, verdict) {
        let (span, place) = match assigned.span {
            Some(span) => (span, settings_place(ctx, span)),
            None => {
                let Some(module) = django.modules.first() else {
                    continue;
                };
                (
                    Span::file_start(module.file),
                    ctx.project.rel_path(module.file).to_owned(),
                )
            }
        };
        let diagnostic = match verdict {
            Verdict::Wildcard => Diagnostic::new(
                &META,
                Some(span),
                format!("ALLOWED_HOSTS contains '*', so any Host header is accepted ({place})"),
            )
            .level(Level::Warning)
            .label("host-header checks are off")
            .note("Django builds absolute links (password resets, redirects) from the Host header"),
            Verdict::Unreachable { shown, foreign } => {
                let listed = if assigned.span.is_none() {
                    "is never set".to_owned()
                } else if shown.is_empty() {
                    "is empty".to_owned()
                } else {
                    format!("holds only {}", shown.join(", "))
                };
                let mut d = Diagnostic::new(
                    &META,
                    Some(span),
                    format!(
                        "ALLOWED_HOSTS {listed} in the settings App Service loads ({place}), so every request to <app>.azurewebsites.net gets 400 Bad Request"
                    ),
                )
                .label("does not include WEBSITE_HOSTNAME");
                if !foreign.is_empty() {
                    d = d.note(format!(
                        "{} is set by another hosting platform, never by App Service",
                        foreign.join(", ")
                    ));
                }
                if debug_on && shown.is_empty() {
                    d = d.note(
                        "with DEBUG on, an empty list allows only localhost, 127.0.0.1 and [::1]",
                    );
                }
                d
            }
        };
        out.push(diagnostic.help(HELP));
    }
}
