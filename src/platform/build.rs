//! The Oryx build hooks: pre- and post-build commands or scripts, with where they are set, and the
//! shell-reading helpers the hook and startup rules share.
//!
//! What Oryx does with a hook (`PreAndPostBuildCommandHelper.cs`, docs/platform.md, "Build hooks"): a non-empty
//! `*_SCRIPT_PATH` wins over `*_COMMAND`; the value is taken as an absolute path or joined to the
//! repository root, and when that names a file Oryx makes it executable and runs it; otherwise the value
//! is pasted verbatim into the bash build script, which runs with `set -e` in the root of the copy being
//! built (`$SOURCE_DIR`, a `/tmp/<id>` folder; docs/platform.md, "Build order").

use ruff_text_size::{TextRange, TextSize};

use crate::platform::app_settings::{AppSettings, Setting};
use crate::project::edit::{self, Edit};
use crate::project::{FileId, Project, Span};

/// The virtual environment Oryx creates during the build (`-p virtualenv_name=antenv`, docs/platform.md, "How Kudu runs Oryx").
pub const BUILD_VENV: &str = "antenv";

/// When a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before the virtual environment and the package install.
    Pre,
    /// After the package install and `collectstatic`.
    Post,
}

impl Phase {
    /// The `*_COMMAND` setting of this phase.
    pub fn command_setting(self) -> &'static str {
        match self {
            Phase::Pre => "PRE_BUILD_COMMAND",
            Phase::Post => "POST_BUILD_COMMAND",
        }
    }

    /// The `*_SCRIPT_PATH` setting of this phase (wins over the command when not empty).
    pub fn script_path_setting(self) -> &'static str {
        match self {
            Phase::Pre => "PRE_BUILD_SCRIPT_PATH",
            Phase::Post => "POST_BUILD_SCRIPT_PATH",
        }
    }

    /// "pre-build" or "post-build".
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pre => "pre-build",
            Phase::Post => "post-build",
        }
    }
}

/// A repository script a hook runs.
#[derive(Debug, Clone)]
pub struct HookScript {
    /// The path as written, quotes removed (relative to the app root).
    pub path: String,
    /// Where the path is written in the setting's value.
    pub range: TextRange,
    /// Oryx runs the whole value as this file (rather than bash running a command that names it).
    pub direct: bool,
    /// The file in the app; `None`: there is no such file, so the hook fails and stops the build.
    pub file: Option<FileId>,
}

/// One pre- or post-build hook.
#[derive(Debug, Clone)]
pub struct Hook {
    pub phase: Phase,
    /// The setting Oryx uses (`*_SCRIPT_PATH` when set, else `*_COMMAND`).
    pub setting: Setting,
    /// The `*_COMMAND` ignored because `*_SCRIPT_PATH` is set.
    pub shadowed: Option<Setting>,
    /// The absolute paths written in the value (ranges within the value).
    pub value_paths: Vec<ShellPath>,
    /// The repository scripts the hook runs (found or missing), in the order they run.
    pub scripts: Vec<HookScript>,
}

impl Hook {
    /// The span in `build.env` of a range of the value; `None` for a value from a flag.
    pub fn span(&self, range: TextRange) -> Option<Span> {
        self.setting
            .value_span
            .map(|v| Span::new(v.file, range + v.range.start()))
    }

    /// The value with every range in `edits` replaced by its text (ranges within the value).
    pub fn value_with(&self, edits: &[Edit]) -> String {
        replace_ranges(&self.setting.value, edits)
    }
}

/// What a build hook deletes that the build needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destroys {
    /// `/tmp` or everything in it: the build's own copy of the app is `/tmp/<id>`.
    Tmp,
    /// The folder the hook runs in (`.`, `*`, `$SOURCE_DIR`): the copy being built.
    SourceDir,
    /// `antenv`, after the build installed the requirements into it (post-build).
    Venv,
    /// `/home/site/wwwroot`, where the build's output goes.
    Wwwroot,
}

