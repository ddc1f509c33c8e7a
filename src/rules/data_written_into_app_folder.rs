//! AZ405: the app's handlers write data files inside the app folder, which App Service does not keep.

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ405",
    name: "data-written-into-app-folder",
    category: Category::Risk,
    summary: "The app writes data files inside the app folder, which restarts and deployments replace",
    docs: include_str!("../../lints/AZ405.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let lost = if ctx.startup.compressed {
        "the app runs from a copy extracted to /tmp/<id> at every start, so the file is gone after every restart and deployment"
    } else {
        "every deployment replaces the app folder, so the file is lost or overwritten with the repository's copy"
    };
    let mut seen: Vec<String> = Vec::new();
    for (write, place) in ctx.writes_in_app() {
        // One finding per file or folder, at the first write.
        if seen.contains(&place) {
            continue;
        }
        seen.push(place.clone());
        let shown = if place.is_empty() {
            "the app folder".to_owned()
        } else {
            format!("`{place}` in the app folder")
        };
        out.push(
            Diagnostic::new(
                &META,
                Some(write.span),
                format!("the app writes {shown} with `{}`: {lost}", write.call),
            )
            .label("written where App Service does not keep it")
            .help("write data where it is kept: a database or Azure Blob Storage (several instances share them), or for a single instance a folder under /home (`os.environ.get('DATA_DIR', '/home/data')`), which survives restarts and deployments")
            .note("each instance also has its own copy once the app scales out"),
        );
    }
}
