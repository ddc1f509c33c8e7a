#!/usr/bin/env python3
"""A minimal LSP client for `appservice-preflight server` (standard library only).

It starts the server, opens one file of an app as an editor would (the app folder is
the workspace folder), prints the diagnostics the server publishes for it, asks for the
code actions of the whole file, and shuts the server down.

    python3 scripts/lsp-client.py BINARY APP_FOLDER FILE [--timeout S] [--arg ARG]...

FILE is relative to APP_FOLDER (or absolute). `--arg` adds a `check` flag through the
server's `initializationOptions.args`, e.g.
`--arg=--app-setting --arg=DJANGO_SETTINGS_MODULE=proj.production`.

Each diagnostic is printed as `path:line:col: CODE message` (1-based; the column counts
characters); the titles of the quick fixes offered go to standard error. Exit status:
0 no diagnostics, 1 diagnostics, 2 a protocol error, a timeout, or a server failure.
"""

import argparse
import json
import os
import pathlib
import queue
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request


class ProtocolError(Exception):
    pass


class Client:
    def __init__(self, command, timeout):
        self.timeout = timeout
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages = queue.Queue()
        self.pending = []
        self.next_id = 1
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.rstrip(b"\r\n")
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    self.messages.put(ProtocolError("a message without Content-Length"))
                    return
                body = stream.read(length)
                if len(body) < length:
                    return
                self.messages.put(json.loads(body))
        except (ValueError, OSError) as error:
            self.messages.put(
                ProtocolError(f"cannot read the server's output: {error}")
            )
        finally:
            self.messages.put(None)

    def _drain_stderr(self):
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def send(self, message):
        body = json.dumps(message).encode("utf-8")
        try:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()
        except OSError as error:
            raise ProtocolError(f"cannot write to the server: {error}") from error

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        self.send(
            {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        )
        response = self.wait_for(
            f"response to {method}",
            lambda m: "method" not in m and m.get("id") == request_id,
        )
        if "error" in response:
            raise ProtocolError(f"{method} failed: {response['error']}")
        return response.get("result")

    def wait_for(self, what, matches):
        for i, message in enumerate(self.pending):
            if matches(message):
                return self.pending.pop(i)
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            try:
                message = self.messages.get(timeout=max(left, 0))
            except queue.Empty:
                raise ProtocolError(f"no {what} within {self.timeout} s") from None
            if message is None:
                raise ProtocolError(f"the server closed its output before {what}")
            if isinstance(message, ProtocolError):
                raise message
            if "method" in message and "id" in message:
                # A request from the server (none is expected): answer it.
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            if matches(message):
                return message
            self.pending.append(message)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def same_file(uri_a, uri_b):
    def path(uri):
        parsed = urllib.parse.urlparse(uri)
        return (
            os.path.normcase(urllib.request.url2pathname(parsed.path))
            if parsed.scheme == "file"
            else uri
        )

    return uri_a == uri_b or path(uri_a) == path(uri_b)


def utf16_to_column(line_text, character):
    """The 1-based character column of an LSP position (`character`: UTF-16 units)."""
    units = line_text.encode("utf-16-le")[: 2 * character]
    return len(units.decode("utf-16-le", "ignore")) + 1


def run(args):
    app = pathlib.Path(args.app).resolve()
    file = pathlib.Path(args.file)
    file = (file if file.is_absolute() else app / file).resolve()
    text = file.read_text(encoding="utf-8")
    lines = text.split("\n")
    uri = file.as_uri()
    try:
        shown = os.path.relpath(file)
    except ValueError:  # another drive (Windows)
        shown = str(file)
    if shown.startswith(".."):
        shown = str(file)

    client = Client([args.binary, "server"], args.timeout)
    try:
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "lsp-client.py"},
                "rootUri": app.as_uri(),
                "workspaceFolders": [{"uri": app.as_uri(), "name": app.name}],
                "initializationOptions": {"args": args.arg},
                "capabilities": {
                    "textDocument": {
                        "publishDiagnostics": {"relatedInformation": True},
                        "codeAction": {
                            "codeActionLiteralSupport": {
                                "codeActionKind": {"valueSet": ["quickfix"]}
                            }
                        },
                    }
                },
            },
        )
        client.notify("initialized", {})
        language = {
            ".py": "python",
            ".sh": "shellscript",
            ".toml": "toml",
            ".txt": "pip-requirements",
        }
        client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language.get(file.suffix, "plaintext"),
                    "version": 1,
                    "text": text,
                }
            },
        )
        published = client.wait_for(
            f"diagnostics for {uri}",
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and same_file(m["params"]["uri"], uri)
            ),
        )
        diagnostics = published["params"]["diagnostics"]
        for d in diagnostics:
            start = d["range"]["start"]
            line = start["line"]
            column = utf16_to_column(
                lines[line] if line < len(lines) else "", start["character"]
            )
            print(f"{shown}:{line + 1}:{column}: {d.get('code', '')} {d['message']}")
        end = {"line": len(lines), "character": 0}
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": end},
                "context": {"diagnostics": diagnostics},
            },
        )
        if not isinstance(actions, list):
            raise ProtocolError(
                f"textDocument/codeAction answered {actions!r}, not an array"
            )
        for action in actions:
            print(f"quick fix available: {action.get('title', '')}", file=sys.stderr)
        client.request("shutdown", None)
        client.notify("exit", None)
        try:
            status = client.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            raise ProtocolError(
                "the server did not exit within 5 s of `exit`"
            ) from None
        if status != 0:
            raise ProtocolError(f"the server exited with {status}")
        return 1 if diagnostics else 0
    except ProtocolError as error:
        print(f"lsp-client.py: {error}", file=sys.stderr)
        if client.stderr:
            print("server stderr:\n" + "".join(client.stderr), file=sys.stderr, end="")
        return 2
    finally:
        client.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the appservice-preflight executable")
    parser.add_argument("app", help="the app folder (the workspace folder)")
    parser.add_argument("file", help="the file to open, relative to the app folder")
    parser.add_argument(
        "--timeout", type=float, default=20, help="seconds to wait for each reply"
    )
    parser.add_argument(
        "--arg",
        action="append",
        default=[],
        help="a `check` flag for the server (repeatable)",
    )
    args = parser.parse_args()
    try:
        return run(args)
    except OSError as error:
        print(f"lsp-client.py: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
