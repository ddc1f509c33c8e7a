//! `path:line:col: CODE message`, one finding a line.

use std::io::{self, Write};

use super::view::{DisplayPaths, safe_message, span_positions};
use crate::diagnostic::Report;

pub fn render(report: &Report, paths: &DisplayPaths, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let message = safe_message(report, d);
        match d.span {
            Some(span) => {
                let ((line, col), _) = span_positions(report, span);
                writeln!(
                    out,
                    "{}:{line}:{col}: {} {message}",
                    paths.show(report, span.file),
                    d.rule.code
                )?;
            }
            None => writeln!(
                out,
                "{}: {} {message}",
                super::view::flag_location(),
                d.rule.code
            )?,
        }
    }
    Ok(())
}
