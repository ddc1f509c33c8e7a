//! `appservice-preflight server`: a Language Server (LSP over standard input and output, built on
//! `lsp-server` and `lsp-types`, as ruff's server is). On open, change and save of a document it checks
//! the app with the editor's text in place of the file on disk (the same path as `check
//! --stdin-filename`), and publishes the findings of that file: the rule code links to its page, the
//! `help` is related information, and every finding with a fix offers a code action.
//!
//! The app root is the workspace folder holding the document (the longest match), else the client's root,
//! else the document's folder. `initializationOptions.args` adds `check` flags (`["--app-setting",
//! "DJANGO_SETTINGS_MODULE=proj.production"]`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Parser;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, CreateFile, Diagnostic as LspDiagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DocumentChangeOperation, DocumentChanges,
    InitializeParams, Location, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, PublishDiagnosticsParams, Range, ResourceOp, SaveOptions, ServerCapabilities,
    TextDocumentEdit, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use ruff_text_size::TextRange;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::diagnostic::{Applicability, FixTarget, Level, Report};
use crate::project::FileId;
use crate::render::safe_message;

/// At most this many documents are kept open (an editor that never closes them is bounded).
const MAX_DOCUMENTS: usize = 1_000;

/// A failure of the server itself.
#[derive(Debug)]
pub struct ServerError(String);

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServerError {}

/// One code action a finding offers, kept until the document is checked again.
struct Action {
    range: Range,
    title: String,
    diagnostic: LspDiagnostic,
    edit: WorkspaceEdit,
    preferred: bool,
}

struct Document {
    text: String,
    version: i32,
    actions: Vec<Action>,
}

struct State {
    roots: Vec<PathBuf>,
    args: Vec<String>,
    documents: HashMap<String, Document>,
}

/// Serve on standard input and output until the client says `exit`.
pub fn run() -> Result<Ended, ServerError> {
    let (connection, io_threads) = Connection::stdio();
    let ended = serve(&connection)?;
    drop(connection);
    if ended == Ended::Shutdown {
        io_threads
            .join()
            .map_err(|e| ServerError(format!("the connection failed: {e}")))?;
    }
    Ok(ended)
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `shutdown`, then `exit` (or the client closed the stream after `shutdown`).
    Shutdown,
    /// `exit` without `shutdown`, or the stream closed without either.
    ExitWithoutShutdown,
}

fn serve(connection: &Connection) -> Result<Ended, ServerError> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let capabilities = serde_json::to_value(capabilities)
        .map_err(|e| ServerError(format!("cannot describe the server: {e}")))?;
    let params = connection
        .initialize(capabilities)
        .map_err(|e| ServerError(format!("the client did not initialize: {e}")))?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| ServerError(format!("the initialize request is not valid: {e}")))?;
    let mut state = State {
        roots: roots(&params),
        args: params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("args"))
            .and_then(|a| serde_json::from_value(a.clone()).ok())
            .unwrap_or_default(),
        documents: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| ServerError(e.to_string()))?
                {
                    return Ok(Ended::Shutdown);
                }
                let response = handle_request(&state, request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                // `exit` before `shutdown`: the protocol's exit code is 1.
                if notification.method == "exit" {
                    return Ok(Ended::ExitWithoutShutdown);
                }
                if let Some(uri) = handle_notification(&mut state, notification) {
                    let published = publish(&mut state, &uri);
                    send(connection, Message::Notification(published))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(Ended::ExitWithoutShutdown)
}

fn send(connection: &Connection, message: Message) -> Result<(), ServerError> {
    connection
        .sender
        .send(message)
        .map_err(|e| ServerError(format!("cannot write to the client: {e}")))
}

#[allow(deprecated)] // `root_uri` and `root_path`: older clients send only them.
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_to_path(&f.uri))
        .collect();
    roots.extend(params.root_uri.as_ref().and_then(uri_to_path));
    roots.extend(params.root_path.as_ref().map(PathBuf::from));
    roots
}

/// The document a notification changed, after recording its text.
fn handle_notification(state: &mut State, n: Notification) -> Option<String> {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let p: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let uri = p.text_document.uri.as_str().to_owned();
            if state.documents.len() >= MAX_DOCUMENTS && !state.documents.contains_key(&uri) {
                return None;
            }
            state.documents.insert(
                uri.clone(),
                Document {
                    text: p.text_document.text,
                    version: p.text_document.version,
                    actions: Vec::new(),
                },
            );
            Some(uri)
        }
        DidChangeTextDocument::METHOD => {
            let p: lsp_types::DidChangeTextDocumentParams =
                serde_json::from_value(n.params).ok()?;
            let uri = p.text_document.uri.as_str().to_owned();
            let doc = state.documents.get_mut(&uri)?;
            // Full sync: the last change is the whole text.
            let change = p.content_changes.into_iter().next_back()?;
            doc.text = change.text;
            doc.version = p.text_document.version;
            Some(uri)
        }
        DidSaveTextDocument::METHOD => {
            let p: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let uri = p.text_document.uri.as_str().to_owned();
            let doc = state.documents.get_mut(&uri)?;
            if let Some(text) = p.text {
                doc.text = text;
            }
            Some(uri)
        }
        DidCloseTextDocument::METHOD => {
            let p: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let uri = p.text_document.uri.as_str().to_owned();
            state.documents.remove(&uri);
            // Published with no document: an empty list clears the editor's findings for it.
            Some(uri)
        }
        _ => None,
    }
}

