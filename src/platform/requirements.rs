//! The dependencies Oryx installs, read the way Oryx and pip read them.
//!
//! Which file Oryx installs from follows `PythonBashBuildSnippet.sh.tpl` (behaviour item 9): the
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

use std::collections::HashMap;
use std::sync::OnceLock;

use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

use crate::platform::app_settings::AppSettings;
use crate::project::{DecodeError, FileId, Project, ReadError, Span};

/// What Oryx logs when it finds nothing to install (the build carries on).
pub const NOT_INSTALLING_MESSAGE: &str =
    "Could not find requirements.txt, pyproject.toml, or setup.py; Not installing dependencies.";

/// Includes followed at most this deep (pip itself has no limit and recurses until it fails).
const MAX_INCLUDE_DEPTH: usize = 16;

/// How Oryx installs the app's dependencies (first match wins, behaviour item 9).
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

/// How a requirements file's bytes decode for pip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark).
    Utf8,
    /// UTF-16. With a byte-order mark pip decodes it; Oryx's `grep -iq Django` cannot match it.
    /// Without one, pip decodes it as UTF-8 and every line is invalid.
    Utf16 { big_endian: bool, bom: bool },
    /// NUL bytes in a file that is not UTF-16 (often half UTF-8, half UTF-16): pip cannot parse it.
    NulBytes { offset: usize },
    /// Not valid UTF-8 and no byte-order mark: pip fails with `UnicodeDecodeError`.
    InvalidUtf8 { offset: usize, line: usize },
    /// The file could not be read at all (too large, I/O error).
    Unreadable { reason: String },
}

impl Encoding {
    /// Whether pip can decode the file.
    pub fn pip_reads(&self) -> bool {
        matches!(self, Encoding::Utf8 | Encoding::Utf16 { bom: true, .. })
    }
}

/// One requirements file Oryx's pip reads: the root one, or one it includes.
#[derive(Debug, Clone)]
pub struct RequirementsFile {
    pub file: FileId,
    pub encoding: Encoding,
    /// Read as a constraints file (`-c`): it installs nothing by itself.
    pub constraint: bool,
    /// The `-r`/`-c` line that includes it; `None` for the root file.
    pub included_from: Option<Span>,
    /// The logical lines that are not empty or comments, in order.
    pub entries: Vec<Entry>,
    /// Spans point into the file's text (`false` for a UTF-16 file, whose spans are the file start).
    pub spans_exact: bool,
}

/// One logical line of a requirements file (continuation lines joined, comment removed).
#[derive(Debug, Clone)]
pub struct Entry {
    /// 1-based number of its first physical line.
    pub line: usize,
    /// The whole logical line (its first physical line when it continues).
    pub span: Span,
    /// The text pip parses: continuation lines joined, comment removed, trimmed.
    pub text: String,
    pub kind: EntryKind,
    /// Every option of the line, long name without dashes, with its value: `("hash", Some(..))`.
    pub options: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub enum EntryKind {
    /// A requirement: a name, a URL, a path, or `-e <target>`.
    Requirement(Requirement),
    /// `-r FILE` / `-c FILE`.
    Include(Include),
    /// A line of options only (`--index-url ...`, `--prefer-binary`).
    Options,
    /// A line pip refuses: the build fails with this reason.
    Invalid { reason: String, span: Span },
}

/// `-r FILE` or `-c FILE`.
#[derive(Debug, Clone)]
pub struct Include {
    pub constraint: bool,
    pub target: String,
    pub target_span: Span,
    pub resolved: IncludeTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeTarget {
    /// A file of the app (relative to the app root).
    File(FileId),
    /// A URL: pip downloads it at build time; its content is not known here.
    Url,
    /// The path is inside the app but there is no such file.
    Missing { rel: String },
    /// An absolute path, a path above the app root or a Windows path: not in the build container.
    Outside(PathProblem),
    /// `${VAR}` in the path: depends on the build's environment.
    EnvVar,
}

/// Why a path cannot be found in the build container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathProblem {
    /// `C:\...`, `\\server\share`, `file:///C:/...`.
    WindowsDrive,
    /// Backslashes as separators (`lib\pkg`): one file name on Linux.
    Backslashes,
    /// `/home/me/...`: a path of the machine the file was written on.
    Absolute,
    /// `../shared`: above the app root, which is not deployed.
    AboveRoot,
}

/// A requirement line.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The distribution name as written, when the line names one (`Django`, `pkg @ url`, `#egg=pkg`).
    pub name: Option<String>,
    /// The PEP 503 normalised name (`django`, `django-environ`).
    pub normalized: Option<String>,
    /// The name (or the whole requirement when it has none).
    pub name_span: Span,
    pub extras: Vec<String>,
    /// The version specifier as written (`==4.2.7`, `>=1,<2`), empty when none.
    pub specifier: String,
    /// The environment marker after `;`, when any.
    pub marker: Option<String>,
    /// Where it is installed from, when not from the index.
    pub location: Option<Location>,
    /// `-e`.
    pub editable: bool,
    /// From a constraints file: installs nothing.
    pub constraint: bool,
    /// The line holds `${VAR}`: its final text depends on the build's environment.
    pub has_env_var: bool,
}

