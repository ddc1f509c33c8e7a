//! AZ101 requirements-not-at-root

use crate::diagnostic::{Diagnostic, Fix};
use crate::project::{FileId, Project, Span};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ101",
    name: "requirements-not-at-root",
    category: Category::Blocker,
    summary: "No requirements.txt, setup.py or pyproject.toml at the app root",
    docs: include_str!("../../lints/AZ101.md"),
    security_severity: None,
};

/// The root files Oryx installs from (docs/platform.md, "Installing dependencies"), and the settings that replace them.
const ROOT_FILES: &[&str] = &["requirements.txt", "setup.py", "pyproject.toml"];
const SETTINGS: &[&str] = &["CUSTOM_REQUIREMENTSTXT_PATH", "CUSTOM_BUILD_COMMAND"];
/// Secondary labels shown at most; the rest are counted in a note.
const MAX_LABELS: usize = 4;

const NOTHING_INSTALLED: &str = "Oryx logs \"Could not find requirements.txt, pyproject.toml, or setup.py; Not installing \
     dependencies.\", the deployment succeeds, and the app fails at start-up with ModuleNotFoundError";

/// A file that looks like the app's dependency list, in the order they are offered as the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// `Requirements.txt`: the right name in the wrong case.
    WrongCase,
    /// `requirements.txt.txt`, `requirement.txt`, `requirments.txt`: a misspelt name.
    Misspelt,
    /// `Pipfile`: Oryx ignores it.
    Pipfile,
    /// `requirements.in`: pip-tools' input.
    PipToolsInput,
    /// `requirements-prod.txt` at the root.
    Variant,
    /// `requirements/prod.txt`.
    Folder,
    /// `src/requirements.txt`, `src/pyproject.toml`: the app may be in a subfolder.
    Nested,
}

#[derive(Debug)]
struct Candidate<'p> {
    kind: Kind,
    file: FileId,
    path: &'p str,
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    if ROOT_FILES.iter().any(|name| project.file(name).is_some()) {
        return;
    }
    // The deploy workflow copies one to the root of what it deploys (`cp backend/requirements.txt .`).
    if ROOT_FILES
        .iter()
        .any(|name| ctx.sources.deployed_root_copy(name).is_some())
    {
        return;
    }
    if SETTINGS.iter().any(|name| {
        ctx.app_settings
            .get(name)
            .is_some_and(|s| !s.value.trim().is_empty())
    }) {
        return;
    }
    let mut python_files = project
        .files()
        .filter(|&f| project.rel_path(f).ends_with(".py"));
    let Some(first_python) = python_files.next() else {
        return;
    };

    let mut candidates: Vec<Candidate> = project
        .files()
        .filter_map(|file| {
            let path = project.rel_path(file);
            classify(path).map(|kind| Candidate { kind, file, path })
        })
        .collect();
    candidates.sort_by_key(|c| {
        let (dir, name) = c.path.rsplit_once('/').unwrap_or(("", c.path));
        let holds_app = c.kind == Kind::Nested && has_python_app(project, dir);
        let name_rank = ["requirements.txt", "pyproject.toml", "setup.py"]
            .iter()
            .position(|n| name.eq_ignore_ascii_case(n));
        (
            c.kind,
            preference(c.path),
            !holds_app,
            c.path.matches('/').count(),
            name_rank,
            c.path,
        )
    });

    let Some(best) = candidates.first() else {
        let file = ctx
            .startup
            .entry
            .as_ref()
            .map(|e| e.file)
            .or_else(|| project.file("manage.py"))
            .unwrap_or(first_python);
        out.push(
            Diagnostic::new(
                &META,
                Some(Span::file_start(file)),
                "the app root has no `requirements.txt`, `setup.py` or `pyproject.toml`, so the build installs no packages",
            )
            .label("imports of installed packages fail here")
            .help(
                "add `requirements.txt` at the app root listing the packages the app imports, one a line \
                 (e.g. `Flask==3.0.3`); `pip freeze > requirements.txt` in the app's virtual environment writes it",
            )
            .note(NOTHING_INSTALLED),
        );
        return;
    };

    let (message, label, help) = advice(project, best);
    let mut d = Diagnostic::new(&META, Some(Span::file_start(best.file)), message)
        .label(label)
        .help(help)
        .fix(root_file_fix(project, best));
    for other in candidates.iter().skip(1).take(MAX_LABELS) {
        d = d.secondary(Span::file_start(other.file), "not at the app root either");
    }
    if candidates.len() > MAX_LABELS + 1 {
        d = d.note(format!(
            "{} more files that look like dependency lists are not at the root either",
            candidates.len() - MAX_LABELS - 1
        ));
    }
    out.push(d.note(NOTHING_INSTALLED));
}

