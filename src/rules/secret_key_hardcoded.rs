//! AZ303 django-secret-key-hardcoded

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ303",
    name: "django-secret-key-hardcoded",
    category: Category::Risk,
    summary: "`SECRET_KEY` is written in the code or generated per process",
    docs: include_str!("../../lints/AZ303.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
