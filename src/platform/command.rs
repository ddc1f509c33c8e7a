//! Server commands: which simple command of a startup text starts a server (`gunicorn ...`,
//! `uvicorn ...`, `flask run`, `python manage.py runserver`, `python <script>.py`), with every option and
//! its position. Only the command line: what the options mean for gunicorn is `gunicorn.rs`'s, where the
//! server runs and what it imports is the start-up text's (`startup/text.rs`).

use ruff_text_size::{TextRange, TextSize};

use super::shell::{Word, env_assignment, text_commands};

/// The program a command starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerKind {
    Gunicorn,
    Uvicorn,
    /// `flask run`.
    FlaskRun,
    /// `python manage.py runserver`.
    DjangoRunserver,
    /// `python <script>.py` (the script's own server, e.g. `app.run()`).
    PythonScript(String),
}

/// One `--option[=value]` of a command.
#[derive(Debug, Clone)]
pub struct OptionArg {
    /// The long name (`--bind` also for `-b`).
    pub name: String,
    pub value: Option<Word>,
    /// The option word itself.
    pub word: Word,
}

/// A server command and its arguments. Ranges are relative to the start of `text` given to
/// [`server_commands`].
#[derive(Debug, Clone)]
pub struct ServerCommand {
    pub kind: ServerKind,
    /// The words of the simple command, program first.
    pub words: Vec<Word>,
    pub options: Vec<OptionArg>,
    /// The application (`module:attr`) for gunicorn and uvicorn.
    pub target: Option<Word>,
    /// 1-based line of the command in its text.
    pub line: usize,
    /// What gunicorn refuses in the command line (usage errors), or loads wrongly.
    pub problems: Vec<ArgProblem>,
}

impl ServerCommand {
    /// Every occurrence of an option, by long name.
    pub fn option(&self, long: &str) -> impl Iterator<Item = &OptionArg> {
        self.options.iter().filter(move |o| o.name == long)
    }

    /// The last value given for an option (later ones win).
    pub fn value(&self, long: &str) -> Option<&Word> {
        self.option(long).filter_map(|o| o.value.as_ref()).last()
    }

    pub fn has_flag(&self, long: &str) -> bool {
        self.option(long).next().is_some()
    }

    /// The range the whole command covers.
    pub fn range(&self) -> TextRange {
        let start = self
            .words
            .first()
            .map_or(TextSize::default(), |w| w.range.start());
        let end = self.words.last().map_or(start, |w| w.range.end());
        TextRange::new(start, end)
    }

    /// `module` and `attribute` of the target (`attribute` defaults to `application` as in gunicorn).
    pub fn module_and_attribute(&self) -> Option<(String, String)> {
        let target = self.target.as_ref()?;
        Some(match target.text.split_once(':') {
            Some((m, a)) => (m.to_owned(), a.to_owned()),
            None => (target.text.clone(), "application".to_owned()),
        })
    }
}

/// gunicorn's command-line options (`data/gunicorn_options.txt`, from gunicorn's `config.py`, with its
/// source): `kind [short] --long [--alias ...]` a line.
const GUNICORN_DATA: &str = include_str!("data/gunicorn_options.txt");

/// One of gunicorn's options: its short form (`-b`, or empty), a long form, and whether it takes a value
/// (an optional value counts as none: `--proxy-protocol` alone is valid).
#[derive(Debug, Clone, Copy)]
pub struct GunicornOption {
    pub short: &'static str,
    pub long: &'static str,
    pub takes_value: bool,
}

/// Every long form of every gunicorn option, parsed once.
pub fn gunicorn_options() -> &'static [GunicornOption] {
    static TABLE: std::sync::OnceLock<Vec<GunicornOption>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut out = Vec::new();
        for line in GUNICORN_DATA.lines().filter(|l| !l.starts_with('#')) {
            let mut words = line.split_whitespace();
            let Some(kind) = words.next() else { continue };
            let words: Vec<&'static str> = words.collect();
            let short = words
                .iter()
                .copied()
                .find(|w| !w.starts_with("--"))
                .unwrap_or("");
            for long in words.iter().copied().filter(|w| w.starts_with("--")) {
                out.push(GunicornOption {
                    short,
                    long,
                    takes_value: kind == "value",
                });
            }
        }
        out
    })
}

