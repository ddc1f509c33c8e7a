//! The repository on disk: which files the app has, their text, and their parsed Python.
//!
//! Everything is read lazily and at most once: a rule that asks for a file's text twice gets the same
//! text, and a file nobody asks about is never read.

mod decode;
pub mod edit;
mod python;
pub mod secrets;
mod semantic;
pub mod walk;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

pub use decode::{DecodeError, Decoded, decode};
pub use decode::{MAX_FILE_BYTES, ReadError};
pub use python::ParsedPython;
pub use ruff_python_ast::PythonVersion;
pub use semantic::PythonSyntaxError;

/// How many files a walk lists; past it, the rest is not read and a notice says so (a repository that
/// large is not one app).
const MAX_FILES: usize = 2_000_000;

/// What [`Project::scan`] found in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    Yes,
    No,
    /// The file could not be read: ask [`Project::text`] for the reason.
    Unread,
}

/// At most this many threads read files for [`Project::scan`].
const SCAN_THREADS: usize = 4;

/// Fewer files than this are read on the calling thread (a thread costs more than a few reads).
const SCAN_PARALLEL_FROM: usize = 256;

/// Folder names never descended into.
const PRUNED_DIRS: &[&str] = &[".git", "node_modules", "__pycache__", ".hg", ".svn"];

/// Index of a file in the project's inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

impl FileId {
    /// A file id for unit tests of code that only carries ids around.
    #[cfg(test)]
    pub(crate) fn default_for_tests() -> FileId {
        FileId(0)
    }
}

/// A range of text in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

impl Span {
    pub fn new(file: FileId, range: TextRange) -> Self {
        Span { file, range }
    }

    /// The start of a file.
    pub fn file_start(file: FileId) -> Self {
        Span {
            file,
            range: TextRange::empty(TextSize::new(0)),
        }
    }
}

/// A file's readable text.
#[derive(Debug)]
pub struct Text {
    pub text: String,
    pub had_bom: bool,
    pub line_index: LineIndex,
}

impl Text {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: TextSize) -> (usize, usize) {
        let offset = offset.min(TextSize::try_from(self.text.len()).unwrap_or(TextSize::new(0)));
        let lc = self.line_index.line_column(offset, &self.text);
        (lc.line.get(), lc.column.get())
    }

    /// The text of a range.
    pub fn slice(&self, range: TextRange) -> &str {
        self.text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    /// Lines with their byte ranges (line ending excluded), 1-based numbers.
    pub fn lines(&self) -> impl Iterator<Item = (usize, TextRange, &str)> {
        let mut start = 0usize;
        let text = self.text.as_str();
        text.split_inclusive('\n').enumerate().map(move |(i, raw)| {
            let body = raw.trim_end_matches(['\n', '\r']);
            let range = TextRange::at(
                TextSize::try_from(start).unwrap_or_default(),
                TextSize::of(body),
            );
            start += raw.len();
            (i + 1, range, body)
        })
    }
}

struct Entry {
    /// Where the file's path (relative to the app root, forward slashes) ends in [`Project::names`]; it
    /// starts where the previous entry's ends. One shared buffer instead of a `String` a file: a walk of
    /// 200,000 files keeps 16 bytes a file plus its name.
    end: u32,
    /// What is computed from the file once it is read; boxed so that the many files never read cost one
    /// pointer.
    loaded: OnceCell<Box<Loaded>>,
}

#[derive(Default)]
struct Loaded {
    text: OnceCell<Result<Text, ReadError>>,
    python: OnceCell<ParsedPython>,
    secrets: OnceCell<Vec<TextRange>>,
}

impl Entry {
    fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(Box::default)
    }
}

/// The app as it sits on disk (the folder that is deployed).
pub struct Project {
    root: PathBuf,
    entries: Vec<Entry>,
    /// Every file's relative path, one after the other (see [`Entry::end`]).
    names: String,
    /// The files in the byte order of their relative paths: lookups by path and folder are binary searches.
    by_name: Vec<FileId>,
    /// The few files whose name is not UTF-8: their relative path is shown lossily, so the real path is kept.
    raw_paths: HashMap<FileId, PathBuf>,
    /// Folders holding `pyvenv.cfg` that were skipped.
    venvs: Vec<String>,
    /// Problems with the input that are not findings: printed as warnings on stderr.
    notices: RefCell<Vec<String>>,
    python_version: OnceCell<PythonVersion>,
    /// A file whose content is given, not read from disk ([`Project::set_overlay`]).
    overlay: Option<(FileId, Vec<u8>)>,
}

