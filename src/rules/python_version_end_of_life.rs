//! AZ506: the site's Python version is past its end of support.

use crate::diagnostic::Diagnostic;
use crate::platform::python_versions::{not_offered, support, this_month};
use crate::rules::{Category, Context, RuleMeta, on_setting_source};

pub static META: RuleMeta = RuleMeta {
    code: "AZ506",
    name: "python-version-end-of-life",
    category: Category::Risk,
    summary: "The site's Python version is past its end of support (no more security fixes)",
    docs: include_str!("../../lints/AZ506.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(source) = ctx.python.site_source() else {
        return;
    };
    let version = ctx.python.version;
    if not_offered(version) {
        return;
    }
    let Some(s) = support(version) else { return };
    let now = this_month();
    let ends = s.ends.unwrap_or(s.eol);
    if ends >= now.as_str() {
        return;
    }
    out.push(
        on_setting_source(
            &META,
            ctx.project,
            source,
            format!(
                "the site's Python is {version}, whose support ended {ends} (CPython's end of life {}): it gets no security fixes, and App Service may remove it",
                s.eol
            ),
            "Python version past its end of support",
        )
        .help("move to a supported version, 3.12 or later, after checking the requirements install on it: `linuxFxVersion: 'PYTHON|3.12'` (Bicep, ARM), `python_version = \"3.12\"` (Terraform), `az webapp config set --linux-fx-version \"PYTHON|3.12\"`"),
    );
}
