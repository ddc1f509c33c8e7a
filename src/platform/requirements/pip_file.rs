//! A requirements file as pip reads it (`pip/_internal/req/req_file.py`, pip 23-25): lines ending in `\\`
//! joined, comments dropped, options parsed, `-r`/`-c` includes followed relative to the including file,
//! requirement paths relative to the app root, and the file decoded as pip's `auto_decode` does (a UTF-8,
//! UTF-16 or UTF-32 byte-order mark honoured, anything else UTF-8). Each line becomes an entry with its
//! span, and a line pip rejects carries the reason.

use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

use crate::platform::requirements::packages::normalize_name;
use crate::project::{DecodeError, FileId, Project, ReadError, Span};

/// Includes followed at most this deep (pip itself has no limit and recurses until it fails).
pub(crate) const MAX_INCLUDE_DEPTH: usize = 16;

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
    Invalid {
        /// pip's complaint, close to its own words.
        reason: String,
        problem: LineProblem,
        span: Span,
    },
}

/// What is wrong with a line pip refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// `Django=4.2`, `x=>1`: `=` where a comparison operator was meant.
    SingleEquals,
    /// `gunicorn==`, `requests >=`: a comparison operator with no version after it.
    OperatorWithoutVersion { name: String, operator: String },
    /// `--upgrade`: an option requirements files do not accept.
    UnknownOption { option: String },
    /// `-r` with nothing after it.
    MissingValue,
    /// Anything else: not PEP 508, an invalid version, an unclosed `[`.
    Other,
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

/// Follows a requirements file and its includes.
pub(crate) struct Reader<'p> {
    pub(crate) project: &'p Project,
    /// Every file read, the first given first.
    pub(crate) files: Vec<RequirementsFile>,
    /// What could not be known (downloaded includes, environment-dependent paths).
    pub(crate) unknown: Vec<String>,
}

impl Reader<'_> {
    /// Read `file` (a constraints file when `constraint`), included from `from`, and what it includes.
    pub(crate) fn read(
        &mut self,
        file: FileId,
        constraint: bool,
        from: Option<Span>,
        depth: usize,
    ) {
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
pub(crate) fn decode_for_pip(project: &Project, file: FileId) -> (Encoding, Option<String>, bool) {
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
        Err(err) => {
            // Not judged, and said: the packages it lists are unknown.
            project.text_or_notice(file);
            (
                Encoding::Unreadable {
                    reason: err.to_string(),
                },
                None,
                false,
            )
        }
    }
}

/// A logical line: its text and where each piece of it is in the file.
pub(crate) struct Logical {
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
pub(crate) fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Physical lines joined as pip's `join_lines` does.
pub(crate) fn join_lines(text: &str) -> Vec<Logical> {
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
pub(crate) fn strip_comment(text: &str) -> &str {
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
pub(crate) const OPTIONS: &[(&str, Option<char>, bool)] = &[
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

/// pip's complaint about a line, and what is wrong with it.
pub(crate) type Complaint = (String, LineProblem);

/// Parse the options part of a line as optparse does; `Err` holds pip's complaint.
pub(crate) fn parse_options(words: &[String]) -> Result<Vec<(String, Option<String>)>, Complaint> {
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
                (None, []) => {
                    return Err((
                        format!("no such option: --{name}"),
                        LineProblem::UnknownOption {
                            option: format!("--{name}"),
                        },
                    ));
                }
                (None, _) => {
                    return Err((format!("ambiguous option: --{name}"), LineProblem::Other));
                }
            };
            if option.2 {
                let value = match inline {
                    Some(v) => v,
                    None if i < words.len() => {
                        i += 1;
                        words[i - 1].clone()
                    }
                    None => {
                        return Err((
                            format!("--{} option requires 1 argument", option.0),
                            LineProblem::MissingValue,
                        ));
                    }
                };
                out.push((option.0.to_owned(), Some(value)));
            } else {
                if inline.is_some() {
                    return Err((
                        format!("--{} option does not take a value", option.0),
                        LineProblem::Other,
                    ));
                }
                out.push((option.0.to_owned(), None));
            }
        } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.chars();
            let c = chars.next().unwrap_or('-');
            let Some(option) = OPTIONS.iter().find(|o| o.1 == Some(c)) else {
                return Err((
                    format!("no such option: -{c}"),
                    LineProblem::UnknownOption {
                        option: format!("-{c}"),
                    },
                ));
            };
            let rest: String = chars.collect();
            let value = if !rest.is_empty() {
                rest
            } else if i < words.len() {
                i += 1;
                words[i - 1].clone()
            } else {
                return Err((
                    format!("-{c} option requires 1 argument"),
                    LineProblem::MissingValue,
                ));
            };
            out.push((option.0.to_owned(), Some(value)));
        }
        // Other words after the options are ignored by pip.
    }
    Ok(out)
}