/// A fatal problem with the input: `check` stops with exit code 2.
#[derive(Debug)]
pub struct ProjectError(pub String);

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProjectError {}

impl Project {
    /// Discover the files under `root`.
    pub fn discover(root: &Path) -> Result<Project, ProjectError> {
        let meta = std::fs::metadata(root).map_err(|e| {
            ProjectError(match e.kind() {
                std::io::ErrorKind::NotFound => format!("path `{}` does not exist", root.display()),
                _ => format!("cannot read `{}`: {e}", root.display()),
            })
        })?;
        if !meta.is_dir() {
            return Err(ProjectError(format!(
                "path `{}` is not a folder: give the app root, the folder that is deployed",
                root.display()
            )));
        }
        let mut project = Project {
            root: root.to_path_buf(),
            entries: Vec::new(),
            names: String::new(),
            by_name: Vec::new(),
            raw_paths: HashMap::new(),
            venvs: Vec::new(),
            notices: RefCell::new(Vec::new()),
            python_version: OnceCell::new(),
            overlay: None,
        };
        let mut venvs = Vec::new();
        let canonical_root = std::fs::canonicalize(root).ok();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            // Siblings share their parent's path, so comparing whole paths orders them by name, without
            // taking each path apart again for its last component.
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 || !e.file_type().is_dir() {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                if PRUNED_DIRS.contains(&name.as_ref()) {
                    return false;
                }
                if e.path().join("pyvenv.cfg").is_file() {
                    venvs.push(e.path().to_path_buf());
                    return false;
                }
                true
            });
        for item in walker {
            let entry = match item {
                Ok(entry) => entry,
                Err(err) => {
                    let at = err
                        .path()
                        .map(|p| rel_path(root, p))
                        .unwrap_or_else(|| root.display().to_string());
                    project.notice(format!("skipped `{at}`: {}", io_message(&err)));
                    continue;
                }
            };
            let file_type = entry.file_type();
            let is_file = if file_type.is_symlink() {
                // A symlink to a file inside the app is read through; one that resolves outside the app
                // root is never opened (in a pull request from a fork it could name any file of the CI
                // runner), and one to a folder is not followed (no loops).
                let rel = rel_path(root, entry.path());
                match std::fs::canonicalize(entry.path()) {
                    Ok(target)
                        if !canonical_root
                            .as_ref()
                            .is_some_and(|r| target.starts_with(r)) =>
                    {
                        project.notice(format!(
                            "skipped `{rel}`: it is a link to `{}`, outside the app, which this tool never reads",
                            target.display()
                        ));
                        false
                    }
                    // Listed unless it is a folder: a link to a FIFO or device is present, and reading it
                    // fails with a said reason (see `open_regular`).
                    Ok(target) => std::fs::metadata(&target).is_ok_and(|m| !m.is_dir()),
                    Err(e) => {
                        project.notice(format!(
                            "skipped `{rel}`: the symlink cannot be followed: {e}"
                        ));
                        false
                    }
                }
            } else {
                // A FIFO, socket or device is listed as present (a check must not take it for absent), and
                // reading it fails with a said reason: it is never read (a FIFO would block).
                !file_type.is_dir()
            };
            if !is_file {
                continue;
            }
            // No `stat` here: the directory entry's type is enough until a file is read, and a read is
            // capped by the bytes it gets (a walk of 200,000 files reads a handful).
            if project.entries.len() >= MAX_FILES {
                project.notice(format!(
                    "stopped listing files after {MAX_FILES}: the rest of `{}` was not read",
                    root.display()
                ));
                break;
            }
            project.push(&rel_path(root, entry.path()), entry.path());
        }
        project.venvs = venvs.iter().map(|p| rel_path(root, p)).collect();
        // A virtual environment's folder is not walked, but its `pyvenv.cfg` is listed, so a finding about
        // the environment has a file to point at.
        for venv in &venvs {
            let cfg = venv.join("pyvenv.cfg");
            if std::fs::symlink_metadata(&cfg).is_ok_and(|meta| meta.is_file()) {
                project.push(&rel_path(root, &cfg), &cfg);
            }
        }
        let mut by_name: Vec<FileId> = project.files().collect();
        by_name.sort_unstable_by(|a, b| project.rel_path(*a).cmp(project.rel_path(*b)));
        project.by_name = by_name;
        Ok(project)
    }

    fn push(&mut self, rel: &str, path: &Path) {
        let id = FileId(self.entries.len() as u32);
        self.names.push_str(rel);
        // Names are capped by the file system and the files by `MAX_FILES`, so the buffer stays far below
        // 4 GiB; past it, the file is left out rather than misnamed.
        let Ok(end) = u32::try_from(self.names.len()) else {
            self.names.truncate(self.names.len() - rel.len());
            return;
        };
        if path.to_str().is_none() {
            self.raw_paths.insert(id, path.to_path_buf());
        }
        self.entries.push(Entry {
            end,
            loaded: OnceCell::new(),
        });
    }

    /// Where a file is on disk.
    fn path(&self, file: FileId) -> PathBuf {
        match self.raw_paths.get(&file) {
            Some(path) => path.clone(),
            None => self.root.join(self.rel_path(file)),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every file, in path order.
    pub fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.entries.len()).map(|i| FileId(i as u32))
    }

    /// The file at `rel` (forward slashes, relative to the app root), if present.
    pub fn file(&self, rel: &str) -> Option<FileId> {
        let rel = rel.trim_start_matches("./");
        self.by_name
            .binary_search_by(|id| self.rel_path(*id).cmp(rel))
            .ok()
            .map(|i| self.by_name[i])
    }

    /// Path of a file relative to the app root, with forward slashes.
    pub fn rel_path(&self, file: FileId) -> &str {
        let i = file.0 as usize;
        let start = match i {
            0 => 0,
            _ => self.entries[i - 1].end as usize,
        };
        &self.names[start..self.entries[i].end as usize]
    }

    /// Folders with a `pyvenv.cfg` (virtual environments) inside the app root.
    pub fn virtual_envs(&self) -> &[String] {
        &self.venvs
    }

    /// Whether a folder (relative, forward slashes) holds any file.
    pub fn has_dir(&self, rel_dir: &str) -> bool {
        let prefix = format!("{}/", rel_dir.trim_end_matches('/'));
        // The first path not below `prefix` in byte order; it starts with `prefix` when a file is inside.
        let i = self
            .by_name
            .partition_point(|id| self.rel_path(*id) < prefix.as_str());
        self.by_name
            .get(i)
            .is_some_and(|id| self.rel_path(*id).starts_with(&prefix))
    }

    /// The raw bytes of a file (not cached: used for byte-level checks only).
    pub fn bytes(&self, file: FileId) -> Result<Vec<u8>, ReadError> {
        if let Some((id, bytes)) = &self.overlay
            && *id == file
        {
            return if bytes.len() as u64 > MAX_FILE_BYTES {
                Err(ReadError::TooLarge(bytes.len() as u64))
            } else {
                Ok(bytes.clone())
            };
        }
        read_capped(&self.path(file), MAX_FILE_BYTES)
    }

    /// Take `bytes` as the content of the file at `rel` instead of what is on disk (an editor's unsaved
    /// buffer); a file that is not on disk yet is added. Everything else is read from disk.
    pub fn set_overlay(&mut self, rel: &str, bytes: Vec<u8>) {
        let file = match self.file(rel) {
            Some(file) => file,
            None => {
                let path = self.root.join(rel);
                self.push(rel, &path);
                let id = FileId((self.entries.len() - 1) as u32);
                let at = self
                    .by_name
                    .partition_point(|f| self.rel_path(*f) < self.rel_path(id));
                self.by_name.insert(at, id);
                id
            }
        };
        // Anything read before (nothing, when set right after `discover`) is forgotten.
        self.entries[file.0 as usize].loaded = OnceCell::new();
        self.overlay = Some((file, bytes));
    }

    /// The files whose text has been read so far (the ones the model looked at).
    pub fn files_read(&self) -> Vec<FileId> {
        self.files()
            .filter(|f| {
                self.entries[f.0 as usize]
                    .loaded
                    .get()
                    .is_some_and(|l| l.text.get().is_some_and(Result::is_ok))
            })
            .collect()
    }

    /// Run `test` on the first `limit` bytes of each of `files` (not cached), reading them on up to
    /// [`SCAN_THREADS`] threads: a step that must look at thousands of files (every JSON file for ARM
    /// templates, every Python file for the app) is bound by opening and reading them, which the cores
    /// share. `test` gets the bytes and whether they are the whole file. The answers come in `files` order.
    pub fn scan<F>(&self, files: &[FileId], limit: u64, test: F) -> Vec<Scanned>
    where
        F: Fn(&[u8], bool) -> bool + Sync,
    {
        // What the threads need to find a file, without the project's caches (which are not `Sync`): the
        // names buffer, each file's range in it (8 bytes a file, not a path), and the rare raw paths.
        let ranges: Vec<(FileId, u32, u32)> = files
            .iter()
            .map(|&f| {
                let i = f.0 as usize;
                let start = if i == 0 { 0 } else { self.entries[i - 1].end };
                (f, start, self.entries[i].end)
            })
            .collect();
        let (root, names, raw_paths) = (&self.root, &self.names, &self.raw_paths);
        let overlay = &self.overlay;
        let one = |&(file, start, end): &(FileId, u32, u32)| {
            let path = match raw_paths.get(&file) {
                Some(path) => path.clone(),
                None => root.join(&names[start as usize..end as usize]),
            };
            let read = match overlay {
                Some((id, bytes)) if *id == file => {
                    Ok(bytes[..bytes.len().min(limit as usize)].to_vec())
                }
                _ => read_prefix(&path, limit),
            };
            match read {
                Ok(head) if test(&head, (head.len() as u64) < limit) => Scanned::Yes,
                Ok(_) => Scanned::No,
                Err(_) => Scanned::Unread,
            }
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(SCAN_THREADS);
        if threads < 2 || ranges.len() < SCAN_PARALLEL_FROM {
            return ranges.iter().map(one).collect();
        }
        let chunk = ranges.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = ranges
                .chunks(chunk)
                .map(|part| scope.spawn(|| part.iter().map(one).collect::<Vec<_>>()))
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    /// The files of `files` (in their order) whose bytes hold any of `words`, searched with [`Project::scan`]
    /// and one Aho-Corasick automaton; a file that cannot be read holds none.
    pub fn files_containing(&self, files: &[FileId], words: &[&str]) -> Vec<FileId> {
        let Ok(words) = aho_corasick::AhoCorasick::new(words) else {
            return Vec::new();
        };
        files
            .iter()
            .zip(self.scan(files, MAX_FILE_BYTES, |bytes, _| words.is_match(bytes)))
            .filter(|(_, scanned)| *scanned == Scanned::Yes)
            .map(|(&file, _)| file)
            .collect()
    }

    /// The decoded text of a file.
    pub fn text(&self, file: FileId) -> Result<&Text, &ReadError> {
        let entry = &self.entries[file.0 as usize];
        entry
            .loaded()
            .text
            .get_or_init(|| {
                let is_python = self.rel_path(file).ends_with(".py");
                let bytes = self.bytes(file)?;
                let decoded = decode(&bytes, is_python).map_err(ReadError::Decode)?;
                let line_index = LineIndex::from_source_text(&decoded.text);
                Ok(Text {
                    text: decoded.text,
                    had_bom: decoded.had_bom,
                    line_index,
                })
            })
            .as_ref()
    }

    /// The text of a file, or `None` after recording a notice that it could not be read.
    pub fn text_or_notice(&self, file: FileId) -> Option<&Text> {
        match self.text(file) {
            Ok(text) => Some(text),
            Err(err) => {
                self.notice(format!("skipped `{}`: {err}", self.rel_path(file)));
                None
            }
        }
    }

    /// The Python version files are parsed against. Set once, before the first parse.
    pub fn set_python_version(&self, version: PythonVersion) {
        let _ = self.python_version.set(version);
    }

    pub fn python_version(&self) -> PythonVersion {
        *self.python_version.get_or_init(PythonVersion::latest)
    }

    /// The parsed Python of a file (parsed once, with error recovery).
    pub fn python(&self, file: FileId) -> &ParsedPython {
        let entry = &self.entries[file.0 as usize];
        entry.loaded().python.get_or_init(|| match self.text(file) {
            Ok(text) => ParsedPython::parse(&text.text, self.python_version()),
            Err(err) => ParsedPython::unreadable(err.clone()),
        })
    }

    /// Ranges of values in a file that look secret (see [`secrets`]); empty for an unreadable file.
    pub fn secret_ranges(&self, file: FileId) -> Vec<TextRange> {
        self.entries[file.0 as usize]
            .loaded()
            .secrets
            .get_or_init(|| {
                self.text(file)
                    .map(|t| secrets::secret_ranges(&t.text))
                    .unwrap_or_default()
            })
            .clone()
    }

    /// Record a problem with the input that is not a finding.
    pub fn notice(&self, message: String) {
        let mut notices = self.notices.borrow_mut();
        if !notices.contains(&message) {
            notices.push(message);
        }
    }

    pub fn notices(&self) -> Vec<String> {
        self.notices.borrow().clone()
    }
}

/// The bytes of a regular file, at most `limit` of them counted as they are read: the size the file system
/// reports can be wrong (`/proc` files report 0), and only regular files are read (a FIFO would block).
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The first `limit` bytes of a regular file: usually one `read`, since the reported size says when the
/// start of the file is all of it.
fn read_prefix(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let (mut file, size) = open_regular(path)?;
    let want = usize::try_from(size.min(limit)).unwrap_or(0);
    let mut bytes = vec![0; want];
    let mut filled = 0;
    while filled < want {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e.to_string())),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// Open a file for reading if it is a regular file. One path lookup: the file is opened without blocking
/// (a FIFO would otherwise wait for a writer) and its type and reported size are taken from the open handle.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        if !std::fs::metadata(path).map_err(io)?.is_file() {
            return Err(ReadError::Io("it is not a regular file".to_owned()));
        }
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::Io("it is not a regular file".to_owned()));
    }
    Ok((file, meta.len()))
}

