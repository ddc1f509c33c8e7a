//! AZ206 startup-command-absolute-path

use crate::diagnostic::Diagnostic;
use crate::platform::build::{
    PlatformDir, absolute_paths, absolute_paths_in_file, platform_dir, relative_replacement,
    replace_ranges,
};
use crate::project::edit::Edit;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ206",
    name: "startup-command-absolute-path",
    category: Category::Blocker,
    summary: "The startup command or startup file uses a path into /home/site/wwwroot",
    docs: include_str!("../../lints/AZ206.md"),
    security_severity: None,
};

const WHY: &str = "with the build on, the app runs from an extracted copy in /tmp/<id>, not from /home/site/wwwroot";

/// The part of a path into `/home/site/wwwroot` relative to it.
fn in_wwwroot(path: &str) -> Option<&str> {
    match platform_dir(path) {
        Some((PlatformDir::Wwwroot, rel)) => rel,
        _ => None,
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Without a build the app runs from /home/site/wwwroot itself: a path into it is right.
    if !ctx.startup.compressed {
        return;
    }
    let project = ctx.project;
    if let Some(command) = &ctx.startup.command {
        let found: Vec<_> = absolute_paths(&command.command)
            .into_iter()
            // `rm -rf /home/site/wwwroot/x`, `mkdir -p ...`: nothing runs from the path.
            .filter(|p| !p.housekeeping)
            .filter_map(|p| {
                in_wwwroot(&p.path).map(|rel| (p.range, p.path.clone(), relative_replacement(rel)))
            })
            .collect();
        let edits: Vec<_> = found
            .iter()
            .map(|(range, _, with)| Edit::replacement(with.clone(), *range))
            .collect();
        let fixed = replace_ranges(&command.command, &edits);
        let how = fixes::set_startup_command(project, &command.source, &fixed);
        for (_, path, _) in &found {
            let mut d = Diagnostic::new(
                &META,
                command.source.span(),
                format!("the startup command uses the absolute path `{path}`"),
            )
            .label(WHY)
            .help(format!(
                "{how}; the command already runs in the app's folder"
            ));
            if command.source.span().is_none() {
                d = d.note(format!(
                    "the startup command is set by {}",
                    command.source.describe(project)
                ));
            }
            out.push(d);
        }
    }
    // The startup file that runs: the one the command names, or the root one taken as the command.
    if let Some(sf) = &ctx.startup.startup_file
        && let Some(file) = sf.file
    {
        // Only the first line of a startup file that is not a shell script is used.
        for p in absolute_paths_in_file(project, file, !sf.whole) {
            let Some(rel) = in_wwwroot(&p.path).filter(|_| !p.housekeeping) else {
                continue;
            };
            let help = if rel.starts_with("antenv/bin/activate") {
                format!(
                    "remove this line: the startup script Oryx generates already uses the antenv virtual \
                     environment; if you keep it, write `{}`",
                    relative_replacement(rel)
                )
            } else if p.cd_target && relative_replacement(rel) == "." {
                format!(
                    "remove `cd {}`: the startup file already runs in the app's folder",
                    p.path
                )
            } else if p.cd_target {
                format!(
                    "write `cd {}` (relative to the app root) instead: the startup file already runs in the app's folder",
                    relative_replacement(rel)
                )
            } else {
                format!(
                    "write `{}` (relative to the app root) instead: the startup file runs in the app's folder",
                    relative_replacement(rel)
                )
            };
            let mut d = Diagnostic::new(
                &META,
                Some(p.span),
                format!("the startup file uses the absolute path `{}`", p.path),
            )
            .label(WHY)
            .help(help);
            if let Some(note) = fixes::assumed_startup_file_note(project, &ctx.startup) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
}