/// An `rm -r` in a hook's value or script that deletes what the build needs.
#[derive(Debug, Clone)]
pub struct DestructiveCommand {
    pub what: Destroys,
    /// The target as written (`/tmp/*`).
    pub target: String,
    /// Where: in the hook's value, or in a script file.
    pub span: Option<Span>,
}

/// The `rm -r` commands of `text` whose target is something the build needs, with ranges in `text`.
/// `post` is whether the text runs after the requirements are installed (only then is `antenv` needed).
pub fn destructive_commands(text: &str, post: bool) -> Vec<(Destroys, String, TextRange)> {
    let mut out = Vec::new();
    for (_, words) in crate::platform::shell::text_commands(text)
        .into_iter()
        .take(10_000)
    {
        let start = crate::platform::command::program_start(&words);
        let Some(program) = words.get(start) else {
            continue;
        };
        let name = program.text.rsplit('/').next().unwrap_or_default();
        if name != "rm" {
            continue;
        }
        let args = &words[start + 1..];
        let recursive = args.iter().any(|a| {
            let t = a.text.as_str();
            t == "--recursive"
                || (t.starts_with('-') && !t.starts_with("--") && t.contains(['r', 'R']))
        });
        if !recursive {
            continue;
        }
        for arg in args
            .iter()
            .filter(|a| !a.text.starts_with('-') && !a.operator)
        {
            let t = arg.text.trim_matches(['"', '\'']).trim_end_matches('/');
            let what = match t {
                "/tmp" | "/tmp/*" | "/tmp/.*" => Destroys::Tmp,
                "." | "*" | "./*" | "$SOURCE_DIR" | "${SOURCE_DIR}" | "$SOURCE_DIR/*"
                | "${SOURCE_DIR}/*" | "$PWD" | "${PWD}" | "$PWD/*" => Destroys::SourceDir,
                "antenv" | "./antenv" | "$SOURCE_DIR/antenv" | "${SOURCE_DIR}/antenv" if post => {
                    Destroys::Venv
                }
                "/home/site/wwwroot" | "/home/site/wwwroot/*" => Destroys::Wwwroot,
                _ => continue,
            };
            out.push((what, t.to_owned(), arg.range));
        }
    }
    out
}

impl Hook {
    /// The commands of this hook, in its value or its scripts, that delete what the build needs.
    pub fn destructive(&self, project: &Project) -> Vec<DestructiveCommand> {
        let post = self.phase == Phase::Post;
        let mut out: Vec<DestructiveCommand> = destructive_commands(&self.setting.value, post)
            .into_iter()
            .map(|(what, target, range)| DestructiveCommand {
                what,
                target,
                span: self.span(range),
            })
            .collect();
        for script in &self.scripts {
            let Some(file) = script.file else { continue };
            let Ok(text) = project.text(file) else {
                continue;
            };
            out.extend(destructive_commands(&text.text, post).into_iter().map(
                |(what, target, range)| DestructiveCommand {
                    what,
                    target,
                    span: Some(Span::new(file, range)),
                },
            ));
        }
        out
    }
}

/// The build hooks App Service will run (from app settings and `build.env`).
#[derive(Debug, Default)]
pub struct BuildHooks {
    pub pre: Option<Hook>,
    pub post: Option<Hook>,
}

impl BuildHooks {
    pub fn detect(project: &Project, settings: &AppSettings) -> BuildHooks {
        BuildHooks {
            pre: Hook::detect(project, settings, Phase::Pre),
            post: Hook::detect(project, settings, Phase::Post),
        }
    }

    /// The hooks that are set, pre-build first.
    pub fn iter(&self) -> impl Iterator<Item = &Hook> {
        self.pre.iter().chain(self.post.iter())
    }
}

