//! The one model of start-up text: what a custom start runs (the startup command, a whole `.sh` startup
//! file, or the first line of another startup file), split into simple commands (a line continued with a
//! trailing `\` is read as one), each with the folder it runs in (`cd` is followed here and nowhere else)
//! and the `NAME=value` assignments before its program, and the servers it starts, with the folder each
//! imports its app from and the file of that app. Where each range of the text sits in the repository, for
//! findings and fixes, is here too. Rules read this model; none splits a command itself.

use ruff_text_size::{TextRange, TextSize};

use crate::platform::app_settings::{AppSettings, Source};
use crate::platform::command::{ServerCommand, ServerKind, classify, program_start};
use crate::platform::gunicorn::{ConfValue, GunicornSettings};
use crate::platform::modules::resolve_module;
use crate::platform::shell::{
    self, LogicalLine, Word, cd_to, env_assignment, join_continued, join_dir,
};
use crate::platform::startup::calls::{ServerCall, server_calls};
use crate::project::edit::{self, Edit};
use crate::project::{FileId, Project, Span};

/// What a start-up text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextOrigin {
    /// The startup command, set by this source.
    Command(Source),
    /// A startup file: a `.sh` file runs whole, any other file gives its first line (App Service's
    /// `init_container.sh` in the Python image).
    File(FileId),
}

/// Where a [`StartupText`] sits, to turn its ranges into spans.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    /// A command-line flag: no file to point at.
    None,
    /// The text starts at this offset of a file: its ranges map exactly.
    At(FileId, TextSize),
    /// Somewhere inside this span (the value is quoted or escaped in its file).
    Whole(Span),
}

/// The startup command or a startup file, read once: its commands, `cd`s and servers.
#[derive(Debug, Clone)]
pub struct StartupText {
    /// What runs: the whole command, a whole `.sh` file, or the first line of another startup file.
    pub text: String,
    pub origin: TextOrigin,
    anchor: Anchor,
    /// Every simple command, in order, with the folder it runs in.
    pub commands: Vec<ShellCommand>,
    /// Every `cd`.
    pub cds: Vec<CdAt>,
    /// Every command that starts a server, in order.
    pub servers: Vec<Server>,
}

/// One simple command of a start-up text.
#[derive(Debug, Clone)]
pub struct ShellCommand {
    /// Its words, ranges relative to the start of the text.
    pub words: Vec<Word>,
    /// The 1-based line of the text it starts on.
    pub line: usize,
    /// The folder it runs in, relative to the app root ("" for the root); `None` after a `cd` that cannot be
    /// followed.
    pub cwd: Option<String>,
}

impl ShellCommand {
    /// The range the command covers in its text.
    pub fn range(&self) -> TextRange {
        let start = self
            .words
            .first()
            .map_or_else(TextSize::default, |w| w.range.start());
        let end = self.words.last().map_or(start, |w| w.range.end());
        TextRange::new(start, end)
    }

    /// The words after `NAME=value` assignments and the `exec`/`nohup`/`env`/`time`/`sudo` prefixes.
    pub fn program_words(&self) -> &[Word] {
        &self.words[program_start(&self.words)..]
    }

