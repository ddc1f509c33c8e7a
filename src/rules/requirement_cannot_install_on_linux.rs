//! AZ104 requirement-cannot-install-on-linux

use crate::diagnostic::Diagnostic;
use crate::platform::requirements::{
    DependencyKind, EntryKind, IncludeTarget, LineProblem, Location, PathProblem, PathTarget,
    Requirement, RequirementsFile, not_on_pypi, windows_only,
};
use crate::project::{Project, Span};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ104",
    name: "requirement-cannot-install-on-linux",
    category: Category::Blocker,
    summary: "A requirement line pip cannot parse or install on Linux: Windows-only package, local or drive path, `pkg-resources==0.0.0`",
    docs: include_str!("../../lints/AZ104.md"),
    security_severity: None,
};

const BUILD_FAILS: &str =
    "Oryx runs `pip install -r` with `set -e`: one failing line fails the whole deployment";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let req = &ctx.requirements;
    if req.kind != DependencyKind::RequirementsTxt {
        return;
    }
    let project = ctx.project;
    for file in &req.files {
        // A file pip cannot decode is AZ105's.
        if !file.encoding.pip_reads() {
            continue;
        }
        let path = project.rel_path(file.file);
        for entry in &file.entries {
            match &entry.kind {
                EntryKind::Invalid {
                    reason,
                    problem,
                    span,
                } => {
                    out.push(invalid_line(path, &entry.text, reason, problem, *span));
                }
                EntryKind::Include(inc) => {
                    let flag = if inc.constraint { "-c" } else { "-r" };
                    let (message, help) = match &inc.resolved {
                        IncludeTarget::Missing { rel } => (
                            format!(
                                "`{flag} {}` names `{rel}`, which is not in the app",
                                inc.target
                            ),
                            format!(
                                "commit `{rel}`, or correct the path: it is relative to the folder of `{path}`"
                            ),
                        ),
                        IncludeTarget::Outside(problem) => (
                            format!(
                                "`{flag} {}` names {}",
                                inc.target,
                                describe_problem(*problem)
                            ),
                            format!(
                                "copy the file into the app and write a path relative to `{path}`'s folder, e.g. `{flag} requirements-base.txt`"
                            ),
                        ),
                        _ => continue,
                    };
                    out.push(
                        Diagnostic::new(&META, Some(inc.target_span), message)
                            .label("pip: Could not open requirements file")
                            .help(help)
                            .note(BUILD_FAILS),
                    );
                }
                EntryKind::Requirement(r) => {
                    if let Some(d) = requirement(project, file, r, &entry.text) {
                        out.push(d);
                    }
                }
                EntryKind::Options => {}
            }
        }
    }
}

fn invalid_line(
    path: &str,
    text: &str,
    reason: &str,
    problem: &LineProblem,
    span: Span,
) -> Diagnostic {
    let help = match problem {
        LineProblem::SingleEquals => {
            format!("write `==` to pin a version: `{}`", fix_single_equals(text))
        }
        LineProblem::UnknownOption { option } => format!(
            "delete the line: `{option}` is an option of the `pip install` command, not of requirements files"
        ),
        LineProblem::MissingValue => {
            "give the option its value on the same line (`-r other.txt`), or delete the line"
                .to_owned()
        }
        LineProblem::OperatorWithoutVersion { name, operator } => format!(
            "write the version after `{operator}`: `{name}{operator}<version>` (`pip freeze` prints the one you run locally), or write `{name}` alone to install the newest release"
        ),
        LineProblem::Other => {
            "write one requirement a line as `name==version` (PEP 508), or delete the line; a comment needs a space before its `#`"
                .to_owned()
        }
    };
    Diagnostic::new(
        &META,
        Some(span),
        format!("pip cannot parse `{text}` in {path}"),
    )
    .label(reason.to_owned())
    .help(help)
    .note(BUILD_FAILS)
}

/// `Django=4.2` → `Django==4.2`, `x=>1` → `x>=1`.
fn fix_single_equals(text: &str) -> String {
    let text = text.replace("=>", ">=").replace("=<", "<=");
    let Some(pos) = text.find('=') else {
        return text;
    };
    let before = text[..pos].chars().last();
    let after = text[pos + 1..].chars().next();
    if matches!(before, Some('<' | '>' | '!' | '~' | '=')) || after == Some('=') {
        return text;
    }
    format!("{}=={}", &text[..pos], &text[pos + 1..])
}

fn describe_problem(problem: PathProblem) -> &'static str {
    match problem {
        PathProblem::WindowsDrive => {
            "a Windows path, which does not exist in the Linux build container"
        }
        PathProblem::Backslashes => {
            "a path with Windows separators: on Linux a backslash is part of a file name"
        }
        PathProblem::Absolute => {
            "an absolute path of the machine the file was written on, which the build container does not have"
        }
        PathProblem::AboveRoot => {
            "a path above the app root: the build gets a copy of the app root and nothing beside it"
        }
    }
}