/// What argparse makes of a gunicorn long option as written (`--timeout`, or an unambiguous prefix of
/// one: `--timeo`): the option, or the options it could be.
fn gunicorn_long(name: &str) -> Result<GunicornOption, Vec<&'static str>> {
    let table = gunicorn_options();
    if let Some(exact) = table.iter().find(|o| o.long == name) {
        return Ok(*exact);
    }
    let matches: Vec<&GunicornOption> = table.iter().filter(|o| o.long.starts_with(name)).collect();
    match matches.as_slice() {
        [one] if name.len() > 2 => Ok(**one),
        _ => Err(matches.iter().map(|o| o.long).collect()),
    }
}

/// Something in a gunicorn command line that makes gunicorn exit with a usage error, or load the wrong app.
#[derive(Debug, Clone)]
pub enum ArgProblem {
    /// An option gunicorn does not have (`--worker=4` is ambiguous, `--timeout:600` unknown).
    Unknown {
        word: Word,
        /// The options a prefix could be (`--worker` is `--workers`, `--worker-class`, ...).
        candidates: Vec<&'static str>,
    },
    /// An option that takes a value, last on the line.
    MissingValue { word: Word },
    /// More than one argument that is not an option: gunicorn loads the first as the app.
    ExtraPositional { app: Word, ignored: Vec<Word> },
}

/// uvicorn's options that take a value.
const UVICORN_VALUE_OPTIONS: &[&str] = &[
    "--host",
    "--port",
    "--uds",
    "--fd",
    "--workers",
    "--app-dir",
    "--root-path",
    "--log-level",
    "--log-config",
    "--env-file",
    "--loop",
    "--http",
    "--ws",
    "--lifespan",
    "--interface",
    "--forwarded-allow-ips",
    "--limit-concurrency",
    "--limit-max-requests",
    "--backlog",
    "--timeout-keep-alive",
    "--timeout-graceful-shutdown",
    "--ssl-keyfile",
    "--ssl-certfile",
    "--ssl-keyfile-password",
    "--ssl-version",
    "--ssl-cert-reqs",
    "--ssl-ca-certs",
    "--ssl-ciphers",
    "--header",
    "--h11-max-incomplete-event-size",
    "--reload-dir",
    "--reload-include",
    "--reload-exclude",
    "--reload-delay",
    "--ws-max-size",
    "--ws-max-queue",
    "--ws-ping-interval",
    "--ws-ping-timeout",
];

/// Every server command in `text` (a startup command or a script), in order.
pub fn server_commands(text: &str) -> Vec<ServerCommand> {
    text_commands(text)
        .into_iter()
        .filter_map(|(line, words)| classify(&words, line))
        .collect()
}

/// Where the program of a simple command starts: after `NAME=value` assignments and the `exec`, `nohup`,
/// `env`, `time` and `sudo` prefixes (`words.len()` when there is none).
pub fn program_start(words: &[Word]) -> usize {
    words
        .iter()
        .position(|w| {
            !(matches!(w.text.as_str(), "exec" | "nohup" | "env" | "time" | "sudo")
                || env_assignment(&w.text).is_some())
        })
        .unwrap_or(words.len())
}

