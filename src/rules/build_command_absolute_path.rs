//! AZ107 build-command-absolute-path

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::platform::build::{
    BUILD_VENV, Hook, HookScript, Phase, PlatformDir, platform_dir, relative_replacement,
};
use crate::project::Project;
use crate::project::edit::Edit;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ107",
    name: "build-command-absolute-path",
    category: Category::Blocker,
    summary: "A pre- or post-build command or script uses an absolute path",
    docs: include_str!("../../lints/AZ107.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    for hook in ctx.build.iter() {
        value_paths(project, hook, out);
        for script in &hook.scripts {
            match script.file {
                None => missing_script(project, hook, script, out),
                Some(_) => script_paths(project, hook, script, out),
            }
        }
    }
}

/// Why a path into this folder fails during the build.
fn why(dir: PlatformDir) -> &'static str {
    match dir {
        PlatformDir::Wwwroot => {
            "the build runs on a copy of the source in /tmp/<id>; /home/site/wwwroot gets the result only afterwards"
        }
        PlatformDir::Repository => {
            "only Git deployments have this folder, and the build runs on a /tmp/<id> copy of it"
        }
        PlatformDir::ZipDeploy => {
            "only zip deployments have this folder, and the build runs on a /tmp/<id> copy of it"
        }
        PlatformDir::TmpCopy => "the /tmp/<id> build folder has a new name on every deployment",
    }
}

/// Absolute paths written in the setting's value.
fn value_paths(project: &Project, hook: &Hook, out: &mut Vec<Diagnostic>) {
    let name = &hook.setting.name;
    let found: Vec<_> = hook
        .value_paths
        .iter()
        .filter_map(|p| platform_dir(&p.path).map(|(dir, rel)| (p, dir, rel)))
        .collect();
    let edits: Vec<_> = found
        .iter()
        .filter_map(|(p, _, rel)| rel.map(|rel| (p.range, relative_replacement(rel))))
        .collect();
    let edits: Vec<Edit> = edits.into_iter().map(Edit::from).collect();
    let fixed = (edits.len() == found.len()).then(|| hook.value_with(&edits));
    for (p, dir, _) in &found {
        let verb = if p.path == hook.setting.value.trim() {
            "runs"
        } else {
            "uses"
        };
        let message = format!("{name} {verb} `{}`, an absolute path", p.path);
        let help = match &fixed {
            Some(value) => set_setting_help(project, hook, value, RUNS_IN_ROOT),
            None => "use a path relative to the app root: Oryx runs the hook in the root of the copy it builds"
                .to_owned(),
        };
        let span = hook.span(p.range).or_else(|| hook.setting.source.span());
        // The same edits in the file that sets the value, where its text is the value's.
        let fix = edits
            .iter()
            .map(|e| {
                let at = hook.span(e.range)?;
                let written = project.text(at.file).ok()?.slice(at.range);
                (written == &hook.setting.value[e.range])
                    .then(|| (Edit::replacement(e.content.clone(), at.range), at.file))
            })
            .collect::<Option<Vec<_>>>()
            .filter(|all| all.len() == found.len() && all.windows(2).all(|w| w[0].1 == w[1].1))
            .and_then(|all| {
                let file = all.first()?.1;
                Some(Fix::edit(
                    file,
                    all.into_iter().map(|(e, _)| e).collect(),
                    Applicability::Safe,
                ))
            });
        let mut diagnostic = Diagnostic::new(&META, span, message)
            .label(why(*dir))
            .help(help)
            .fix(fix);
        if span.is_none() {
            diagnostic = diagnostic.note(format!(
                "{name} is set by {}",
                hook.setting.source.describe(project)
            ));
        }
        out.push(diagnostic);
    }
}

