//! AZ502: the repository declares Python versions that disagree with the one App Service uses.

use crate::diagnostic::Diagnostic;
use crate::platform::python_versions::DeclaredBy;
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ502",
    name: "python-version-conflict",
    category: Category::Risk,
    summary: "A declared Python version (runtime.txt, .python-version, requires-python, the deploy workflow) disagrees with the site's",
    docs: include_str!("../../lints/AZ502.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(source) = &ctx.python.source else {
        return;
    };
    let project = ctx.project;
    let version = ctx.python.version;
    let reference_is_runtime_txt = !ctx.python.site_declared;
    let site = format!(
        "the site's Python {version} ({})",
        source.describe_at(project)
    );
    for d in ctx.python_declarations() {
        if reference_is_runtime_txt && d.by == DeclaredBy::RuntimeTxt {
            continue;
        }
        if d.admits(version) != Some(false) {
            continue;
        }
        let (said, why) = match d.by {
            DeclaredBy::RuntimeTxt => (
                format!("runtime.txt asks for Python {}", d.text),
                "Kudu gives Oryx the site's version, which wins over runtime.txt, so the build and the app take that one",
            ),
            DeclaredBy::PythonVersionFile => (
                format!(".python-version says {}", d.text),
                "Oryx does not read .python-version (pyenv and uv do, on developer machines), so the app is developed on one Python and runs on another",
            ),
            DeclaredBy::RequiresPython if ctx.oryx.dependencies.installs_project() => (
                format!("requires-python is `{}`", d.text),
                "the project says it needs those versions, and the build installs the project (uv, Poetry or `pip install .`), which fails on the site's Python",
            ),
            DeclaredBy::RequiresPython => (
                format!("requires-python is `{}`", d.text),
                "the project says it needs those versions; the build installs requirements.txt, so nothing stops it, but code written for those versions may not run on the site's",
            ),
            DeclaredBy::SetupPython
                if ctx
                    .sources
                    .deploys
                    .iter()
                    .any(|x| x.span.file == d.span.file && x.venv.is_some()) =>
            {
                (
                    format!("the deploy workflow sets up Python {}", d.text),
                    "the workflow builds the packages it deploys there, and packages with compiled parts built for one Python do not load on another",
                )
            }
            DeclaredBy::SetupPython => (
                format!("the deploy workflow sets up Python {}", d.text),
                "what the workflow checks (installs, tests) runs on another Python than the site",
            ),
        };
        let subject = if reference_is_runtime_txt {
            format!(
                "{said}, but runtime.txt says {version}, and App Service takes neither for certain (its build and the app follow the site's version, which this repository does not set)"
            )
        } else {
            format!("{said}, but App Service builds and runs the app with {site}")
        };
        out.push(
            Diagnostic::new(&META, Some(d.span), format!("{subject}: {why}"))
                .label(format!("{} disagrees", d.by.label()))
                .help(format!(
                    "declare one version everywhere: the site's ({version}) in {}, or move the site to the version the app is written for",
                    d.by.label()
                )),
        );
    }
}
