//! The dependencies Oryx installs, read the way Oryx and pip read them.
//!
//! Which file Oryx installs from follows `PythonBashBuildSnippet.sh.tpl` (docs/platform.md, "Installing dependencies"): the
//! `CUSTOM_BUILD_COMMAND` setting replaces the install; else `requirements.txt` (or the file named by
//! `CUSTOM_REQUIREMENTSTXT_PATH`) with `pip install -r`; else `setup.py` with `pip install .`; else
//! `pyproject.toml` with `uv sync` when `uv.lock` is there, `poetry install --only main` otherwise; else
//! nothing, with the message [`NOT_INSTALLING_MESSAGE`].
//!
//! A requirements file is read as pip 23-25 reads it (`pip/_internal/req/req_file.py`): lines ending in
//! `\` are joined, comments (`#` at the start or after whitespace) dropped, the words before the first
//! word starting with `-` are the requirement and the rest are options; `-r`/`-c` include another file
//! relative to the including one, while a requirement's own path (`./lib`, `-e .`) is relative to the
//! directory pip runs in, the app root. The file is decoded the way pip's `auto_decode` does: a UTF-8,
//! UTF-16 or UTF-32 byte-order mark is honoured, anything else must be UTF-8.

//!
//! The parts: `pip_file.rs` reads requirements files as pip does, `packages.rs` holds the package tables;
//! this file decides which dependency file Oryx installs and what it declares.

pub mod normalize;
pub mod packages;
pub mod pip_file;

use serde::Serialize;

use crate::platform::app_settings::AppSettings;
use crate::platform::pyproject::{Pyproject, lock_package_names};
use crate::project::{FileId, Project};
pub use packages::*;
pub use pip_file::*;

/// What Oryx logs when it finds nothing to install (the build carries on).
pub const NOT_INSTALLING_MESSAGE: &str =
    "Could not find requirements.txt, pyproject.toml, or setup.py; Not installing dependencies.";

/// How Oryx installs the app's dependencies (first match wins, docs/platform.md, "Installing dependencies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DependencyKind {
    /// `CUSTOM_BUILD_COMMAND` runs instead of Oryx's install.
    CustomBuildCommand,
    /// `pip install --prefer-binary -r requirements.txt` (or `CUSTOM_REQUIREMENTSTXT_PATH`).
    RequirementsTxt,
    /// `pip install .`
    SetupPy,
    /// `uv sync` from `pyproject.toml` and `uv.lock`.
    PyprojectUv,
    /// `poetry install --only main` from `pyproject.toml`.
    PyprojectPoetry,
    /// Nothing is installed.
    None,
}

impl DependencyKind {
    /// The name used by `plan`: `requirements.txt`, `setup.py`, `pyproject+uv.lock`, `pyproject+poetry`,
    /// `custom-build-command`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyKind::CustomBuildCommand => "custom-build-command",
            DependencyKind::RequirementsTxt => "requirements.txt",
            DependencyKind::SetupPy => "setup.py",
            DependencyKind::PyprojectUv => "pyproject+uv.lock",
            DependencyKind::PyprojectPoetry => "pyproject+poetry",
            DependencyKind::None => "none",
        }
    }
}

/// A dependency declared outside requirements files: `pyproject.toml`, a lock file or `setup.py`.
#[derive(Debug, Clone)]
pub struct Declared {
    pub name: String,
    pub normalized: String,
    pub file: FileId,
}

/// The app's dependencies as Oryx will install them.
#[derive(Debug, Clone)]
pub struct Requirements {
    pub kind: DependencyKind,
    /// The requirements file Oryx looks for (`requirements.txt` or `CUSTOM_REQUIREMENTSTXT_PATH`).
    pub requirements_path: String,
    /// `CUSTOM_REQUIREMENTSTXT_PATH` is set.
    pub custom_path: bool,
    /// The root requirements file first, then every file it includes, in the order pip reaches them.
    pub files: Vec<RequirementsFile>,
    /// Dependencies read from `pyproject.toml`, `uv.lock`, `poetry.lock` or `setup.py`, when the route
    /// Oryx takes installs them (or the requirements install the app itself with `.` / `-e .`).
    pub declared: Vec<Declared>,
    /// Why the installed set cannot be known in full here (a URL include, `setup.py` that is not a
    /// literal list, `CUSTOM_BUILD_COMMAND`, ...). Empty when it can.
    pub unknown: Vec<String>,
    /// `grep -iq Django` on the root requirements file, as Oryx runs it before `collectstatic`
    /// (`None`: there is no such file).
    pub grep_django: Option<bool>,
    /// The dependency file of the route Oryx takes (`requirements.txt`, `setup.py`, `pyproject.toml`).
    pub dependency_file: Option<FileId>,
}

impl Default for Requirements {
    fn default() -> Self {
        Requirements {
            kind: DependencyKind::None,
            requirements_path: "requirements.txt".to_owned(),
            custom_path: false,
            files: Vec::new(),
            declared: Vec::new(),
            unknown: Vec::new(),
            grep_django: None,
            dependency_file: None,
        }
    }
}

