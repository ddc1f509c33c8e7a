//! AZ302 django-debug-env-string

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ302",
    name: "django-debug-env-string",
    category: Category::Blocker,
    summary: "`DEBUG` is a raw environment string, so `\"False\"` turns debug on",
    docs: include_str!("../../lints/AZ302.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