/// A script the hook runs that is not in the app.
fn missing_script(project: &Project, hook: &Hook, script: &HookScript, out: &mut Vec<Diagnostic>) {
    let name = &hook.setting.name;
    let message = if script.direct {
        format!("{name} names `{}`, which is not in the app", script.path)
    } else {
        format!("{name} runs `{}`, which is not in the app", script.path)
    };
    let label = if script.direct {
        "Oryx finds no such file under the app root, so bash runs the value as a command and the build stops"
    } else {
        "no such file under the app root: the command fails and the build stops"
    };
    let help = match same_name_elsewhere(project, &script.path) {
        Some(found) => {
            // A first word without a `/` would be looked up on PATH.
            let found = if script.direct || found.contains('/') {
                found
            } else {
                format!("./{found}")
            };
            let reason = format!("the app's only `{}` is there", file_name(&found));
            set_setting_help(
                project,
                hook,
                &hook.value_with(&[Edit::replacement(found.clone(), script.range)]),
                &reason,
            )
        }
        None => format!(
            "add `{}` to the app, or correct the path in {name}: it is relative to the app root",
            script.path.trim_start_matches("./")
        ),
    };
    out.push(
        Diagnostic::new(&META, hook.span(script.range), message)
            .label(label)
            .help(help),
    );
}

/// Absolute paths in a script the hook runs.
fn script_paths(project: &Project, hook: &Hook, script: &HookScript, out: &mut Vec<Diagnostic>) {
    let Some(file) = script.file else { return };
    let name = &hook.setting.name;
    let rel_path = project.rel_path(file);
    for p in crate::platform::build::absolute_paths_in_file(project, file, false) {
        let Some((dir, rel)) = platform_dir(&p.path) else {
            continue;
        };
        let message = format!(
            "the {} script uses `{}`, an absolute path",
            hook.phase.as_str(),
            p.path
        );
        let help = match rel {
            Some(rel) if hook.phase == Phase::Pre && rel.starts_with(BUILD_VENV) => format!(
                "move this line to the post-build script, written as `{}`: the virtual environment does not exist yet when the pre-build hook runs",
                relative_replacement(rel)
            ),
            Some(_) if p.cd_target => format!(
                "remove `cd {}`: the script already starts in the root of the copy Oryx builds",
                p.path
            ),
            Some(rel) => format!(
                "write `{}` (relative to the app root) instead: the script starts in the root of the copy Oryx builds",
                relative_replacement(rel)
            ),
            None => "use a path relative to the app root: the script starts in the root of the copy Oryx builds"
                .to_owned(),
        };
        let fix = match rel {
            Some(rel)
                if !(p.cd_target || hook.phase == Phase::Pre && rel.starts_with(BUILD_VENV)) =>
            {
                Some(Fix::edit(
                    p.span.file,
                    vec![Edit::replacement(relative_replacement(rel), p.span.range)],
                    Applicability::Safe,
                ))
            }
            _ => None,
        };
        let mut d = Diagnostic::new(&META, Some(p.span), message)
            .label(why(dir))
            .help(help)
            .fix(fix);
        match hook.span(script.range) {
            Some(span) => d = d.secondary(span, format!("{name} runs {rel_path}")),
            None => d = d.note(format!("{rel_path} is run by the app setting {name}")),
        }
        out.push(d);
    }
}

/// The one other file of the app with the same file name (ignoring case), if there is exactly one.
fn same_name_elsewhere(project: &Project, path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?.to_lowercase();
    let mut found = project.files().map(|f| project.rel_path(f)).filter(|rel| {
        rel.rsplit('/')
            .next()
            .is_some_and(|n| n.to_lowercase() == name)
    });
    let first = found.next()?;
    found.next().is_none().then(|| first.to_owned())
}

/// The exact way to set the hook to `value`: the `build.env` line, or the `az` command for an app setting.
fn set_setting_help(project: &Project, hook: &Hook, value: &str, reason: &str) -> String {
    let how = fixes::set_app_setting(project, &hook.setting.source, &hook.setting.name, value);
    format!("{how}: {reason}")
}

const RUNS_IN_ROOT: &str = "Oryx runs the hook in the root of the copy it builds";

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