impl Hook {
    fn detect(project: &Project, settings: &AppSettings, phase: Phase) -> Option<Hook> {
        let not_empty = |name: &str| settings.get(name).filter(|s| !s.value.is_empty()).cloned();
        let command = not_empty(phase.command_setting());
        let (setting, shadowed) = match not_empty(phase.script_path_setting()) {
            Some(script_path) => (script_path, command),
            None => (command?, None),
        };
        if setting.value.trim().is_empty() {
            return None;
        }
        let is_script_path = setting.name == phase.script_path_setting();
        let scripts = hook_scripts(project, &setting.value, is_script_path);
        Some(Hook {
            phase,
            value_paths: absolute_paths(&setting.value),
            setting,
            shadowed,
            scripts,
        })
    }
}

/// The scripts a hook value runs: the value itself when it names a file (Oryx runs it), else the scripts
/// the command runs (`bash x.sh`, `sh x.sh`, `source x.sh`, `. x.sh`, or a first word that is a path such
/// as `./x.sh`, `scripts/x.sh` or `x.sh`), up to the first `cd` (after which relative paths are unknown).
fn hook_scripts(project: &Project, value: &str, is_script_path: bool) -> Vec<HookScript> {
    let trimmed = value.trim();
    let start = TextSize::try_from(value.len() - value.trim_start().len()).unwrap_or_default();
    let whole = TextRange::at(start, TextSize::of(trimmed));
    let one_word = !trimmed.contains(char::is_whitespace);
    if one_word && trimmed.starts_with('/') {
        // A file on the build machine, not in the repository.
        return Vec::new();
    }
    if let Some(file) = resolve_in_app(project, trimmed) {
        return vec![HookScript {
            path: trimmed.to_owned(),
            range: whole,
            direct: true,
            file: Some(file),
        }];
    }
    if is_script_path && one_word && is_checkable_path(project, trimmed) {
        // `*_SCRIPT_PATH` names a file: Oryx pastes the missing path into bash, which fails.
        return vec![HookScript {
            path: trimmed.to_owned(),
            range: whole,
            direct: true,
            file: None,
        }];
    }
    let mut scripts = Vec::new();
    for (segment, offset) in command_segments(value) {
        let Some(words) = shlex::split(segment) else {
            break;
        };
        let words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .skip_while(|w| is_assignment(w) || matches!(*w, "exec" | "command" | "time"))
            .collect();
        let Some(&first) = words.first() else {
            continue;
        };
        if first == "cd" || first == "pushd" {
            break;
        }
        let script = if is_shell(first) {
            script_argument(&words[1..])
        } else if first == "source" || first == "." {
            words.get(1).copied()
        } else if looks_like_script(first) {
            Some(first)
        } else {
            None
        };
        let Some(path) = script else { continue };
        if path.starts_with('/') || !is_checkable_path(project, path) {
            continue;
        }
        let range = segment
            .find(path)
            .map(|at| {
                TextRange::at(
                    offset + TextSize::try_from(at).unwrap_or_default(),
                    TextSize::of(path),
                )
            })
            .unwrap_or_else(|| trimmed_range(segment, offset));
        scripts.push(HookScript {
            path: path.to_owned(),
            range,
            direct: one_word && path == trimmed,
            file: resolve_in_app(project, path),
        });
    }
    scripts
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

fn is_shell(word: &str) -> bool {
    let name = word.rsplit('/').next().unwrap_or(word);
    matches!(name, "bash" | "sh" | "dash" | "zsh")
}

/// The script a `bash`/`sh` invocation runs: the first word after the options; none with `-c`.
fn script_argument<'a>(args: &[&'a str]) -> Option<&'a str> {
    let mut i = 0;
    while i < args.len() {
        let word = args[i];
        if word == "-c" || (word.starts_with('-') && !word.starts_with("--") && word.contains('c'))
        {
            return None;
        }
        if word == "-o" || word == "+o" || word == "-O" || word == "+O" {
            i += 2;
            continue;
        }
        if word.starts_with('-') || word.starts_with('+') {
            i += 1;
            continue;
        }
        return Some(word);
    }
    None
}