impl Requirement {
    /// Whether the marker restricts it to some platforms (`sys_platform`, `platform_system`, `os_name`).
    pub fn has_platform_marker(&self) -> bool {
        self.marker.as_deref().is_some_and(|m| {
            [
                "sys_platform",
                "platform_system",
                "os_name",
                "platform_machine",
            ]
            .iter()
            .any(|k| m.contains(k))
        })
    }
}

/// Where a requirement comes from when it is not a name on the index.
#[derive(Debug, Clone)]
pub enum Location {
    /// A remote URL (`https://...`, `git+https://...`).
    Url(String),
    /// A local path or `file:` URL.
    Path(LocalPath),
}

#[derive(Debug, Clone)]
pub struct LocalPath {
    /// The path as written.
    pub raw: String,
    pub span: Span,
    pub target: PathTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathTarget {
    /// Inside the app root (relative path `rel`, "" for the root itself).
    InApp {
        rel: String,
        exists: bool,
        /// A folder holding `setup.py` or `pyproject.toml` (what pip can install from a folder).
        installable: bool,
        is_dir: bool,
    },
    Outside(PathProblem),
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
    pub fn detect(project: &Project, settings: &AppSettings) -> Requirements {
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
        let pyproject = project.file("pyproject.toml");
        req.kind = if custom_build {
            DependencyKind::CustomBuildCommand
        } else if root_file.is_some() || req.custom_path {
            // A custom path that does not exist fails the build (behaviour item 10): still this route.
            DependencyKind::RequirementsTxt
        } else if project.file("setup.py").is_some() {
            DependencyKind::SetupPy
        } else if pyproject.is_some() {
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
                    req.read_project_metadata(project, false);
                }
            }
            DependencyKind::SetupPy => {
                req.dependency_file = project.file("setup.py");
                req.read_project_metadata(project, false);
            }
            DependencyKind::PyprojectUv => {
                req.dependency_file = pyproject;
                req.read_lock(project, "uv.lock");
            }
            DependencyKind::PyprojectPoetry => {
                req.dependency_file = pyproject;
                if project.file("poetry.lock").is_some() {
                    req.read_lock(project, "poetry.lock");
                } else {
                    req.read_project_metadata(project, true);
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
        let Ok(text) = project.text(file) else {
            self.unknown.push(format!("`{name}` cannot be read"));
            return;
        };
        let toml = MiniToml::parse(&text.text);
        let names: Vec<String> = toml
            .values
            .iter()
            .filter(|v| v.table == "package" && v.key == "name")
            .flat_map(|v| v.strings.clone())
            .collect();
        if names.is_empty() {
            self.unknown
                .push(format!("`{name}` lists no `[[package]]` names"));
        }
        for n in names {
            self.declare(n, file);
        }
    }

    /// `[project] dependencies` and `[tool.poetry.dependencies]` of `pyproject.toml`, or the literal
    /// `install_requires` of `setup.py`.
    fn read_project_metadata(&mut self, project: &Project, poetry: bool) {
        let mut found = false;
        if let Some(file) = project.file("pyproject.toml")
            && let Ok(text) = project.text(file)
        {
            let toml = MiniToml::parse(&text.text);
            for v in &toml.values {
                if v.table == "project" && v.key == "dependencies" {
                    found = true;
                    for s in &v.strings {
                        if let Some(name) = pep508_name(s) {
                            self.declare(name.to_owned(), file);
                        }
                    }
                }
                if poetry && v.table == "tool.poetry.dependencies" {
                    found = true;
                    if v.key != "python" {
                        self.declare(v.key.clone(), file);
                    }
                }
            }
            if toml.values.iter().any(|v| {
                v.table == "project"
                    && v.key == "dynamic"
                    && v.strings.iter().any(|s| s == "dependencies")
            }) {
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

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Namespace packages shared by many distributions: matched by their second component.
pub const NAMESPACES: &[&str] = &[
    "azure",
    "google",
    "opentelemetry",
    "opencensus",
    "zope",
    "jaraco",
    "backports",
    "sphinxcontrib",
];

/// Whether the distribution `dist` (normalised) provides the module `module` (dotted).
pub fn dist_provides(dist: &str, module: &str) -> bool {
    let parts: Vec<&str> = module.split('.').collect();
    let top = parts[0];
    let as_dist = normalize_name(top);
    // Known pairs, the longest dotted prefix first (`google.protobuf` before `google`).
    let map = import_names();
    for n in (1..=parts.len()).rev() {
        if let Some(dists) = map.get(parts[..n].join(".").as_str()) {
            if dists.iter().any(|d| d == dist) {
                return true;
            }
            if n > 1 {
                // A listed namespace exception: only its own distributions provide it.
                return false;
            }
        }
    }
    if NAMESPACES.contains(&top) {
        if dist == as_dist {
            return true;
        }
        return match parts.get(1) {
            Some(second) => {
                let prefix = format!("{as_dist}-{}", normalize_name(second));
                dist == prefix || dist.starts_with(&format!("{prefix}-"))
            }
            None => dist.starts_with(&format!("{as_dist}-")),
        };
    }
    dist == as_dist
}

/// The distribution to suggest for a module that nothing provides (`rest_framework` →
/// `djangorestframework`, `azure.identity` → `azure-identity`, `foo_bar` → `foo-bar`).
pub fn suggested_distribution(module: &str) -> String {
    let parts: Vec<&str> = module.split('.').collect();
    let map = import_names();
    for n in (1..=parts.len()).rev() {
        if let Some(dists) = map.get(parts[..n].join(".").as_str())
            && let Some(first) = dists.first()
        {
            return first.clone();
        }
    }
    if NAMESPACES.contains(&parts[0])
        && let Some(second) = parts.get(1)
    {
        return format!("{}-{}", parts[0], second.replace('_', "-"));
    }
    parts[0].replace('_', "-")
}

/// The distribution's name as its project spells it, when the table knows it (`Pillow`, `PyYAML`).
pub fn display_name(normalized: &str) -> String {
    static DISPLAY: OnceLock<HashMap<String, String>> = OnceLock::new();
    let map = DISPLAY.get_or_init(|| {
        let mut m = HashMap::new();
        for line in table_lines(IMPORT_NAMES) {
            for d in line.split_whitespace().skip(1) {
                m.entry(normalize_name(d)).or_insert_with(|| d.to_owned());
            }
        }
        m
    });
    map.get(normalized)
        .cloned()
        .unwrap_or_else(|| normalized.to_owned())
}

const IMPORT_NAMES: &str = include_str!("data/import_names.txt");
const DEPENDENCIES: &str = include_str!("data/dependencies.txt");

fn table_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Import name → normalised distributions, from `data/import_names.txt`.
fn import_names() -> &'static HashMap<String, Vec<String>> {
    static MAP: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for line in table_lines(IMPORT_NAMES) {
            let mut words = line.split_whitespace();
            if let Some(import) = words.next() {
                map.insert(import.to_owned(), words.map(normalize_name).collect());
            }
        }
        map
    })
}

/// Normalised distribution → import names it makes available, from `data/dependencies.txt`.
fn dependencies() -> &'static HashMap<String, Vec<String>> {
    static MAP: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for line in table_lines(DEPENDENCIES) {
            if let Some((dist, imports)) = line.split_once(':') {
                map.insert(
                    normalize_name(dist.trim()),
                    imports.split_whitespace().map(str::to_owned).collect(),
                );
            }
        }
        map
    })
}

