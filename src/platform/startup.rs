//! What the container runs at start-up: the custom command or the auto-detected entry module.
//!
//! Order (Oryx `scriptgenerator.go`): custom command; Django (first top-level folder by name with
//! `wsgi.py`); FastAPI (Python 3.14+ only); Flask (first of `application.py`, `app.py`, ...); default page.

use crate::platform::app_settings::Source;
use crate::project::{FileId, Project, PythonVersion};

/// The Flask entry files Oryx looks for at the root, in order (FW:134-159).
pub const FLASK_FILES: &[&str] = &[
    "application.py",
    "app.py",
    "run.py",
    "index.py",
    "server.py",
    "wsgi.py",
];
/// The FastAPI entry files Oryx looks for at the root (FW:180-218).
pub const FASTAPI_FILES: &[&str] = &[
    "main.py",
    "app.py",
    "application.py",
    "server.py",
    "asgi.py",
    "api.py",
    "index.py",
    "run.py",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// Named by the custom startup command.
    Custom,
    Django,
    FastApi,
    Flask,
}

/// The Python module the server imports at start-up.
#[derive(Debug, Clone)]
pub struct EntryModule {
    pub kind: EntryKind,
    pub file: FileId,
    /// Dotted module name, e.g. `proj.wsgi`.
    pub module: String,
    /// The attribute the server loads, e.g. `application`.
    pub attribute: String,
    /// The folder (relative to the app root, "" for the root) that is on `sys.path`.
    pub import_root: String,
}

/// The startup command with its source.
#[derive(Debug, Clone)]
pub struct StartupCommand {
    pub command: String,
    pub source: Source,
}

