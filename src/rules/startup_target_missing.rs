//! AZ205 startup-target-missing

use ruff_text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::platform::command::ServerKind;
use crate::platform::shell::join_dir;
use crate::platform::startup::{Server, StartupKind, StartupText};
use crate::project::edit::Edit;
use crate::project::{Project, Span};
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ205",
    name: "startup-target-missing",
    category: Category::Blocker,
    summary: "The startup command names a file, folder or module that is not in the app, or a startup file has lines that never run",
    docs: include_str!("../../lints/AZ205.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    missing_startup_file(ctx, out);
    first_line_only(ctx, out);
    if ctx.startup.kind == StartupKind::Custom
        && let Some(text) = ctx.startup.run()
    {
        let start = out.len();
        missing_folders(ctx, text, out);
        for server in &text.servers {
            missing_module(ctx, text, server, out);
        }
        for d in &mut out[start..] {
            if let Some(note) = fixes::assumed_startup_file_note(ctx.project, &ctx.startup) {
                d.notes.push(note);
            }
        }
    }
}

/// The startup command is one word naming a file, or `sh FILE`, and the file is not there.
fn missing_startup_file(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let (Some(command), Some(sf)) = (&ctx.startup.command, &ctx.startup.startup_file) else {
        return;
    };
    if sf.file.is_some() {
        return;
    }
    let name = sf.path.rsplit('/').next().unwrap_or(&sf.path);
    let same_name: Vec<&str> = project
        .files()
        .map(|f| project.rel_path(f))
        .filter(|rel| rel.rsplit('/').next() == Some(name))
        .collect();
    let help = match same_name.as_slice() {
        [one] => {
            let fixed = command.command.replacen(&sf.path, one, 1);
            format!(
                "{} (paths in it are relative to the app root)",
                fixes::set_startup_command(project, &command.source, fixed.trim())
            )
        }
        _ => match ctx.startup.app_objects(project).first() {
            Some(app) => format!(
                "add `{}` to the app (relative to the app root), or {}",
                sf.path,
                fixes::set_startup_help(&app.startup_command())
            ),
            None => format!(
                "add `{}` to the app (relative to the app root), or set the startup command to the server command itself",
                sf.path
            ),
        },
    };
    out.push(
        Diagnostic::new(
            &META,
            command.source.span(),
            format!(
                "the startup command names `{}`, which is not in the app",
                sf.path
            ),
        )
        .label("no such file in the app")
        .help(help)
        .note("without the file, the container runs the word itself as a command, which fails and the app does not start")
        .note(format!("the startup command is set by {}", command.source.describe(project))),
    );
}

/// A startup file other than a `.sh` script whose later lines hold commands: only the first line runs.
fn first_line_only(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let startup = &ctx.startup;
    let Some(sf) = startup.startup_file.as_ref().filter(|f| !f.whole) else {
        return;
    };
    let (Some(file), Some(first_run)) = (sf.file, startup.run()) else {
        return;
    };
    let later = &sf.unused_lines;
    let Some((_, ignored_range, _)) = later.first() else {
        return;
    };
    let rel = project.rel_path(file);
    let first = first_run.text.as_str();
    let is_command = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    let commands: Vec<&str> = std::iter::once(first)
        .chain(later.iter().map(|(_, _, l)| l.as_str()))
        .map(str::trim)
        .filter(|l| is_command(l))
        .collect();
    let joined = commands.join(" && ");
    let message = if is_command(first) {
        match later.as_slice() {
            [(line, _, text)] => format!(
                "only the first line of `{rel}` runs (`{}`), so `{}` on line {line} never does",
                first.trim(),
                text.trim()
            ),
            _ => format!(
                "only the first line of `{rel}` runs (`{}`), so the commands on the {} lines after it never do",
                first.trim(),
                later.len()
            ),
        }
    } else {
        let what = if first.trim().is_empty() {
            "empty"
        } else {
            "a comment"
        };
        format!(
            "the first line of `{rel}` is {what}, and App Service runs only the first line of a startup file"
        )
    };
    let mut d = Diagnostic::new(&META, Some(Span::new(file, *ignored_range)), message)
        .label("never runs: a startup file that is not a `.sh` script gives only its first line")
        .help(format!(
            "write `{joined}` as the only line of `{rel}`, or put the commands in a `.sh` script and set the startup command to its name"
        ));
    if let Some(note) = fixes::assumed_startup_file_note(project, startup) {
        d = d.note(note);
    }
    out.push(d);
}