/// Follows a requirements file and its includes.
struct Reader<'p> {
    project: &'p Project,
    files: Vec<RequirementsFile>,
    unknown: Vec<String>,
}

impl Reader<'_> {
    fn read(&mut self, file: FileId, constraint: bool, from: Option<Span>, depth: usize) {
        if depth > MAX_INCLUDE_DEPTH || self.files.iter().any(|f| f.file == file) {
            // An include cycle: pip would recurse until it fails; the file's entries are known already.
            return;
        }
        let (encoding, text, spans_exact) = decode_for_pip(self.project, file);
        let index = self.files.len();
        self.files.push(RequirementsFile {
            file,
            encoding,
            constraint,
            included_from: from,
            entries: Vec::new(),
            spans_exact,
        });
        let Some(text) = text else {
            return;
        };
        let entries = parse_text(self.project, file, &text, spans_exact, constraint);
        let includes: Vec<(FileId, bool, Span)> = entries
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Include(inc) => match inc.resolved {
                    IncludeTarget::File(target) => Some((target, inc.constraint, e.span)),
                    IncludeTarget::Url => {
                        self.unknown
                            .push(format!("`{}` is downloaded at build time", inc.target));
                        None
                    }
                    IncludeTarget::EnvVar => {
                        self.unknown.push(format!(
                            "`{}` depends on the build's environment",
                            inc.target
                        ));
                        None
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        self.files[index].entries = entries;
        for (target, c, span) in includes {
            self.read(target, constraint || c, Some(span), depth + 1);
        }
    }
}

/// The file's encoding for pip, its text when pip can read it, and whether spans are exact.
fn decode_for_pip(project: &Project, file: FileId) -> (Encoding, Option<String>, bool) {
    match project.text(file) {
        Ok(text) => (Encoding::Utf8, Some(text.text.clone()), true),
        Err(ReadError::Decode(DecodeError::Utf16 { big_endian })) => {
            let bytes = project.bytes(file).unwrap_or_default();
            let bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
            let encoding = Encoding::Utf16 {
                big_endian: *big_endian,
                bom,
            };
            if !bom {
                return (encoding, None, false);
            }
            let units: Vec<u16> = bytes[2..]
                .chunks_exact(2)
                .map(|c| {
                    if *big_endian {
                        u16::from_be_bytes([c[0], c[1]])
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                })
                .collect();
            (encoding, Some(String::from_utf16_lossy(&units)), false)
        }
        Err(ReadError::Decode(DecodeError::Binary { offset })) => {
            (Encoding::NulBytes { offset: *offset }, None, false)
        }
        Err(ReadError::Decode(DecodeError::InvalidUtf8 { offset, line })) => (
            Encoding::InvalidUtf8 {
                offset: *offset,
                line: *line,
            },
            None,
            false,
        ),
        Err(err) => (
            Encoding::Unreadable {
                reason: err.to_string(),
            },
            None,
            false,
        ),
    }
}

/// A logical line: its text and where each piece of it is in the file.
struct Logical {
    line: usize,
    text: String,
    /// (offset in `text`, offset in the file) of each piece.
    pieces: Vec<(usize, usize)>,
    /// The first physical line's range.
    first_range: TextRange,
}

impl Logical {
    fn file_offset(&self, at: usize) -> usize {
        let piece = self
            .pieces
            .iter()
            .rev()
            .find(|(start, _)| *start <= at)
            .copied()
            .unwrap_or((0, 0));
        piece.1 + (at - piece.0)
    }
}

/// pip's `COMMENT_RE` (`(^|\s+)#.*$`) applied with `match`: a line that is a comment.
fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Physical lines joined as pip's `join_lines` does.
fn join_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut current: Option<Logical> = None;
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let body = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let range = TextRange::at(
            TextSize::try_from(start).unwrap_or_default(),
            TextSize::of(body),
        );
        if !body.ends_with('\\') || is_comment_line(body) {
            let (body, start) = if is_comment_line(body) {
                // pip prefixes a space so the comment is removed later; nothing of it survives.
                ("", start)
            } else {
                (body, start)
            };
            match current.take() {
                Some(mut logical) => {
                    logical.pieces.push((logical.text.len(), start));
                    logical.text.push_str(body);
                    out.push(logical);
                }
                None => out.push(Logical {
                    line: i + 1,
                    text: body.to_owned(),
                    pieces: vec![(0, start)],
                    first_range: range,
                }),
            }
        } else {
            let lead = body.len() - body.trim_start_matches('\\').len();
            let stripped = body.trim_matches('\\');
            let logical = current.get_or_insert_with(|| Logical {
                line: i + 1,
                text: String::new(),
                pieces: Vec::new(),
                first_range: range,
            });
            logical.pieces.push((logical.text.len(), start + lead));
            logical.text.push_str(stripped);
        }
    }
    if let Some(logical) = current {
        out.push(logical);
    }
    out
}

