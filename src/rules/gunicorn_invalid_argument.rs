//! AZ212: the startup command passes gunicorn an option it does not have, or a malformed argument list.

use crate::diagnostic::Diagnostic;
use crate::platform::command::{ArgProblem, ServerKind, gunicorn_options};
use crate::project::edit::distance;
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ212",
    name: "gunicorn-invalid-argument",
    category: Category::Blocker,
    summary: "The startup command passes gunicorn an option it does not have or a malformed argument, so gunicorn exits with a usage error",
    docs: include_str!("../../lints/AZ212.md"),
    security_severity: None,
};

const USAGE: &str = "gunicorn stops with a usage error before it starts a worker, so the container never answers and App Service keeps restarting it";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(text) = ctx.startup.run() else {
        return;
    };
    for server in &text.servers {
        if server.command.kind != ServerKind::Gunicorn {
            continue;
        }
        for problem in &server.command.problems {
            let (range, message, help) = match problem {
                ArgProblem::Unknown { word, candidates } => {
                    let written = word.text.split('=').next().unwrap_or(&word.text);
                    let (what, help) = if candidates.len() > 1 {
                        (
                            format!(
                                "`{written}` is not a gunicorn option but the start of several ({}), which argparse refuses as ambiguous",
                                candidates
                                    .iter()
                                    .take(4)
                                    .map(|c| format!("`{c}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            format!(
                                "write the option in full: {}",
                                nearest(written).map_or_else(
                                    || "see `gunicorn --help`".to_owned(),
                                    |n| format!("`{n}`")
                                )
                            ),
                        )
                    } else if let Some((option, value)) = written.split_once(':')
                        && gunicorn_options()
                            .iter()
                            .any(|o| o.long == option && o.takes_value)
                    {
                        (
                            format!(
                                "`{written}` is not a gunicorn option: a value is separated by a space or `=`, not `:`"
                            ),
                            format!("write `{option} {value}` (or `{option}={value}`)"),
                        )
                    } else {
                        (
                            format!("`{written}` is not a gunicorn option"),
                            match nearest(written) {
                                Some(n) => format!(
                                    "did you mean `{n}`? (`gunicorn --help` lists every option)"
                                ),
                                None => {
                                    "remove it (`gunicorn --help` lists every option)".to_owned()
                                }
                            },
                        )
                    };
                    (word.range, format!("{what}: {USAGE}"), help)
                }
                ArgProblem::MissingValue { word } => (
                    word.range,
                    format!(
                        "`{}` takes a value, and nothing follows it: {USAGE}",
                        word.text
                    ),
                    format!("give it a value: `{} <value>`", word.text),
                ),
                ArgProblem::ExtraPositional { app, ignored } => {
                    let rest = ignored
                        .iter()
                        .map(|w| format!("`{}`", w.text))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let port = app.text.chars().all(|c| c.is_ascii_digit());
                    (
                        app.range,
                        format!(
                            "gunicorn loads `{}`, its first argument that is not an option, as the app, and ignores {rest}: {}",
                            app.text,
                            if port {
                                "a port number is not a module, so every worker fails to boot"
                            } else {
                                "the workers import the wrong module or fail to boot"
                            }
                        ),
                        if port {
                            format!(
                                "put the port in the address: `--bind 0.0.0.0:{}`, with the app last",
                                app.text
                            )
                        } else {
                            "give gunicorn exactly one app (`module:variable`), after the options"
                                .to_owned()
                        },
                    )
                }
            };
            let mut d = Diagnostic::new(&META, text.span(range), message)
                .label("gunicorn refuses this")
                .help(help);
            if let Some(note) = fixes::assumed_startup_file_note(ctx.project, &ctx.startup) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
}

/// The gunicorn option nearest to `written` (two edits at most), for a suggestion.
fn nearest(written: &str) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    for o in gunicorn_options() {
        let d = distance(written, o.long);
        if d <= 2 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, o.long));
        }
    }
    best.map(|(_, n)| n)
}
