//! AZ316: `ALLOWED_HOSTS` lists only custom domains written out, so the app's own App Service names get 400.

use crate::diagnostic::Diagnostic;
use crate::platform::django::custom_domains_only;
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ316",
    name: "django-allowed-hosts-literal-only",
    category: Category::Risk,
    summary: "`ALLOWED_HOSTS` lists only custom domains, so the app's `azurewebsites.net` name and its slots get 400",
    docs: include_str!("../../lints/AZ316.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let hosts = django.get("ALLOWED_HOSTS");
    for (assigned, domains) in bad_in_every_branch(&hosts, custom_domains_only) {
        let Some(span) = assigned.span else { continue };
        let listed = domains
            .iter()
            .map(|(d, _)| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let written = domains
            .iter()
            .map(|(d, _)| format!("'{d}'"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "ALLOWED_HOSTS lists only {listed}, so requests to the app's own name (<app>.azurewebsites.net) and to its deployment slots get 400 Bad Request ({})",
                    settings_place(ctx, span)
                ),
            )
            .label("no App Service host name")
            .help(format!(
                "add the name App Service gives the app: `ALLOWED_HOSTS = [{written}, os.environ['WEBSITE_HOSTNAME']]`"
            ))
            .note("each deployment slot has its own host name, which WEBSITE_HOSTNAME carries; App Service's health check may call the instance by a name that is not the custom domain too"),
        );
    }
}