/// The end of the text pip keeps once `(^|\s+)#.*$` is removed.
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return text[..i].trim_end();
        }
    }
    text
}

/// Options pip accepts in a requirements file: (long name, short name, takes a value).
/// `SUPPORTED_OPTIONS` and `SUPPORTED_OPTIONS_REQ` of `req_file.py`, plus the per-requirement options
/// older pips accepted (`--install-option`, `--build-option`), which are not reported.
const OPTIONS: &[(&str, Option<char>, bool)] = &[
    ("index-url", Some('i'), true),
    ("pypi-url", None, true),
    ("extra-index-url", None, true),
    ("no-index", None, false),
    ("constraint", Some('c'), true),
    ("requirement", Some('r'), true),
    ("editable", Some('e'), true),
    ("find-links", Some('f'), true),
    ("no-binary", None, true),
    ("only-binary", None, true),
    ("prefer-binary", None, false),
    ("require-hashes", None, false),
    ("pre", None, false),
    ("trusted-host", None, true),
    ("use-feature", None, true),
    ("global-option", None, true),
    ("install-option", None, true),
    ("build-option", None, true),
    ("hash", None, true),
    ("config-settings", Some('C'), true),
];

/// Parse the options part of a line as optparse does; `Err` holds pip's complaint.
fn parse_options(words: &[String]) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if let Some(long) = word.strip_prefix("--") {
            if long.is_empty() {
                break;
            }
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            // optparse accepts any unambiguous prefix of a long option.
            let exact = OPTIONS.iter().find(|o| o.0 == name);
            let candidates: Vec<_> = OPTIONS.iter().filter(|o| o.0.starts_with(name)).collect();
            let option = match (exact, candidates.as_slice()) {
                (Some(o), _) => o,
                (None, [o]) => *o,
                (None, []) => return Err(format!("no such option: --{name}")),
                (None, _) => return Err(format!("ambiguous option: --{name}")),
            };
            if option.2 {
                let value = match inline {
                    Some(v) => v,
                    None if i < words.len() => {
                        i += 1;
                        words[i - 1].clone()
                    }
                    None => return Err(format!("--{} option requires 1 argument", option.0)),
                };
                out.push((option.0.to_owned(), Some(value)));
            } else {
                if inline.is_some() {
                    return Err(format!("--{} option does not take a value", option.0));
                }
                out.push((option.0.to_owned(), None));
            }
        } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.chars();
            let c = chars.next().unwrap_or('-');
            let Some(option) = OPTIONS.iter().find(|o| o.1 == Some(c)) else {
                return Err(format!("no such option: -{c}"));
            };
            let rest: String = chars.collect();
            let value = if !rest.is_empty() {
                rest
            } else if i < words.len() {
                i += 1;
                words[i - 1].clone()
            } else {
                return Err(format!("-{c} option requires 1 argument"));
            };
            out.push((option.0.to_owned(), Some(value)));
        }
        // Other words after the options are ignored by pip.
    }
    Ok(out)
}

