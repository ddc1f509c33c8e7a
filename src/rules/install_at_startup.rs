//! AZ210 install-at-startup

use ruff_text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::platform::shell::Word;
use crate::platform::startup::{ShellCommand, StartupText};
use crate::project::Project;
use crate::project::edit::Edit;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ210",
    name: "install-at-startup",
    category: Category::Risk,
    summary: "The startup command installs packages, creates a virtual environment or downloads models at every start",
    docs: include_str!("../../lints/AZ210.md"),
    security_severity: None,
};

/// The platform's start-up time limit when `WEBSITES_CONTAINER_START_TIME_LIMIT` is not set (App Service
/// on Linux FAQ).
const DEFAULT_START_LIMIT: &str = "230";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let limit = ctx
        .app_settings
        .get("WEBSITES_CONTAINER_START_TIME_LIMIT")
        .map(|s| s.value.trim().to_owned());
    if let Some(text) = ctx.startup.run() {
        for command in &text.commands {
            let Some(found) = classify(command.program_words()) else {
                continue;
            };
            let written = text.edited(command.range(), &[]);
            let what = match &found {
                Found::Install(_) => "installs packages",
                Found::Venv => "creates a virtual environment",
                Found::Download(_) => "downloads",
            };
            let place = match text.file() {
                Some(_) => "the startup file",
                None => "the startup command",
            };
            let label = format!(
                "this runs before the server starts, at every start and on every new instance; App Service \
                 restarts the container if it does not answer within WEBSITES_CONTAINER_START_TIME_LIMIT \
                 ({})",
                match &limit {
                    Some(l) => format!("{l} seconds here"),
                    None => format!("{DEFAULT_START_LIMIT} seconds by default"),
                }
            );
            let mut d = Diagnostic::new(
                &META,
                text.span(command.range()),
                format!("{place} {what} at every start: `{written}`"),
            )
            .label(label);
            let (help, why) = help(ctx, text, command, &found);
            d = d.help(help).note(why);
            if let Some(note) = fixes::assumed_startup_file_note(ctx.project, &ctx.startup) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
}

#[derive(Debug)]
enum Found {
    /// `pip install ...`, with the requirement files (`-r`) and packages it names.
    Install(Install),
    Venv,
    Download(Download),
}

#[derive(Debug, Default)]
struct Install {
    files: Vec<String>,
    packages: Vec<String>,
}

#[derive(Debug)]
enum Download {
    /// `python -m spacy download <model>`: the model is a pip package.
    Spacy(Option<String>),
    Other,
}

fn program(word: &Word) -> &str {
    word.text.rsplit('/').next().unwrap_or(&word.text)
}

fn is_python(name: &str) -> bool {
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_pip(name: &str) -> bool {
    name == "pip"
        || name
            .strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Files worth a warning when downloaded at start-up: models, archives and data sets.
const LARGE_EXTENSIONS: &[&str] = &[
    ".bin",
    ".pt",
    ".pth",
    ".onnx",
    ".safetensors",
    ".gguf",
    ".ggml",
    ".h5",
    ".hdf5",
    ".pkl",
    ".pickle",
    ".joblib",
    ".ckpt",
    ".tflite",
    ".pb",
    ".model",
    ".npz",
    ".npy",
    ".zip",
    ".tar",
    ".tgz",
    ".gz",
    ".bz2",
    ".xz",
    ".7z",
    ".parquet",
    ".whl",
];

fn classify(words: &[Word]) -> Option<Found> {
    let first = program(words.first()?);
    let args: Vec<&str> = words[1..].iter().map(|w| w.text.as_str()).collect();
    let positional = |from: usize| {
        args.iter()
            .skip(from)
            .find(|a| !a.starts_with('-'))
            .copied()
    };
    if is_pip(first) && positional(0) == Some("install") {
        return Some(Found::Install(install_args(&args)));
    }
    if is_python(first) {
        let m = args.iter().position(|a| *a == "-m");
        if let Some(m) = m {
            let module = args.get(m + 1).copied().unwrap_or_default();
            let rest = &args[(m + 2).min(args.len())..];
            match module {
                "pip" if rest.iter().find(|a| !a.starts_with('-')) == Some(&"install") => {
                    return Some(Found::Install(install_args(rest)));
                }
                "venv" | "virtualenv" => return Some(Found::Venv),
                "spacy" if rest.first() == Some(&"download") => {
                    return Some(Found::Download(Download::Spacy(
                        rest.get(1).map(|s| (*s).to_owned()),
                    )));
                }
                "nltk.downloader" => return Some(Found::Download(Download::Other)),
                _ => {}
            }
        }
        if let Some(c) = args.iter().position(|a| *a == "-c") {
            let code = args.get(c + 1).copied().unwrap_or_default();
            if [
                "nltk.download(",
                "snapshot_download(",
                "hf_hub_download(",
                "spacy.cli.download(",
            ]
            .iter()
            .any(|f| code.contains(f))
            {
                return Some(Found::Download(Download::Other));
            }
        }
        return None;
    }
    match first {
        "virtualenv" => Some(Found::Venv),
        "uv" if positional(0) == Some("venv") => Some(Found::Venv),
        "uv" if positional(0) == Some("pip") && positional(1) == Some("install") => {
            Some(Found::Install(install_args(&args[1..])))
        }
        "uv" if positional(0) == Some("sync") => Some(Found::Install(Install::default())),
        "poetry" | "pipenv" if matches!(positional(0), Some("install" | "sync")) => {
            Some(Found::Install(Install::default()))
        }
        "huggingface-cli" | "hf" if positional(0) == Some("download") => {
            Some(Found::Download(Download::Other))
        }
        "wget" => args
            .iter()
            .any(|a| large_url(a))
            .then_some(Found::Download(Download::Other)),
        "curl" => {
            let saves = args.iter().any(|a| {
                matches!(
                    *a,
                    "-o" | "-O" | "--output" | "--remote-name" | "-OJ" | "-LO" | ">"
                ) || a.starts_with("--output=")
            });
            (saves && args.iter().any(|a| large_url(a))).then_some(Found::Download(Download::Other))
        }
        _ => None,
    }
}

fn large_url(arg: &str) -> bool {
    if !(arg.starts_with("http://") || arg.starts_with("https://")) {
        return false;
    }
    let path = arg
        .split(['?', '#'])
        .next()
        .unwrap_or(arg)
        .to_ascii_lowercase();
    path.contains("huggingface.co/") && path.contains("/resolve/")
        || LARGE_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// The requirement files and packages of `pip install` arguments (after `install`).
fn install_args(args: &[&str]) -> Install {
    let mut install = Install::default();
    let mut i = 0;
    let mut seen_install = false;
    while i < args.len() {
        let a = args[i];
        if !seen_install {
            seen_install = a == "install";
            i += 1;
            continue;
        }
        match a {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                if let Some(f) = args.get(i + 1) {
                    install.files.push((*f).to_owned());
                }
                i += 2;
                continue;
            }
            _ if a.starts_with("--requirement=") => {
                install.files.push(a["--requirement=".len()..].to_owned());
            }
            _ if a.starts_with("-r") && a.len() > 2 => install.files.push(a[2..].to_owned()),
            "-e" | "--editable" | "-t" | "--target" | "-i" | "--index-url"
            | "--extra-index-url" | "-f" | "--find-links" | "--prefix" | "--root" => {
                i += 2;
                continue;
            }
            _ if a.starts_with('-') => {}
            _ => install.packages.push(a.to_owned()),
        }
        i += 1;
    }
    install
}

/// The edit that removes a command from its text: with the operator that joins it to the next command
/// on its line, else to the previous one.
fn removal(text: &StartupText, command: &ShellCommand) -> Edit {
    let range = command.range();
    let line = text.line_at(range.start()).range;
    let same_line: Vec<&ShellCommand> = text
        .commands
        .iter()
        .filter(|c| line.contains_range(c.range()))
        .collect();
    let index = same_line
        .iter()
        .position(|c| c.range() == range)
        .unwrap_or_default();
    let edit = if let Some(next) = same_line.get(index + 1) {
        TextRange::new(range.start(), next.range().start())
    } else if index > 0 {
        TextRange::new(same_line[index - 1].range().end(), range.end())
    } else {
        line
    };
    Edit::deletion(edit)
}

/// The fix, and the note that says why it works.
fn help(
    ctx: &Context,
    text: &StartupText,
    command: &ShellCommand,
    found: &Found,
) -> (String, String) {
    let project: &Project = ctx.project;
    let edit = removal(text, command);
    let line = text.line_at(command.range().start());
    let remove = if text
        .edited(line.range, std::slice::from_ref(&edit))
        .trim()
        .is_empty()
    {
        let lines = if line.first == line.last {
            format!("line {}", line.first)
        } else {
            format!("lines {}-{}", line.first, line.last)
        };
        match text.file() {
            Some(file) => format!("remove {lines} of {}", project.rel_path(file)),
            None => "remove this command from the startup command".to_owned(),
        }
    } else {
        fixes::edit_startup(project, text, &[edit])
    };
    const INSTALLS: &str = "the deployment build (Oryx) installs requirements.txt into the antenv virtual \
                            environment, which the generated startup script puts on the Python path";
    match found {
        Found::Install(install) => {
            let own_file = |f: &str| f.trim_start_matches("./") == "requirements.txt";
            if install.packages.is_empty() && install.files.iter().all(|f| own_file(f)) {
                if project.file("requirements.txt").is_some() {
                    (remove, INSTALLS.to_owned())
                } else {
                    (
                        format!(
                            "list the app's packages in requirements.txt at the app root, then {}",
                            lowercase_first(&remove)
                        ),
                        INSTALLS.to_owned(),
                    )
                }
            } else {
                let mut lines: Vec<String> = install.packages.clone();
                lines.extend(
                    install
                        .files
                        .iter()
                        .filter(|f| !own_file(f))
                        .map(|f| format!("-r {f}")),
                );
                (
                    format!(
                        "add `{}` to requirements.txt at the app root, then {}",
                        lines.join("`, `"),
                        lowercase_first(&remove)
                    ),
                    INSTALLS.to_owned(),
                )
            }
        }
        Found::Venv => (
            remove,
            "the deployment build (Oryx) creates the antenv virtual environment, and the generated startup \
             script uses it"
                .to_owned(),
        ),
        Found::Download(Download::Spacy(model)) => (
            format!(
                "add the model `{}` to requirements.txt as a package, then {}",
                model.as_deref().unwrap_or("<model>"),
                lowercase_first(&remove)
            ),
            "spaCy models are pip packages (`python -m spacy download` runs pip), so the deployment build \
             can install them"
                .to_owned(),
        ),
        Found::Download(Download::Other) => {
            let written = text.edited(command.range(), &[]);
            let pair = format!("POST_BUILD_COMMAND={written}");
            let quoted = shlex::try_quote(&pair).map_or_else(|_| pair.clone(), |q| q.into_owned());
            (
                format!(
                    "download during the build instead with `az webapp config appsettings set --resource-group \
                     <group> --name <app> --settings {quoted}`, then {}",
                    lowercase_first(&remove)
                ),
                "the post-build command runs in the copy of the app Oryx builds: only files written inside \
                 the app's folder are deployed"
                    .to_owned(),
            )
        }
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::shell::words;

    fn found(line: &str) -> Option<Found> {
        classify(&words(line))
    }

    #[test]
    fn installs_venvs_and_downloads() {
        let Some(Found::Install(i)) = found("pip install -r requirements.txt") else {
            panic!()
        };
        assert_eq!(i.files, ["requirements.txt"]);
        let Some(Found::Install(i)) = found("python3 -m pip install --upgrade torch==2.2 numpy")
        else {
            panic!()
        };
        assert_eq!(i.packages, ["torch==2.2", "numpy"]);
        assert!(matches!(
            found("/usr/bin/pip3.11 install x"),
            Some(Found::Install(_))
        ));
        assert!(matches!(found("python -m venv .venv"), Some(Found::Venv)));
        assert!(matches!(found("virtualenv env"), Some(Found::Venv)));
        assert!(matches!(
            found("python -m spacy download en_core_web_sm"),
            Some(Found::Download(Download::Spacy(Some(_))))
        ));
        assert!(matches!(
            found("huggingface-cli download bert-base-uncased"),
            Some(Found::Download(_))
        ));
        assert!(matches!(
            found("wget https://example.com/models/model.onnx"),
            Some(Found::Download(_))
        ));
        assert!(matches!(
            found("curl -L -o m.bin https://huggingface.co/x/resolve/main/m.bin"),
            Some(Found::Download(_))
        ));
        assert!(matches!(
            found(r#"python -c "import nltk; nltk.download('punkt')""#),
            Some(Found::Download(_))
        ));
    }

    #[test]
    fn near_misses() {
        assert!(found("pip freeze").is_none());
        assert!(found("pip list").is_none());
        assert!(found("python manage.py migrate").is_none());
        assert!(found("curl -f http://localhost:8000/health").is_none());
        assert!(found("wget -q https://example.com/").is_none());
        assert!(found("apt-get install -y unixodbc").is_none());
    }
}
