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
    let django = project.file("manage.py").is_some();
    // Current Oryx installs a uv project with `uv sync` and a Poetry project with `poetry install`: those
    // work, and only Django's collectstatic is lost. Any other `[project]` goes through Poetry too, which
    // then installs the project itself and fails unless a module of the project's name is there.
    let module = ctx
        .pyproject
        .project_name
        .as_deref()
        .map(|n| n.replace(['-', '.'], "_").to_ascii_lowercase());
    let installs_itself = manager == Manager::Other
        && !ctx.pyproject.poetry_package_mode_off
        && module.as_deref().is_none_or(|m| {
            ![
                format!("{m}.py"),
                format!("{m}/__init__.py"),
                format!("src/{m}/__init__.py"),
                format!("src/{m}.py"),
            ]
            .iter()
            .any(|p| project.file(p).is_some())
        });
    if !installs_itself && !django {
        return;
    }
    let help = match manager {
        Manager::Uv => {
            "write requirements.txt from the lock file and commit it: `uv export --format requirements-txt --no-dev --no-hashes -o requirements.txt`"
        }
        Manager::Poetry => {
            "write requirements.txt from the lock file and commit it: `poetry export -f requirements.txt --output requirements.txt --without-hashes` (Poetry 2 needs `poetry self add poetry-plugin-export` first)"
        }
        Manager::Other => {
            "write requirements.txt from `[project] dependencies` and commit it: `uv pip compile pyproject.toml -o requirements.txt` (or `pip-compile pyproject.toml -o requirements.txt`); or add `[tool.poetry]` with `package-mode = false`"
        }
    };
    let span = ctx
        .pyproject
        .dependencies_line
        .unwrap_or(Span::file_start(pyproject));
    let (message, label) = if installs_itself {
        let name = ctx.pyproject.project_name.as_deref().unwrap_or("(no name)");
        (
            format!(
                "the app has `pyproject.toml` but no `requirements.txt`, so Oryx installs it with Poetry, which installs the project `{name}` itself after its dependencies and fails: there is no module of that name at the root, so the build stops"
            ),
            "Oryx runs `poetry install --only main`, then Poetry 1.8.5 with `--no-dev`",
        )
    } else {
        (
            "the app has `pyproject.toml` but no `requirements.txt`: Oryx installs the packages from it, but runs Django's `collectstatic` only when requirements.txt names Django, so the static files are never collected".to_owned(),
            "no requirements.txt for `grep -iq Django`",
        )
    };
    let mut d = Diagnostic::new(&META, Some(span), message)
        .label(label)
        .help(help);
    if installs_itself && django {
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
        // uv and Poetry projects install; only a Django app is reported (collectstatic).
        let uv = run(
            &[("pyproject.toml", pyproject), ("uv.lock", b"version = 1\n")],
            |_| {},
        );
        assert!(uv.is_empty());
        let uv_django = run(
            &[
                ("pyproject.toml", pyproject),
                ("uv.lock", b"version = 1\n"),
                ("manage.py", b""),
            ],
            |_| {},
        );
        assert!(
            uv_django[0]
                .help
                .as_deref()
                .unwrap()
                .contains("uv export --format requirements-txt")
        );
        let poetry = run(
            &[
                (
                    "pyproject.toml",
                    b"[tool.poetry]\nname = 'x'\n[tool.poetry.dependencies]\nflask = '*'\n",
                ),
                ("manage.py", b""),
            ],
            |_| {},
        );
        assert!(
            poetry[0]
                .help
                .as_deref()
                .unwrap()
                .contains("poetry export -f requirements.txt")
        );
        // Any other project: Poetry installs the project itself and fails without a module `x`.
        let other = run(&[("pyproject.toml", pyproject), ("manage.py", b"")], |_| {});
        assert!(
            other[0]
                .help
                .as_deref()
                .unwrap()
                .contains("uv pip compile pyproject.toml")
        );
        assert!(other[0].notes.iter().any(|n| n.contains("grep -iq Django")));
        let with_module = run(&[("pyproject.toml", pyproject), ("x.py", b"")], |_| {});
        assert!(with_module.is_empty());
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