/// pip's `break_args_options`: the words before the first one starting with `-`, and the rest.
fn break_args_options(line: &str) -> (&str, &str) {
    let mut pos = 0;
    for token in line.split(' ') {
        if token.starts_with('-') {
            return (line[..pos].trim_end(), &line[pos..]);
        }
        pos += token.len() + 1;
    }
    (line, "")
}

fn parse_text(
    project: &Project,
    file: FileId,
    text: &str,
    spans_exact: bool,
    constraint: bool,
) -> Vec<Entry> {
    let rel = project.rel_path(file);
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut entries = Vec::new();
    for logical in join_lines(text) {
        let kept = strip_comment(&logical.text);
        let lead = kept.len() - kept.trim_start().len();
        let body = kept.trim();
        if body.is_empty() {
            continue;
        }
        let span_of = |start: usize, end: usize| -> Span {
            if !spans_exact {
                return Span::file_start(file);
            }
            let s = logical.file_offset(start + lead);
            let e = logical.file_offset((end + lead).max(start + lead + 1) - 1) + 1;
            let e = e.max(s);
            Span::new(
                file,
                TextRange::new(
                    TextSize::try_from(s).unwrap_or_default(),
                    TextSize::try_from(e).unwrap_or_default(),
                ),
            )
        };
        let line_span = if spans_exact {
            Span::new(file, logical.first_range)
        } else {
            Span::file_start(file)
        };
        let (args, opts) = break_args_options(body);
        let options = match shlex::split(opts) {
            None => Err(format!("Could not split options: {opts}")),
            Some(words) => parse_options(&words),
        };
        let options = match options {
            Ok(o) => o,
            Err(reason) => {
                let at = args.len();
                entries.push(Entry {
                    line: logical.line,
                    span: line_span,
                    text: body.to_owned(),
                    kind: EntryKind::Invalid {
                        reason,
                        span: span_of(at.min(body.len()), body.len()),
                    },
                    options: Vec::new(),
                });
                continue;
            }
        };
        let opt_start = body.len() - opts.len();
        let kind = if !args.is_empty() {
            parse_requirement(project, args, false, constraint, span_of)
        } else if let Some((_, Some(target))) = options.iter().find(|(n, _)| n == "editable") {
            let at = body[opt_start..]
                .find(target.as_str())
                .map_or(opt_start, |i| opt_start + i);
            parse_requirement(project, target, true, constraint, |s, e| {
                span_of(at + s, at + e)
            })
        } else if let Some((name, Some(target))) = options
            .iter()
            .find(|(n, _)| n == "requirement" || n == "constraint")
        {
            let at = body[opt_start..]
                .find(target.as_str())
                .map_or(opt_start, |i| opt_start + i);
            EntryKind::Include(Include {
                constraint: name == "constraint",
                target: target.clone(),
                target_span: span_of(at, at + target.len()),
                resolved: resolve_include(project, dir, target),
            })
        } else {
            EntryKind::Options
        };
        entries.push(Entry {
            line: logical.line,
            span: line_span,
            text: body.to_owned(),
            kind,
            options,
        });
    }
    entries
}

/// URL schemes pip recognises (`is_url`: http, https, file, ftp and the VCS schemes).
fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let lower = scheme.to_ascii_lowercase();
    let known = matches!(lower.as_str(), "http" | "https" | "file" | "ftp")
        || ["git+", "hg+", "svn+", "bzr+"]
            .iter()
            .any(|p| lower.starts_with(p));
    known.then_some(scheme)
}

fn is_windows_path(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || s.starts_with("\\\\")
}

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".whl",
    ".zip",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
];

