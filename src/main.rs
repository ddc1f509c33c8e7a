//! The command: parse the arguments, run the library, print, and map the outcome to an exit code
//! (0 clean, 1 findings, 2 a usage error or the tool's own failure).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use appservice_preflight::cli::{Cli, ColorWhen, Command, RulesFormat};
use appservice_preflight::config::{Config, FixMode};
use appservice_preflight::render;
use appservice_preflight::rules::{self, RULES};
use appservice_preflight::{baseline, fix};

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
            let config = match Config::from_app_args(args.path.clone(), &args.app) {
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
            for notice in &config.notices {
                eprintln!("warning: {notice}");
            }
            if args.show_config {
                return emit(&config.show_text());
            }
            check(&config)
        }
        Command::Completions { shell } => emit(&String::from_utf8_lossy(
            &appservice_preflight::cli::completions(shell),
        )),
        Command::Server => match appservice_preflight::server::run() {
            Ok(appservice_preflight::server::Ended::Shutdown) => Exit::Clean,
            // The protocol's code for `exit` without `shutdown`.
            Ok(appservice_preflight::server::Ended::ExitWithoutShutdown) => Exit::Findings,
            Err(err) => {
                eprintln!("error: {err}");
                Exit::Error
            }
        },
    }
}

fn check(config: &Config) -> Exit {
    // The baseline is read once, before the run (a run with --fix checks twice).
    let known = match config.baseline.as_deref().map(baseline::read).transpose() {
        Ok(known) => known,
        Err(err) => {
            eprintln!("error: {err}");
            return Exit::Error;
        }
    };
    let mut report = match analyse(config, known.as_ref()) {
        Ok(report) => report,
        Err(exit) => return exit,
    };
    if let Some(path) = &config.write_baseline {
        return match baseline::write(&report, path) {
            Ok(n) => {
                eprintln!(
                    "wrote {n} finding{} to the baseline `{}`",
                    if n == 1 { "" } else { "s" },
                    path.display()
                );
                Exit::Clean
            }
            Err(err) => {
                eprintln!("error: {err}");
                Exit::Error
            }
        };
    }
    if config.fix != FixMode::Off {
        let fixed = match fix::run(&report, config) {
            Ok(fixed) => fixed,
            Err(err) => {
                eprintln!("error: {err}");
                return Exit::Error;
            }
        };
        if config.fix == FixMode::Diff {
            return Exit::Clean;
        }
        // What is left after the fixes, as the next run will see it.
        if fixed > 0 {
            report = match analyse(config, known.as_ref()) {
                Ok(report) => report,
                Err(exit) => return exit,
            };
        }
    }
    let options = render::Options {
        color: false,
        sarif_category: config.sarif_category.clone(),
    };
    let written = match &config.output_file {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                let options = render::Options {
                    color: config.color == ColorWhen::Always,
                    ..options.clone()
                };
                render::render_with(&report, config.format, &options, &mut out)?;
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
            let options = render::Options { color, ..options };
            render::render_with(&report, config.format, &options, &mut out)
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
    if report.fails_at(config.fail_on) && !config.exit_zero {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Check the app and leave out what the baseline knows; notices and baseline counts go to stderr.
fn analyse(
    config: &Config,
    known: Option<&baseline::Baseline>,
) -> Result<appservice_preflight::Report, Exit> {
    let mut report = match appservice_preflight::check(config) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err}");
            return Err(Exit::Error);
        }
    };
    for notice in &report.notices {
        eprintln!("warning: {notice}");
    }
    if let (Some(path), Some(known)) = (&config.baseline, known) {
        let applied = baseline::apply(&mut report, known, |code, path| config.reports(code, path));
        if applied.known > 0 {
            eprintln!(
                "{} finding{} in the baseline `{}` not shown",
                applied.known,
                if applied.known == 1 { " is" } else { "s are" },
                path.display()
            );
        }
        if applied.fixed > 0 {
            eprintln!(
                "{} baseline entr{} no finding any more (fixed): run with --write-baseline {} to drop {}",
                applied.fixed,
                if applied.fixed == 1 {
                    "y matches"
                } else {
                    "ies match"
                },
                path.display(),
                if applied.fixed == 1 { "it" } else { "them" }
            );
        }
    }
    Ok(report)
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