/// The message, primary label and help for the best candidate.
fn advice(project: &Project, c: &Candidate) -> (String, &'static str, String) {
    let path = c.path;
    let installs_nothing = "so the build installs no packages";
    match c.kind {
        Kind::WrongCase => (
            format!("the requirements file is named `{path}`, not `requirements.txt`, {installs_nothing}"),
            "file names are case-sensitive on Linux: Oryx looks for `requirements.txt`",
            format!("rename it: `git mv {path} requirements.txt`"),
        ),
        Kind::Misspelt => (
            format!("the requirements file is named `{path}`, not `requirements.txt`, {installs_nothing}"),
            "Oryx looks for exactly `requirements.txt`",
            format!("rename it: `git mv {path} requirements.txt`"),
        ),
        Kind::Pipfile => (
            format!("the app has a `{path}` but no `requirements.txt` at its root, {installs_nothing}"),
            "Oryx ignores Pipfile and Pipfile.lock",
            "run `pipenv requirements > requirements.txt` and commit `requirements.txt` at the app root".to_owned(),
        ),
        Kind::PipToolsInput => (
            format!("the app has `{path}` but no `requirements.txt` at its root, {installs_nothing}"),
            "Oryx reads only `requirements.txt`",
            format!("run `pip-compile {path}` (pip-tools) and commit the `requirements.txt` it writes"),
        ),
        Kind::Variant | Kind::Folder => (
            format!("the app has `{path}` but no `requirements.txt` at its root, {installs_nothing}"),
            "Oryx reads only `requirements.txt` at the app root",
            if is_django_at_root(project) {
                format!(
                    "add `requirements.txt` at the app root containing the line `-r {path}`, and Django's own line too: Oryx decides on collectstatic by grepping that one file for \"Django\""
                )
            } else {
                format!("add `requirements.txt` at the app root containing the line `-r {path}`")
            },
        ),
        Kind::Nested => {
            let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
            let help = if name.eq_ignore_ascii_case("requirements.txt") {
                format!(
                    "if `{dir}/` holds the app, deploy that folder instead (it is the app root); \
                     otherwise move the file up: `git mv {path} requirements.txt`"
                )
            } else {
                format!(
                    "if `{dir}/` holds the app, deploy that folder instead (it is the app root); \
                     otherwise add `requirements.txt` at the app root containing the line `./{dir}`"
                )
            };
            let label = if has_python_app(project, dir) {
                "the app's code is in this folder too: the wrong folder may be deployed"
            } else {
                "Oryx looks at the app root only"
            };
            (format!("the app has `{path}` but no dependency file at its root, {installs_nothing}"), label, help)
        }
    }
}

/// The fix that writes the help's root `requirements.txt`, for a requirements file in a `requirements/`
/// folder or a variant at the root: `-r <file>`, and `Django` for a Django app (pip intersects it with the
/// pinned line of the included file; Oryx's `grep -iq Django` needs the word in this file).
fn root_file_fix(project: &Project, c: &Candidate) -> Option<Fix> {
    if !matches!(c.kind, Kind::Variant | Kind::Folder) {
        return None;
    }
    let mut content = format!("-r {}\n", c.path);
    if is_django_at_root(project) {
        content.push_str("Django\n");
    }
    Some(Fix::create("requirements.txt", content))
}

/// Whether a folder holds an app entry point (`manage.py`, `app.py`, `wsgi.py`, ...).
fn has_python_app(project: &Project, dir: &str) -> bool {
    [
        "manage.py",
        "app.py",
        "application.py",
        "main.py",
        "wsgi.py",
        "asgi.py",
    ]
    .iter()
    .any(|name| project.file(&format!("{dir}/{name}")).is_some())
}

/// Whether a file looks like a dependency list that Oryx will not read, and which kind.
fn classify(path: &str) -> Option<Kind> {
    let lower = path.to_lowercase();
    match lower.rsplit_once('/') {
        None => classify_root_name(path, &lower),
        Some((dir, name)) => {
            let top = dir.split('/').next().unwrap_or(dir);
            if !dir.contains('/')
                && matches!(top, "requirements" | "reqs" | "requirements.d")
                && (name.ends_with(".txt") || name.ends_with(".in"))
            {
                return Some(Kind::Folder);
            }
            matches!(name, "requirements.txt" | "setup.py" | "pyproject.toml")
                .then_some(Kind::Nested)
        }
    }
}