/// pip's `break_args_options`: the words before the first one starting with `-`, and the rest.
pub(crate) fn break_args_options(line: &str) -> (&str, &str) {
    let mut pos = 0;
    for token in line.split(' ') {
        if token.starts_with('-') {
            return (line[..pos].trim_end(), &line[pos..]);
        }
        pos += token.len() + 1;
    }
    (line, "")
}

pub(crate) fn parse_text(
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
            None => Err((
                format!("Could not split options: {opts}"),
                LineProblem::Other,
            )),
            Some(words) => parse_options(&words),
        };
        let options = match options {
            Ok(o) => o,
            Err((reason, problem)) => {
                let at = args.len();
                entries.push(Entry {
                    line: logical.line,
                    span: line_span,
                    text: body.to_owned(),
                    kind: EntryKind::Invalid {
                        reason,
                        problem,
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
pub(crate) fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let lower = scheme.to_ascii_lowercase();
    let known = matches!(lower.as_str(), "http" | "https" | "file" | "ftp")
        || ["git+", "hg+", "svn+", "bzr+"]
            .iter()
            .any(|p| lower.starts_with(p));
    known.then_some(scheme)
}

pub(crate) fn is_windows_path(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || s.starts_with("\\\\")
}

pub(crate) const ARCHIVE_EXTENSIONS: &[&str] = &[
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
pub(crate) fn resolve_path(project: &Project, base: &str, raw: &str) -> PathTarget {
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
pub(crate) fn file_url_path(url: &str) -> String {
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

pub(crate) fn resolve_include(project: &Project, dir: &str, target: &str) -> IncludeTarget {
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
pub(crate) fn egg_fragment(url: &str) -> Option<&str> {
    let frag = url.split_once('#')?.1;
    frag.split('&')
        .find_map(|kv| kv.strip_prefix("egg="))
        .map(|n| n.split('[').next().unwrap_or(n))
        .filter(|n| !n.is_empty())
}

pub(crate) fn is_name_char(c: char) -> bool {
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

pub(crate) const OPERATORS: &[&str] = &["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// Check a version specifier list (`==1.0, <2`, `(>=1)`); `Err` holds pip's hint and the problem
/// (`name` is the requirement's, for [`LineProblem::OperatorWithoutVersion`]).
///
/// Only what every pip rejects is an error: pip before 24.1 (packaging 21) still accepted "legacy"
/// specifiers such as `<=1.0.*`, later ones do not, so those pass here.
pub(crate) fn check_specifier(name: &str, spec: &str) -> Result<(), Complaint> {
    let single_equals = || {
        (
            "= is not a valid operator. Did you mean == ?".to_owned(),
            LineProblem::SingleEquals,
        )
    };
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
                return Err(single_equals());
            }
            return Err((
                format!("`{clause}` is not a version specifier"),
                LineProblem::Other,
            ));
        };
        let version = clause[op.len()..].trim();
        if version.is_empty() {
            return Err((
                format!("`{clause}` has no version"),
                LineProblem::OperatorWithoutVersion {
                    name: name.to_owned(),
                    operator: (*op).to_owned(),
                },
            ));
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
                return Err(single_equals());
            }
            return Err((
                format!("`{version}` is not a valid version"),
                LineProblem::Other,
            ));
        }
        if *op == "~=" && !compatible_release_ok(version) {
            // PEP 440: `~=` needs at least two release numbers and takes no wildcard or local label.
            return Err((
                format!("`~={version}` needs a version with at least two parts, such as `~=2.1`"),
                LineProblem::Other,
            ));
        }
    }
    Ok(())
}

/// The version of a `~=` clause: release numbers (at least two), then only pre, post or dev labels.
pub(crate) fn compatible_release_ok(version: &str) -> bool {
    let v = version.trim_start_matches(['v', 'V']);
    let v = v.split_once('!').map_or(v, |(_, rest)| rest);
    let release: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let release = release.trim_end_matches('.');
    release.contains('.') && !version.contains(['*', '+'])
}

/// Parse the requirement part of a line (or an `-e` target). `span` maps offsets in `text` to spans.
pub(crate) fn parse_requirement(
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
        problem: LineProblem::Other,
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
        if let Err((hint, problem)) = check_specifier(name, rest) {
            return EntryKind::Invalid {
                reason: format!("Invalid requirement: '{body}' ({hint})"),
                problem,
                span: span(0, text.len()),
            };
        }
        req.specifier = rest.trim().to_owned();
    }
    req.normalized = req.name.as_deref().map(normalize_name);
    EntryKind::Requirement(req)
}

pub(crate) fn location_of_url(project: &Project, url: &str, span: Span) -> Location {
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
pub(crate) fn split_extras(s: &str) -> (&str, Vec<String>) {
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