/// A first word bash runs as a file: one holding a `/`, or a name ending with `.sh`/`.bash`.
fn looks_like_script(word: &str) -> bool {
    word.contains('/') || word.ends_with(".sh") || word.ends_with(".bash")
}

/// Whether a relative path can be looked up in the app: no expansion, and not inside a folder the build
/// creates or this tool does not list (the build's virtual environment, committed ones, `node_modules`).
fn is_checkable_path(project: &Project, path: &str) -> bool {
    if path.is_empty() || path.contains(['$', '~', '*', '?', '[', '`', '{']) {
        return false;
    }
    let Some(normal) = normalize(path) else {
        return false;
    };
    let first = normal.split('/').next().unwrap_or("");
    if matches!(
        first,
        BUILD_VENV | "node_modules" | "__oryx_packages__" | ".git"
    ) {
        return false;
    }
    if project.has_dir(&normal) {
        return false;
    }
    !project
        .virtual_envs()
        .iter()
        .any(|venv| normal == *venv || normal.starts_with(&format!("{venv}/")))
}

/// A relative path with `.` and `..` resolved; `None` when it climbs above the app root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The file of the app at a relative path, if there is one.
pub fn resolve_in_app(project: &Project, path: &str) -> Option<FileId> {
    if path.starts_with('/') {
        return None;
    }
    project.file(&normalize(path)?)
}

fn trimmed_range(segment: &str, offset: TextSize) -> TextRange {
    let lead = segment.len() - segment.trim_start().len();
    TextRange::at(
        offset + TextSize::try_from(lead).unwrap_or_default(),
        TextSize::of(segment.trim()),
    )
}

/// The simple commands of a shell line, split at unquoted `;`, `&`, `|`, `&&`, `||` and newlines, each
/// with its byte offset in the line. Stops at an unquoted comment.
fn command_segments(line: &str) -> Vec<(&str, TextSize)> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    let mut end = line.len();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    chars.next();
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '\\' => {
                    chars.next();
                }
                '#' if prev.is_none_or(|p| p.is_whitespace() || ";&|(".contains(p)) => {
                    end = i;
                    break;
                }
                ';' | '&' | '|' | '\n' => {
                    segments.push((&line[start..i], offset_of(start)));
                    start = i + c.len_utf8();
                }
                _ => {}
            },
        }
        prev = Some(c);
    }
    segments.push((&line[start..end], offset_of(start)));
    segments.retain(|(s, _)| !s.trim().is_empty());
    segments
}

fn offset_of(at: usize) -> TextSize {
    TextSize::try_from(at).unwrap_or_default()
}

/// An absolute path written in a line of shell, with its range in that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellPath {
    pub path: String,
    pub range: TextRange,
    /// The path is the folder of a `cd` (`cd /home/site/wwwroot`).
    pub cd_target: bool,
    /// The path is an operand of a command that only removes, creates, tests or prints paths (`rm -rf`,
    /// `mkdir -p`, `test -d`, `[ -d ... ]`, `echo`): nothing runs from it.
    pub housekeeping: bool,
}

/// Commands whose path operands are only removed, created, tested, listed or printed.
const HOUSEKEEPING: &[&str] = &[
    "rm", "rmdir", "mkdir", "touch", "test", "[", "[[", "echo", "printf", "ls",
];

