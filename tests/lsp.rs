//! End-to-end tests of `appservice-preflight server`: the built binary is spawned and spoken to as an
//! editor would, LSP over standard input and output with `Content-Length` framing. Every read has a
//! deadline, so a server that hangs fails the test instead of blocking it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a reply may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A client of one server process.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read but not yet asked for (a notification that came before a response).
    pending: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl Client {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_appservice-preflight"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            sink.lock().unwrap().push_str(&text);
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            messages,
            pending: VecDeque::new(),
            stderr,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its response (the whole message, `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to `{method}`"), |m| {
            m.get("method").is_none() && m["id"] == json!(id)
        })
    }

    /// The first message (read before or after) that `matches`; fails the test after `TIMEOUT`.
    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&matches) {
            return self.pending.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if matches(&message) => return message,
                Ok(message) => self.pending.push_back(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {TIMEOUT:?}; {}", self.context())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server closed its output before {what}; {}",
                        self.context()
                    )
                }
            }
        }
    }

    /// The diagnostics the server publishes for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(
            &format!("publishDiagnostics for {uri} version {version}"),
            |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == json!(version)
            },
        );
        message["params"]["diagnostics"]
            .as_array()
            .expect("`diagnostics` is an array")
            .clone()
    }

    fn initialize(&mut self, root: &Path) {
        let root_uri = file_uri(root);
        let response = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "app"}],
                "capabilities": {
                    "textDocument": {
                        "publishDiagnostics": {"relatedInformation": true, "codeDescriptionSupport": true},
                        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
                    },
                },
            }),
        );
        let capabilities = &response["result"]["capabilities"];
        assert_eq!(
            capabilities["textDocumentSync"]["change"], 1,
            "full sync: {response}"
        );
        assert_eq!(capabilities["codeActionProvider"], true, "{response}");
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// `shutdown`, `exit`, and the process ends with 0 by itself (its input is still open).
    fn shut_down(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "{}", self.context());
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within 5 s of `exit`; {}",
                self.context()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn context(&self) -> String {
        format!(
            "unanswered messages: {:?}; server stderr: {}",
            self.pending,
            self.stderr.lock().unwrap()
        )
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test leaves no server behind.
        drop(self.stdin.take());
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One framed message, or `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("Content-Length") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

/// A `file:` URI of an absolute path, percent-encoded as editors do.
fn file_uri(path: &Path) -> String {
    let text = path.to_str().unwrap().replace('\\', "/");
    let mut uri = String::from(if text.starts_with('/') {
        "file://"
    } else {
        "file:///"
    });
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// A temporary folder, with its real path (symbolic links resolved: macOS's temporary folder is one).
fn temp_root() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn code(diagnostic: &Value) -> &str {
    diagnostic["code"].as_str().unwrap_or("")
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(code).collect()
}

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
fn offset(text: &str, position: &Value) -> usize {
    let line = usize::try_from(position["line"].as_u64().unwrap()).unwrap();
    let character = usize::try_from(position["character"].as_u64().unwrap()).unwrap();
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the `TextEdit`s a workspace edit makes to `uri` (either form of a workspace edit).
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<Value> = Vec::new();
    if let Some(changes) = edit["documentChanges"].as_array() {
        for change in changes {
            assert!(
                change.get("kind").is_none(),
                "the fix of a file being edited creates or deletes a file: {edit}"
            );
            assert_eq!(
                change["textDocument"]["uri"], uri,
                "the edit is for another file"
            );
            edits.extend(change["edits"].as_array().unwrap().iter().cloned());
        }
    } else if let Some(changes) = edit["changes"].as_object() {
        assert_eq!(
            changes.keys().collect::<Vec<_>>(),
            [uri],
            "the edit is for another file"
        );
        edits.extend(changes[uri].as_array().unwrap().iter().cloned());
    }
    assert!(
        !edits.is_empty(),
        "the workspace edit changes nothing: {edit}"
    );
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    // Applied last to first, so the earlier offsets still hold.
    spans.sort_by_key(|&(start, _, _)| std::cmp::Reverse(start));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// `base.py` of fixtures/projects/django-broken with every finding in it fixed.
fn fixed_settings(text: &str) -> String {
    let replace = |text: String, from: &str, to: &str| {
        assert!(text.contains(from), "the fixture changed: no `{from}`");
        text.replacen(from, to, 1)
    };
    let mut text = text.to_owned();
    if !text.lines().any(|l| l.trim() == "import os") {
        text.insert_str(0, "import os\n");
    }
    // AZ303 (and AZ322, the weak key): read the key from an app setting.
    let secret = text
        .lines()
        .find(|l| l.starts_with("SECRET_KEY = "))
        .expect("the fixture sets SECRET_KEY")
        .to_owned();
    let text = replace(text, &secret, r#"SECRET_KEY = os.environ["SECRET_KEY"]"#);
    // AZ301.
    let text = replace(
        text,
        "DEBUG = True",
        r#"DEBUG = os.environ.get("DEBUG") == "1""#,
    );
    // AZ304: the host name App Service gives the app.
    let text = replace(
        text,
        "ALLOWED_HOSTS = [\"localhost\", \"127.0.0.1\"]\n",
        "ALLOWED_HOSTS = [\"localhost\", \"127.0.0.1\"]\n\
         if \"WEBSITE_HOSTNAME\" in os.environ:\n    \
             ALLOWED_HOSTS.append(os.environ[\"WEBSITE_HOSTNAME\"])\n",
    );
    // AZ326: X-Frame-Options.
    let text = replace(
        text,
        "    \"django.contrib.messages.middleware.MessageMiddleware\",\n",
        "    \"django.contrib.messages.middleware.MessageMiddleware\",\n    \
             \"django.middleware.clickjacking.XFrameOptionsMiddleware\",\n",
    );
    // AZ310 (SQLite in the app folder) and AZ337 (TLS to the database): PostgreSQL from app settings.
    replace(
        text,
        "        \"ENGINE\": \"django.db.backends.sqlite3\",\n        \"NAME\": BASE_DIR / \"db.sqlite3\",\n",
        "        \"ENGINE\": \"django.db.backends.postgresql\",\n        \
                 \"HOST\": os.environ[\"DBHOST\"],\n        \
                 \"NAME\": os.environ[\"DBNAME\"],\n        \
                 \"USER\": os.environ[\"DBUSER\"],\n        \
                 \"PASSWORD\": os.environ[\"DBPASS\"],\n        \
                 \"OPTIONS\": {\"sslmode\": \"require\"},\n",
    )
}

#[test]
fn diagnostics_follow_the_buffer_and_the_session_ends_cleanly() {
    let (_dir, root) = temp_root();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/django-broken"),
        &root,
    );
    let settings = root.join("config/settings/base.py");
    let uri = file_uri(&settings);
    let text = std::fs::read_to_string(&settings).unwrap();

    let mut client = Client::start();
    client.initialize(&root);
    client.open(&uri, "python", &text);
    let diagnostics = client.diagnostics(&uri, 1);
    for expected in ["AZ301", "AZ303"] {
        assert!(
            codes(&diagnostics).contains(&expected),
            "no {expected} in {diagnostics:#?}"
        );
    }
    for d in &diagnostics {
        let code = code(d);
        assert!(code.starts_with("AZ"), "{d}");
        assert_eq!(d["source"], "appservice-preflight", "{d}");
        let href = d["codeDescription"]["href"].as_str().unwrap_or("");
        assert!(href.ends_with(&format!("lints/{code}.md")), "{d}");
        let severity = d["severity"].as_u64().unwrap_or(0);
        assert!((1..=4).contains(&severity), "{d}");
        assert!(!d["message"].as_str().unwrap_or("").is_empty(), "{d}");
        // The help, when a finding has one, is related information at the finding itself.
        if let Some(related) = d.get("relatedInformation") {
            assert_eq!(related[0]["location"]["uri"], uri, "{d}");
            assert_eq!(related[0]["location"]["range"], d["range"], "{d}");
        }
    }
    for code in ["AZ301", "AZ303"] {
        let d = diagnostics.iter().find(|d| d["code"] == code).unwrap();
        let help = d["relatedInformation"][0]["message"].as_str().unwrap_or("");
        assert!(help.starts_with("help: "), "{d}");
    }
    // `DEBUG = True` is line 10, the literal at columns 9 to 13 (1-based); LSP counts from 0.
    let debug = diagnostics.iter().find(|d| code(d) == "AZ301").unwrap();
    assert_eq!(
        debug["range"],
        json!({"start": {"line": 9, "character": 8}, "end": {"line": 9, "character": 12}}),
    );
    assert_eq!(debug["severity"], 1, "AZ301 is an error");

    // AZ106 (collectstatic does not run) is reported on this file but its cause is another one: the
    // app has no requirements.txt at its root. Fix that on disk as well; the server reads the rest of
    // the app from disk at every check, so the edited buffer alone decides what remains.
    std::fs::write(
        root.join("requirements.txt"),
        "-r requirements/prod.txt\nDjango==5.1.4\n",
    )
    .unwrap();
    let fixed = fixed_settings(&text);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": fixed}],
        }),
    );
    let diagnostics = client.diagnostics(&uri, 2);
    assert!(
        diagnostics.is_empty(),
        "the fixed text still has findings: {diagnostics:#?}\n--- text ---\n{fixed}"
    );

    let lines = u32::try_from(fixed.lines().count()).unwrap();
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}},
            "context": {"diagnostics": []},
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
    let actions = response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("code actions are an array: {response}"));
    assert!(actions.is_empty(), "nothing to fix, yet: {actions:#?}");

    client.shut_down();
}

