//! AZ301 django-debug-not-from-env

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ301",
    name: "django-debug-not-from-env",
    category: Category::Blocker,
    summary: "`DEBUG` is on, or fails open, in the settings App Service loads",
    docs: include_str!("../../lints/AZ301.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
