//! AZ314: a Django setting holds a path under /home/site/wwwroot, where the app does not run with the build on.

use crate::diagnostic::Diagnostic;
use crate::platform::django::wwwroot_paths;
use crate::rules::{Category, Context, RuleMeta, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ314",
    name: "wwwroot-path-in-settings",
    category: Category::Risk,
    summary: "A Django setting (STATIC_ROOT, MEDIA_ROOT, a log file, ...) points into /home/site/wwwroot, where the app does not run with the build on",
    docs: include_str!("../../lints/AZ314.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Without the build the app runs from /home/site/wwwroot itself.
    if !ctx.startup.compressed {
        return;
    }
    let Some(django) = &ctx.django else { return };
    let mut seen = Vec::new();
    for name in django.settings.keys() {
        for assigned in django.get(name) {
            for (path, span) in wwwroot_paths(&assigned.value) {
                if seen.contains(&span) {
                    continue;
                }
                seen.push(span);
                let rel = path
                    .trim_start_matches("/home/site/wwwroot")
                    .trim_start_matches('/');
                let instead = if rel.is_empty() {
                    "BASE_DIR".to_owned()
                } else {
                    format!("BASE_DIR / '{rel}'")
                };
                out.push(
                    Diagnostic::new(
                        &META,
                        Some(span),
                        format!(
                            "{name} uses `{path}`, but with the build on the app runs from a copy in /tmp/<id>, so this is not the app's folder ({})",
                            settings_place(ctx, span)
                        ),
                    )
                    .label("not where the app runs")
                    .help(format!(
                        "build the path from the settings file's folder: `{instead}` (with `BASE_DIR = Path(__file__).resolve().parent.parent`); for data that must survive restarts use a folder under /home outside wwwroot, such as /home/data"
                    )),
                );
            }
        }
    }
}