/// Where a local path (relative to the app root, pip's working directory) lands.
fn resolve_path(project: &Project, base: &str, raw: &str) -> PathTarget {
    if is_windows_path(raw) {
        return PathTarget::Outside(PathProblem::WindowsDrive);
    }
    if raw.contains('\\') {
        return PathTarget::Outside(PathProblem::Backslashes);
    }
    if raw.starts_with('/') {
        return PathTarget::Outside(PathProblem::Absolute);
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return PathTarget::Outside(PathProblem::AboveRoot);
                }
            }
            p => parts.push(p),
        }
    }
    let rel = parts.join("/");
    let is_file = !rel.is_empty() && project.file(&rel).is_some();
    let is_dir = rel.is_empty() || project.has_dir(&rel);
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    let installable = is_dir
        && (project.file(&format!("{prefix}setup.py")).is_some()
            || project.file(&format!("{prefix}pyproject.toml")).is_some());
    PathTarget::InApp {
        exists: is_file || is_dir,
        rel,
        installable,
        is_dir,
    }
}

/// A `file:` URL's path: `file:///C:/x` → `C:/x`, `file:///home/x` → `/home/x`, `file:./x` → `./x`.
fn file_url_path(url: &str) -> String {
    let rest = &url[url.find(':').map_or(0, |i| i + 1)..];
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    let path = if let Some(after) = rest.strip_prefix("//") {
        // `//host/path`: the host is empty or `localhost` for a local file.
        let slash = after.find('/').unwrap_or(after.len());
        &after[slash..]
    } else {
        rest
    };
    let path = path.replace("%20", " ");
    let b = path.as_bytes();
    if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        path[1..].to_owned()
    } else {
        path
    }
}

fn resolve_include(project: &Project, dir: &str, target: &str) -> IncludeTarget {
    if target.contains("${") {
        return IncludeTarget::EnvVar;
    }
    if let Some(scheme) = url_scheme(target) {
        if scheme.eq_ignore_ascii_case("file") {
            let path = file_url_path(target);
            return match resolve_path(project, "", &path) {
                PathTarget::InApp { rel, .. } => match project.file(&rel) {
                    Some(f) => IncludeTarget::File(f),
                    None => IncludeTarget::Missing { rel },
                },
                PathTarget::Outside(p) => IncludeTarget::Outside(p),
            };
        }
        return IncludeTarget::Url;
    }
    match resolve_path(project, dir, target) {
        PathTarget::InApp { rel, .. } => match project.file(&rel) {
            Some(f) => IncludeTarget::File(f),
            None => IncludeTarget::Missing { rel },
        },
        PathTarget::Outside(p) => IncludeTarget::Outside(p),
    }
}

/// The `#egg=name` fragment of a URL.
fn egg_fragment(url: &str) -> Option<&str> {
    let frag = url.split_once('#')?.1;
    frag.split('&')
        .find_map(|kv| kv.strip_prefix("egg="))
        .map(|n| n.split('[').next().unwrap_or(n))
        .filter(|n| !n.is_empty())
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The name of a PEP 508 requirement string, when it starts with a valid one.
pub fn pep508_name(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let end = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let name = &s[..end];
    (!name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric()))
    .then_some(name)
}

const OPERATORS: &[&str] = &["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// Check a version specifier list (`==1.0, <2`, `(>=1)`); `Err` holds pip's hint.
fn check_specifier(spec: &str) -> Result<(), String> {
    let spec = spec.trim();
    let spec = spec
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(spec);
    if spec.trim().is_empty() {
        return Ok(());
    }
    for clause in spec.split(',') {
        let clause = clause.trim();
        let Some(op) = OPERATORS.iter().find(|op| clause.starts_with(**op)) else {
            if clause.starts_with('=') || clause.starts_with("=>") || clause.starts_with("=<") {
                return Err("= is not a valid operator. Did you mean == ?".to_owned());
            }
            return Err(format!("`{clause}` is not a version specifier"));
        };
        let version = clause[op.len()..].trim();
        if version.is_empty() {
            return Err(format!("`{clause}` has no version"));
        }
        let ok = if *op == "===" {
            !version.contains(char::is_whitespace)
        } else {
            version.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_')
            }) && version.starts_with(|c: char| c.is_ascii_digit() || c == 'v' || c == 'V')
        };
        if !ok {
            if version.starts_with('=') || op.ends_with('>') && version.starts_with('=') {
                return Err("= is not a valid operator. Did you mean == ?".to_owned());
            }
            return Err(format!("`{version}` is not a valid version"));
        }
    }
    Ok(())
}