/// A path below `root` as a relative path with forward slashes (lossy when it is not UTF-8).
fn rel_path(root: &Path, path: &Path) -> String {
    // The walk builds every path by joining names onto `root`, so the relative part is what follows it.
    let bytes = path.as_os_str().as_encoded_bytes();
    let root_bytes = root.as_os_str().as_encoded_bytes();
    let rel = match bytes.strip_prefix(root_bytes) {
        Some(rest) => rest
            .strip_prefix(std::path::MAIN_SEPARATOR_STR.as_bytes())
            .unwrap_or(rest),
        None => bytes,
    };
    let rel = String::from_utf8_lossy(rel);
    if std::path::MAIN_SEPARATOR == '/' {
        rel.into_owned()
    } else {
        rel.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn io_message(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        return "symlink loop".to_owned();
    }
    match err.io_error() {
        Some(io) => io.to_string(),
        None => err.to_string(),
    }
}

/// A temporary folder holding `files` (path, contents): for unit tests.
/// `3.12`, `3.12.4`, `python-3.12` or `python|3.12` as a major.minor version.
pub fn parse_python_version(text: &str) -> Option<PythonVersion> {
    let text = text.trim();
    let text = text
        .strip_prefix("python-")
        .or_else(|| text.strip_prefix("PYTHON|"))
        .or_else(|| text.strip_prefix("python|"))
        .unwrap_or(text);
    let mut parts = text.split('.');
    let major: u8 = parts.next()?.trim().parse().ok()?;
    let minor: u8 = parts.next()?.trim().parse().ok()?;
    if major != 3 {
        return None;
    }
    Some(PythonVersion { major, minor })
}

#[cfg(test)]
pub(crate) fn write_test_app<B: AsRef<[u8]>>(files: &[(&str, B)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, body) in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, body).unwrap();
    }
    dir
}

/// An app made of `files` (path, text) in a temporary folder, discovered: for unit tests.
#[cfg(test)]
pub(crate) fn test_project<B: AsRef<[u8]>>(files: &[(&str, B)]) -> (tempfile::TempDir, Project) {
    let dir = write_test_app(files);
    let project = Project::discover(dir.path()).unwrap();
    (dir, project)
}

#[cfg(test)]
mod version_tests {
    use super::*;

    #[test]
    fn python_versions() {
        assert_eq!(parse_python_version("3.12"), Some(PythonVersion::PY312));
        assert_eq!(
            parse_python_version("python-3.9.7"),
            Some(PythonVersion::PY39)
        );
        assert_eq!(
            parse_python_version("PYTHON|3.11"),
            Some(PythonVersion::PY311)
        );
        assert_eq!(parse_python_version("2.7"), None);
        assert_eq!(parse_python_version("latest"), None);
    }
}
