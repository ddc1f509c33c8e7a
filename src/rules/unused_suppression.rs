//! AZ900 unused-suppression. Suppression comments are read after every rule has run, so this rule's
//! findings come from the suppression pass (`crate::suppress`), which knows which comments covered a
//! finding; the check below is empty by design, and the fixtures and the page's example prove the pass.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ900",
    name: "unused-suppression",
    category: Category::Advice,
    summary: "A `# noqa: AZ...` comment suppresses no finding, or names a code that is not a rule",
    docs: include_str!("../../lints/AZ900.md"),
    security_severity: None,
};

pub(crate) fn check(_ctx: &Context, _out: &mut Vec<Diagnostic>) {}
