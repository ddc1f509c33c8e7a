//! AZ103 framework-not-in-requirements

use crate::diagnostic::Diagnostic;
use crate::platform::imports::{
    Availability, ImportOrigin, Resolver, StartupImport, startup_imports,
};
use crate::platform::requirements::{DependencyKind, normalize_name};
use crate::project::Project;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ103",
    name: "framework-not-in-requirements",
    category: Category::Blocker,
    summary: "A module imported at start-up is not installed by the requirements",
    docs: include_str!("../../lints/AZ103.md"),
    security_severity: None,
};

/// Other places importing the same module, shown at most.
const MAX_LABELS: usize = 3;

/// Replacements for standard-library modules that newer Pythons removed: module → distribution.
const REMOVED_REPLACEMENTS: &[(&str, &str)] = &[
    ("cgi", "legacy-cgi"),
    ("cgitb", "legacy-cgi"),
    ("distutils", "setuptools"),
];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let req = &ctx.requirements;
    match req.kind {
        DependencyKind::RequirementsTxt if req.root().is_some() => {}
        DependencyKind::SetupPy | DependencyKind::PyprojectUv | DependencyKind::PyprojectPoetry => {
        }
        _ => return,
    }
    // Without the full list of what is installed, a module cannot be said to be missing.
    if !req.complete() {
        return;
    }
    let project = ctx.project;
    let resolver = Resolver::new(ctx.platform);
    let imports = startup_imports(ctx.platform);
    let mut reported: Vec<String> = Vec::new();
    for (i, import) in imports.iter().enumerate() {
        let top = import.top();
        if reported.iter().any(|t| t == top) {
            continue;
        }
        let availability = resolver.availability(&import.module);
        let others: Vec<&StartupImport> = imports[i + 1..]
            .iter()
            .filter(|o| o.top() == top && o.span.file != import.span.file)
            .collect();
        let d = match availability {
            Availability::Missing { distribution } => {
                missing(ctx, project, import, distribution.as_deref())
            }
            Availability::RemovedFromStdlib { version } => removed(ctx, import, &version),
            Availability::NewerStdlib { version } => newer(ctx, import, &version),
            _ => continue,
        };
        reported.push(top.to_owned());
        let mut d = d;
        for other in others.iter().take(MAX_LABELS) {
            d = d.secondary(other.span, "imported here too");
        }
        out.push(d);
    }
}

/// Where the import was found, for the message.
fn what(import: &StartupImport) -> String {
    match import.origin {
        ImportOrigin::Statement => format!("`{}` is imported at start-up", import.module),
        ImportOrigin::InstalledApps => format!("`INSTALLED_APPS` names `{}`", import.module),
        ImportOrigin::Middleware => format!("`MIDDLEWARE` names a class in `{}`", import.module),
    }
}

fn missing(
    ctx: &Context,
    project: &Project,
    import: &StartupImport,
    dist: Option<&str>,
) -> Diagnostic {
    let req = &ctx.requirements;
    let top = import.top();
    let file_name = req
        .dependency_file
        .map(|f| project.rel_path(f).to_owned())
        .unwrap_or_else(|| req.requirements_path.clone());
    let nothing = match req.kind {
        DependencyKind::SetupPy => "`install_requires` in setup.py does not list it".to_owned(),
        DependencyKind::PyprojectUv => "uv.lock does not install it".to_owned(),
        DependencyKind::PyprojectPoetry => "pyproject.toml does not install it".to_owned(),
        _ => format!("no requirement in {file_name} installs it"),
    };
    let help = match (req.kind, dist) {
        (DependencyKind::SetupPy, Some(dist)) => {
            format!("add `'{dist}'` to `install_requires` in setup.py")
        }
        (DependencyKind::PyprojectUv, Some(dist)) => {
            format!("run `uv add {dist}` (it updates pyproject.toml and uv.lock) and commit both")
        }
        (DependencyKind::PyprojectPoetry, Some(dist)) => {
            format!("run `poetry add {dist}` and commit pyproject.toml and poetry.lock")
        }
        (_, Some(dist)) => format!(
            "add the line `{dist}` to {file_name}, pinned to the version you run locally (`pip freeze` prints it, e.g. `{dist}==<version>`)"
        ),
        (_, None) => format!(
            "add the distribution that provides `{top}` to {file_name} (`pip show -f <distribution>` on your machine lists the modules each one installs), or commit `{top}` into the app if it is your own code"
        ),
    };
    let mut d = Diagnostic::new(
        &META,
        Some(import.span),
        format!("{}, but {nothing}", what(import)),
    )
    .label(format!("ModuleNotFoundError: No module named '{top}'"))
    .help(help);
    if let Some(dist) = dist
        && !named_after(&import.module, dist)
    {
        d = d.note(format!(
            "`{top}` is provided by the distribution `{dist}` on PyPI"
        ));
    }
    d.note("the app is started with only what the build installed (plus gunicorn and Flask, which the App Service image has): the worker fails to boot and the site returns 503")
}

/// Whether the module, or a package holding it, is named after the distribution (`azure.identity.aio`
/// and azure-identity): then the note naming the distribution says nothing new.
fn named_after(module: &str, dist: &str) -> bool {
    let dist = normalize_name(dist);
    module
        .match_indices('.')
        .map(|(i, _)| &module[..i])
        .chain([module])
        .any(|prefix| normalize_name(prefix) == dist)
}

