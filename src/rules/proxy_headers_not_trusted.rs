//! AZ403: the app forces HTTPS but never learns that App Service's front end received the request over
//! HTTPS, so every request is redirected again.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ403",
    name: "proxy-headers-not-trusted",
    category: Category::Blocker,
    summary: "The app forces HTTPS (Flask-Talisman, HTTPSRedirectMiddleware) without trusting X-Forwarded-Proto: a redirect loop",
    docs: include_str!("../../lints/AZ403.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(marker) = ctx.https_redirect_loop() else {
        return;
    };
    let (what, fix) = match marker.what {
        "HTTPSRedirectMiddleware" => (
            "`HTTPSRedirectMiddleware` redirects every request it sees as http",
            "remove `HTTPSRedirectMiddleware` (App Service redirects to HTTPS itself with HTTPS Only), or make the server trust the front end's header: `--forwarded-allow-ips='*'` in the gunicorn or uvicorn command",
        ),
        _ => (
            "Flask-Talisman forces HTTPS (its default `force_https=True`) and redirects every request it sees as http",
            "trust the front end's `X-Forwarded-Proto`: `app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)` (werkzeug.middleware.proxy_fix), or `--forwarded-allow-ips='*'` in the gunicorn command; or pass `force_https=False` and turn on HTTPS Only for the app",
        ),
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(marker.span),
            format!(
                "{what}, but TLS ends at App Service's front end, which forwards plain http with `X-Forwarded-Proto: https`, and nothing trusts that header: every request is redirected to the same https URL again, in a loop"
            ),
        )
        .label("redirects to HTTPS")
        .help(fix)
        .note("the server does not trust the header either: gunicorn and uvicorn trust X-Forwarded-Proto only from the addresses in forwarded_allow_ips, 127.0.0.1 by default"),
    );
}
