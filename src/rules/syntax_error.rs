//! AZ001 python-syntax-error

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ001",
    name: "python-syntax-error",
    category: Category::Blocker,
    summary: "A Python file imported at start-up does not parse or is not UTF-8",
    docs: include_str!("../../lints/AZ001.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