/// `cd DIR`, `--chdir DIR` and `--app-dir DIR` naming folders that are not in the app.
fn missing_folders(ctx: &Context, run: &StartupText, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let startup = &ctx.startup;
    let mut report = |range: TextRange, written: &str, resolved: &str, what: String| {
        let mut d = Diagnostic::new(
            &META,
            run.span(range),
            format!("{what} `{written}`, a folder that is not in the app"),
        )
        .label("no such folder");
        let name = resolved.rsplit('/').next().unwrap_or(resolved);
        d = match folder_named(project, name) {
            Some(dir) => {
                let edits = [Edit::replacement(dir.clone(), range)];
                d.help(fixes::edit_startup(project, run, &edits))
                    .fix(fixes::startup_fix(run, &edits))
            }
            None => d.help(format!(
                "correct `{written}`: it is relative to the app root, where the startup command runs"
            )),
        };
        if let Some(note) = fixes::startup_flag_note(startup) {
            d = d.note(note);
        }
        out.push(d);
    };
    for cd in &run.cds {
        if let Some(dir) = &cd.resolved
            && !dir.is_empty()
            && !project.has_dir(dir)
        {
            report(
                cd.range,
                &cd.path,
                dir,
                "the startup command changes to".to_owned(),
            );
        }
    }
    for server in &run.servers {
        let option = match server.command.kind {
            ServerKind::Gunicorn => "--chdir",
            ServerKind::Uvicorn => "--app-dir",
            _ => continue,
        };
        let (Some(value), Some(root)) = (server.command.value(option), &server.import_root) else {
            continue;
        };
        if !root.is_empty() && !project.has_dir(root) {
            report(value.range, &value.text, root, format!("`{option}` names"));
        }
    }
}

/// The server's module (or `python` script) is not where the command looks.
fn missing_module(ctx: &Context, text: &StartupText, server: &Server, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let startup = &ctx.startup;
    let Some(root) = &server.import_root else {
        return;
    };
    if !root.is_empty() && !project.has_dir(root) {
        return; // reported as a missing folder
    }
    let place = if root.is_empty() {
        "at the app root".to_owned()
    } else {
        format!("in `{root}`")
    };
    if let ServerKind::PythonScript(script) = &server.command.kind {
        // A script in the app, or a path this tool cannot follow.
        let followed = server.cwd.as_deref().and_then(|cwd| join_dir(cwd, script));
        if followed.is_none() || server.script.is_some() {
            return;
        }
        let range = server
            .command
            .words
            .iter()
            .find(|w| &w.text == script)
            .map_or(server.command.range(), |w| w.range);
        let mut d = Diagnostic::new(
            &META,
            text.span(range),
            format!("the startup command runs `{script}`, which is not {place}"),
        )
        .label("no such file")
        .help(format!(
            "correct the path of `{script}`: it is relative to the folder the command runs in"
        ));
        if let Some(note) = fixes::startup_flag_note(startup) {
            d = d.note(note);
        }
        out.push(d);
        return;
    }
    let (Some(module), None, Some(target)) = (&server.module, server.file, &server.command.target)
    else {
        return;
    };
    let path = module.replace('.', "/");
    // Where the module is in the repository, if anywhere.
    let found_root = project.files().find_map(|f| {
        let rel = project.rel_path(f);
        [format!("{path}.py"), format!("{path}/__init__.py")]
            .iter()
            .find_map(|tail| {
                rel.strip_suffix(tail.as_str())
                    .filter(|prefix| prefix.is_empty() || prefix.ends_with('/'))
                    .map(|prefix| prefix.trim_end_matches('/').to_owned())
            })
    });
    let installs_itself = ["setup.py", "pyproject.toml"]
        .iter()
        .any(|f| project.file(f).is_some());
    let help = match &found_root {
        Some(_) if installs_itself => return, // may be an installed package
        Some(found) => {
            let option = if server.command.kind == ServerKind::Uvicorn {
                "--app-dir"
            } else {
                "--chdir"
            };
            let dir = relative_to(found, server.cwd.as_deref());
            let edit = match server.command.value(option) {
                Some(value) => (value.range, dir),
                None => {
                    // After the program word (`python -m gunicorn` included).
                    let program = server
                        .command
                        .words
                        .iter()
                        .find(|w| matches!(w.text.rsplit('/').next(), Some("gunicorn" | "uvicorn")))
                        .unwrap_or(&server.command.words[0]);
                    (
                        TextRange::empty(program.range.end()),
                        format!(" {option} {dir}"),
                    )
                }
            };
            fixes::edit_startup(project, text, &[edit.into()])
        }
        None => {
            let top = module.split('.').next().unwrap_or(module);
            // An installed package's module (the requirements model follows includes and pyproject).
            if ctx.requirements.provides(module) || ctx.requirements.provides(top) {
                return; // an installed package's module
            }
            match startup.app_objects(project).first() {
                Some(app) => fixes::set_startup_help(&app.startup_command()),
                None => format!(
                    "correct `{}`: the module is a Python file path from the folder the server runs in, with dots",
                    target.text
                ),
            }
        }
    };
    let where_found = match &found_root {
        Some(found) if found.is_empty() => " (it is at the app root)".to_owned(),
        Some(found) => format!(" (it is in `{found}`)"),
        None => String::new(),
    };
    let mut d = Diagnostic::new(
        &META,
        text.span(target.range),
        format!(
            "the startup command loads the module `{module}`, which is not {place}{where_found}"
        ),
    )
    .label("ModuleNotFoundError at start-up")
    .help(help);
    if let Some(note) = fixes::startup_flag_note(startup) {
        d = d.note(note);
    }
    out.push(d);
}

