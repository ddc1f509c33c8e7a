//! AZ318: `ALLOWED_HOSTS` holds `'*'` in the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::HostsValue;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ318",
    name: "django-allowed-hosts-wildcard",
    category: Category::Risk,
    summary: "`ALLOWED_HOSTS` holds `'*'`, so Django accepts any `Host` header",
    docs: include_str!("../../lints/AZ318.md"),
    security_severity: Some("5.3"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Every branch must be wrong in some way; this rule reports the branches that hold `'*'`. A branch no
    // request can pass is AZ304's.
    for (assigned, verdict) in django.allowed_hosts_problems() {
        let HostsValue::Wildcard { span: star } = verdict else {
            continue;
        };
        let Some(span) = star.or(assigned.span) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "ALLOWED_HOSTS contains '*', so any Host header is accepted ({})",
                    settings_place(ctx, assigned.span.unwrap_or(span))
                ),
            )
            .label("host-header checks are off")
            .help("allow only the host name App Service gives the app: `ALLOWED_HOSTS = [os.environ['WEBSITE_HOSTNAME']]` in the production settings (add custom domains after it)")
            .note("Django builds absolute links (password resets, redirects) from the Host header"),
        );
    }
}
