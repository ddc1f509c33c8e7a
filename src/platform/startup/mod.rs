//! What the container runs at start-up, and why: one model, read by every rule and by `plan`.
//!
//! - `decide.rs`: the start-up decision, made once ([`Startup::detect`]): the configured startup command,
//!   else the root startup file taken as it (an assumption, recorded as such), else Oryx's auto-detection;
//!   the entry module, and how gunicorn runs.
//! - `detect.rs`: Oryx's auto-detection as facts (entry file names, `wsgi.py` folders, FastAPI files, a
//!   `wsgi.py` that is not the project's).
//! - `text.rs`: the one model of start-up text (commands, `cd`, assignments, servers and what they import).
//! - `calls.rs`: the servers Python code starts by itself (`app.run()`, `uvicorn.run()`).
//! - `script.rs`: what Oryx's start-up script does around the command (its Python version, FastAPI
//!   detection's gate, the packages, `PRE_RUN_COMMAND`, `appsvc.yaml`'s `run`), and its inputs.
//! - `plan.rs`: the start-up half of `plan`.
//!
//! Server command lines are read by `platform/command.rs`, gunicorn's settings by `platform/gunicorn.rs`,
//! shell syntax by `platform/shell.rs`. This file only declares and re-exports.

pub mod calls;
pub mod decide;
pub mod detect;
pub mod plan;
pub mod script;
pub mod text;

pub use calls::{CallArg, CallKind, ServerCall};
pub use decide::{
    GunicornStart, ROOT_STARTUP_FILES, Startup, StartupDecision, StartupFile, StartupKind,
};
pub use detect::{
    DEFAULT_PORT, DEFAULT_SITE, DEFAULT_SITE_MODULE, DISABLE_FASTAPI_DETECTION, FASTAPI_FILES,
    FLASK_FILES, FastApiText, Intended, MULTIWORKERS, ORYX_ASGI_WORKER, ORYX_VENV, WrongWsgi,
    WsgiFolder, entry_object, fastapi_file, wsgi_folders,
};
pub use plan::{StartupPlan, oryx_gunicorn_command};
pub use script::{FastApiGate, Packages, PythonSource, StartupCommand, StartupInputs};
pub use text::{CdAt, Server, ShellCommand, StartupText, TextOrigin, removal_range};

#[cfg(test)]
mod tests;