/// A path from the folder a command runs in to `target` (both relative to the app root).
fn relative_to(target: &str, cwd: Option<&str>) -> String {
    let cwd = cwd.unwrap_or("");
    if cwd.is_empty() {
        return target.to_owned();
    }
    let from: Vec<&str> = cwd.split('/').collect();
    let to: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// The only folder of the app with this name.
fn folder_named(project: &Project, name: &str) -> Option<String> {
    let mut dirs: Vec<String> = Vec::new();
    for f in project.files() {
        let rel = project.rel_path(f);
        let mut parts: Vec<&str> = rel.split('/').collect();
        parts.pop();
        for i in 0..parts.len() {
            if parts[i] == name {
                let dir = parts[..=i].join("/");
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
    }
    (dirs.len() == 1).then(|| dirs.remove(0))
}

#[cfg(test)]
mod tests {
    fn run(files: &[(&str, &str)], command: Option<&str>) -> Vec<crate::diagnostic::Diagnostic> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
        crate::rules::run_check(
            &files,
            |c| c.startup_command = command.map(str::to_owned),
            super::check,
        )
    }

    const FLASK: &str = "from flask import Flask\napp = Flask(__name__)\n";

    #[test]
    fn missing_startup_files() {
        let files = [
            ("app.py", FLASK),
            ("deploy/startup.sh", "gunicorn app:app\n"),
        ];
        let d = run(&files, Some("startup.sh"));
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("--startup-file \"deploy/startup.sh\"")
        );
        assert!(run(&files, Some("deploy/startup.sh")).is_empty());
        assert!(run(&files, Some("/home/site/wwwroot/deploy/startup.sh")).is_empty());
        assert_eq!(run(&files, Some("sh run.sh")).len(), 1);
    }

    #[test]
    fn first_line_only() {
        let files = [
            ("app.py", FLASK),
            (
                "startup.txt",
                "pip install -r requirements.txt\n\ngunicorn app:app\n",
            ),
        ];
        let d = run(&files, Some("startup.txt"));
        assert_eq!(d.len(), 1);
        assert!(d[0].help.as_deref().unwrap().starts_with(
            "write `pip install -r requirements.txt && gunicorn app:app` as the only line"
        ));
        // Assumed when no command is given; `sh startup.txt` runs it whole.
        assert_eq!(run(&files, None).len(), 1);
        assert!(run(&files, Some("sh startup.txt")).is_empty());
        // Comments after the command are fine.
        let files = [
            ("app.py", FLASK),
            (
                "startup.txt",
                "gunicorn app:app\n# started by App Service\n",
            ),
        ];
        assert!(run(&files, Some("startup.txt")).is_empty());
    }

    #[test]
    fn folders_and_modules() {
        let files = [("src/app.py", FLASK)];
        let d = run(&files, Some("gunicorn --chdir source app:app"));
        assert_eq!(d.len(), 1, "{d:?}");
        let d = run(&files, Some("gunicorn --bind=0.0.0.0 app:app"));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("(it is in `src`)"));
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("\"gunicorn --chdir src --bind=0.0.0.0 app:app\""),
            "{:?}",
            d[0].help
        );
        let d = run(&files, Some("cd app && gunicorn app:app"));
        assert_eq!(d.len(), 1);
        assert!(run(&files, Some("cd src && gunicorn app:app")).is_empty());
        assert!(run(&files, Some("python -m gunicorn --chdir src app:app")).is_empty());
        assert_eq!(run(&files, Some("python main.py")).len(), 1);
        // gunicorn.conf.py sets the folder.
        let files = [
            ("src/app.py", FLASK),
            ("gunicorn.conf.py", "chdir = '/home/site/wwwroot/src'\n"),
        ];
        assert!(run(&files, Some("gunicorn app:app")).is_empty());
        // An installed package is not the repository's business.
        let files = [("src/app.py", FLASK), ("requirements.txt", "mkdocs\n")];
        assert!(run(&files, Some("gunicorn mkdocs.app:app")).is_empty());
    }
}
