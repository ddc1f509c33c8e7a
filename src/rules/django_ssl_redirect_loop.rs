//! AZ306: `SECURE_SSL_REDIRECT` is on while Django never sees a request as HTTPS behind the front end.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{HttpsSeen, ProxyHeader};
use crate::rules::{Category, Context, RuleMeta, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ306",
    name: "django-ssl-redirect-loop",
    category: Category::Blocker,
    summary: "`SECURE_SSL_REDIRECT` is on but Django cannot tell HTTPS requests behind App Service's front end, so every page redirects to itself",
    docs: include_str!("../../lints/AZ306.md"),
    security_severity: None,
};

const HELP: &str = "tell Django which header carries the scheme, next to `SECURE_SSL_REDIRECT` in the production settings: `SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')`";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if django.https != HttpsSeen::Insecure {
        return;
    }
    let Some(redirect) = django.always_true("SECURE_SSL_REDIRECT").into_iter().next() else {
        return;
    };
    let Some(span) = redirect.span else { return };
    let place = settings_place(ctx, span);
    let mut d = Diagnostic::new(
        &META,
        Some(span),
        format!("SECURE_SSL_REDIRECT is on, but Django never sees a request as HTTPS on App Service, so every request redirects to itself ({place})"),
    )
    .label("redirects https:// to https:// forever")
    .help(HELP)
    .fix(fixes::proxy_header_fix(ctx.project, django))
    .note("App Service's front end ends TLS and forwards plain HTTP with `X-Forwarded-Proto: https`; without `SECURE_PROXY_SSL_HEADER` Django asks the server, which says http");
    // Say what is wrong with the proxy header the settings do set.
    for (assigned, header) in &django.proxy_header {
        match header {
            ProxyHeader::WrongHeader { header, span: at } => {
                if let Some(at) = at.or(assigned.span) {
                    d = d.secondary(
                        at,
                        format!("`{header}` never arrives: Django names the header `HTTP_X_FORWARDED_PROTO`"),
                    );
                }
            }
            ProxyHeader::WrongValue { value, span: at } => {
                if let Some(at) = at.or(assigned.span) {
                    d = d.secondary(at, format!("the front end sends `https`, never `{value}`"));
                }
            }
            _ => {}
        }
    }
    out.push(d);
}