    /// The `NAME=value` assignments before the program (`FLASK_APP=hello.py flask run`).
    pub fn env(&self) -> Vec<(String, String)> {
        self.words[..program_start(&self.words)]
            .iter()
            .filter_map(|w| env_assignment(&w.text))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// A `cd DIR` of a start-up text.
#[derive(Debug, Clone)]
pub struct CdAt {
    /// The folder as written, and its range.
    pub path: String,
    pub range: TextRange,
    /// The folder relative to the app root; `None` when it is outside the app or cannot be followed.
    pub resolved: Option<String>,
}

/// A server a start-up text starts, with where it runs and what it imports.
#[derive(Debug, Clone)]
pub struct Server {
    pub command: ServerCommand,
    /// The folder it starts in, relative to the app root ("" for the root; `None`: unknown).
    pub cwd: Option<String>,
    /// `NAME=value` words before the program (`FLASK_APP=hello.py flask run`).
    pub env: Vec<(String, String)>,
    /// The folder the target is imported from: the working directory joined with gunicorn's `chdir`
    /// setting or uvicorn's `--app-dir`. `None`: unknown.
    pub import_root: Option<String>,
    /// The target's module and attribute (`create_app` for `app:create_app()`), if it has one.
    pub module: Option<String>,
    pub attribute: Option<String>,
    /// The target calls a factory (`app:create_app()`, uvicorn `--factory`).
    pub factory: bool,
    /// The module's file in the repository.
    pub file: Option<FileId>,
    /// The folders gunicorn's `pythonpath` setting adds, relative to the app root.
    pub pythonpath: Vec<String>,
    /// For gunicorn: the settings it reads (command line, `GUNICORN_CMD_ARGS`, config file).
    pub gunicorn: Option<GunicornSettings>,
    /// For `python <script>.py`: the script, when it is in the app.
    pub script: Option<FileId>,
    /// For `python <script>.py`: the servers the script starts when run as `__main__`.
    pub script_calls: Vec<ServerCall>,
}

impl Server {
    /// The roots a module of this server is looked up under: the import root, then `pythonpath`.
    pub fn roots(&self) -> Vec<String> {
        self.import_root
            .iter()
            .chain(self.pythonpath.iter())
            .cloned()
            .collect()
    }

    /// The program as a name (`gunicorn`, `uvicorn`, `flask run`, `manage.py runserver`, `python`).
    pub fn program(&self) -> &'static str {
        match self.command.kind {
            ServerKind::Gunicorn => "gunicorn",
            ServerKind::Uvicorn => "uvicorn",
            ServerKind::FlaskRun => "flask run",
            ServerKind::DjangoRunserver => "manage.py runserver",
            ServerKind::PythonScript(_) => "python",
        }
    }
}

impl StartupText {
    /// The startup command as `source` sets it.
    pub fn of_command(
        project: &Project,
        app_settings: &AppSettings,
        command: &str,
        source: &Source,
    ) -> StartupText {
        let anchor = match source {
            Source::Flag(_) => Anchor::None,
            Source::File(span) => match project.text(span.file) {
                Ok(t) => match t.slice(span.range).find(command) {
                    Some(i) => Anchor::At(
                        span.file,
                        span.range.start() + TextSize::try_from(i).unwrap_or_default(),
                    ),
                    None => Anchor::Whole(*span),
                },
                Err(_) => Anchor::Whole(*span),
            },
        };
        StartupText::scan(
            project,
            app_settings,
            command.to_owned(),
            TextOrigin::Command(source.clone()),
            anchor,
        )
    }

    /// A startup file: the whole file, or only its first line.
    pub fn of_file(
        project: &Project,
        app_settings: &AppSettings,
        file: FileId,
        whole: bool,
    ) -> StartupText {
        let text = match project.text(file) {
            Ok(text) if whole => text.text.clone(),
            Ok(text) => text
                .text
                .lines()
                .next()
                .unwrap_or("")
                .trim_end_matches('\r')
                .to_owned(),
            Err(_) => String::new(),
        };
        StartupText::scan(
            project,
            app_settings,
            text,
            TextOrigin::File(file),
            Anchor::At(file, TextSize::default()),
        )
    }

    /// Split a text into its commands and servers, following `cd`.
    fn scan(
        project: &Project,
        app_settings: &AppSettings,
        text: String,
        origin: TextOrigin,
        anchor: Anchor,
    ) -> StartupText {
        let mut out = StartupText {
            text,
            origin,
            anchor,
            commands: Vec::new(),
            cds: Vec::new(),
            servers: Vec::new(),
        };
        let mut cwd = Some(String::new());
        for (line, words) in shell::text_commands(&out.text) {
            let command = ShellCommand {
                words,
                line,
                cwd: cwd.clone(),
            };
            if command.words[0].text == "cd" {
                let dir = command.words.get(1);
                cwd = cd_to(cwd.as_deref(), dir.map(|d| d.text.as_str()));
                if let Some(dir) = dir {
                    out.cds.push(CdAt {
                        path: dir.text.clone(),
                        range: dir.range,
                        resolved: cwd.clone(),
                    });
                }
            }
            if let Some(server) = classify(&command.words, line) {
                let server = out.server(project, app_settings, server, &command);
                out.servers.push(server);
            }
            out.commands.push(command);
        }
        out
    }

