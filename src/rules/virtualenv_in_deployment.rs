//! AZ110 virtualenv-in-deployment

use crate::diagnostic::Diagnostic;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ110",
    name: "virtualenv-in-deployment",
    category: Category::Blocker,
    summary: "A virtual environment inside the app root would be deployed",
    docs: include_str!("../../lints/AZ110.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let plan = &ctx.oryx;
    // A folder the root `.gitignore` excludes is left out by Git deployments, `az webapp up` (it skips
    // folders whose name contains `env`) and `azd` (it skips virtual environments): not reported.
    for venv in plan
        .deployed_venvs
        .iter()
        .filter(|v| v.gitignored.is_none())
    {
        let (shown, entry) = if venv.path.is_empty() {
            ("the app folder".to_owned(), String::new())
        } else {
            (format!("`{}/`", venv.path), format!("{}/", venv.path))
        };
        let why = if venv.windows {
            "it was made on Windows (`Lib/`, `Scripts/`): its packages and scripts cannot run on App Service's Linux"
        } else {
            "its packages were built for the machine that made it, and its links point to that machine's Python"
        };
        let installs = match plan.dependencies.file {
            Some(file) => ctx.project.rel_path(file).to_owned(),
            None => "the app's requirements".to_owned(),
        };
        let mut notes = vec![format!("found by its {}; {why}", venv.evidence)];
        if venv.path == plan.venv_name {
            notes.push(format!(
                "Oryx creates its own `{0}` during the build, so a deployed `{0}` is mixed with it or replaces it",
                plan.venv_name
            ));
        }
        let mut d = if venv.path.is_empty() {
            Diagnostic::new(
                &META,
                venv.file.map(crate::project::Span::file_start),
                format!("the app folder is itself a virtual environment ({})", venv.evidence),
            )
            .help(format!(
                "create the virtual environment outside the app folder (`python -m venv ../.venv`) and delete `Lib/`, `lib/`, `Scripts/`, `bin/` and `pyvenv.cfg` from the app folder: the build installs {installs} into its own `{}`",
                plan.venv_name
            ))
        } else {
            Diagnostic::new(
                &META,
                venv.file.map(crate::project::Span::file_start),
                format!("the virtual environment {shown} is inside the app folder and would be deployed"),
            )
            .help(format!(
                "delete {shown} from the app folder and add `{entry}` to .gitignore: the build installs {installs} into its own `{}`",
                plan.venv_name
            ))
        };
        for note in notes {
            d = d.note(note);
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::run_rule;

    #[test]
    fn a_folder_gitignore_excludes_is_not_reported() {
        let files: &[(&str, &[u8])] = &[
            ("app.py", b""),
            ("venv/pyvenv.cfg", b"home = /usr/bin\n"),
            (".venv/pyvenv.cfg", b"home = /usr/bin\n"),
            (".gitignore", b".venv\n"),
        ];
        let found = run_rule(files, &[], None, super::check);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("`venv/`"), "{}", found[0].message);
        // It points at the environment's `pyvenv.cfg` (a SARIF result needs a location).
        assert!(found[0].span.is_some());
    }

    #[test]
    fn the_app_folder_itself() {
        let files: &[(&str, &[u8])] = &[
            ("app.py", b""),
            ("Lib/site-packages/flask/__init__.py", b""),
        ];
        let found = run_rule(files, &[], None, super::check);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("the app folder is itself a virtual environment")
        );
        assert!(run_rule(&[("app.py", b"")], &[], None, super::check).is_empty());
    }
}
