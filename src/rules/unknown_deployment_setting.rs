//! AZ115: a key in `.deployment` or `build.env` that nothing reads.

use crate::diagnostic::Diagnostic;
use crate::platform::deployment_keys::unknown_keys;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ115",
    name: "unknown-deployment-setting",
    category: Category::Risk,
    summary: "A key in `.deployment` or `build.env` that neither Kudu nor Oryx reads (a misspelling, or `STARTUP_COMMAND`)",
    docs: include_str!("../../lints/AZ115.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for key in unknown_keys(&ctx.sources) {
        out.push(
            Diagnostic::new(
                &META,
                Some(key.span),
                format!(
                    "`{}` in {} is not a setting Kudu or Oryx reads, so it does nothing",
                    key.name, key.file
                ),
            )
            .label("read by nothing")
            .help(format!("use {} instead", key.instead)),
        );
    }
}