#[test]
fn a_loopback_bind_in_startup_sh_offers_a_quick_fix() {
    let (_dir, root) = temp_root();
    let startup = "#!/bin/bash\ngunicorn --bind=127.0.0.1:8000 app:app\n";
    for (rel, text) in [
        (
            "app.py",
            "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/\")\ndef index():\n    return \"Hello\"\n",
        ),
        ("requirements.txt", "Flask==3.1.0\ngunicorn==23.0.0\n"),
        ("startup.sh", startup),
    ] {
        std::fs::write(root.join(rel), text).unwrap();
    }
    let uri = file_uri(&root.join("startup.sh"));

    let mut client = Client::start();
    client.initialize(&root);
    client.open(&uri, "shellscript", startup);
    let diagnostics = client.diagnostics(&uri, 1);
    let bind = diagnostics
        .iter()
        .find(|d| code(d) == "AZ207")
        .unwrap_or_else(|| panic!("no AZ207 in {diagnostics:#?}"))
        .clone();
    assert_eq!(bind["range"]["start"]["line"], 1, "{bind}");

    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": bind["range"],
            "context": {"diagnostics": [bind]},
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
    let actions = response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("code actions are an array: {response}"));
    let fixed: Vec<String> = actions
        .iter()
        .filter(|a| a["kind"] == "quickfix" && a["title"].as_str().unwrap_or("").contains("AZ207"))
        .map(|a| {
            assert_eq!(a["diagnostics"][0]["code"], "AZ207", "{a}");
            // An unsafe fix is offered too, but never as the preferred one, and its title says so.
            let title = a["title"].as_str().unwrap();
            if a["isPreferred"] != true {
                assert!(title.contains("unsafe fix"), "{a}");
            }
            apply(startup, &a["edit"], &uri)
        })
        .collect();
    assert!(
        fixed
            .iter()
            .any(|t| t == "#!/bin/bash\ngunicorn --bind=0.0.0.0:8000 app:app\n"),
        "no quick fix binds 0.0.0.0: {actions:#?}"
    );

    // A range away from the finding has no action for it.
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 2}},
            "context": {"diagnostics": []},
        }),
    );
    assert_eq!(response["result"], json!([]), "{response}");

    client.shut_down();
}

