//! Which paths of the app Git ignores: the `.gitignore` files of the app (the root's and nested ones),
//! matched with ripgrep's `ignore` crate, so negations, character classes, `**` and anchoring behave as
//! in Git. The files are read through the project (never outside the app root, size-capped).

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ruff_text_size::TextRange;

use crate::project::{FileId, Project, Span};

/// The most `.gitignore` files read (a monorepo has a few dozen).
const MAX_FILES: usize = 200;

/// One `.gitignore` file: its folder (relative to the app root, "" for the root) and its matcher.
struct IgnoreFile {
    dir: String,
    file: FileId,
    matcher: Gitignore,
}

/// Every `.gitignore` of the app, outermost first.
pub struct GitIgnores {
    files: Vec<IgnoreFile>,
}

impl GitIgnores {
    pub fn load(project: &Project) -> GitIgnores {
        let mut files = Vec::new();
        for file in project.files() {
            let rel = project.rel_path(file);
            let Some(dir) = rel.strip_suffix(".gitignore") else {
                continue;
            };
            if !(dir.is_empty() || dir.ends_with('/')) || files.len() >= MAX_FILES {
                continue;
            }
            let dir = dir.trim_end_matches('/').to_owned();
            let Some(text) = project.text_or_notice(file) else {
                continue;
            };
            let mut builder = GitignoreBuilder::new(project.root().join(&dir));
            for (_, _, line) in text.lines() {
                // A line the crate cannot read is skipped, as Git skips what it cannot use.
                let _ = builder.add_line(None, line);
            }
            if let Ok(matcher) = builder.build() {
                files.push(IgnoreFile { dir, file, matcher });
            }
        }
        files.sort_by_key(|f| f.dir.matches('/').count() + usize::from(!f.dir.is_empty()));
        GitIgnores { files }
    }

    /// The `.gitignore` line that makes Git ignore `path` (relative to the app root; `is_dir` for a
    /// folder), when one does: the deepest file with a matching line decides, and a `!` line there
    /// un-ignores.
    pub fn ignoring_line(&self, project: &Project, path: &str, is_dir: bool) -> Option<Span> {
        if path.is_empty() {
            return None;
        }
        let mut decided: Option<(&IgnoreFile, Option<String>)> = None;
        for f in &self.files {
            let inside = f.dir.is_empty() || path.starts_with(&format!("{}/", f.dir));
            if !inside {
                continue;
            }
            let full = project.root().join(path);
            match f.matcher.matched_path_or_any_parents(&full, is_dir) {
                Match::Ignore(glob) => decided = Some((f, Some(glob.original().to_owned()))),
                Match::Whitelist(_) => decided = Some((f, None)),
                Match::None => {}
            }
        }
        let (f, Some(pattern)) = decided? else {
            return None;
        };
        let text = project.text(f.file).ok()?;
        let range = text
            .lines()
            .find(|(_, _, line)| line.trim() == pattern.trim())
            .map_or_else(|| TextRange::empty(0.into()), |(_, range, _)| range);
        Some(Span::new(f.file, range))
    }
}

#[cfg(test)]
mod tests {
    use super::GitIgnores;
    use crate::project::test_project;

    fn ignored(files: &[(&str, &str)], path: &str, is_dir: bool) -> Option<String> {
        let (_d, p) = test_project(files);
        let span = GitIgnores::load(&p).ignoring_line(&p, path, is_dir)?;
        let text = p.text(span.file).unwrap();
        Some(format!(
            "{}:{}",
            p.rel_path(span.file),
            &text.text[span.range.start().to_usize()..span.range.end().to_usize()]
        ))
    }

    #[test]
    fn git_semantics() {
        let root = [(
            ".gitignore",
            "# venvs\n/venv/\n.env*\n!.env.example\nbuild/**/cache\n",
        )];
        assert_eq!(
            ignored(&root, "venv", true).as_deref(),
            Some(".gitignore:/venv/")
        );
        assert_eq!(
            ignored(&root, "src/venv", true),
            None,
            "anchored to the root"
        );
        assert_eq!(
            ignored(&root, ".env", false).as_deref(),
            Some(".gitignore:.env*")
        );
        assert_eq!(ignored(&root, ".env.example", false), None, "negated");
        assert!(ignored(&root, "build/a/b/cache", true).is_some());
        assert!(
            ignored(&root, "venv/lib/python3.12/site.py", false).is_some(),
            "inside"
        );
    }

    #[test]
    fn nested_files_decide_for_their_folder() {
        let files = [
            (".gitignore", "*.log\n"),
            ("backend/.gitignore", ".venv\n!keep.log\n"),
        ];
        assert_eq!(
            ignored(&files, "backend/.venv", true).as_deref(),
            Some("backend/.gitignore:.venv")
        );
        assert_eq!(ignored(&files, ".venv", true), None);
        assert_eq!(ignored(&files, "backend/keep.log", false), None);
        assert!(ignored(&files, "other/x.log", false).is_some());
    }

    #[test]
    fn a_hostile_pattern_is_fast() {
        let pattern = format!("{}b\n", "*a".repeat(40));
        let files = [(".gitignore", pattern.as_str())];
        let long = "a".repeat(5000);
        assert_eq!(ignored(&files, &long, false), None);
    }
}