impl Requirements {
    pub fn detect(
        project: &Project,
        settings: &AppSettings,
        pyproject: &Pyproject,
    ) -> Requirements {
        let mut req = Requirements::default();
        if let Some(custom) = settings
            .get("CUSTOM_REQUIREMENTSTXT_PATH")
            .map(|s| s.value.trim())
            .filter(|v| !v.is_empty())
        {
            req.requirements_path = custom.to_owned();
            req.custom_path = true;
        }
        let custom_build = settings
            .get("CUSTOM_BUILD_COMMAND")
            .is_some_and(|s| !s.value.trim().is_empty());
        let root_file = project.file(&req.requirements_path);
        if let Some(file) = root_file {
            req.grep_django = project.bytes(file).ok().map(|b| grep_django(&b));
        }
        let pyproject_file = pyproject.file;
        req.kind = if custom_build {
            DependencyKind::CustomBuildCommand
        } else if root_file.is_some() || req.custom_path {
            // A custom path that does not exist fails the build (docs/platform.md, "Custom requirements path"): still this route.
            DependencyKind::RequirementsTxt
        } else if project.file("setup.py").is_some() {
            DependencyKind::SetupPy
        } else if pyproject_file.is_some() {
            if project.file("uv.lock").is_some() {
                DependencyKind::PyprojectUv
            } else {
                DependencyKind::PyprojectPoetry
            }
        } else {
            DependencyKind::None
        };
        match req.kind {
            DependencyKind::CustomBuildCommand => {
                req.unknown
                    .push("`CUSTOM_BUILD_COMMAND` replaces Oryx's install".to_owned());
            }
            DependencyKind::RequirementsTxt => {
                req.dependency_file = root_file;
                match root_file {
                    Some(file) => {
                        let mut reader = Reader {
                            project,
                            files: Vec::new(),
                            unknown: Vec::new(),
                        };
                        reader.read(file, false, None, 0);
                        req.files = reader.files;
                        req.unknown = reader.unknown;
                    }
                    None => req.unknown.push(format!(
                        "`CUSTOM_REQUIREMENTSTXT_PATH` names `{}`, which is not in the app",
                        req.requirements_path
                    )),
                }
                // `.` or `-e .`: the app's own package, with its declared dependencies.
                let installs_root = req.entries().any(|(_, e)| match &e.kind {
                    EntryKind::Requirement(r) => matches!(
                        &r.location,
                        Some(Location::Path(LocalPath { target: PathTarget::InApp { rel, .. }, .. })) if rel.is_empty()
                    ),
                    _ => false,
                });
                if installs_root {
                    req.read_project_metadata(project, pyproject, false);
                }
            }
            DependencyKind::SetupPy => {
                req.dependency_file = project.file("setup.py");
                req.read_project_metadata(project, pyproject, false);
            }
            DependencyKind::PyprojectUv => {
                req.dependency_file = pyproject_file;
                req.read_lock(project, "uv.lock");
            }
            DependencyKind::PyprojectPoetry => {
                req.dependency_file = pyproject_file;
                if project.file("poetry.lock").is_some() {
                    req.read_lock(project, "poetry.lock");
                } else {
                    req.read_project_metadata(project, pyproject, true);
                }
            }
            DependencyKind::None => {}
        }
        req
    }

    /// How Oryx installs the dependencies, for `plan`.
    pub fn dependency_kind(&self) -> DependencyKind {
        self.kind
    }

