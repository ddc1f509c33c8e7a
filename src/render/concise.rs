//! `path:line:col: CODE message`, one finding a line. Control characters in a path or a message (a folder
//! named with a newline) are written as escapes, so one finding is always one line.

use std::io::{self, Write};

use super::view::{DisplayPaths, safe_message, span_positions};
use crate::diagnostic::Report;

pub fn render(report: &Report, paths: &DisplayPaths, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let message = one_line(&safe_message(report, d));
        match d.span {
            Some(span) => {
                let ((line, col), _) = span_positions(report, span);
                writeln!(
                    out,
                    "{}:{line}:{col}: {} {message}",
                    one_line(&paths.show(report, span.file)),
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

/// `text` with control characters escaped (`\n`, `\r`, `\t`, `\u{1b}`), so it cannot start a new line or
/// drive a terminal.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(one_line("a\nb\rc\td\u{1b}[31m"), "a\\nb\\rc\\td\\u{1b}[31m");
        assert_eq!(one_line("plain é"), "plain é");
    }
}