/// A shell script or startup file that runs at start-up.
#[derive(Debug, Clone)]
pub struct StartupScript {
    pub file: FileId,
    /// Named by the startup command (`false`: a root `startup.sh`/`startup.txt` assumed to be the startup file).
    pub configured: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Startup {
    pub command: Option<StartupCommand>,
    pub scripts: Vec<StartupScript>,
    pub entry: Option<EntryModule>,
}

impl Startup {
    pub fn detect(
        project: &Project,
        command: Option<StartupCommand>,
        python: PythonVersion,
    ) -> Startup {
        let mut startup = Startup {
            command,
            ..Startup::default()
        };
        let mut server_command = startup.command.as_ref().map(|c| c.command.clone());
        if let Some(cmd) = &startup.command {
            let words = shlex::split(&cmd.command).unwrap_or_default();
            // A startup file: one word naming a file (.sh is run, any other file gives its first line).
            let script = match words.as_slice() {
                [one] => Some(one.as_str()),
                [shell, one]
                    if matches!(shell.as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash") =>
                {
                    Some(one.as_str())
                }
                _ => None,
            };
            if let Some(file) = script.and_then(|s| project.file(s)) {
                startup.scripts.push(StartupScript {
                    file,
                    configured: true,
                });
                server_command = project.text(file).ok().map(|t| {
                    if project.rel_path(file).ends_with(".sh") {
                        t.text.clone()
                    } else {
                        t.text.lines().next().unwrap_or("").to_owned()
                    }
                });
            }
        } else {
            for name in ["startup.sh", "startup.txt"] {
                if let Some(file) = project.file(name) {
                    startup.scripts.push(StartupScript {
                        file,
                        configured: false,
                    });
                }
            }
        }
        startup.entry = match &server_command {
            Some(text) => entry_from_command(project, text),
            None => auto_detect(project, python),
        };
        startup
    }
}

/// Oryx's auto-detection when there is no custom command.
fn auto_detect(project: &Project, python: PythonVersion) -> Option<EntryModule> {
    if let Some(entry) = detect_django(project) {
        return Some(entry);
    }
    if python >= PythonVersion::PY314 {
        for name in FASTAPI_FILES {
            let Some(file) = project.file(name) else {
                continue;
            };
            let Ok(text) = project.text(file) else {
                continue;
            };
            if text.text.contains("fastapi") && !text.text.contains("from flask") {
                return Some(root_entry(EntryKind::FastApi, file, name, "app"));
            }
        }
    }
    FLASK_FILES.iter().find_map(|name| {
        project
            .file(name)
            .map(|file| root_entry(EntryKind::Flask, file, name, "app"))
    })
}

/// The first immediate subfolder, by name, holding `wsgi.py` (only `antenv` is skipped).
pub fn detect_django(project: &Project) -> Option<EntryModule> {
    let mut candidates: Vec<(&str, FileId)> = project
        .files()
        .filter_map(|f| {
            let rel = project.rel_path(f);
            let (dir, name) = rel.split_once('/')?;
            (name == "wsgi.py" && dir != "antenv").then_some((dir, f))
        })
        .collect();
    candidates.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let (dir, file) = candidates.first()?;
    Some(EntryModule {
        kind: EntryKind::Django,
        file: *file,
        module: format!("{dir}.wsgi"),
        attribute: "application".to_owned(),
        import_root: String::new(),
    })
}

fn root_entry(kind: EntryKind, file: FileId, name: &str, attribute: &str) -> EntryModule {
    EntryModule {
        kind,
        file,
        module: name.trim_end_matches(".py").to_owned(),
        attribute: attribute.to_owned(),
        import_root: String::new(),
    }
}

/// Gunicorn options that take a value as the next word.
const VALUE_OPTIONS: &[&str] = &[
    "-b",
    "--bind",
    "-w",
    "--workers",
    "-k",
    "--worker-class",
    "-t",
    "--timeout",
    "-c",
    "--config",
    "--chdir",
    "--access-logfile",
    "--error-logfile",
    "--log-file",
    "--log-level",
    "--threads",
    "-e",
    "--env",
    "--pythonpath",
    "-n",
    "--name",
    "--max-requests",
    "--max-requests-jitter",
    "--keep-alive",
    "--graceful-timeout",
    "--forwarded-allow-ips",
    "--log-config",
    "-p",
    "--pid",
    "--worker-connections",
    "-u",
    "--user",
    "-g",
    "--group",
    "-m",
    "--umask",
    "--backlog",
    "--limit-request-line",
    "--limit-request-fields",
    "--limit-request-field_size",
    "--access-logformat",
    "--host",
    "--port",
    "--workers-per-core",
    "--app-dir",
    "--root-path",
    "--log-config",
    "--ssl-keyfile",
    "--ssl-certfile",
];

/// The module a `gunicorn`/`uvicorn` command loads, resolved against its `--chdir`/`--app-dir`.
pub fn entry_from_command(project: &Project, command: &str) -> Option<EntryModule> {
    for line in command.lines() {
        let words = shlex::split(line).unwrap_or_default();
        for segment in words.split(|w| matches!(w.as_str(), "&&" | "||" | ";" | "|")) {
            let Some(pos) = segment.iter().position(|w| {
                w == "gunicorn"
                    || w == "uvicorn"
                    || w.ends_with("/gunicorn")
                    || w.ends_with("/uvicorn")
            }) else {
                continue;
            };
            if let Some(entry) = entry_from_server_args(project, &segment[pos + 1..]) {
                return Some(entry);
            }
        }
    }
    None
}

fn entry_from_server_args(project: &Project, args: &[String]) -> Option<EntryModule> {
    let mut chdir = String::new();
    let mut target = None;
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        if let Some((opt, value)) = word.split_once('=').filter(|(o, _)| o.starts_with("--")) {
            if opt == "--chdir" || opt == "--app-dir" {
                chdir = value.to_owned();
            }
        } else if VALUE_OPTIONS.contains(&word.as_str()) {
            if (word == "--chdir" || word == "--app-dir") && i + 1 < args.len() {
                chdir = args[i + 1].clone();
            }
            i += 1;
        } else if !word.starts_with('-') {
            target = Some(word.clone());
        }
        i += 1;
    }
    let target = target?;
    let (module, attribute) = match target.split_once(':') {
        Some((m, a)) => (m.to_owned(), a.to_owned()),
        None => (target.clone(), "application".to_owned()),
    };
    let import_root = chdir
        .trim_start_matches("./")
        .trim_end_matches('/')
        .to_owned();
    let file = resolve_module(project, &import_root, &module)?;
    let kind = EntryKind::Custom;
    Some(EntryModule {
        kind,
        file,
        module,
        attribute,
        import_root,
    })
}

/// The file of dotted module `module` under the folder `root` ("" for the app root).
pub fn resolve_module(project: &Project, root: &str, module: &str) -> Option<FileId> {
    if module.is_empty()
        || !module
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        return None;
    }
    let base = module.replace('.', "/");
    let prefix = if root.is_empty() || root == "." {
        String::new()
    } else {
        format!("{root}/")
    };
    project
        .file(&format!("{prefix}{base}.py"))
        .or_else(|| project.file(&format!("{prefix}{base}/__init__.py")))
}