/// The absolute paths in one line of shell, comments skipped: every word, or part of a word after `=`
/// or `:` (`--chdir=/x`, `PYTHONPATH=/a:/b`), that starts with `/`. A path ends at a space, a quote or
/// a shell operator.
pub fn absolute_paths(line: &str) -> Vec<ShellPath> {
    const BEFORE: &[char] = &['\'', '"', '=', ':', '(', ';', '&', '|', '<', '>', '`', ','];
    const AFTER: &[char] = &['\'', '"', ':', '(', ')', ';', '&', '|', '<', '>', '`', ','];
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                prev = Some(c);
                continue;
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                prev = Some(c);
                continue;
            }
            None if c == '#' && prev.is_none_or(|p| p.is_whitespace() || ";&|(".contains(p)) => {
                break;
            }
            None if c == '\\' => {
                chars.next();
                prev = Some('\\');
                continue;
            }
            _ => {}
        }
        let boundary = prev.is_none_or(|p| p.is_whitespace() || BEFORE.contains(&p));
        if c == '/' && boundary {
            let mut end = line.len();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() || AFTER.contains(&d) {
                    end = j;
                    break;
                }
                chars.next();
            }
            let path = &line[i..end];
            prev = path.chars().last();
            if path.starts_with("//") {
                // The rest of a URL (`https://host/...`), not a path.
                continue;
            }
            let before = line[..i].trim_end_matches(['\'', '"']).trim_end();
            let cd_target = before.strip_suffix("cd").is_some_and(|rest| {
                rest.chars()
                    .last()
                    .is_none_or(|p| p.is_whitespace() || ";&|(".contains(p))
            });
            // The simple command the path belongs to: its first word after the last operator.
            let command_start = line[..i]
                .rfind([';', '&', '|', '(', '`'])
                .map_or(0, |p| p + 1);
            let program = line[command_start..i]
                .split_whitespace()
                .find(|w| !w.contains('='))
                .unwrap_or("");
            let housekeeping =
                HOUSEKEEPING.contains(&program.rsplit('/').next().unwrap_or(program));
            out.push(ShellPath {
                path: path.to_owned(),
                range: TextRange::new(offset_of(i), offset_of(end)),
                cd_target,
                housekeeping,
            });
            continue;
        }
        prev = Some(c);
    }
    out
}

/// An absolute path written in a file, with its span.
#[derive(Debug, Clone)]
pub struct FilePath {
    pub path: String,
    pub span: Span,
    pub cd_target: bool,
    pub housekeeping: bool,
}

/// The absolute paths in the lines of a shell file that run: every line, or only the first line (a
/// startup file that is not `.sh`, docs/platform.md, "The startup command"). Comments are skipped.
pub fn absolute_paths_in_file(
    project: &Project,
    file: FileId,
    first_line_only: bool,
) -> Vec<FilePath> {
    let Some(text) = project.text_or_notice(file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (number, range, line) in text.lines() {
        if first_line_only && number > 1 {
            break;
        }
        for p in absolute_paths(line) {
            out.push(FilePath {
                path: p.path,
                span: Span::new(file, p.range + range.start()),
                cd_target: p.cd_target,
                housekeeping: p.housekeeping,
            });
        }
    }
    out
}

/// A folder of App Service whose absolute path an app must not rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformDir {
    /// `/home/site/wwwroot`: where the build output goes and, without a build, where the app runs.
    Wwwroot,
    /// `/home/site/repository`: the repository of a Git deployment.
    Repository,
    /// `/tmp/zipdeploy/extracted`: a zip deployment, unpacked before the build.
    ZipDeploy,
    /// `/tmp/<id>` (hex digits): the build's working copy, or the running app's extracted copy.
    TmpCopy,
}

/// Which App Service folder an absolute path points into, with the rest of the path relative to that
/// folder (the app root): `Some("")` for the folder itself, `None` when it cannot be mapped to the app.
pub fn platform_dir(path: &str) -> Option<(PlatformDir, Option<&str>)> {
    for (dir, kind) in [
        ("/home/site/wwwroot", PlatformDir::Wwwroot),
        ("/home/site/repository", PlatformDir::Repository),
        ("/tmp/zipdeploy/extracted", PlatformDir::ZipDeploy),
    ] {
        if let Some(rest) = under(path, dir) {
            return Some((kind, Some(rest)));
        }
    }
    if under(path, "/tmp/zipdeploy").is_some() {
        return Some((PlatformDir::ZipDeploy, None));
    }
    let rest = path.strip_prefix("/tmp/")?;
    let (id, rel) = rest.split_once('/').unwrap_or((rest, ""));
    let is_build_id = id.len() >= 12
        && id.chars().all(|c| c.is_ascii_hexdigit())
        && id.chars().any(|c| c.is_ascii_digit());
    is_build_id.then(|| (PlatformDir::TmpCopy, Some(rel.trim_start_matches('/'))))
}

