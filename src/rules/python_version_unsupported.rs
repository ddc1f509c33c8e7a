//! AZ501: the site's Python version is one App Service no longer offers.

use crate::diagnostic::Diagnostic;
use crate::platform::python_versions::{not_offered, support};
use crate::rules::{Category, Context, RuleMeta, on_setting_source};

pub static META: RuleMeta = RuleMeta {
    code: "AZ501",
    name: "python-version-unsupported",
    category: Category::Blocker,
    summary: "The site's Python version is one App Service no longer offers",
    docs: include_str!("../../lints/AZ501.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // `runtime.txt` does not choose the site's version on App Service (AZ502 says so when it disagrees).
    let Some(source) = ctx.python.site_source() else {
        return;
    };
    let version = ctx.python.version;
    if !not_offered(version) {
        return;
    }
    let ended = support(version)
        .and_then(|s| s.ends)
        .map_or_else(String::new, |d| format!(" (its support ended {d})"));
    out.push(on_setting_source(
        &META,
        ctx.project,
        source,
        format!(
            "the site's Python is {version}{ended}, which App Service no longer offers: a new app or a deployment of this configuration cannot select it, and Oryx has no {version} to build with"
        ),
        "Python version App Service does not offer",
    )
    .help("move to a version App Service offers and supports, 3.12 or later: `linuxFxVersion: 'PYTHON|3.12'` (Bicep, ARM), `python_version = \"3.12\"` (Terraform), `az webapp config set --linux-fx-version \"PYTHON|3.12\"`"));
}