    /// Oryx's message when nothing is installed.
    pub fn none_message(&self) -> Option<&'static str> {
        (self.kind == DependencyKind::None).then_some(NOT_INSTALLING_MESSAGE)
    }

    /// The root requirements file, when Oryx installs from one that exists.
    pub fn root(&self) -> Option<&RequirementsFile> {
        self.files.first().filter(|f| f.included_from.is_none())
    }

    /// The first requirements file pip reads but cannot decode: the install, and so the build, fails.
    pub fn undecodable(&self) -> Option<&RequirementsFile> {
        if self.kind != DependencyKind::RequirementsTxt {
            return None;
        }
        self.files
            .iter()
            .find(|f| !f.encoding.pip_reads() && !matches!(f.encoding, Encoding::Unreadable { .. }))
    }

    /// Every entry of every requirements file, with its file.
    pub fn entries(&self) -> impl Iterator<Item = (&RequirementsFile, &Entry)> {
        self.files
            .iter()
            .flat_map(|f| f.entries.iter().map(move |e| (f, e)))
    }

    /// Every requirement that installs something (not from a constraints file).
    pub fn requirements(&self) -> impl Iterator<Item = (&RequirementsFile, &Entry, &Requirement)> {
        self.entries().filter_map(|(f, e)| match &e.kind {
            EntryKind::Requirement(r) if !r.constraint => Some((f, e, r)),
            _ => None,
        })
    }

    /// The release series (major, minor) a distribution listed in the requirements files can install, from
    /// its specifiers in every file: `None` when it is not listed there (declared in `pyproject.toml`, a lock
    /// file or `setup.py`, whose versions are not read, or not at all), or listed with a marker, a location
    /// or an environment variable. An unpinned requirement installs the newest release: both bounds are
    /// open ([`VersionRange::is_open`]).
    pub fn versions(&self, normalized: &str) -> Option<VersionRange> {
        let mut range = VersionRange::default();
        let mut listed = false;
        for (_, _, req) in self.requirements() {
            if req.normalized.as_deref() != Some(normalized) {
                continue;
            }
            if req.location.is_some() || req.marker.is_some() || req.has_env_var {
                return None;
            }
            listed = true;
            range.narrow(&req.specifier)?;
        }
        listed.then_some(range)
    }

    /// Whether every file pip reads decodes and parses: the set of installed names is known.
    pub fn parseable(&self) -> bool {
        self.files.iter().all(|f| {
            f.encoding.pip_reads()
                && f.entries
                    .iter()
                    .all(|e| !matches!(e.kind, EntryKind::Invalid { .. }))
        })
    }

    /// Whether the installed distributions are known in full (parseable, nothing opaque).
    pub fn complete(&self) -> bool {
        self.unknown.is_empty() && self.parseable()
    }

    /// The normalised names of every distribution installed directly (requirements and declared).
    pub fn installed_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .requirements()
            .filter_map(|(_, _, r)| r.normalized.clone())
            .collect();
        names.extend(self.declared.iter().map(|d| d.normalized.clone()));
        names.sort();
        names.dedup();
        names
    }

    /// Whether a requirement provides the module `import_name` (dotted or not): its distribution's
    /// name matches, a known import-name/distribution pair matches, a namespace package matches on its
    /// second component (`azure.identity` / `azure-identity`), or a known dependency of a requirement
    /// provides it.
    pub fn provides(&self, import_name: &str) -> bool {
        self.provider(import_name).is_some()
    }

    /// The normalised name of the distribution that provides `import_name`, when one does.
    pub fn provider(&self, import_name: &str) -> Option<String> {
        let names = self.installed_names();
        if let Some(direct) = names.iter().find(|d| dist_provides(d, import_name)) {
            return Some(direct.clone());
        }
        let top = import_name.split('.').next().unwrap_or(import_name);
        let deps = dependencies();
        let brought = |i: &String| {
            import_name == i
                || import_name.starts_with(&format!("{i}."))
                || (i == top && !NAMESPACES.contains(&top))
        };
        if let Some(dist) = names.iter().find(|d| {
            deps.get(d.as_str())
                .is_some_and(|imports| imports.iter().any(brought))
        }) {
            return Some(dist.clone());
        }
        // A requirement without a name (a bare VCS URL or path) whose location names the module.
        let wanted = top.to_ascii_lowercase().replace('_', "-");
        self.requirements()
            .filter(|(_, _, r)| r.normalized.is_none())
            .find_map(|(_, _, r)| {
                let loc = match &r.location {
                    Some(Location::Url(u)) => u.to_ascii_lowercase(),
                    Some(Location::Path(p)) => p.raw.to_ascii_lowercase(),
                    None => return None,
                };
                loc.replace('_', "-")
                    .contains(&wanted)
                    .then(|| wanted.clone())
            })
    }

    /// Whether a requirement whose modules are not known may install `module`, which no requirement
    /// is known to provide: then nobody can say it is missing. A requirement is known when the table of
    /// what distributions install (`data/import_names.txt`) lists it. When `name_is_known` (the table
    /// names distributions that install the module, or it is a standard-library name), an unknown
    /// requirement may install it only when its name holds the module's (`psycopg2-binary` for
    /// `psycopg2`); otherwise any unknown requirement may, and so may one without a name (a bare URL).
    pub fn may_provide(&self, module: &str, name_is_known: bool) -> bool {
        let nameless = self.requirements().any(|(_, _, r)| {
            r.normalized.is_none()
                && !matches!(
                    &r.location,
                    Some(Location::Path(LocalPath {
                        target: PathTarget::InApp { .. },
                        ..
                    }))
                )
        });
        let names = self.installed_names();
        let mut unknown = names.iter().filter(|d| !is_known_distribution(d));
        if name_is_known {
            unknown.any(|d| name_suggests(d, module))
        } else {
            nameless || unknown.next().is_some()
        }
    }

    /// The local paths (folders in the app) that requirements install from: their packages are the
    /// app's own code.
    pub fn local_package_dirs(&self) -> Vec<String> {
        self.requirements()
            .filter_map(|(_, _, r)| match &r.location {
                Some(Location::Path(LocalPath {
                    target:
                        PathTarget::InApp {
                            rel, is_dir: true, ..
                        },
                    ..
                })) => Some(rel.clone()),
                _ => None,
            })
            .collect()
    }

    fn read_lock(&mut self, project: &Project, name: &str) {
        let Some(file) = project.file(name) else {
            return;
        };
        let names = match lock_package_names(project, file) {
            Ok(names) => names,
            Err(why) => {
                self.unknown.push(why);
                return;
            }
        };
        if names.is_empty() {
            self.unknown
                .push(format!("`{name}` lists no `[[package]]` names"));
        }
        for n in names {
            self.declare(n.text, file);
        }
    }

    /// `[project] dependencies` and `[tool.poetry.dependencies]` of `pyproject.toml`, or the literal
    /// `install_requires` of `setup.py`.
    fn read_project_metadata(&mut self, project: &Project, pyproject: &Pyproject, poetry: bool) {
        let mut found = false;
        if let Some(file) = pyproject.file {
            if let Some(why) = &pyproject.error {
                self.unknown.push(why.clone());
            }
            if let Some(deps) = &pyproject.project_dependencies {
                found = true;
                for d in deps {
                    if let Some(name) = pep508_name(&d.text) {
                        self.declare(name.to_owned(), file);
                    }
                }
            }
            if poetry && let Some(deps) = &pyproject.poetry_dependencies {
                found = true;
                for d in deps {
                    self.declare(d.text.clone(), file);
                }
            }
            if pyproject.dynamic_dependencies {
                found = false;
            }
        }
        if !found
            && let Some(file) = project.file("setup.py")
            && let Some(names) = setup_py_install_requires(project, file)
        {
            found = true;
            for n in names {
                if let Some(name) = pep508_name(&n) {
                    self.declare(name.to_owned(), file);
                }
            }
        }
        if !found {
            self.unknown.push(
                "the app's own package declares its dependencies in a way this tool does not read"
                    .to_owned(),
            );
        }
    }

    fn declare(&mut self, name: String, file: FileId) {
        let normalized = normalize_name(&name);
        if !self.declared.iter().any(|d| d.normalized == normalized) {
            self.declared.push(Declared {
                name,
                normalized,
                file,
            });
        }
    }
}