/// The server command a simple command starts, if it starts one (`line`: its 1-based line).
pub fn classify(words: &[Word], line: usize) -> Option<ServerCommand> {
    let words: Vec<Word> = words[program_start(words)..].to_vec();
    let program = words
        .first()?
        .text
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let args: &[Word] = &words[1..];
    let (kind, args) = match program.as_str() {
        "gunicorn" => (ServerKind::Gunicorn, args),
        "uvicorn" => (ServerKind::Uvicorn, args),
        "flask" if args.iter().any(|a| a.text == "run") => (ServerKind::FlaskRun, args),
        p if p.starts_with("python") => {
            let first = args
                .iter()
                .position(|a| !a.text.starts_with('-') || a.text == "-m")?;
            match args[first].text.as_str() {
                "-m" => {
                    let module = args.get(first + 1)?;
                    let rest = &args[first + 2..];
                    match module.text.as_str() {
                        "gunicorn" => (ServerKind::Gunicorn, rest),
                        "uvicorn" => (ServerKind::Uvicorn, rest),
                        "flask" if rest.iter().any(|a| a.text == "run") => {
                            (ServerKind::FlaskRun, rest)
                        }
                        _ => return None,
                    }
                }
                script
                    if script.ends_with("manage.py")
                        && args.iter().any(|a| a.text == "runserver") =>
                {
                    (ServerKind::DjangoRunserver, &args[first + 1..])
                }
                script if script.ends_with("manage.py") => return None,
                script if script.ends_with(".py") => (
                    ServerKind::PythonScript(script.to_owned()),
                    &args[first + 1..],
                ),
                _ => return None,
            }
        }
        _ => return None,
    };
    let (options, target, problems) = parse_options(&kind, args);
    Some(ServerCommand {
        kind,
        words,
        options,
        target,
        line,
        problems,
    })
}

