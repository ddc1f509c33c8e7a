//! AZ101 requirements-not-at-root

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ101",
    name: "requirements-not-at-root",
    category: Category::Blocker,
    summary: "No requirements.txt, setup.py or pyproject.toml at the app root",
    docs: include_str!("../../lints/AZ101.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