/// `grep -iq Django FILE` on the raw bytes (ASCII case folding, as in the C locale or for ASCII text).
pub fn grep_django(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"django"))
}

/// The literal `install_requires=[...]` of a `setup(...)` call at the top level of `setup.py`.
fn setup_py_install_requires(project: &Project, file: FileId) -> Option<Vec<String>> {
    use ruff_python_ast::{Expr, Stmt};
    let parsed = project.python(file);
    for stmt in parsed.body() {
        let call = match stmt {
            Stmt::Expr(e) => match e.value.as_ref() {
                Expr::Call(c) => c,
                _ => continue,
            },
            _ => continue,
        };
        let callee = match call.func.as_ref() {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => continue,
        };
        if callee != "setup" {
            continue;
        }
        let Some(kw) = call.arguments.keywords.iter().find(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| a.as_str() == "install_requires")
        }) else {
            // `setup()` without install_requires: nothing declared here (perhaps setup.cfg).
            return if project.file("setup.cfg").is_some() {
                None
            } else {
                Some(Vec::new())
            };
        };
        let items = match &kw.value {
            Expr::List(l) => &l.elts,
            Expr::Tuple(t) => &t.elts,
            _ => return None,
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Expr::StringLiteral(s) => out.push(s.value.to_str().to_owned()),
                _ => return None,
            }
        }
        return Some(out);
    }
    None
}

