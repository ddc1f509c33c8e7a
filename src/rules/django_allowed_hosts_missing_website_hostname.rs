//! AZ304: `ALLOWED_HOSTS` cannot match the host name App Service serves the app on.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{DebugValue, HostsValue};
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ304",
    name: "django-allowed-hosts-missing-website-hostname",
    category: Category::Blocker,
    summary: "`ALLOWED_HOSTS` cannot match the app's host name on App Service",
    docs: include_str!("../../lints/AZ304.md"),
    security_severity: None,
};

const HELP: &str = "allow the host name App Service gives the app: add `os.environ.get('WEBSITE_HOSTNAME', '')` to ALLOWED_HOSTS (empty, so matching nothing, where the variable is not set), or write `ALLOWED_HOSTS = [os.environ['WEBSITE_HOSTNAME']]` in settings only the deployed app loads; add custom domains after it";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let debug_on = !django.debug.is_empty()
        && django
            .debug
            .iter()
            .all(|(_, v)| matches!(v, DebugValue::On { .. } | DebugValue::RawString { .. }));
    // Every branch must be one no request can pass; a branch with `'*'` is AZ318's.
    let problems = django.allowed_hosts_problems();
    // A branch that holds `'*'` lets requests through (AZ318 says why that is a risk): then "every
    // request gets 400" is not true of the app, only of a branch App Service may never take.
    if problems
        .iter()
        .any(|(_, v)| matches!(v, HostsValue::Wildcard { .. }))
    {
        return;
    }
    for (assigned, verdict) in problems {
        let HostsValue::Unreachable { shown, foreign } = verdict else {
            continue;
        };
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
        .label("does not include WEBSITE_HOSTNAME")
        .help(HELP)
        .fix(assigned.span.and_then(|span| {
            fixes::append_to_literal(ctx.project, span, fixes::WEBSITE_HOSTNAME_ITEM)
        }));
        if !foreign.is_empty() {
            d = d.note(format!(
                "{} is set by another hosting platform, never by App Service",
                foreign.join(", ")
            ));
        }
        if debug_on && shown.is_empty() {
            d = d.note("with DEBUG on, an empty list allows only localhost, 127.0.0.1 and [::1]");
        }
        out.push(d);
    }
}
