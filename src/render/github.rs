//! `--format github`: GitHub Actions workflow commands, one annotation a line:
//! `::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::MESSAGE`.
//!
//! The help follows the message after an escaped newline so GitHub shows it on a second line.
//! Findings from a command-line flag have no `file`, `line` or column properties.

use std::io::{self, Write};

use super::view::{DisplayPaths, safe_message, safe_text, span_positions};
use crate::diagnostic::Report;
use crate::rules::Level;

pub fn render(report: &Report, paths: &DisplayPaths, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(span) = d.span {
            let ((line, col), (end_line, end_col)) = span_positions(report, span);
            properties.push(("file", paths.show(report, span.file)));
            properties.push(("line", line.to_string()));
            properties.push(("col", col.to_string()));
            properties.push(("endLine", end_line.to_string()));
            properties.push(("endColumn", end_col.to_string()));
        }
        properties.push(("title", format!("{} {}", d.rule.code, d.rule.name)));
        let properties: Vec<String> = properties
            .into_iter()
            .map(|(key, value)| format!("{key}={}", escape_property(&value)))
            .collect();
        let mut message = safe_message(report, d);
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&safe_text(report, d, help));
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escape the message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::view::test_support::{SECRET, sample};

    #[test]
    fn one_workflow_command_a_finding() {
        let (_dir, report) = sample();
        let mut out = Vec::new();
        render(&report, &DisplayPaths::relative_to_root(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(SECRET), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[0].starts_with(
            "::warning file=proj/settings.py,line=1,col=14,endLine=1,endColumn=68,title=AZ303 django-secret-key-hardcoded::SECRET_KEY is the literal 'dj…(52 chars)'%0Ahelp: "
        ), "{text}");
        assert_eq!(
            lines[1],
            "::error file=proj/settings.py,line=2,col=1,endLine=2,endColumn=13,title=AZ301 django-debug-not-from-env::\
             DEBUG is the literal True in the settings App Service loads (proj/settings.py)\
             %0Ahelp: DEBUG = os.environ.get('DJANGO_DEBUG') == '1'"
        );
        assert_eq!(
            lines[2],
            "::notice file=my dir/app%2C1%25.py,line=1,col=5,endLine=1,endColumn=8,\
             title=AZ304 django-allowed-hosts-missing-website-hostname::a note about 'é'"
        );
        assert_eq!(
            lines[3],
            "::error title=AZ107 build-command-absolute-path::the startup command runs /home/site/wwwroot/start.sh"
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(
            escape_property("100%\r\nok: a,b"),
            "100%25%0D%0Aok%3A a%2Cb"
        );
    }
}