/// Names that are valid but do not exist on PyPI: normalised name and version → why.
pub fn not_on_pypi(req: &Requirement) -> Option<&'static str> {
    let name = req.normalized.as_deref()?;
    let spec = req.specifier.replace(' ', "");
    match name {
        "pkg-resources" if spec == "==0.0.0" => Some(
            "`pkg-resources==0.0.0` is written by `pip freeze` on Debian and Ubuntu (an artefact of their patched pip); no such version exists on PyPI",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Span;

    fn project(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn detect(
        files: &[(&str, &[u8])],
        settings: &[(&str, &str)],
    ) -> (tempfile::TempDir, Project, Requirements) {
        let (dir, p) = project(files);
        let flags: Vec<(String, String)> = settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let s = crate::platform::sources::test_app_settings(&p, &flags);
        let r = Requirements::detect(&p, &s, &crate::platform::pyproject::Pyproject::read(&p));
        (dir, p, r)
    }

    fn slice(p: &Project, span: Span) -> &str {
        p.text(span.file).unwrap().slice(span.range)
    }

    #[test]
    fn dependency_kind_follows_oryx_order() {
        type Case<'a> = (
            &'a [(&'a str, &'a [u8])],
            &'a [(&'a str, &'a str)],
            DependencyKind,
        );
        let cases: &[Case] = &[
            (
                &[("requirements.txt", b"flask\n"), ("setup.py", b"")],
                &[],
                DependencyKind::RequirementsTxt,
            ),
            (
                &[("setup.py", b""), ("pyproject.toml", b"")],
                &[],
                DependencyKind::SetupPy,
            ),
            (
                &[("pyproject.toml", b""), ("uv.lock", b"")],
                &[],
                DependencyKind::PyprojectUv,
            ),
            (
                &[("pyproject.toml", b"")],
                &[],
                DependencyKind::PyprojectPoetry,
            ),
            (&[("app.py", b"")], &[], DependencyKind::None),
            (
                &[("reqs/prod.txt", b"flask\n")],
                &[("CUSTOM_REQUIREMENTSTXT_PATH", "reqs/prod.txt")],
                DependencyKind::RequirementsTxt,
            ),
            (
                &[("requirements.txt", b"flask\n")],
                &[("CUSTOM_BUILD_COMMAND", "make")],
                DependencyKind::CustomBuildCommand,
            ),
        ];
        for (files, settings, kind) in cases {
            let (_d, _p, r) = detect(files, settings);
            assert_eq!(r.dependency_kind(), *kind, "{files:?}");
        }
        let (_d, _p, r) = detect(&[("app.py", b"")], &[]);
        assert_eq!(r.none_message(), Some(NOT_INSTALLING_MESSAGE));
        assert_eq!(DependencyKind::PyprojectUv.as_str(), "pyproject+uv.lock");
    }

    #[test]
    fn lines_are_joined_and_comments_dropped_as_pip_does() {
        let text = b"# top comment\nDjango>=4.2,\\\n  <5.0  # pinned\nrequests[socks]==2.32.3 --hash=sha256:abc\n\nurl#not-a-comment\n";
        let (_d, p, r) = detect(&[("requirements.txt", text)], &[]);
        let reqs: Vec<_> = r.requirements().collect();
        assert_eq!(reqs.len(), 2);
        let (_, e, django) = reqs[0];
        assert_eq!(e.line, 2);
        assert_eq!(e.text, "Django>=4.2,  <5.0");
        assert_eq!(django.normalized.as_deref(), Some("django"));
        assert_eq!(django.specifier, ">=4.2,  <5.0");
        assert_eq!(slice(&p, django.name_span), "Django");
        let (_, e, requests) = reqs[1];
        assert_eq!(requests.extras, vec!["socks"]);
        assert_eq!(
            e.options,
            vec![("hash".to_owned(), Some("sha256:abc".to_owned()))]
        );
        // `#` not after whitespace is not a comment: pip reads `url#not-a-comment`, an invalid version.
        assert!(!r.parseable());
        let invalid: Vec<_> = r
            .entries()
            .filter(|(_, e)| matches!(e.kind, EntryKind::Invalid { .. }))
            .collect();
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].1.line, 6);
    }

    #[test]
    fn spans_of_continued_lines_point_into_the_file() {
        let text = b"flask \\\n  django-environ==0.11\n";
        let (_d, p, r) = detect(&[("requirements.txt", text)], &[]);
        let e = r.root().unwrap().entries.first().unwrap();
        // `flask   django-environ==0.11`: one requirement pip cannot parse.
        let EntryKind::Invalid { span, .. } = &e.kind else {
            panic!("{:?}", e.kind)
        };
        assert_eq!(slice(&p, *span), "flask \\\n  django-environ==0.11");
    }

    #[test]
    fn invalid_lines_and_options() {
        let text = b"Django=4.2\n--upgrade\n-r\nflask>=\nFlask==3.0.3\n--index-url https://pypi.org/simple\n--extra-index https://x/simple\n--pre\n";
        let (_d, _p, r) = detect(&[("requirements.txt", text)], &[]);
        let reasons: Vec<String> = r
            .entries()
            .filter_map(|(_, e)| match &e.kind {
                EntryKind::Invalid { reason, .. } => Some(reason.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].contains("Did you mean =="), "{}", reasons[0]);
        assert!(reasons[1].contains("no such option: --upgrade"));
        assert!(reasons[2].contains("requires 1 argument"));
        assert!(reasons[3].contains("has no version"));
        let options: Vec<_> = r
            .entries()
            .filter(|(_, e)| matches!(e.kind, EntryKind::Options))
            .map(|(_, e)| e.options[0].0.clone())
            .collect();
        assert_eq!(options, vec!["index-url", "extra-index-url", "pre"]);
    }

    #[test]
    fn markers_urls_and_paths() {
        let text = b"pywin32==306; sys_platform == \"win32\"\n\
pkg @ https://example.com/pkg-1.0.tar.gz\n\
git+https://github.com/org/mylib.git#egg=mylib\n\
numpy @ file:///home/conda/feedstock_root/build_artifacts/numpy_1/work\n\
C:\\Users\\me\\wheels\\x-1.0-py3-none-any.whl\n\
-e ./libs/shared\n\
-e ../common\n\
./missing\n\
-e .\n";
        let (_d, p, r) = detect(
            &[
                ("requirements.txt", text),
                ("libs/shared/pyproject.toml", b"[project]\nname='shared'\n"),
                ("libs/shared/shared/__init__.py", b""),
            ],
            &[],
        );
        let reqs: Vec<&Requirement> = r.requirements().map(|(_, _, r)| r).collect();
        assert_eq!(reqs.len(), 9, "{reqs:#?}");
        assert!(reqs[0].has_platform_marker());
        assert_eq!(reqs[0].marker.as_deref(), Some("sys_platform == \"win32\""));
        assert!(matches!(&reqs[1].location, Some(Location::Url(u)) if u.ends_with(".tar.gz")));
        assert_eq!(reqs[1].normalized.as_deref(), Some("pkg"));
        assert_eq!(reqs[2].normalized.as_deref(), Some("mylib"));
        let target = |r: &Requirement| match &r.location {
            Some(Location::Path(lp)) => lp.target.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(target(reqs[3]), PathTarget::Outside(PathProblem::Absolute));
        assert_eq!(
            target(reqs[4]),
            PathTarget::Outside(PathProblem::WindowsDrive)
        );
        assert!(matches!(
            target(reqs[5]),
            PathTarget::InApp {
                exists: true,
                installable: true,
                ..
            }
        ));
        assert!(reqs[5].editable);
        assert_eq!(target(reqs[6]), PathTarget::Outside(PathProblem::AboveRoot));
        assert!(matches!(
            target(reqs[7]),
            PathTarget::InApp { exists: false, .. }
        ));
        assert!(
            matches!(target(reqs[8]), PathTarget::InApp { ref rel, installable: false, .. } if rel.is_empty())
        );
        if let Some(Location::Path(lp)) = &reqs[3].location {
            assert!(slice(&p, lp.span).starts_with("file:///home/conda"));
        }
        assert_eq!(
            r.local_package_dirs(),
            vec!["libs/shared".to_owned(), String::new()]
        );
    }

    #[test]
    fn includes_are_followed_relative_to_the_including_file_with_a_cycle_guard() {
        let (_d, p, r) = detect(
            &[
                (
                    "requirements.txt",
                    b"-r requirements/prod.txt\n-c constraints.txt\n",
                ),
                ("requirements/prod.txt", b"-r base.txt\ngunicorn\n"),
                (
                    "requirements/base.txt",
                    b"Django\n--requirement=prod.txt\n-r missing.txt\n",
                ),
                ("constraints.txt", b"urllib3<2\n"),
            ],
            &[],
        );
        let files: Vec<&str> = r.files.iter().map(|f| p.rel_path(f.file)).collect();
        assert_eq!(
            files,
            vec![
                "requirements.txt",
                "requirements/prod.txt",
                "requirements/base.txt",
                "constraints.txt"
            ]
        );
        assert!(r.files[3].constraint);
        assert_eq!(r.installed_names(), vec!["django", "gunicorn"]);
        let missing: Vec<_> = r
            .entries()
            .filter_map(|(_, e)| match &e.kind {
                EntryKind::Include(Include {
                    resolved: IncludeTarget::Missing { rel },
                    ..
                }) => Some(rel.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(missing, vec!["requirements/missing.txt"]);
        assert!(r.complete());
    }

    #[test]
    fn url_includes_make_the_set_incomplete() {
        let (_d, _p, r) = detect(
            &[(
                "requirements.txt",
                b"-r https://example.com/reqs.txt\nflask\n",
            )],
            &[],
        );
        assert!(r.parseable());
        assert!(!r.complete());
    }

    #[test]
    fn encodings() {
        let utf16: Vec<u8> = "\u{feff}Django==5.1.4\r\nwhitenoise==6.8.2\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_d, _p, r) = detect(&[("requirements.txt", &utf16)], &[]);
        let root = r.root().unwrap();
        assert_eq!(
            root.encoding,
            Encoding::Utf16 {
                big_endian: false,
                bom: true
            }
        );
        assert!(root.encoding.pip_reads());
        assert_eq!(r.installed_names(), vec!["django", "whitenoise"]);
        assert_eq!(r.grep_django, Some(false));

        let no_bom: Vec<u8> = "Django==5.1.4\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_d, _p, r) = detect(&[("requirements.txt", &no_bom)], &[]);
        assert!(!r.root().unwrap().encoding.pip_reads());

        let mixed = b"Django==5.1.4\ng\0u\0n\0i\0c\0o\0r\0n\0\n\0";
        let (_d, _p, r) = detect(&[("requirements.txt", mixed)], &[]);
        assert!(matches!(
            r.root().unwrap().encoding,
            Encoding::NulBytes { .. }
        ));
        assert_eq!(r.grep_django, Some(true));
        assert!(!r.parseable());

        let (_d, _p, r) = detect(&[("requirements.txt", b"\xEF\xBB\xBFdjango\n")], &[]);
        assert_eq!(r.root().unwrap().encoding, Encoding::Utf8);
        assert_eq!(r.installed_names(), vec!["django"]);
    }

    #[test]
    fn names_are_normalised_and_provide_imports() {
        assert_eq!(normalize_name("Django_Environ"), "django-environ");
        assert_eq!(normalize_name("ruamel.yaml"), "ruamel-yaml");
        assert_eq!(normalize_name("A__b--C"), "a-b-c");
        let (_d, _p, r) = detect(
            &[(
                "requirements.txt",
                b"PyYAML\nPillow\ndjango-environ\ndjangorestframework\nFlask_Cors\nazure-identity\nazure-storage-blob\nrequests\nprotobuf\n",
            )],
            &[],
        );
        for module in [
            "yaml",
            "PIL.Image",
            "environ",
            "rest_framework.routers",
            "flask_cors",
            "azure.identity",
            "azure.storage.blob",
            "azure.core.exceptions",
            "urllib3",
            "requests",
            "google.protobuf",
            "msal",
        ] {
            assert!(r.provides(module), "{module}");
        }
        for module in [
            "decouple",
            "azure.keyvault.secrets",
            "google.auth",
            "dotenv",
            "numpy",
        ] {
            assert!(!r.provides(module), "{module}");
        }
        assert!(matches!(
            r.provider("urllib3").as_deref(),
            Some("requests" | "azure-identity" | "azure-storage-blob")
        ));
        // Found in the table, generated from what the distributions install.
        let (_d, _p, r) = detect(
            &[(
                "requirements.txt",
                b"django-cloudinary-storage==0.3.0
pdfminer.six
psycopg2-binary
setuptools
",
            )],
            &[],
        );
        for module in [
            "cloudinary_storage.storage",
            "pdfminer.high_level",
            "psycopg2.extras",
            "pkg_resources",
            "distutils",
        ] {
            assert!(r.provides(module), "{module}");
        }
        assert!(
            !r.provides("cloudinary"),
            "the Cloudinary SDK is a dependency, not listed here"
        );
    }

    #[test]
    fn suggestions_come_from_the_table_only() {
        assert_eq!(
            suggested_distribution("rest_framework.authtoken").as_deref(),
            Some("djangorestframework")
        );
        assert_eq!(suggested_distribution("yaml").as_deref(), Some("PyYAML"));
        assert_eq!(
            suggested_distribution("cloudinary_storage").as_deref(),
            Some("django-cloudinary-storage")
        );
        assert_eq!(
            suggested_distribution("pdfminer.high_level").as_deref(),
            Some("pdfminer.six")
        );
        // Several distributions install `psycopg2`: the most downloaded is suggested.
        assert_eq!(
            suggested_distribution("psycopg2").as_deref(),
            Some("psycopg2-binary")
        );
        assert_eq!(
            suggested_distribution("azure.identity.aio").as_deref(),
            Some("azure-identity")
        );
        assert_eq!(
            suggested_distribution("google.protobuf").as_deref(),
            Some("protobuf")
        );
        assert_eq!(
            suggested_distribution("requests").as_deref(),
            Some("requests")
        );
        // Not guessed from the module's name.
        assert_eq!(suggested_distribution("some_private_pkg"), None);
        assert_eq!(display_name("pyyaml"), "PyYAML");
        assert_eq!(display_name("whatever"), "whatever");
    }

    #[test]
    fn every_suggestion_installs_its_module() {
        // Whatever the table suggests for a module provides that module.
        for module in [
            "yaml",
            "PIL",
            "bs4",
            "jwt",
            "dateutil",
            "dotenv",
            "google.auth",
            "Crypto",
        ] {
            let dist = suggested_distribution(module).unwrap_or_else(|| panic!("{module}"));
            assert!(
                dist_provides(&normalize_name(&dist), module),
                "{module}: {dist}"
            );
        }
    }

    #[test]
    fn unknown_requirements_may_provide_what_is_not_known() {
        let reqs = |text: &[u8]| detect(&[("requirements.txt", text)], &[]).2;
        // Every requirement known: nothing else is installed.
        let known = reqs(
            b"Django==5.1
requests
",
        );
        assert!(is_known_distribution("django"));
        assert!(!known.may_provide("some_private_pkg", false));
        assert!(!known.may_provide("rest_framework", true));
        // An unknown requirement may install any module nobody is known to install...
        let unknown = reqs(
            b"Django==5.1
acme-internal-tools==1.0
",
        );
        assert!(!is_known_distribution("acme-internal-tools"));
        assert!(unknown.may_provide("some_private_pkg", false));
        // ...but a module known to come from absent distributions only when its name says so.
        assert!(!unknown.may_provide("rest_framework", true));
        let fork = reqs(
            b"Django==5.1
djangorestframework-fork==3.0
",
        );
        assert!(fork.may_provide("rest_framework", true));
        // A bare URL names nothing.
        let url = reqs(
            b"Django==5.1
git+https://example.com/org/tools.git
",
        );
        assert!(url.may_provide("some_private_pkg", false));
        assert!(!url.may_provide("rest_framework", true));
        // The app's own folder is its code, not an unknown distribution.
        let (_d, _p, own) = detect(
            &[
                (
                    "requirements.txt",
                    b"Django==5.1
./libs/shared
",
                ),
                (
                    "libs/shared/setup.py",
                    b"from setuptools import setup
setup()
",
                ),
            ],
            &[],
        );
        assert!(!own.may_provide("some_private_pkg", false));
    }

    #[test]
    fn pyproject_and_lock_files() {
        let pyproject = b"[project]\nname = \"app\"\ndependencies = [\n  \"Django>=5\",  # web\n  'whitenoise[brotli]',\n]\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\n\"django-environ\" = \"^0.11\"\n";
        let (_d, _p, r) = detect(&[("pyproject.toml", pyproject)], &[]);
        assert_eq!(r.kind, DependencyKind::PyprojectPoetry);
        assert_eq!(
            r.installed_names(),
            vec!["django", "django-environ", "whitenoise"]
        );
        assert!(r.complete());

        let lock = b"version = 1\n\n[[package]]\nname = \"django\"\nversion = \"5.1\"\ndependencies = [\n  { name = \"asgiref\" },\n]\n\n[[package]]\nname = \"asgiref\"\n";
        let (_d, _p, r) = detect(&[("pyproject.toml", pyproject), ("uv.lock", lock)], &[]);
        assert_eq!(r.kind, DependencyKind::PyprojectUv);
        assert_eq!(r.installed_names(), vec!["asgiref", "django"]);

        let setup = b"from setuptools import setup\nsetup(name='x', install_requires=['flask>=3', 'PyYAML'])\n";
        let (_d, _p, r) = detect(&[("setup.py", setup)], &[]);
        assert_eq!(r.installed_names(), vec!["flask", "pyyaml"]);
        assert!(r.complete());

        let dynamic =
            b"from setuptools import setup\nsetup(install_requires=open('r.txt').read().split())\n";
        let (_d, _p, r) = detect(&[("setup.py", dynamic)], &[]);
        assert!(!r.complete());
    }

    #[test]
    fn oddities_of_pip() {
        assert_eq!(
            break_args_options("Django==4 --hash=x"),
            ("Django==4", "--hash=x")
        );
        assert_eq!(break_args_options("-r a.txt"), ("", "-r a.txt"));
        assert_eq!(strip_comment("a # b"), "a");
        assert_eq!(strip_comment("a#b"), "a#b");
        assert_eq!(
            parse_options(&["-rbase.txt".into()]).unwrap(),
            vec![("requirement".to_owned(), Some("base.txt".to_owned()))]
        );
        assert!(
            parse_options(&["--no".into()]).is_err(),
            "ambiguous: --no-index, --no-binary"
        );
        assert_eq!(
            parse_options(&["--extra-index".into(), "u".into()]).unwrap(),
            vec![("extra-index-url".to_owned(), Some("u".to_owned()))]
        );
        assert_eq!(
            file_url_path("file:///C:/Users/x/a.whl"),
            "C:/Users/x/a.whl"
        );
        assert_eq!(file_url_path("file://localhost/home/x"), "/home/x");
        assert!(check_specifier("x", "==1.0.*").is_ok());
        assert!(check_specifier("x", "(>=1.0)").is_ok());
        assert_eq!(
            check_specifier("x", "=>1.0").unwrap_err().1,
            LineProblem::SingleEquals
        );
        assert_eq!(
            check_specifier("gunicorn", " == ").unwrap_err().1,
            LineProblem::OperatorWithoutVersion {
                name: "gunicorn".into(),
                operator: "==".into()
            }
        );
        // `~=` needs two release numbers in every pip; `<=1.0.*` only fails in pip 24.1 and later.
        assert!(check_specifier("x", "~=2.1").is_ok());
        assert!(check_specifier("x", "~=v2.1.0rc1").is_ok());
        assert!(check_specifier("x", "~=2").is_err());
        assert!(check_specifier("x", "~=2.1.*").is_err());
        assert!(check_specifier("x", "<=1.0.*").is_ok());
        assert!(grep_django(b"-r base.txt\nDJANGO==5\n"));
        assert!(!grep_django(b"flask\n"));
    }

    #[test]
    fn not_on_pypi_and_windows_only() {
        let (_d, _p, r) = detect(
            &[(
                "requirements.txt",
                b"pkg-resources==0.0.0\npkg_resources\npywin32==306\n",
            )],
            &[],
        );
        let reqs: Vec<&Requirement> = r.requirements().map(|(_, _, r)| r).collect();
        assert!(not_on_pypi(reqs[0]).is_some());
        assert!(not_on_pypi(reqs[1]).is_none());
        assert!(windows_only(reqs[2].normalized.as_deref().unwrap()).is_some());
    }
}

/// The release series a requirement's specifiers allow, as far as this tool needs them (which Django
/// behaviour applies): the lowest and highest (major, minor) it can install. `None` is an open bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VersionRange {
    pub min: Option<(u64, u64)>,
    pub max: Option<(u64, u64)>,
}

impl VersionRange {
    /// Nothing bounds it: an unpinned requirement, which installs the newest release.
    pub fn is_open(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }

    /// Whether every version the range allows is at least `(major, minor)` (an unpinned requirement
    /// installs the newest, which is).
    pub fn all_at_least(&self, version: (u64, u64)) -> bool {
        self.min.is_none_or(|min| min >= version) && self.max.is_none_or(|max| max >= version)
    }

    /// Whether every version the range allows is below `(major, minor)`.
    pub fn all_below(&self, version: (u64, u64)) -> bool {
        self.max.is_some_and(|max| max < version)
    }

    /// Apply a specifier such as `==4.2.7`, `>=4.2,<5.0` or `~=5.1`; `None` when a clause cannot be read.
    fn narrow(&mut self, specifier: &str) -> Option<()> {
        for clause in specifier
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let op_len = clause
                .find(|c: char| c.is_ascii_digit())
                .filter(|&i| i <= 3)?;
            let (op, version) = clause.split_at(op_len);
            let parts: Vec<&str> = version.trim().split('.').collect();
            let number = |i: usize| -> Option<u64> {
                match parts.get(i) {
                    None | Some(&"*") => Some(0),
                    Some(p) => p.parse().ok(),
                }
            };
            let series = (number(0)?, number(1)?);
            let exact_minor = parts.len() >= 2 && parts[1] != "*";
            match op.trim() {
                "==" | "===" if !exact_minor && parts.len() >= 2 => {
                    // `==4.*`: the whole 4 series.
                    self.raise_min((series.0, 0));
                    self.lower_max((series.0, u64::MAX));
                }
                "==" | "===" => {
                    self.raise_min(series);
                    self.lower_max(series);
                }
                ">=" | ">" => self.raise_min(series),
                "<=" => self.lower_max(series),
                "<" => {
                    // `<5.0` (or `<5`) allows nothing of the 5.0 series; `<5.1.3` allows some of 5.1.
                    let patch_given = parts.len() >= 3 && parts[2..].iter().any(|p| *p != "0");
                    if patch_given {
                        self.lower_max(series);
                    } else if series.1 > 0 {
                        self.lower_max((series.0, series.1 - 1));
                    } else if series.0 > 0 {
                        self.lower_max((series.0 - 1, u64::MAX));
                    } else {
                        return None;
                    }
                }
                "~=" => {
                    self.raise_min(series);
                    if parts.len() >= 3 {
                        self.lower_max(series);
                    } else {
                        self.lower_max((series.0, u64::MAX));
                    }
                }
                "!=" => {}
                _ => return None,
            }
        }
        Some(())
    }

    fn raise_min(&mut self, version: (u64, u64)) {
        self.min = Some(self.min.map_or(version, |m| m.max(version)));
    }

    fn lower_max(&mut self, version: (u64, u64)) {
        self.max = Some(self.max.map_or(version, |m| m.min(version)));
    }
}

#[cfg(test)]
mod version_range_tests {
    use super::VersionRange;

    fn range(spec: &str) -> Option<VersionRange> {
        let mut r = VersionRange::default();
        r.narrow(spec).map(|()| r)
    }

    #[test]
    fn specifiers_bound_the_series() {
        let r = range("==4.2.7").unwrap();
        assert_eq!((r.min, r.max), (Some((4, 2)), Some((4, 2))));
        assert!(r.all_at_least((4, 0)) && !r.all_at_least((5, 1)) && !r.all_below((4, 0)));
        let r = range(">=3.2,<4.0").unwrap();
        assert_eq!(r.max, Some((3, u64::MAX)));
        assert!(r.all_below((4, 0)) && !r.all_at_least((4, 0)));
        let r = range("<4").unwrap();
        assert!(r.all_below((4, 0)));
        let r = range("<4.1.2").unwrap();
        assert_eq!(r.max, Some((4, 1)));
        let r = range("~=5.1").unwrap();
        assert!(r.all_at_least((5, 1)) && r.all_below((6, 0)));
        let r = range("~=5.0.3").unwrap();
        assert_eq!((r.min, r.max), (Some((5, 0)), Some((5, 0))));
        let r = range("==5.*").unwrap();
        assert!(r.all_at_least((5, 0)) && !r.all_at_least((5, 1)));
        let r = range("").unwrap();
        assert!(r.all_at_least((5, 1)) && !r.all_below((4, 0)));
        let r = range(">=4.2").unwrap();
        assert!(r.all_at_least((4, 0)) && !r.all_at_least((5, 1)));
        assert!(range("@ latest").is_none());
        assert!(range("==4.2.7,!=4.2.8").is_some());
    }
}
