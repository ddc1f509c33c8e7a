//! AZ107 build-command-absolute-path

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ107",
    name: "build-command-absolute-path",
    category: Category::Blocker,
    summary: "A pre- or post-build command or script uses an absolute path",
    docs: include_str!("../../lints/AZ107.md"),
    security_severity: None,
    check,
};

fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
