//! The command: parse the arguments, run the library, print, and map the outcome to an exit code
//! (0 clean, 1 findings, 2 a usage error or the tool's own failure).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use appservice_preflight::cli::{Cli, ColorWhen, Command, RulesFormat};
use appservice_preflight::config::Config;
use appservice_preflight::render;
use appservice_preflight::rules::{self, RULES};

/// Python trees can be deep; the analysis runs on a thread with room for them.
const STACK_BYTES: usize = 1 << 30;

/// The exit codes of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// No finding at a failing level.
    Clean = 0,
    /// Findings at a failing level.
    Findings = 1,
    /// A usage error or the tool's own failure.
    Error = 2,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                Exit::Error
            } else {
                Exit::Clean
            };
            let _ = err.print();
            return ExitCode::from(code as u8);
        }
    };
    let worker = std::thread::Builder::new()
        .name("appservice-preflight".into())
        .stack_size(STACK_BYTES)
        .spawn(move || run(cli));
    let exit = match worker.map(|handle| handle.join()) {
        Ok(Ok(exit)) => exit,
        Ok(Err(_)) => {
            eprintln!(
                "error: appservice-preflight failed unexpectedly; please report this with the input that caused it"
            );
            Exit::Error
        }
        Err(err) => {
            eprintln!("error: cannot start the analysis thread: {err}");
            Exit::Error
        }
    };
    ExitCode::from(exit as u8)
}

fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Rules { format } => print_rules(format),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(meta) => emit(meta.docs),
            None => {
                eprintln!("error: no rule `{rule}`: run `appservice-preflight rules` for the list");
                Exit::Error
            }
        },
        Command::Plan(args) => {
            let config = match Config::from_app_args(&args.app) {
                Ok(config) => config,
                Err(err) => {
                    eprintln!("error: {err}");
                    return Exit::Error;
                }
            };
            plan(&config, args.format)
        }
        Command::Check(args) => {
            let config = match Config::from_args(&args) {
                Ok(config) => config,
                Err(err) => {
                    eprintln!("error: {err}");
                    return Exit::Error;
                }
            };
            check(&config)
        }
    }
}

fn check(config: &Config) -> Exit {
    let report = match appservice_preflight::check(config) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err}");
            return Exit::Error;
        }
    };
    for notice in &report.notices {
        eprintln!("warning: {notice}");
    }
    let written = match &config.output_file {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                render::render(
                    &report,
                    config.format,
                    config.color == ColorWhen::Always,
                    &mut out,
                )?;
                out.flush()
            })
            .map_err(|e| (e.kind(), format!("cannot write `{}`: {e}", path.display()))),
        None => {
            let stdout = std::io::stdout();
            let color = match config.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut out = stdout.lock();
            render::render(&report, config.format, color, &mut out)
                .and_then(|()| out.flush())
                .map_err(|e| (e.kind(), format!("cannot write the report: {e}")))
        }
    };
    if let Err((kind, err)) = written {
        // A closed pipe (`| head`) is not an error of the tool.
        if kind != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: {err}");
            return Exit::Error;
        }
    }
    if report.fails() && !config.exit_zero {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn plan(config: &Config, format: RulesFormat) -> Exit {
    match appservice_preflight::plan::plan(&config.root, &config.app) {
        Ok(plan) => {
            let text = match format {
                RulesFormat::Text => plan.to_text(),
                RulesFormat::Json => plan.to_json(),
            };
            emit(&text)
        }
        Err(err) => {
            eprintln!("error: {err}");
            Exit::Error
        }
    }
}

fn print_rules(format: RulesFormat) -> Exit {
    match format {
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "category": r.category,
                        "level": r.category.default_level(),
                        "summary": r.summary,
                        "url": r.url(),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rules).unwrap_or_default();
            text.push('\n');
            emit(&text)
        }
        RulesFormat::Text => {
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let mut text = String::new();
            for r in RULES {
                text.push_str(&format!(
                    "{}  {:width$}  {:7}  {}\n",
                    r.code,
                    r.name,
                    r.category.as_str(),
                    r.summary
                ));
            }
            emit(&text)
        }
    }
}

/// Write `text` to standard output; a closed pipe (`| head`) is not an error, any other failure is.
fn emit(text: &str) -> Exit {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Exit::Clean,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Clean,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Exit::Error
        }
    }
}
