//! AZ102 pyproject-without-requirements

use crate::diagnostic::Diagnostic;
use crate::platform::requirements::DependencyKind;
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ102",
    name: "pyproject-without-requirements",
    category: Category::Risk,
    summary: "Only `pyproject.toml` at the root, no `requirements.txt`",
    docs: include_str!("../../lints/AZ102.md"),
    security_severity: None,
};

/// Which tool manages the project, and so which command writes `requirements.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manager {
    Uv,
    Poetry,
    /// A PEP 621 `[project]` table with another build tool (setuptools, hatch, pdm, flit).
    Other,
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let req = &ctx.requirements;
    if !matches!(
        req.kind,
        DependencyKind::PyprojectUv | DependencyKind::PyprojectPoetry
    ) {
        return;
    }
    let project = ctx.project;
    let Some(pyproject) = project.file("pyproject.toml") else {
        return;
    };
    let manager = if req.kind == DependencyKind::PyprojectUv {
        Manager::Uv
    } else if project.file("poetry.lock").is_some() || ctx.pyproject.has_table("tool.poetry") {
        Manager::Poetry
    } else {
        Manager::Other
    };
    let (route, help) = match manager {
        Manager::Uv => (
            "Oryx versions with uv support install it with `uv sync`; older ones do not read `pyproject.toml`",
            "write requirements.txt from the lock file and commit it: `uv export --format requirements-txt --no-dev --no-hashes -o requirements.txt`",
        ),
        Manager::Poetry => (
            "Oryx installs it with `pip install poetry` and `poetry install --only main`; older versions do not read `pyproject.toml`",
            "write requirements.txt from the lock file and commit it: `poetry export -f requirements.txt --output requirements.txt --without-hashes` (Poetry 2 needs `poetry self add poetry-plugin-export` first)",
        ),
        Manager::Other => (
            "Oryx installs it with `pip install poetry` and `poetry install --only main`, although the project is not a Poetry project",
            "write requirements.txt from `[project] dependencies` and commit it: `uv pip compile pyproject.toml -o requirements.txt` (or `pip-compile pyproject.toml -o requirements.txt`)",
        ),
    };
    let span = ctx
        .pyproject
        .dependencies_line
        .unwrap_or(Span::file_start(pyproject));
    let mut d = Diagnostic::new(
        &META,
        Some(span),
        "the app has `pyproject.toml` but no `requirements.txt` at its root, which the App Service docs require",
    )
    .label(route)
    .help(help)
    .note("the App Service Python guide requires requirements.txt at the root even for pyproject.toml projects; how Oryx treats pyproject.toml has changed between its versions");
    if project.file("manage.py").is_some() {
        d = d.note(
            "Oryx runs `collectstatic` only when `grep -iq Django requirements.txt` succeeds: without requirements.txt the static files are never collected",
        );
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        files: &[(&str, &[u8])],
        setup: impl Fn(&mut crate::platform::Inputs),
    ) -> Vec<Diagnostic> {
        crate::rules::run_check(files, setup, check)
    }

    #[test]
    fn the_help_follows_the_project_manager() {
        let pyproject = b"[project]\nname = 'x'\ndependencies = ['flask']\n";
        let uv = run(
            &[("pyproject.toml", pyproject), ("uv.lock", b"version = 1\n")],
            |_| {},
        );
        assert!(
            uv[0]
                .help
                .as_deref()
                .unwrap()
                .contains("uv export --format requirements-txt")
        );
        let poetry = run(
            &[(
                "pyproject.toml",
                b"[tool.poetry]\nname = 'x'\n[tool.poetry.dependencies]\nflask = '*'\n",
            )],
            |_| {},
        );
        assert!(
            poetry[0]
                .help
                .as_deref()
                .unwrap()
                .contains("poetry export -f requirements.txt")
        );
        let other = run(&[("pyproject.toml", pyproject), ("manage.py", b"")], |_| {});
        assert!(
            other[0]
                .help
                .as_deref()
                .unwrap()
                .contains("uv pip compile pyproject.toml")
        );
        assert!(other[0].notes.iter().any(|n| n.contains("grep -iq Django")));
    }

    #[test]
    fn silent_when_oryx_installs_from_elsewhere() {
        let pyproject: &[u8] = b"[project]\nname = 'x'\n";
        assert!(
            run(
                &[
                    ("pyproject.toml", pyproject),
                    ("requirements.txt", b"flask\n")
                ],
                |_| {}
            )
            .is_empty()
        );
        assert!(run(&[("pyproject.toml", pyproject), ("setup.py", b"")], |_| {}).is_empty());
        assert!(
            run(&[("pyproject.toml", pyproject)], |c| c
                .app_settings
                .push(("CUSTOM_BUILD_COMMAND".into(), "make".into())))
            .is_empty()
        );
    }
}
