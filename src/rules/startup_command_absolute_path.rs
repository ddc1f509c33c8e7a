//! AZ206 startup-command-absolute-path

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ206",
    name: "startup-command-absolute-path",
    category: Category::Blocker,
    summary: "The startup command or startup file uses a path into /home/site/wwwroot",
    docs: include_str!("../../lints/AZ206.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
