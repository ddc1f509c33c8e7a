//! Credentials in the files that are deployed with the app: publish profiles, secrets in `.env` files,
//! and cloud credentials recognised by their shape ([`crate::project::secrets::credentials`]). Everything
//! under the app root is deployed, documentation included; a file `.gitignore` excludes is not committed,
//! and is left alone.

use ruff_text_size::{TextRange, TextSize};

use crate::platform::gitignore::GitIgnores;
use crate::project::secrets::{CredentialKind, credentials, is_placeholder, looks_secret};
use crate::project::{FileId, MAX_FILE_BYTES, Project, Scanned, Span};

/// A cloud credential written in a deployed file.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCredential {
    /// The value (masked in every output).
    pub span: Span,
    pub kind: CredentialKind,
}

/// A publish profile (`*.PublishSettings`, or XML with a `userPWD`): the deployment credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishProfile {
    pub file: FileId,
    /// The `userPWD` value, when the file has one (masked in every output).
    pub password: Option<Span>,
}

/// A secret-looking value in a `.env` file Git does not ignore.
#[derive(Debug, Clone, PartialEq)]
pub struct DotenvSecret {
    pub name: String,
    /// The value (masked in every output).
    pub span: Span,
}

/// The credentials the deployed files hold.
#[derive(Debug, Default)]
pub struct Credentials {
    pub found: Vec<FoundCredential>,
    pub publish_profiles: Vec<PublishProfile>,
    pub dotenv: Vec<DotenvSecret>,
}

/// How many findings of each kind are kept, in all (a generated file of keys must not flood the output).
const MAX_FOUND: usize = 200;

/// Words whose presence makes a file worth reading for credentials.
const TRIGGERS: &[&str] = &[
    "accountkey=",
    "sharedaccesskey=",
    "password=",
    "pwd=",
    "sk_live_",
    "rzp_live_",
    "ghp_",
    "github_pat_",
    "akia",
    "azure_client_secret",
    "userpwd",
];

impl Credentials {
    pub fn find(project: &Project, ignores: &GitIgnores) -> Credentials {
        let mut out = Credentials::default();
        let committed = |file: FileId| {
            ignores
                .ignoring_line(project, project.rel_path(file), false)
                .is_none()
        };
        let files = candidate_files(project);
        let Ok(words) = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(TRIGGERS)
        else {
            return out;
        };
        let hits = project.scan(&files, MAX_FILE_BYTES, |bytes, _| words.is_match(bytes));
        for (&file, scanned) in files.iter().zip(hits) {
            let rel = project.rel_path(file);
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let profile_by_name = name.to_ascii_lowercase().ends_with(".publishsettings");
            if scanned != Scanned::Yes && !profile_by_name && !is_dotenv(rel) {
                continue;
            }
            if !committed(file) {
                continue;
            }
            let Ok(text) = project.text(file) else {
                if profile_by_name {
                    out.publish_profiles.push(PublishProfile {
                        file,
                        password: None,
                    });
                }
                continue;
            };
            let text = &text.text;
            let span = |s: usize, e: usize| {
                Span::new(
                    file,
                    TextRange::new(
                        TextSize::try_from(s).unwrap_or_default(),
                        TextSize::try_from(e).unwrap_or_default(),
                    ),
                )
            };
            let password = user_pwd(text).map(|(s, e)| span(s, e));
            if profile_by_name || password.is_some() {
                out.publish_profiles.push(PublishProfile { file, password });
                continue;
            }
            if is_dotenv(rel) {
                for (name, s, e) in dotenv_secrets(text) {
                    if out.dotenv.len() < MAX_FOUND {
                        out.dotenv.push(DotenvSecret {
                            name,
                            span: span(s, e),
                        });
                    }
                }
                continue;
            }
            for (s, e, kind) in credentials(text) {
                if out.found.len() < MAX_FOUND {
                    out.found.push(FoundCredential {
                        span: span(s, e),
                        kind,
                    });
                }
            }
        }
        out
    }
}

/// File extensions of code, configuration and documentation: where credentials get written. Data (images,
/// translations, fixtures) is not searched.
const SEARCHED: &[&str] = &[
    "py",
    "pyi",
    "ipynb",
    "txt",
    "md",
    "rst",
    "cfg",
    "ini",
    "conf",
    "config",
    "toml",
    "yaml",
    "yml",
    "json",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "cmd",
    "bat",
    "xml",
    "properties",
    "bicep",
    "bicepparam",
    "tf",
    "tfvars",
    "js",
    "mjs",
    "ts",
    "publishsettings",
    "pubxml",
    "env",
    "sql",
];

/// Folders that hold installed or generated files, not the app's own.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "site-packages",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "venv",
    ".venv",
    "antenv",
    "env",
];

/// More files of one extension than this in one folder are data, not configuration.
const MAX_PER_FOLDER: usize = 64;