fn removed(ctx: &Context, import: &StartupImport, version: &str) -> Diagnostic {
    let top = import.top();
    let running = python(ctx);
    let help = match REMOVED_REPLACEMENTS.iter().find(|(m, _)| *m == top) {
        Some((_, dist)) => format!("add the line `{dist}` to requirements.txt: it provides `{top}` on Python {version} and later"),
        None if top == "imp" => "replace `imp` with `importlib` (e.g. `importlib.reload`, `importlib.util`), or run the app on Python 3.11".to_owned(),
        None => format!(
            "stop importing `{top}`, or run the app on a Python older than {version}: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|3.12\"`"
        ),
    };
    Diagnostic::new(
        &META,
        Some(import.span),
        format!("{}, but `{top}` was removed from the standard library in Python {version} and the app runs Python {running}", what(import)),
    )
    .label(format!("ModuleNotFoundError: No module named '{top}'"))
    .help(help)
    .notes_from(fixes::python_assumed_note(&ctx.python))
}

fn newer(ctx: &Context, import: &StartupImport, version: &str) -> Diagnostic {
    let top = import.top();
    let running = python(ctx);
    Diagnostic::new(
        &META,
        Some(import.span),
        format!("{}, but `{top}` joined the standard library in Python {version} and the app runs Python {running}", what(import)),
    )
    .label(format!("ModuleNotFoundError: No module named '{top}'"))
    .help(format!(
        "run the app on Python {version} or later: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|{version}\"`"
    ))
    .notes_from(fixes::python_assumed_note(&ctx.python))
}

fn python(ctx: &Context) -> String {
    let v = ctx.python.version;
    format!("{}.{}", v.major, v.minor)
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
    fn reports_each_missing_module_once_with_the_distribution() {
        let out = run(
            &[
                (
                    "app.py",
                    b"import yaml\nfrom flask import Flask\nimport models\napp = Flask(__name__)\n",
                ),
                ("models.py", b"import yaml\nimport requests\n"),
                ("requirements.txt", b"Flask==3.0.3\nrequests\n"),
            ],
            |_| {},
        );
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].message.starts_with("`yaml` is imported at start-up"));
        assert!(out[0].help.as_deref().unwrap().contains("`PyYAML`"));
        assert_eq!(out[0].labels.len(), 1, "the second import is a label");
    }

    #[test]
    fn the_images_flask_counts_only_with_a_requirements_file() {
        let app: &[u8] = b"from flask import Flask\napp = Flask(__name__)\n";
        let with_requirements = run(
            &[("app.py", app), ("requirements.txt", b"requests\n")],
            |_| {},
        );
        assert!(with_requirements.is_empty(), "{with_requirements:?}");
        let setup_py: &[u8] =
            b"from setuptools import setup\nsetup(name='web', install_requires=['requests'])\n";
        let with_setup = run(&[("app.py", app), ("setup.py", setup_py)], |_| {});
        assert_eq!(with_setup.len(), 1, "{with_setup:?}");
        assert!(
            with_setup[0]
                .message
                .starts_with("`flask` is imported at start-up"),
            "{}",
            with_setup[0].message
        );
    }

    #[test]
    fn silent_without_a_known_dependency_set() {
        let app: &[u8] = b"import yaml\n";
        assert!(run(&[("app.py", app)], |_| {}).is_empty());
        assert!(
            run(
                &[("app.py", app), ("requirements.txt", b"Flask=3\n")],
                |_| {}
            )
            .is_empty()
        );
        assert!(
            run(
                &[("app.py", app), ("requirements.txt", b"-r ${REQS}\n")],
                |_| {}
            )
            .is_empty()
        );
    }

    #[test]
    fn removed_and_newer_standard_library_modules() {
        let out = run(
            &[
                ("app.py", b"import imp\nimport tomllib\n"),
                ("requirements.txt", b"Flask\n"),
            ],
            |c| {
                c.python_version = Some(crate::project::PythonVersion {
                    major: 3,
                    minor: 12,
                })
            },
        );
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .message
                .contains("removed from the standard library in Python 3.12")
        );
        assert!(out[0].help.as_deref().unwrap().contains("importlib"));
        let out = run(
            &[
                ("app.py", b"import tomllib\n"),
                ("requirements.txt", b"Flask\n"),
            ],
            |c| {
                c.python_version = Some(crate::project::PythonVersion {
                    major: 3,
                    minor: 10,
                })
            },
        );
        assert!(
            out[0]
                .message
                .contains("joined the standard library in Python 3.11")
        );
    }

    #[test]
    fn a_version_dependent_finding_says_when_the_version_is_assumed() {
        let files: &[(&str, &[u8])] = &[("app.py", b"import imghdr\n"), ("requirements.txt", b"")];
        let assumed = run(files, |_| {});
        assert_eq!(assumed.len(), 1);
        assert!(
            assumed[0]
                .notes
                .iter()
                .any(|n| n.starts_with("no source names the app's Python version")),
            "{:?}",
            assumed[0].notes
        );
        let known = run(files, |c| {
            c.python_version = Some(crate::project::PythonVersion::PY313)
        });
        assert_eq!(known.len(), 1);
        assert!(
            known[0]
                .notes
                .iter()
                .all(|n| !n.contains("no source names"))
        );
    }
}