fn handle_request(state: &State, request: Request) -> Response {
    if request.method != CodeActionRequest::METHOD {
        return Response::new_err(
            request.id,
            lsp_server::ErrorCode::MethodNotFound as i32,
            format!("appservice-preflight does not handle `{}`", request.method),
        );
    }
    let params: CodeActionParams = match serde_json::from_value(request.params) {
        Ok(p) => p,
        Err(e) => {
            return Response::new_err(
                request.id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            );
        }
    };
    let actions: Vec<CodeActionOrCommand> = state
        .documents
        .get(params.text_document.uri.as_str())
        .map(|doc| {
            doc.actions
                .iter()
                .filter(|a| overlaps(a.range, params.range))
                .map(|a| {
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: a.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![a.diagnostic.clone()]),
                        edit: Some(a.edit.clone()),
                        is_preferred: Some(a.preferred),
                        ..CodeAction::default()
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Response::new_ok(request.id, actions)
}

fn overlaps(a: Range, b: Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

/// Check the document and build its `publishDiagnostics` (empty, with a log line on stderr, when the
/// check cannot run: the editor keeps working).
fn publish(state: &mut State, uri: &str) -> Notification {
    let (diagnostics, actions, version) = match state.documents.get(uri) {
        Some(doc) => {
            let (diagnostics, actions) = match check_document(state, uri, &doc.text) {
                Ok(found) => found,
                Err(err) => {
                    eprintln!("appservice-preflight server: {uri}: {err}");
                    (Vec::new(), Vec::new())
                }
            };
            (diagnostics, actions, Some(doc.version))
        }
        None => (Vec::new(), Vec::new(), None),
    };
    if let Some(doc) = state.documents.get_mut(uri) {
        doc.actions = actions;
    }
    let params = PublishDiagnosticsParams {
        uri: uri.parse().unwrap_or_else(|_| fallback_uri()),
        diagnostics,
        version,
    };
    Notification::new(PublishDiagnostics::METHOD.to_owned(), params)
}

fn fallback_uri() -> Uri {
    "file:///".parse().expect("a constant URI")
}

/// The app root for a document: the longest workspace root holding it, else its folder.
fn app_root(state: &State, path: &Path) -> PathBuf {
    state
        .roots
        .iter()
        .filter(|r| path.starts_with(r))
        .max_by_key(|r| r.components().count())
        .cloned()
        .unwrap_or_else(|| {
            path.parent()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
        })
}

fn check_document(
    state: &State,
    uri: &str,
    text: &str,
) -> Result<(Vec<LspDiagnostic>, Vec<Action>), String> {
    let parsed: Uri = uri.parse().map_err(|_| format!("`{uri}` is not a URI"))?;
    let path = uri_to_path(&parsed).ok_or("only file: documents are checked")?;
    let root = app_root(state, &path);
    // The same flags as `check --stdin-filename PATH -`, so the editor sees what the command prints.
    let mut argv: Vec<String> = vec![
        "appservice-preflight".into(),
        "check".into(),
        "--app-root".into(),
        root.display().to_string(),
        "--stdin-filename".into(),
        path.display().to_string(),
    ];
    argv.extend(state.args.iter().cloned());
    argv.push("-".into());
    let cli = Cli::try_parse_from(&argv).map_err(|e| e.to_string())?;
    let Command::Check(args) = cli.command else {
        return Err("not a check".into());
    };
    let config = Config::from_args_with_stdin(&args, || Ok(text.as_bytes().to_vec()))
        .map_err(|e| e.to_string())?;
    let report = crate::check(&config).map_err(|e| e.to_string())?;
    Ok(to_lsp(&report, &parsed, &config))
}

fn to_lsp(report: &Report, uri: &Uri, config: &Config) -> (Vec<LspDiagnostic>, Vec<Action>) {
    let project = &report.project;
    let mut diagnostics = Vec::new();
    let mut actions = Vec::new();
    let rel = config.stdin.as_ref().map(|s| s.rel.as_str());
    for d in &report.diagnostics {
        let Some(span) = d.span else { continue };
        if Some(project.rel_path(span.file)) != rel {
            continue;
        }
        let range = lsp_range(report, span.file, span.range);
        let message = safe_message(report, d);
        let help = d
            .help
            .as_ref()
            .map(|h| crate::render::safe_text(report, d, h));
        let diagnostic = LspDiagnostic {
            range,
            severity: Some(match d.level {
                Level::Error => DiagnosticSeverity::ERROR,
                Level::Warning => DiagnosticSeverity::WARNING,
                Level::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.rule.code.to_owned())),
            code_description: d
                .rule
                .url()
                .parse()
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("appservice-preflight".to_owned()),
            message,
            related_information: help.map(|help| {
                vec![DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri.clone(),
                        range,
                    },
                    message: format!("help: {help}"),
                }]
            }),
            ..LspDiagnostic::default()
        };
        if let Some(fix) = &d.fix
            && fix.applicability != Applicability::DisplayOnly
            && let Some(edit) = workspace_edit(report, uri, rel, fix)
        {
            let safe = fix.applicability == Applicability::Safe;
            actions.push(Action {
                range,
                title: format!(
                    "{}: {}{}",
                    d.rule.code,
                    d.help.as_deref().unwrap_or("apply the fix"),
                    if safe { "" } else { " (unsafe fix: review it)" }
                ),
                diagnostic: diagnostic.clone(),
                edit,
                preferred: safe,
            });
        }
        diagnostics.push(diagnostic);
    }
    (diagnostics, actions)
}

fn workspace_edit(
    report: &Report,
    uri: &Uri,
    document_rel: Option<&str>,
    fix: &crate::diagnostic::Fix,
) -> Option<WorkspaceEdit> {
    let project = &report.project;
    // Paths stay in the editor's terms (the workspace root it gave, joined with the file's path in the
    // app): resolving links would name another document than the one open.
    let (target_uri, create, file) = match &fix.target {
        FixTarget::File(file) if Some(project.rel_path(*file)) == document_rel => {
            (uri.clone(), false, Some(*file))
        }
        FixTarget::File(file) => {
            let target = path_to_uri(&project.root().join(project.rel_path(*file)))?;
            (target, false, Some(*file))
        }
        FixTarget::New(rel) => (path_to_uri(&project.root().join(rel))?, true, None),
    };
    let edits: Vec<OneOf<TextEdit, lsp_types::AnnotatedTextEdit>> = fix
        .edits
        .iter()
        .map(|e| {
            let range = match file {
                Some(file) => lsp_range(report, file, e.range),
                None => Range::default(),
            };
            OneOf::Left(TextEdit {
                range,
                new_text: e.content.clone(),
            })
        })
        .collect();
    let mut changes = Vec::new();
    if create {
        changes.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: target_uri.clone(),
                options: None,
                annotation_id: None,
            },
        )));
    }
    changes.push(DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: target_uri,
            version: None,
        },
        edits,
    }));
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(changes)),
        ..WorkspaceEdit::default()
    })
}