fn requirement(
    project: &Project,
    file: &RequirementsFile,
    r: &Requirement,
    text: &str,
) -> Option<Diagnostic> {
    if !r.constraint
        && let Some(normalized) = r.normalized.as_deref()
        && let Some(why) = windows_only(normalized)
        && !r.has_platform_marker()
        && r.location.is_none()
    {
        return Some(
            Diagnostic::new(
                &META,
                Some(r.name_span),
                format!("`{text}` installs only on Windows, and the App Service build runs on Linux"),
            )
            .label(why)
            .help(format!(
                "keep it for Windows only with a marker: `{}; sys_platform == \"win32\"`, or delete the line",
                text.split(';').next().unwrap_or(text).trim()
            ))
            .note(BUILD_FAILS),
        );
    }
    if let Some(why) = not_on_pypi(r) {
        return Some(
            Diagnostic::new(
                &META,
                Some(r.name_span),
                format!("`{text}` does not exist on PyPI"),
            )
            .label(why)
            .help("delete the line; `pip freeze --exclude pkg-resources` leaves it out next time")
            .note(BUILD_FAILS),
        );
    }
    let Some(Location::Path(local)) = &r.location else {
        return None;
    };
    let in_file = project.rel_path(file.file);
    let (message, label, help) = match &local.target {
        PathTarget::Outside(problem) => {
            let conda = local.raw.contains("conda") || local.raw.contains("feedstock_root");
            let wheel = wheel_name(&local.raw);
            let help = match (&r.name, *problem) {
                _ if wheel.is_some() => {
                    let (file_name, name, version) = wheel.unwrap_or_default();
                    format!(
                        "if `{name}` {version} is on PyPI, write `{name}=={version}`; otherwise commit the wheel into the app and write its path relative to the app root: `wheels/{file_name}`"
                    )
                }
                (Some(n), PathProblem::Absolute) if conda => format!(
                    "install `{n}` from PyPI instead: write `{n}==<version>`; `pip list --format=freeze` writes the file without these paths"
                ),
                (Some(n), _) => format!(
                    "install `{n}` from PyPI (`{n}==<version>`), or commit the package into the app and write its path relative to the app root (`./packages/...`)"
                ),
                (None, _) => "commit the package into the app and write its path relative to the app root (`./packages/...`), or install it from PyPI".to_owned(),
            };
            (
                format!(
                    "`{}` in {in_file} is {}",
                    local.raw,
                    describe_problem(*problem)
                ),
                "pip: No such file or directory".to_owned(),
                help,
            )
        }
        PathTarget::InApp {
            exists: false, rel, ..
        } => (
            format!(
                "`{}` in {in_file} names `{}`, which is not in the app",
                local.raw,
                display_rel(rel)
            ),
            "pip runs in the app root: paths in a requirements file are relative to it".to_owned(),
            format!(
                "commit `{}`, or correct the path (relative to the app root, where pip runs)",
                display_rel(rel)
            ),
        ),
        PathTarget::InApp {
            is_dir: true,
            installable: false,
            rel,
            ..
        } => (
            format!(
                "`{}` in {in_file} names the folder `{}`, which has no `setup.py` or `pyproject.toml`",
                local.raw,
                display_rel(rel)
            ),
            "pip: Directory is not installable".to_owned(),
            format!(
                "add a `pyproject.toml` to `{}` that declares the package, or delete the line",
                display_rel(rel)
            ),
        ),
        PathTarget::InApp { .. } => return None,
    };
    Some(
        Diagnostic::new(&META, Some(local.span), message)
            .label(label)
            .help(help)
            .note(BUILD_FAILS),
    )
}

/// A wheel's file name, distribution name and version (`x-1.0-py3-none-any.whl` → `x`, `1.0`).
fn wheel_name(path: &str) -> Option<(String, String, String)> {
    let file_name = path.rsplit(['/', '\\']).next()?;
    let stem = file_name.strip_suffix(".whl")?;
    let mut parts = stem.split('-');
    let name = parts.next()?.to_owned();
    let version = parts.next()?.to_owned();
    Some((file_name.to_owned(), name, version))
}

fn display_rel(rel: &str) -> &str {
    if rel.is_empty() { "." } else { rel }
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
    fn checks_included_files_and_skips_marked_lines() {
        let out = run(
            &[
                ("app.py", b""),
                (
                    "requirements.txt",
                    b"-r base.txt\npywin32==306 ; platform_system == 'Windows'\n",
                ),
                ("base.txt", b"pywin32==306\npkg-resources==0.0.0\n"),
            ],
            |_| {},
        );
        let messages: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "`pywin32==306` installs only on Windows, and the App Service build runs on Linux",
                "`pkg-resources==0.0.0` does not exist on PyPI",
            ]
        );
    }

    #[test]
    fn only_the_requirements_route() {
        assert!(
            run(
                &[("setup.py", b""), ("requirements-dev.txt", b"Flask=3\n")],
                |_| {}
            )
            .is_empty()
        );
    }

    #[test]
    fn an_operator_without_a_version_is_reported_with_both_fixes() {
        let out = run(
            &[
                ("app.py", b""),
                (
                    "requirements.txt",
                    b"Flask==3.0.3\ngunicorn==\nrequests >= \nwhitenoise~=6.8\n",
                ),
            ],
            |_| {},
        );
        let messages: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "pip cannot parse `gunicorn==` in requirements.txt",
                "pip cannot parse `requests >=` in requirements.txt",
            ]
        );
        let help = out[0].help.as_deref().unwrap();
        assert!(help.contains("`gunicorn==<version>`"), "{help}");
        assert!(help.contains("write `gunicorn` alone"), "{help}");
        assert!(
            out[1]
                .help
                .as_deref()
                .unwrap()
                .contains("`requests>=<version>`")
        );
    }

    #[test]
    fn single_equals_is_doubled() {
        assert_eq!(fix_single_equals("Django=4.2"), "Django==4.2");
        assert_eq!(fix_single_equals("x=>1"), "x>=1");
        assert_eq!(fix_single_equals("x>=1"), "x>=1");
    }

    #[test]
    fn wheel_names() {
        assert_eq!(
            wheel_name("C:\\w\\reports-1.2.0-py3-none-any.whl"),
            Some((
                "reports-1.2.0-py3-none-any.whl".into(),
                "reports".into(),
                "1.2.0".into()
            ))
        );
        assert_eq!(wheel_name("./lib"), None);
    }
}
