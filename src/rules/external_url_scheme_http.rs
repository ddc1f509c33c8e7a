//! AZ404: the app builds absolute URLs from the request without trusting the proxy, so they are http://.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ404",
    name: "external-url-scheme-http",
    category: Category::Advice,
    summary: "`url_for(..., _external=True)` without a trusted proxy builds http:// URLs (OAuth redirect URIs, links in mail)",
    docs: include_str!("../../lints/AZ404.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(marker) = ctx.http_external_url() else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(marker.span),
            "`url_for(..., _external=True)` takes the scheme of the request the app sees, which is http behind App Service's front end when nothing trusts `X-Forwarded-Proto`: the URL comes out `http://` (an OAuth provider rejects such a redirect URI, and links in mail go through a redirect or break)",
        )
        .label("absolute URL with the request's scheme")
        .help("trust the front end's header: `app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)` (werkzeug.middleware.proxy_fix), or `--forwarded-allow-ips='*'` in the gunicorn command; or pass `_scheme='https'` with `_external=True`"),
    );
}