/// Parse the requirement part of a line (or an `-e` target). `span` maps offsets in `text` to spans.
fn parse_requirement(
    project: &Project,
    text: &str,
    editable: bool,
    constraint: bool,
    span: impl Fn(usize, usize) -> Span,
) -> EntryKind {
    let has_env_var = text.contains("${");
    let mut req = Requirement {
        name: None,
        normalized: None,
        name_span: span(0, text.len()),
        extras: Vec::new(),
        specifier: String::new(),
        marker: None,
        location: None,
        editable,
        constraint,
        has_env_var,
    };
    let invalid = |reason: String| EntryKind::Invalid {
        reason,
        span: span(0, text.len()),
    };
    let is_url = url_scheme(text).is_some();
    let marker_sep = if is_url { "; " } else { ";" };
    let (body, marker) = match text.split_once(marker_sep) {
        Some((b, m)) => (b.trim_end(), Some(m.trim())),
        None => (text, None),
    };
    req.marker = marker.filter(|m| !m.is_empty()).map(str::to_owned);
    let body_len = body.len();

    // `name [extras] @ url` is read before the path forms, as pip does for a path that is not there.
    let named_url = if is_url || editable {
        None
    } else {
        pep508_name(body).and_then(|name| {
            let mut rest = body[name.len()..].trim_start();
            if let Some(after) = rest.strip_prefix('[') {
                rest = after.split_once(']')?.1.trim_start();
            }
            rest.strip_prefix('@').map(|url| (name, url.trim()))
        })
    };
    if is_url {
        // A URL: `https://...`, `git+https://...#egg=name`, `file:///...`.
        req.name = egg_fragment(body).map(str::to_owned);
        req.location = Some(location_of_url(project, body, span(0, body_len)));
    } else if let Some((name, url)) = named_url {
        req.name = Some(name.to_owned());
        req.name_span = span(0, name.len());
        if let Some(after) = body[name.len()..].trim_start().strip_prefix('[') {
            req.extras = after
                .split(']')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect();
        }
        if url.is_empty() {
            return invalid(format!("Invalid requirement: '{body}': no URL after `@`"));
        }
        let at = body.len() - url.len();
        req.location = Some(if url_scheme(url).is_some() {
            location_of_url(project, url, span(at, at + url.len()))
        } else {
            Location::Path(LocalPath {
                raw: url.to_owned(),
                span: span(at, at + url.len()),
                target: resolve_path(project, "", url),
            })
        });
    } else if editable
        || is_windows_path(body)
        || body.starts_with('.')
        || body.contains('/')
        || body.contains('\\')
        || ARCHIVE_EXTENSIONS
            .iter()
            .any(|e| body.to_ascii_lowercase().ends_with(e))
    {
        // pip's `_looks_like_path` (a separator, or a leading `.`), an archive file, or an editable.
        if editable && !body.contains('/') && !body.starts_with('.') && !is_windows_path(body) {
            return invalid(format!(
                "`{body}` should either be a path to a local project or a VCS URL (beginning with git+, hg+, svn+ or bzr+)"
            ));
        }
        let (path, extras) = split_extras(body);
        req.extras = extras;
        req.location = Some(Location::Path(LocalPath {
            raw: path.to_owned(),
            span: span(0, path.len()),
            target: resolve_path(project, "", path),
        }));
    } else {
        // PEP 508: name [extras] [specifier]
        let Some(name) = pep508_name(body) else {
            return invalid(format!("Invalid requirement: '{body}'"));
        };
        req.name = Some(name.to_owned());
        req.name_span = span(0, name.len());
        if has_env_var {
            // `${VAR}`: the final line is not known; keep the name only.
            req.normalized = Some(normalize_name(name));
            return EntryKind::Requirement(req);
        }
        let mut rest = body[name.len()..].trim_start();
        if let Some(after) = rest.strip_prefix('[') {
            let Some(close) = after.find(']') else {
                return invalid(format!(
                    "Invalid requirement: '{body}': `[` is never closed"
                ));
            };
            req.extras = after[..close]
                .split(',')
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect();
            rest = after[close + 1..].trim_start();
        }
        if let Err(hint) = check_specifier(rest) {
            return invalid(format!("Invalid requirement: '{body}' ({hint})"));
        }
        req.specifier = rest.trim().to_owned();
    }
    req.normalized = req.name.as_deref().map(normalize_name);
    EntryKind::Requirement(req)
}

fn location_of_url(project: &Project, url: &str, span: Span) -> Location {
    if url_scheme(url).is_some_and(|s| s.eq_ignore_ascii_case("file")) {
        let path = file_url_path(url);
        Location::Path(LocalPath {
            raw: url.to_owned(),
            span,
            target: if path.starts_with('/') && !is_windows_path(&path) {
                // `file:///abs/path`: a path of the machine the file was written on.
                PathTarget::Outside(PathProblem::Absolute)
            } else {
                resolve_path(project, "", &path)
            },
        })
    } else {
        Location::Url(url.to_owned())
    }
}

/// `path[extra1,extra2]` → (`path`, extras).
fn split_extras(s: &str) -> (&str, Vec<String>) {
    if s.ends_with(']')
        && let Some(open) = s.rfind('[')
    {
        let extras = s[open + 1..s.len() - 1]
            .split(',')
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty())
            .collect();
        return (&s[..open], extras);
    }
    (s, Vec::new())
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

/// One `key = value` of a TOML file with the strings in its value.
#[derive(Debug, Clone)]
struct TomlValue {
    /// The table header it is under (`project`, `tool.poetry.dependencies`, `package`).
    table: String,
    key: String,
    /// The string literals of the value (one for a string, each element's for an array).
    strings: Vec<String>,
}