/// `path` relative to `dir` when it is `dir` or inside it.
fn under<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(dir)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.starts_with('/').then(|| rest.trim_start_matches('/'))
}

/// The path to write instead of an absolute one: its part relative to the app root (`.` for the root).
pub fn relative_replacement(rel: &str) -> String {
    let rel = rel.trim_end_matches('/');
    if rel.is_empty() {
        ".".to_owned()
    } else {
        rel.to_owned()
    }
}

/// `text` with `edits` applied, then what the replacement left pointless removed: a `cd .` at the start
/// of a command list, a `--chdir .` option.
pub fn replace_ranges(text: &str, edits: &[Edit]) -> String {
    let mut out = edit::apply(text, edits);
    for prefix in ["cd . && ", "cd .; ", "cd . ; "] {
        while let Some(rest) = out.trim_start().strip_prefix(prefix) {
            out = rest.to_owned();
        }
    }
    for option in [" --chdir . ", " --chdir=. "] {
        out = out.replace(option, " ");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(line: &str) -> Vec<&str> {
        absolute_paths(line)
            .into_iter()
            .map(|p| &line[p.range])
            .collect()
    }

    #[test]
    fn finds_absolute_path_tokens_with_their_ranges() {
        assert_eq!(
            paths("cd /home/site/wwwroot && cp -r static/ /tmp/out"),
            vec!["/home/site/wwwroot", "/tmp/out"]
        );
        assert_eq!(
            paths("gunicorn --chdir=/home/site/wwwroot/src app:app"),
            vec!["/home/site/wwwroot/src"]
        );
        assert_eq!(
            paths("export PYTHONPATH=/a/b:/home/site/wwwroot"),
            vec!["/a/b", "/home/site/wwwroot"]
        );
        assert_eq!(
            paths("source \"/home/site/wwwroot/antenv/bin/activate\""),
            vec!["/home/site/wwwroot/antenv/bin/activate"]
        );
        assert_eq!(paths("x=$(ls /opt);echo '/srv'"), vec!["/opt", "/srv"]);
    }

    #[test]
    fn skips_comments_urls_and_relative_paths() {
        assert!(paths("# cd /home/site/wwwroot").is_empty());
        assert!(paths("#!/bin/bash").is_empty());
        assert_eq!(paths("echo hi # /home/site/wwwroot"), Vec::<&str>::new());
        assert_eq!(paths("echo 'a # /x'"), vec!["/x"]);
        assert!(paths("curl https://example.com/home/site/wwwroot").is_empty());
        assert!(paths("python manage.py migrate && ./scripts/x.sh").is_empty());
        assert!(paths("echo $HOME/site").is_empty());
    }

    #[test]
    fn marks_cd_targets() {
        let found = absolute_paths("set -e; cd \"/home/site/wwwroot\" && ls /home/site/wwwroot");
        assert_eq!(
            found.iter().map(|p| p.cd_target).collect::<Vec<_>>(),
            vec![true, false]
        );
        assert!(!absolute_paths("abcd /x")[0].cd_target);
    }

    #[test]
    fn classifies_platform_folders() {
        assert_eq!(
            platform_dir("/home/site/wwwroot"),
            Some((PlatformDir::Wwwroot, Some("")))
        );
        assert_eq!(
            platform_dir("/home/site/wwwroot/"),
            Some((PlatformDir::Wwwroot, Some("")))
        );
        assert_eq!(
            platform_dir("/home/site/wwwroot/a/b.sh"),
            Some((PlatformDir::Wwwroot, Some("a/b.sh")))
        );
        assert_eq!(platform_dir("/home/site/wwwrootx"), None);
        assert_eq!(
            platform_dir("/home/site/repository/x"),
            Some((PlatformDir::Repository, Some("x")))
        );
        assert_eq!(
            platform_dir("/tmp/zipdeploy/extracted/x"),
            Some((PlatformDir::ZipDeploy, Some("x")))
        );
        assert_eq!(
            platform_dir("/tmp/zipdeploy/x"),
            Some((PlatformDir::ZipDeploy, None))
        );
        assert_eq!(
            platform_dir("/tmp/8db3cc2c04d96b8/static"),
            Some((PlatformDir::TmpCopy, Some("static")))
        );
        assert_eq!(platform_dir("/tmp/wheels"), None);
        assert_eq!(platform_dir("/tmp/deadbeefcafe"), None);
        assert_eq!(platform_dir("/usr/bin/env"), None);
        assert_eq!(platform_dir("/home/LogFiles/app.log"), None);
    }

    #[test]
    fn splits_command_lists_outside_quotes() {
        let segments: Vec<&str> = command_segments("a 'x;y' && b | c; d # e; f")
            .into_iter()
            .map(|(s, _)| s.trim())
            .collect();
        assert_eq!(segments, vec!["a 'x;y'", "b", "c", "d"]);
        let (segment, offset) = command_segments("echo a;bash x.sh")[1];
        assert_eq!((segment, offset), ("bash x.sh", TextSize::new(7)));
    }

    #[test]
    fn finds_the_script_a_shell_runs() {
        assert_eq!(
            script_argument(&["-e", "scripts/x.sh", "arg"]),
            Some("scripts/x.sh")
        );
        assert_eq!(script_argument(&["-o", "pipefail", "x.sh"]), Some("x.sh"));
        assert_eq!(script_argument(&["-c", "echo hi"]), None);
        assert_eq!(script_argument(&["-ec", "echo hi"]), None);
        assert_eq!(script_argument(&[]), None);
        assert!(
            looks_like_script("./x.sh")
                && looks_like_script("x.sh")
                && looks_like_script("scripts/x")
        );
        assert!(!looks_like_script("python") && !looks_like_script("pip"));
        assert!(is_assignment("FOO=bar") && !is_assignment("--x=1"));
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(normalize("./scripts/../x.sh").as_deref(), Some("x.sh"));
        assert_eq!(normalize("a//b/./c").as_deref(), Some("a/b/c"));
        assert_eq!(normalize("../x.sh"), None);
    }

    #[test]
    fn replaces_ranges_and_drops_a_leading_cd_dot() {
        let value = "cd /home/site/wwwroot && python manage.py migrate";
        let edit = (
            TextRange::new(TextSize::new(3), TextSize::new(21)),
            ".".to_owned(),
        );
        assert_eq!(
            replace_ranges(value, &[edit.into()]),
            "python manage.py migrate"
        );
        let value = "gunicorn --chdir /home/site/wwwroot app:app";
        let edit = (
            TextRange::new(TextSize::new(17), TextSize::new(35)),
            ".".to_owned(),
        );
        assert_eq!(replace_ranges(value, &[edit.into()]), "gunicorn app:app");
        assert_eq!(relative_replacement("static/"), "static");
        assert_eq!(relative_replacement(""), ".");
    }

    mod with_project {
        use super::super::*;

        fn hooks(
            files: &[(&str, &str)],
            settings: &[(&str, &str)],
        ) -> (tempfile::TempDir, BuildHooks) {
            let (dir, project) = crate::project::test_project(files);
            let flags: Vec<(String, String)> = settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let app_settings = crate::platform::sources::test_app_settings(&project, &flags);
            let hooks = BuildHooks::detect(&project, &app_settings);
            (dir, hooks)
        }

        /// (path, direct, found) of each script.
        type Found<'a> = Vec<(&'a str, bool, bool)>;

        fn scripts(hook: &Hook) -> Found<'_> {
            hook.scripts
                .iter()
                .map(|s| (s.path.as_str(), s.direct, s.file.is_some()))
                .collect()
        }

        #[test]
        fn script_path_wins_over_command() {
            let (_d, h) = hooks(
                &[("pre.sh", "echo\n")],
                &[
                    ("PRE_BUILD_COMMAND", "/home/site/wwwroot/x.sh"),
                    ("PRE_BUILD_SCRIPT_PATH", "pre.sh"),
                ],
            );
            let pre = h.pre.unwrap();
            assert_eq!(pre.setting.name, "PRE_BUILD_SCRIPT_PATH");
            assert_eq!(pre.shadowed.as_ref().unwrap().name, "PRE_BUILD_COMMAND");
            assert_eq!(scripts(&pre), vec![("pre.sh", true, true)]);
            assert!(h.post.is_none());
        }

        #[test]
        fn an_empty_script_path_does_not_win() {
            let (_d, h) = hooks(
                &[],
                &[
                    ("POST_BUILD_SCRIPT_PATH", ""),
                    ("POST_BUILD_COMMAND", "echo hi"),
                ],
            );
            assert_eq!(h.post.unwrap().setting.name, "POST_BUILD_COMMAND");
        }

        #[test]
        fn commands_that_run_scripts() {
            let files = [("scripts/a.sh", ""), ("b.sh", "")];
            let cases: &[(&str, Found)] = &[
                ("bash scripts/a.sh", vec![("scripts/a.sh", false, true)]),
                (
                    "sh -e ./scripts/a.sh arg",
                    vec![("./scripts/a.sh", false, true)],
                ),
                ("scripts/a.sh", vec![("scripts/a.sh", true, true)]),
                (
                    "./b.sh && source scripts/missing.sh",
                    vec![
                        ("./b.sh", false, true),
                        ("scripts/missing.sh", false, false),
                    ],
                ),
                ("bash scripts/x.sh", vec![("scripts/x.sh", false, false)]),
                ("./scripts/x.sh", vec![("./scripts/x.sh", true, false)]),
                ("x.sh", vec![("x.sh", true, false)]),
                ("python manage.py migrate", vec![]),
                ("pip install --upgrade pip", vec![]),
                ("bash -c 'echo hi'", vec![]),
                ("cd frontend && ./build.sh", vec![]),
                ("antenv/bin/python manage.py check", vec![]),
                ("FOO=1 bash b.sh", vec![("b.sh", false, true)]),
                ("bash $SOURCE_DIR/x.sh", vec![]),
                ("/home/site/wwwroot/b.sh", vec![]),
            ];
            for (value, expected) in cases {
                let (_d, h) = hooks(&files, &[("POST_BUILD_COMMAND", value)]);
                let post = h.post.unwrap();
                assert_eq!(&scripts(&post), expected, "{value}");
                for s in &post.scripts {
                    assert_eq!(&value[s.range], s.path, "{value}");
                }
            }
        }

        #[test]
        fn a_missing_script_path_is_reported_whatever_its_name() {
            let (_d, h) = hooks(&[], &[("PRE_BUILD_SCRIPT_PATH", "deploy/prebuild")]);
            assert_eq!(
                scripts(&h.pre.unwrap()),
                vec![("deploy/prebuild", true, false)]
            );
            let (_d, h) = hooks(&[], &[("PRE_BUILD_COMMAND", "make")]);
            assert!(h.pre.unwrap().scripts.is_empty());
        }

        #[test]
        fn spans_point_into_build_env() {
            let (d, h) = hooks(
                &[(
                    "build.env",
                    "# hooks\nPRE_BUILD_COMMAND=\"bash /home/site/wwwroot/a.sh\"\n",
                )],
                &[],
            );
            let pre = h.pre.unwrap();
            let p = &pre.value_paths[0];
            let span = pre.span(p.range).unwrap();
            let text = std::fs::read_to_string(d.path().join("build.env")).unwrap();
            assert_eq!(&text[span.range], "/home/site/wwwroot/a.sh");
        }
    }
}
