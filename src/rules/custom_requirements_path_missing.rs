//! AZ111 custom-requirements-path-missing

use crate::diagnostic::Diagnostic;
use crate::platform::Source;
use crate::platform::build::{platform_dir, resolve_in_app};
use crate::platform::oryx::CustomPathProblem;
use crate::project::Project;
use crate::rules::{Category, Context, RuleMeta, fixes, on_setting};

pub static META: RuleMeta = RuleMeta {
    code: "AZ111",
    name: "custom-requirements-path-missing",
    category: Category::Blocker,
    summary: "`CUSTOM_REQUIREMENTSTXT_PATH` is absolute or names a missing file",
    docs: include_str!("../../lints/AZ111.md"),
    security_severity: None,
};

const NAME: &str = "CUSTOM_REQUIREMENTSTXT_PATH";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let Some(custom) = &ctx.oryx.dependencies.custom_path else {
        return;
    };
    let Some(problem) = &custom.problem else {
        return;
    };
    let setting = &custom.setting;
    let value = setting.value.trim();
    let message = match problem {
        CustomPathProblem::Absolute => format!("{NAME} is `{value}`, an absolute path"),
        CustomPathProblem::Missing => format!("{NAME} names `{value}`, which is not in the app"),
    };
    let label = match problem {
        CustomPathProblem::Absolute => {
            "Oryx looks for it outside the copy it builds: the build stops, or reads a file left by an earlier deployment"
        }
        CustomPathProblem::Missing => {
            "Oryx stops the build: \"Path ... provided to CUSTOM_REQUIREMENTSTXT_PATH ... does not exist in the source repository\""
        }
    };
    let help = match candidate(project, value) {
        Some(found) => format!(
            "{}: the path is relative to the app root",
            fixes::set_app_setting(project, &setting.source, NAME, &found)
        ),
        None if project.file("requirements.txt").is_some() => format!(
            "{}: Oryx then installs from requirements.txt at the app root",
            remove(project, &setting.source)
        ),
        None => format!(
            "add `{}` to the app, or set {NAME} to the requirements file's path relative to the app root",
            value.trim_start_matches('/')
        ),
    };
    let d = on_setting(&META, project, setting, message, label).help(help);
    out.push(d);
}

/// The requirements file the value most likely means: an absolute path into the app mapped back to the
/// app root, backslashes made slashes, or the app's only file of that name.
fn candidate(project: &Project, value: &str) -> Option<String> {
    if let Some((_, Some(rel))) = platform_dir(value)
        && resolve_in_app(project, rel).is_some()
    {
        return Some(rel.to_owned());
    }
    let slashes = value.replace('\\', "/");
    if slashes != value && resolve_in_app(project, &slashes).is_some() {
        return Some(slashes);
    }
    let name = slashes.rsplit('/').next().filter(|n| !n.is_empty())?;
    let only = |pred: &dyn Fn(&str) -> bool| {
        let mut found = project.files().map(|f| project.rel_path(f)).filter(|rel| {
            pred(rel)
                && !rel
                    .split('/')
                    .any(|p| p == "site-packages" || p == "node_modules")
        });
        let first = found.next()?;
        found.next().is_none().then(|| first.to_owned())
    };
    // The app's only file of that name, else the only `.txt` file in the folder it names.
    only(&|rel| rel.rsplit('/').next() == Some(name)).or_else(|| {
        let dir = slashes.rsplit_once('/').map(|(d, _)| d)?;
        let dir = dir.trim_start_matches("./");
        only(&|rel| {
            rel.rsplit_once('/')
                .is_some_and(|(d, n)| d == dir && n.ends_with(".txt"))
        })
    })
}

/// How to remove the setting where it is set.
fn remove(project: &Project, source: &Source) -> String {
    match source {
        Source::File(_) => format!(
            "delete the {NAME} line from {}",
            source.describe_at(project)
        ),
        Source::Flag(_) => format!(
            "remove the app setting with `az webapp config appsettings delete --resource-group <group> --name <app> --setting-names {NAME}`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::candidate;
    use crate::project::Project;
    use crate::rules::run_rule;

    #[test]
    fn suggests_the_file_the_value_means() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "reqs/prod.txt",
            "deploy/requirements-web.txt",
            "a/x.txt",
            "b/x.txt",
        ] {
            let target = dir.path().join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, "flask\n").unwrap();
        }
        let p = Project::discover(dir.path()).unwrap();
        let c = |v: &str| candidate(&p, v);
        assert_eq!(
            c("/home/site/wwwroot/reqs/prod.txt").as_deref(),
            Some("reqs/prod.txt")
        );
        assert_eq!(c("reqs\\prod.txt").as_deref(), Some("reqs/prod.txt"));
        assert_eq!(c("prod.txt").as_deref(), Some("reqs/prod.txt"));
        assert_eq!(
            c("deploy/requirements.txt").as_deref(),
            Some("deploy/requirements-web.txt")
        );
        // Two files of that name: no guess.
        assert_eq!(c("x.txt"), None);
        assert_eq!(c("/opt/requirements.txt"), None);
    }

    #[test]
    fn reports_absolute_and_missing_paths_only() {
        let files: &[(&str, &[u8])] =
            &[("requirements.txt", b"flask\n"), ("reqs/a.txt", b"flask\n")];
        let run = |v: &str| {
            run_rule(
                files,
                &[("CUSTOM_REQUIREMENTSTXT_PATH", v)],
                None,
                super::check,
            )
        };
        assert!(run("reqs/a.txt").is_empty());
        assert!(run("").is_empty());
        let missing = run("reqs/b.txt");
        assert_eq!(missing.len(), 1);
        assert!(missing[0].message.contains("which is not in the app"));
        assert!(
            missing[0]
                .help
                .as_deref()
                .unwrap()
                .contains("--setting-names CUSTOM_REQUIREMENTSTXT_PATH")
                || missing[0].help.as_deref().unwrap().contains("reqs/a.txt"),
            "{:?}",
            missing[0].help
        );
        assert!(
            run("/srv/reqs/a.txt")[0]
                .message
                .contains("an absolute path (set by `--app-setting`)")
        );
    }
}