/// The files searched for credentials: code, configuration and documentation by extension (and `.env*`,
/// `Dockerfile`), outside installed-package folders, and not in a folder that holds more than
/// [`MAX_PER_FOLDER`] files of the same extension.
fn candidate_files(project: &Project) -> Vec<FileId> {
    let mut groups: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    let mut picked: Vec<(FileId, &str, &str)> = Vec::new();
    for file in project.files() {
        let rel = project.rel_path(file);
        let Some(ext) = searched_kind(rel) else {
            continue;
        };
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        *groups.entry((dir, ext)).or_default() += 1;
        picked.push((file, dir, ext));
    }
    picked
        .into_iter()
        .filter(|(_, dir, ext)| ext.is_empty() || groups[&(*dir, *ext)] <= MAX_PER_FOLDER)
        .map(|(file, _, _)| file)
        .collect()
}

/// The kind of a file searched for credentials: its extension from [`SEARCHED`], `""` for `.env*` and
/// `Dockerfile`; `None` for any other file, or one in a [`SKIPPED_DIRS`] folder.
fn searched_kind(rel: &str) -> Option<&'static str> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let kind = if name.starts_with(".env") || name == "Dockerfile" {
        ""
    } else {
        let ext = name.rsplit_once('.')?.1;
        SEARCHED
            .iter()
            .copied()
            .find(|e| e.eq_ignore_ascii_case(ext))?
    };
    if rel
        .split('/')
        .rev()
        .skip(1)
        .any(|dir| SKIPPED_DIRS.contains(&dir))
    {
        return None;
    }
    Some(kind)
}

/// A `.env` file at the app root (`.env`, `.env.production`), not a template of one (`.env.example`).
fn is_dotenv(rel: &str) -> bool {
    if rel.contains('/') {
        return false;
    }
    match rel.strip_prefix(".env") {
        Some("") => true,
        Some(rest) => {
            let suffix = rest.trim_start_matches('.').to_ascii_lowercase();
            rest.starts_with('.')
                && ![
                    "example", "sample", "template", "dist", "defaults", "tpl", "in",
                ]
                .iter()
                .any(|t| suffix.contains(t))
        }
        None => false,
    }
}

/// The `NAME=value` lines of a `.env` file whose name looks secret and whose value is not empty or a
/// placeholder: the name and the value's byte range.
fn dotenv_secrets(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n').take(10_000) {
        let line = raw.trim_end_matches(['\n', '\r']);
        let at = offset;
        offset += raw.len();
        let body = line.trim_start();
        let lead = line.len() - body.len();
        let (body, lead) = match body.strip_prefix("export ") {
            Some(rest) => (rest, lead + "export ".len()),
            None => (body, lead),
        };
        if body.starts_with('#') {
            continue;
        }
        let Some((name, value)) = body.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if !looks_secret(name) {
            continue;
        }
        let value_at = lead + name.len() + 1 + (body[name.len() + 1..].len() - value.len());
        let trimmed = value.trim();
        let quoted = trimmed.trim_matches(['\'', '"']);
        // A value with a trailing comment: `KEY=abc # note`.
        let quoted = quoted.split(" #").next().unwrap_or(quoted).trim();
        if quoted.len() < 4 || is_placeholder(quoted) {
            continue;
        }
        let Some(start) = line[value_at..].find(quoted).map(|p| value_at + p) else {
            continue;
        };
        out.push((name.to_owned(), at + start, at + start + quoted.len()));
    }
    out
}

/// The value of a `userPWD="..."` attribute (a publish profile's deployment password).
fn user_pwd(text: &str) -> Option<(usize, usize)> {
    let k = text.find("userPWD=\"")?;
    let start = k + "userPWD=\"".len();
    let end = start + text[start..].find('"')?;
    (end > start && !is_placeholder(&text[start..end])).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_names_and_templates() {
        assert!(is_dotenv(".env"));
        assert!(is_dotenv(".env.production"));
        assert!(!is_dotenv(".env.example"));
        assert!(!is_dotenv("app/.env"));
        assert!(!is_dotenv(".envrc"));
        let text = "# local\nDEBUG=1\nSECRET_KEY=\"k8s-9d8f7g6h5j4k3l2\"\nexport DB_PASSWORD=hunter22 # dev\nAPI_KEY=\nSTRIPE_SECRET=<your-key>\n";
        let found: Vec<(String, &str)> = dotenv_secrets(text)
            .into_iter()
            .map(|(n, s, e)| (n, &text[s..e]))
            .collect();
        assert_eq!(
            found,
            [
                ("SECRET_KEY".to_owned(), "k8s-9d8f7g6h5j4k3l2"),
                ("DB_PASSWORD".to_owned(), "hunter22"),
            ]
        );
    }

    #[test]
    fn publish_profile_password() {
        let xml = r#"<publishProfile userName="$shop" userPWD="Ab12Cd34" destinationAppUrl="x"/>"#;
        let (s, e) = user_pwd(xml).unwrap();
        assert_eq!(&xml[s..e], "Ab12Cd34");
        assert_eq!(user_pwd(r#"userPWD="""#), None);
    }
}
