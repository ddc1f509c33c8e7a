//! AZ304 django-allowed-hosts-missing-website-hostname

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ304",
    name: "django-allowed-hosts-missing-website-hostname",
    category: Category::Blocker,
    summary: "`ALLOWED_HOSTS` cannot match the app's host name on App Service",
    docs: include_str!("../../lints/AZ304.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