/// Just enough TOML for dependency lists: table headers, `key = value` with strings and arrays of
/// strings (over several lines), comments. Inline tables and other values are skipped.
struct MiniToml {
    values: Vec<TomlValue>,
}

impl MiniToml {
    fn parse(text: &str) -> MiniToml {
        let mut values = Vec::new();
        let mut table = String::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if trimmed.starts_with('[') {
                let inner = trimmed.trim_start_matches('[');
                let inner = inner.split(']').next().unwrap_or("");
                table = inner
                    .split('.')
                    .map(|p| p.trim().trim_matches('"').trim_matches('\''))
                    .collect::<Vec<_>>()
                    .join(".");
                continue;
            }
            let Some((key, value)) = split_key_value(trimmed) else {
                continue;
            };
            let mut value = value.to_owned();
            // Gather the lines of a multi-line array.
            let mut depth = bracket_depth(&value);
            while depth > 0 {
                let Some(next) = lines.next() else { break };
                value.push('\n');
                value.push_str(next);
                depth = bracket_depth(&value);
            }
            values.push(TomlValue {
                table: table.clone(),
                key,
                strings: toml_strings(&value),
            });
        }
        MiniToml { values }
    }
}

fn split_key_value(line: &str) -> Option<(String, &str)> {
    let (key, value) = if let Some(rest) = line.strip_prefix('"') {
        let end = rest.find('"')?;
        let after = rest[end + 1..].trim_start().strip_prefix('=')?;
        (rest[..end].to_owned(), after)
    } else if let Some(rest) = line.strip_prefix('\'') {
        let end = rest.find('\'')?;
        let after = rest[end + 1..].trim_start().strip_prefix('=')?;
        (rest[..end].to_owned(), after)
    } else {
        let (k, v) = line.split_once('=')?;
        (k.trim().to_owned(), v)
    };
    Some((key, value.trim()))
}

/// Open `[`/`{` minus closed ones, outside strings and comments.
fn bracket_depth(value: &str) -> i32 {
    let mut depth = 0;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                while let Some(d) = chars.next() {
                    if d == '\\' && c == '"' {
                        chars.next();
                    } else if d == c {
                        break;
                    }
                }
            }
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// The string literals of a value, at the top level of its array (not inside inline tables).
fn toml_strings(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth_braces = 0;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut s = String::new();
                while let Some(d) = chars.next() {
                    if d == '\\' && c == '"' {
                        if let Some(e) = chars.next() {
                            s.push(e);
                        }
                    } else if d == c {
                        break;
                    } else {
                        s.push(d);
                    }
                }
                if depth_braces == 0 {
                    out.push(s);
                }
            }
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '{' => depth_braces += 1,
            '}' => depth_braces -= 1,
            _ => {}
        }
    }
    out
}

/// The requirement lines that name Windows-only distributions, for AZ104: normalised name → why.
pub fn windows_only(normalized: &str) -> Option<&'static str> {
    WINDOWS_ONLY
        .iter()
        .find(|(n, _)| *n == normalized)
        .map(|(_, why)| *why)
}

/// Distributions that cannot be installed on Linux, with the reason (checked with `pip download` on
/// Linux, 2025: no Linux wheel and no source distribution, or one that only builds on Windows).
pub const WINDOWS_ONLY: &[(&str, &str)] = &[
    (
        "pywin32",
        "pywin32 publishes Windows wheels only: pip on Linux finds no version of it",
    ),
    (
        "pypiwin32",
        "pypiwin32 is an old wrapper around pywin32, which has no Linux version",
    ),
    (
        "pywinpty",
        "pywinpty wraps the Windows pseudo-console: it has Windows wheels only, and its source needs a Rust compiler and the Windows API",
    ),
];

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

    fn project(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Project) {
        let dir = crate::project::write_test_app(files);
        let project = Project::discover(dir.path()).unwrap();
        (dir, project)
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
        let r = Requirements::detect(&p, &s);
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
    }

    #[test]
    fn suggestions_use_the_distribution_map() {
        assert_eq!(
            suggested_distribution("rest_framework.authtoken"),
            "djangorestframework"
        );
        assert_eq!(suggested_distribution("yaml"), "pyyaml");
        assert_eq!(display_name("pyyaml"), "PyYAML");
        assert_eq!(
            suggested_distribution("azure.identity.aio"),
            "azure-identity"
        );
        assert_eq!(suggested_distribution("google.protobuf"), "protobuf");
        assert_eq!(suggested_distribution("some_pkg"), "some-pkg");
        assert_eq!(display_name("whatever"), "whatever");
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
        assert!(check_specifier("==1.0.*").is_ok());
        assert!(check_specifier("(>=1.0)").is_ok());
        assert!(check_specifier("=>1.0").is_err());
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
