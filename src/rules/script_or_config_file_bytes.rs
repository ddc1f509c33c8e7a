//! AZ108 script-or-config-file-bytes

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::platform::oryx::{OryxPlan, ScriptBytes, script_bytes};
use crate::project::edit::Edit;
use crate::project::{FileId, Span};
use crate::rules::{Category, Context, RuleMeta, fixes};

pub static META: RuleMeta = RuleMeta {
    code: "AZ108",
    name: "script-or-config-file-bytes",
    category: Category::Blocker,
    summary: "A build script or startup file has CRLF line endings or a UTF-8 BOM",
    docs: include_str!("../../lints/AZ108.md"),
    security_severity: None,
};

/// How the platform runs a file.
enum Role {
    /// A pre- or post-build step runs it (`set_by`: the setting or file that says so).
    Build { set_by: String },
    /// The startup file that runs (`whole`: all of it, not only its first line).
    Startup { whole: bool },
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let mut seen: Vec<FileId> = Vec::new();
    for step in OryxPlan::build_steps(project, &ctx.build) {
        for &file in &step.scripts {
            if !seen.contains(&file) {
                seen.push(file);
                report(
                    ctx,
                    file,
                    &Role::Build {
                        set_by: step.set_by.clone(),
                    },
                    out,
                );
            }
        }
    }
    // The startup file that runs: the one the command names, or the root one taken as the command.
    if let Some(sf) = &ctx.startup.startup_file
        && let Some(file) = sf.file
        && !seen.contains(&file)
    {
        report(ctx, file, &Role::Startup { whole: sf.whole }, out);
    }
}

/// The fix that the help's `sed` commands make: every CRLF becomes LF, and the byte-order mark goes.
fn bytes_fix(project: &crate::project::Project, file: FileId, bom: bool) -> Option<Fix> {
    let text = &project.text(file).ok()?.text;
    let edits: Vec<Edit> = text
        .match_indices("\r\n")
        .filter_map(|(at, _)| {
            let start = TextSize::try_from(at).ok()?;
            Some(Edit::deletion(TextRange::at(start, TextSize::new(1))))
        })
        .collect();
    let mut fix = Fix::edit(file, edits, Applicability::Safe);
    fix.remove_bom = bom;
    Some(fix)
}

fn report(ctx: &Context, file: FileId, role: &Role, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let path = project.rel_path(file);
    let shell = matches!(role, Role::Build { .. } | Role::Startup { whole: true });
    let mut bytes = script_bytes(project, file);
    if !shell {
        // Only the first line of a startup file other than `.sh` is used.
        bytes.first_crlf = bytes.first_crlf.filter(|(line, _)| *line == 1);
    }
    if bytes.is_clean() {
        return;
    }
    let ScriptBytes {
        bom,
        first_crlf,
        first_line,
        first_crlf_text,
        ..
    } = bytes;
    let crlf_what = "Windows line endings (CRLF)";
    let message = match (bom, first_crlf.is_some()) {
        (true, true) => format!("`{path}` starts with a UTF-8 byte-order mark and has {crlf_what}"),
        (true, false) => format!("`{path}` starts with a UTF-8 byte-order mark"),
        _ => format!("`{path}` has {crlf_what}"),
    };
    let (span, label) = if bom {
        let label = if shell && first_line.starts_with("#!") {
            format!(
                "the file does not start with `#!`, so `{}` is ignored and the first line fails as a command",
                first_line.trim_end()
            )
        } else if shell {
            "bash reads the invisible mark as part of the first command, which then fails"
                .to_owned()
        } else {
            let word = first_line.split_whitespace().next().unwrap_or("");
            format!("the command's first word is read as `\\u{{feff}}{word}`, which does not exist")
        };
        (Span::file_start(file), label)
    } else {
        let Some((line, range)) = first_crlf else {
            return;
        };
        let body = first_crlf_text.as_str();
        let label = if !shell {
            let last = body.split_whitespace().last().unwrap_or("");
            format!("only this line is used, and it ends in `\\r`: the command gets `{last}\\r`")
        } else if line == 1 && body.starts_with("#!") {
            format!(
                "run as a program, the kernel looks for the interpreter `{}\\r`: bad interpreter",
                body.trim_start_matches("#!")
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
            )
        } else {
            "bash keeps the `\\r` at the end of this line: `$'\\r': command not found`, or a name ending in `\\r`"
                .to_owned()
        };
        (Span::new(file, range), label)
    };
    let mut fixes = Vec::new();
    if first_crlf.is_some() {
        let attr = if path.ends_with(".sh") {
            "*.sh".to_owned()
        } else {
            path.to_owned()
        };
        fixes.push(format!(
            "convert it to LF with `sed -i 's/\\r$//' {path}` and add `{attr} text eol=lf` to .gitattributes so Git on Windows does not convert it back"
        ));
    }
    if bom {
        fixes.push(format!(
            "remove the byte-order mark with `sed -i '1s/^\\xEF\\xBB\\xBF//' {path}` (save it as UTF-8 without BOM)"
        ));
    }
    let mut d = Diagnostic::new(&META, Some(span), message)
        .label(label)
        .help(fixes.join("; "))
        .fix(bytes_fix(project, file, bom));
    d = match role {
        Role::Build { set_by } => d.note(format!("the build runs it: {set_by}")),
        Role::Startup { .. } => match fixes::assumed_startup_file_note(project, &ctx.startup) {
            Some(note) => d.note(note),
            None => d.note("the startup command runs it"),
        },
    };
    out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::rules::run_rule;

    fn labels(files: &[(&str, &[u8])], flags: &[(&str, &str)], cmd: Option<&str>) -> Vec<String> {
        run_rule(files, flags, cmd, super::check)
            .into_iter()
            .map(|d| format!("{} | {}", d.message, d.label))
            .collect()
    }

    #[test]
    fn says_what_each_consumer_sees() {
        let bash = labels(
            &[("scripts/x.sh", b"echo a\r\necho b\r\n")],
            &[("POST_BUILD_COMMAND", "bash scripts/x.sh")],
            None,
        );
        assert_eq!(bash.len(), 1);
        assert!(bash[0].contains("command not found"), "{bash:?}");
        let txt = labels(
            &[("startup.txt", b"\xEF\xBB\xBFgunicorn app:app\n")],
            &[],
            Some("startup.txt"),
        );
        assert!(
            txt[0].contains("byte-order mark") && txt[0].contains("gunicorn"),
            "{txt:?}"
        );
        let both = labels(&[("startup.sh", b"\xEF\xBB\xBFecho a\r\n")], &[], None);
        assert!(
            both[0].contains("byte-order mark and has Windows line endings"),
            "{both:?}"
        );
    }

    #[test]
    fn only_files_that_run_and_only_the_lines_that_count() {
        assert!(labels(&[("scripts/x.sh", b"echo a\r\n")], &[], None).is_empty());
        let later = labels(
            &[("startup.txt", b"gunicorn app:app\nnotes\r\n")],
            &[],
            Some("startup.txt"),
        );
        assert!(later.is_empty(), "{later:?}");
        let clean = labels(
            &[("startup.sh", b"gunicorn app:app\n")],
            &[],
            Some("startup.sh"),
        );
        assert!(clean.is_empty());
    }
}
