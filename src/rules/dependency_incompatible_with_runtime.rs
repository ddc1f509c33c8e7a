//! AZ504: a pinned requirement has no wheel for the app's Python on Linux.

use crate::diagnostic::Diagnostic;
use crate::platform::requirements::packages::{known_break, release_parts, wheel_row};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ504",
    name: "dependency-incompatible-with-runtime",
    category: Category::Blocker,
    summary: "A pinned requirement has no wheel for the app's Python, or is known not to import on it (Django before 3.2.9 on 3.12)",
    docs: include_str!("../../lints/AZ504.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Only a Python something declares: the newest App Service offers is only an assumption.
    let Some(source) = &ctx.python.source else {
        return;
    };
    if ctx.sources.container.is_some() {
        return;
    }
    let version = ctx.python.version;
    let installed = ctx.requirements.installed_names();
    for (_, _, req) in ctx.requirements.requirements() {
        let Some(name) = &req.normalized else {
            continue;
        };
        if req.marker.is_some() || req.location.is_some() {
            continue;
        }
        // Exactly one release: `==1.19.4` (not a range, not a wildcard).
        let Some(pinned) = req
            .specifier
            .trim()
            .strip_prefix("==")
            .filter(|v| !v.contains([',', '*']))
        else {
            continue;
        };
        let Some(pinned_parts) = release_parts(pinned) else {
            continue;
        };
        // Installs, but does not import on this Python (Django before 3.2.9 on 3.12: distutils).
        if let Some(b) = known_break(name, &pinned_parts, version.minor)
            && b.unless.is_none_or(|d| !installed.iter().any(|n| n == d))
        {
            let written = req.name.as_deref().unwrap_or(name);
            let fix = match b.fixed_in {
                Some(v) => format!(
                    "pin `{written}>={v}`, the first release that imports on Python {version} (check the app against it)"
                ),
                None => format!("pin a release of `{written}` that supports Python {version}"),
            };
            let mut d = Diagnostic::new(
                &META,
                Some(req.name_span),
                format!(
                    "`{written}=={pinned}` installs on Python {version} but does not import there: {}",
                    b.fails
                ),
            )
            .label(format!("does not import on Python {version}"))
            .help(fix)
            .note(format!("the app's Python {version} comes from {}", source.describe(ctx.project)))
            .note(format!("evidence: {} (src/platform/data/known_incompatible.txt)", b.evidence));
            if let Some(unless) = b.unless {
                d = d.note(format!(
                    "`{unless}` in the requirements may hide this failure; it is not there"
                ));
            }
            out.push(d);
            continue;
        }
        // A distribution without any binary wheel is one pip always builds (mysqlclient): not judged.
        let Some(row) = wheel_row(name, version.minor) else {
            continue;
        };
        if !row.no_wheel(&pinned_parts) {
            continue;
        }
        let Some(first) = row.first_binary else {
            continue;
        };
        let written = req.name.as_deref().unwrap_or(name);
        out.push(
            Diagnostic::new(
                &META,
                Some(req.name_span),
                format!(
                    "`{written}=={pinned}` has no wheel for Python {version} on Linux (the first release with one is {first}), so pip must compile it from source during the build, and a release that predates Python {version} usually fails to compile on it, which fails the deployment"
                ),
            )
            .label(format!("no wheel for Python {version}"))
            .help(format!(
                "pin a release with a wheel for Python {version}: `{written}>={first}` (check the app against it), or run the Python this pin was made for"
            ))
            .note(format!("the app's Python {version} comes from {}", source.describe(ctx.project)))
            .note("from the wheel table src/platform/data/wheels.txt (PyPI, regenerated with tools/wheels/generate.py)"),
        );
    }
}