fn parse_options(
    kind: &ServerKind,
    args: &[Word],
) -> (Vec<OptionArg>, Option<Word>, Vec<ArgProblem>) {
    let mut options = Vec::new();
    let mut problems = Vec::new();
    let mut positionals: Vec<Word> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        let text = word.text.as_str();
        if !text.starts_with('-') || text == "-" {
            // A word right after an option gunicorn does not have may be that option's value: it is not
            // taken for the app.
            let after_unknown = matches!(
                (problems.last(), i.checked_sub(1).and_then(|p| args.get(p))),
                (Some(ArgProblem::Unknown { word: unknown, .. }), Some(prev)) if unknown.range == prev.range
            );
            if !after_unknown {
                positionals.push(word.clone());
            }
            i += 1;
            continue;
        }
        if let Some((name, value)) = text.split_once('=').filter(|(n, _)| n.starts_with("--")) {
            let value_start = word.range.end() - TextSize::of(value);
            let name = match kind {
                ServerKind::Gunicorn => match gunicorn_long(name) {
                    Ok(option) => option.long,
                    Err(candidates) => {
                        problems.push(ArgProblem::Unknown {
                            word: word.clone(),
                            candidates,
                        });
                        name
                    }
                },
                _ => name,
            };
            options.push(OptionArg {
                name: name.to_owned(),
                value: Some(Word {
                    text: value.to_owned(),
                    range: TextRange::new(value_start.max(word.range.start()), word.range.end()),
                    operator: false,
                }),
                word: word.clone(),
            });
            i += 1;
            continue;
        }
        let (long, takes_value) = match kind {
            ServerKind::Gunicorn => match gunicorn_options()
                .iter()
                .find(|o| o.short == text)
                .map(|o| Ok(*o))
                .or_else(|| text.starts_with("--").then(|| gunicorn_long(text)))
            {
                Some(Ok(o)) => (o.long.to_owned(), o.takes_value),
                Some(Err(candidates)) => {
                    problems.push(ArgProblem::Unknown {
                        word: word.clone(),
                        candidates,
                    });
                    (text.to_owned(), false)
                }
                None => {
                    // `-b127.0.0.1:8000`: a short option with its value attached.
                    if let Some(o) = gunicorn_options().iter().find(|o| {
                        o.takes_value
                            && !o.short.is_empty()
                            && text.len() > 2
                            && text.starts_with(o.short)
                    }) {
                        let value = &text[2..];
                        options.push(OptionArg {
                            name: o.long.to_owned(),
                            value: Some(Word {
                                text: value.to_owned(),
                                range: TextRange::new(
                                    word.range.start() + TextSize::new(2),
                                    word.range.end(),
                                ),
                                operator: false,
                            }),
                            word: word.clone(),
                        });
                        i += 1;
                        continue;
                    }
                    // A short flag gunicorn does not have (`-x`), or flags run together (`-Dw`).
                    if !gunicorn_options()
                        .iter()
                        .any(|o| o.short == &text[..2.min(text.len())])
                    {
                        problems.push(ArgProblem::Unknown {
                            word: word.clone(),
                            candidates: Vec::new(),
                        });
                    }
                    (text.to_owned(), false)
                }
            },
            ServerKind::Uvicorn => (text.to_owned(), UVICORN_VALUE_OPTIONS.contains(&text)),
            ServerKind::FlaskRun => {
                let long = match text {
                    "-h" => "--host",
                    "-p" => "--port",
                    other => other,
                };
                (
                    long.to_owned(),
                    matches!(long, "--host" | "--port" | "--cert" | "--key" | "--app"),
                )
            }
            _ => (text.to_owned(), false),
        };
        let value = if takes_value {
            args.get(i + 1).cloned()
        } else {
            None
        };
        if takes_value && value.is_none() && *kind == ServerKind::Gunicorn {
            problems.push(ArgProblem::MissingValue { word: word.clone() });
        }
        options.push(OptionArg {
            name: long,
            value,
            word: word.clone(),
        });
        i += if takes_value { 2 } else { 1 };
    }
    // gunicorn loads its first argument that is not an option (`args[0]` in `gunicorn/app/wsgiapp.py`).
    let target = match kind {
        ServerKind::Gunicorn => positionals.first().cloned(),
        ServerKind::Uvicorn => positionals.last().cloned(),
        _ => None,
    };
    if *kind == ServerKind::Gunicorn && positionals.len() > 1 {
        problems.push(ArgProblem::ExtraPositional {
            app: positionals[0].clone(),
            ignored: positionals[1..].to_vec(),
        });
    }
    if let ServerKind::DjangoRunserver = kind {
        // `runserver 0.0.0.0:8000`: keep the address as a `--bind`-like value.
        if let Some(addr) = positionals.iter().find(|w| w.text != "runserver") {
            options.push(OptionArg {
                name: "--bind".into(),
                value: Some(addr.clone()),
                word: addr.clone(),
            });
        }
    }
    (options, target, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gunicorn_commands() {
        let text = "cd src\ngunicorn --bind=0.0.0.0 --timeout 600 -k uvicorn.workers.UvicornWorker --chdir app main:app\n";
        let cmds = server_commands(text);
        assert_eq!(cmds.len(), 1);
        let c = &cmds[0];
        assert_eq!(c.kind, ServerKind::Gunicorn);
        assert_eq!(c.line, 2);
        assert_eq!(c.value("--bind").unwrap().text, "0.0.0.0");
        let bind = c.value("--bind").unwrap();
        assert_eq!(
            &text[bind.range.start().to_usize()..bind.range.end().to_usize()],
            "0.0.0.0"
        );
        assert_eq!(
            c.value("--worker-class").unwrap().text,
            "uvicorn.workers.UvicornWorker"
        );
        assert_eq!(c.value("--chdir").unwrap().text, "app");
        assert_eq!(
            c.module_and_attribute(),
            Some(("main".into(), "app".into()))
        );
    }

    #[test]
    fn other_servers() {
        let c = &server_commands("python -m uvicorn main:app --host 127.0.0.1 --port 8000")[0];
        assert_eq!(c.kind, ServerKind::Uvicorn);
        assert_eq!(c.value("--host").unwrap().text, "127.0.0.1");
        assert_eq!(c.target.as_ref().unwrap().text, "main:app");
        let c = &server_commands("exec python manage.py runserver 0.0.0.0:8000")[0];
        assert_eq!(c.kind, ServerKind::DjangoRunserver);
        assert_eq!(c.value("--bind").unwrap().text, "0.0.0.0:8000");
        assert_eq!(
            server_commands("FLASK_APP=app.py flask run -h 0.0.0.0")[0].kind,
            ServerKind::FlaskRun
        );
        assert_eq!(
            server_commands("python app.py")[0].kind,
            ServerKind::PythonScript("app.py".into())
        );
        let c = &server_commands("gunicorn -b127.0.0.1:5000 -w 4 wsgi")[0];
        assert_eq!(c.value("--bind").unwrap().text, "127.0.0.1:5000");
        assert_eq!(
            c.module_and_attribute(),
            Some(("wsgi".into(), "application".into()))
        );
        assert!(
            server_commands("pip install -r requirements.txt\npython manage.py migrate").is_empty()
        );
    }
}