/// An editor names a document by the path it opened, which may go through a symbolic link (macOS's
/// temporary folder, a linked checkout); a quick fix must edit that document, not its real path.
#[cfg(unix)]
#[test]
fn a_quick_fix_edits_the_document_the_editor_opened() {
    let (_dir, real) = temp_root();
    let app = real.join("app");
    std::fs::create_dir(&app).unwrap();
    let startup = "#!/bin/bash\ngunicorn --bind=127.0.0.1:8000 app:app\n";
    std::fs::write(
        app.join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    std::fs::write(
        app.join("requirements.txt"),
        "Flask==3.1.0\ngunicorn==23.0.0\n",
    )
    .unwrap();
    std::fs::write(app.join("startup.sh"), startup).unwrap();
    let link = real.join("link");
    std::os::unix::fs::symlink(&app, &link).unwrap();
    let uri = file_uri(&link.join("startup.sh"));

    let mut client = Client::start();
    client.initialize(&link);
    client.open(&uri, "shellscript", startup);
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(codes(&diagnostics).contains(&"AZ207"), "{diagnostics:#?}");
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}},
            "context": {"diagnostics": []},
        }),
    );
    let actions = response["result"].as_array().expect("an array").clone();
    assert!(!actions.is_empty(), "{response}");
    for action in &actions {
        // `apply` fails when the edit is for another URI.
        apply(startup, &action["edit"], &uri);
    }
    client.shut_down();
}