/// An LSP range (UTF-16 columns, as clients count by default) of a byte range of a file.
fn lsp_range(report: &Report, file: FileId, range: TextRange) -> Range {
    let Ok(text) = report.project.text(file) else {
        return Range::default();
    };
    let position = |offset: usize| {
        let offset = offset.min(text.text.len());
        let mut offset = offset;
        while !text.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The line from the file's line index (built once, when the file was read), the column counted
        // in UTF-16 from the line's start.
        let at = ruff_text_size::TextSize::try_from(offset).unwrap_or_default();
        let line = text.line_index.line_index(at);
        let line_start = text
            .line_index
            .line_start(line, &text.text)
            .to_usize()
            .min(offset);
        let character = text.text[line_start..offset].encode_utf16().count();
        Position {
            line: u32::try_from(line.to_zero_indexed()).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    };
    Range {
        start: position(range.start().to_usize()),
        end: position(range.end().to_usize()),
    }
}

/// The path of a `file:` URI (percent-decoded; `file:///C:/x` is `C:/x`).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://host/path`) other than empty or localhost is not a local file.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let Ok(byte) = u8::from_str_radix(path.get(i + 1..i + 3)?, 16)
        {
            bytes.push(byte);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8(bytes).ok()?;
    let windows_drive = decoded.len() > 2
        && decoded.as_bytes()[2] == b':'
        && decoded.as_bytes()[1].is_ascii_alphabetic();
    Some(PathBuf::from(if windows_drive {
        &decoded[1..]
    } else {
        &decoded
    }))
}

/// A `file:` URI for an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/my app/settings é.py");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20app/settings%20%C3%A9.py");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let windows: Uri = "file:///C:/proj/x.py".parse().unwrap();
        assert_eq!(uri_to_path(&windows).unwrap(), Path::new("C:/proj/x.py"));
        let remote: Uri = "file://server/share/x.py".parse().unwrap();
        assert!(uri_to_path(&remote).is_none());
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert!(uri_to_path(&other).is_none());
    }
}