    /// A server command with the folders it runs in, its gunicorn settings and its target.
    fn server(
        &self,
        project: &Project,
        app_settings: &AppSettings,
        command: ServerCommand,
        shell: &ShellCommand,
    ) -> Server {
        let cwd = shell.cwd.clone();
        let gunicorn = (command.kind == ServerKind::Gunicorn).then(|| {
            GunicornSettings::read(project, app_settings, &command, cwd.as_deref(), &|r| {
                self.span(r)
            })
        });
        let dir = match (&command.kind, &gunicorn) {
            (_, Some(settings)) => settings.text("chdir"),
            (ServerKind::Uvicorn, None) => command
                .value("--app-dir")
                .map_or(ConfValue::Unset, |w| ConfValue::Literal(w.text.clone())),
            _ => ConfValue::Unset,
        };
        let import_root = match (&cwd, dir) {
            (c, ConfValue::Literal(dir)) => cd_to(c.as_deref(), Some(&dir)),
            (c, ConfValue::Unset) => c.clone(),
            (_, ConfValue::Unknown) => None,
        };
        let pythonpath = match (
            &import_root,
            gunicorn.as_ref().map(|g| g.text("pythonpath")),
        ) {
            (Some(base), Some(ConfValue::Literal(list))) => list
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .filter_map(|p| join_dir(base, p))
                .collect(),
            _ => Vec::new(),
        };
        let mut server = Server {
            cwd,
            env: shell.env(),
            import_root,
            module: None,
            attribute: None,
            factory: command.kind == ServerKind::Uvicorn && command.has_flag("--factory"),
            file: None,
            pythonpath,
            gunicorn,
            script: None,
            script_calls: Vec::new(),
            command,
        };
        if let ServerKind::PythonScript(path) = &server.command.kind {
            server.script = join_dir(server.cwd.as_deref().unwrap_or(""), path)
                .and_then(|rel| project.file(&rel));
            if let Some(file) = server.script {
                let rel = project.rel_path(file);
                let root = rel.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
                server.script_calls = server_calls(project, app_settings, file, &root, true, None);
            }
        }
        if let Some(target) = &server.command.target
            && !target.text.contains('$')
            && let Some((module, attribute)) = server.command.module_and_attribute()
        {
            let (name, call) = match attribute.split_once('(') {
                Some((name, _)) => (name.trim().to_owned(), true),
                None => (attribute.trim().to_owned(), false),
            };
            server.factory |= call;
            server.file = server
                .roots()
                .iter()
                .find_map(|root| resolve_module(project, root, &module));
            server.module = Some(module);
            server.attribute = Some(name);
        }
        server
    }

    /// The span of a range of the text: exact in a startup file or a command written as is in its file,
    /// the whole value for a command quoted or escaped in its file, `None` for a command given as a flag.
    pub fn span(&self, range: TextRange) -> Option<Span> {
        match self.anchor {
            Anchor::None => None,
            Anchor::At(file, start) => Some(Span::new(file, range + start)),
            Anchor::Whole(span) => Some(span),
        }
    }

    /// The startup file, if this is one.
    pub fn file(&self) -> Option<FileId> {
        match self.origin {
            TextOrigin::File(file) => Some(file),
            TextOrigin::Command(_) => None,
        }
    }

    /// The line holding `offset`, with the lines a trailing `\` continues it into.
    pub fn line_at(&self, offset: TextSize) -> LogicalLine {
        shell::logical_line_at(&self.text, offset)
    }

    /// `range` of the text with `edits` applied (ranges relative to the text; those outside `range` are
    /// ignored), on one line: continued lines are joined.
    pub fn edited(&self, range: TextRange, edits: &[Edit]) -> String {
        join_continued(&edit::apply(&self.text[range], &edit::within(edits, range)))
    }

    /// The whole text with `edits` applied, on one line per logical line.
    pub fn edited_whole(&self, edits: &[Edit]) -> String {
        self.edited(TextRange::up_to(TextSize::of(self.text.as_str())), edits)
    }
}

/// The range that removes a word from its text, with the blanks before it.
pub fn removal_range(text: &str, word: TextRange) -> TextRange {
    let start = word.start().to_usize();
    let before = text[..start].len() - text[..start].trim_end_matches([' ', '\t']).len();
    TextRange::new(
        word.start() - TextSize::try_from(before).unwrap_or_default(),
        word.end(),
    )
}