fn classify_root_name(name: &str, lower: &str) -> Option<Kind> {
    if name == "Pipfile" {
        return Some(Kind::Pipfile);
    }
    if lower == "requirements.txt" {
        // The exact name returned earlier: this one differs in case.
        return Some(Kind::WrongCase);
    }
    if lower == "requirements.in" {
        return Some(Kind::PipToolsInput);
    }
    let (stem, rest) = lower.split_once('.').unwrap_or((lower, ""));
    let rest_is_text = rest.is_empty()
        || matches!(rest, "txt" | "text" | "tx" | "pip")
        || rest.starts_with("txt.");
    if stem == "requirements" && rest.ends_with("txt") && rest != "txt" && !rest.starts_with("txt")
    {
        // `requirements.prod.txt`
        return Some(Kind::Variant);
    }
    if is_requirements_like(stem) && rest_is_text {
        return Some(Kind::Misspelt);
    }
    for sep in ['-', '_'] {
        if let Some((head, _)) = stem.split_once(sep)
            && is_requirements_like(head)
            && rest == "txt"
        {
            return Some(Kind::Variant);
        }
    }
    None
}

/// `requirements` or a close misspelling of it (`requirement`, `requirments`, `requierments`).
fn is_requirements_like(word: &str) -> bool {
    word.len() >= 9 && word.starts_with("req") && edit_distance(word, "requirements") <= 2
}

/// Levenshtein distance of two short ASCII-ish words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Lower is the likelier production list: `prod` before `base` before anything before `dev`/`test`/`docs`,
/// judged on the words of the whole path.
fn preference(path: &str) -> u8 {
    let lower = path.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |prefixes: &[&str], exact: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(p)) || exact.contains(w))
    };
    if has(&["prod", "deploy", "azure", "release"], &["live"]) {
        0
    } else if has(&["base", "common"], &["main", "core"]) {
        1
    } else if has(
        &[
            "dev", "test", "local", "lint", "debug", "typing", "example", "sample",
        ],
        &["ci", "doc", "docs"],
    ) {
        3
    } else {
        2
    }
}

/// A Django app with `manage.py` at its root: Oryx's collectstatic step greps the root requirements file.
fn is_django_at_root(project: &crate::project::Project) -> bool {
    project.file("manage.py").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_names() {
        let cases = [
            ("Requirements.txt", Some(Kind::WrongCase)),
            ("REQUIREMENTS.TXT", Some(Kind::WrongCase)),
            ("requirements.txt.txt", Some(Kind::Misspelt)),
            ("requirement.txt", Some(Kind::Misspelt)),
            ("requirments.txt", Some(Kind::Misspelt)),
            ("requirements", Some(Kind::Misspelt)),
            ("requirements.text", Some(Kind::Misspelt)),
            ("requirements-prod.txt", Some(Kind::Variant)),
            ("requirements_dev.txt", Some(Kind::Variant)),
            ("requirements.prod.txt", Some(Kind::Variant)),
            ("requirements.in", Some(Kind::PipToolsInput)),
            ("Pipfile", Some(Kind::Pipfile)),
            ("Pipfile.lock", None),
            ("requirements/prod.txt", Some(Kind::Folder)),
            ("requirements/base.in", Some(Kind::Folder)),
            ("src/requirements.txt", Some(Kind::Nested)),
            ("backend/pyproject.toml", Some(Kind::Nested)),
            ("lib/vendor/setup.py", Some(Kind::Nested)),
            ("requirements.md", None),
            ("README.md", None),
            ("request.txt", None),
            ("src/app.py", None),
        ];
        for (path, kind) in cases {
            assert_eq!(classify(path), kind, "{path}");
        }
    }

    #[test]
    fn prefers_production_lists() {
        let mut names = vec![
            "requirements/dev.txt",
            "requirements/prod.txt",
            "requirements/base.txt",
        ];
        names.sort_by_key(|n| preference(n));
        assert_eq!(
            names,
            vec![
                "requirements/prod.txt",
                "requirements/base.txt",
                "requirements/dev.txt"
            ]
        );
        assert_eq!(preference("docs/requirements.txt"), 3);
        assert_eq!(preference("services/requirements.txt"), 2);
        assert_eq!(preference("docker/requirements.txt"), 2);
        assert_eq!(preference("requirements-production.txt"), 0);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("requirements", "requirements"), 0);
        assert_eq!(edit_distance("requirments", "requirements"), 1);
        assert_eq!(edit_distance("requierments", "requirements"), 2);
    }
}
