//! The fix sentences and notes the rules share: the exact way to change the startup command, a line of a
//! startup file, an app setting or the Python version, said where the value is set now.
//!
//! The model gives the facts (where a value comes from, what an edited command or line would be); the
//! words are here, so the model knows nothing of how rules speak.

use crate::diagnostic::{Applicability, Fix};
use crate::platform::app_settings::Source;
use crate::platform::runtime::PythonRuntime;
use crate::platform::startup::{Startup, StartupDecision, StartupText, TextOrigin};
use crate::project::edit::Edit;
use crate::project::{Project, Span};

/// The `az` command that sets the site's startup command.
/// What a fix adds to a literal `ALLOWED_HOSTS`: the host name App Service sets, and nothing (an empty
/// pattern, which matches no host) where it is not set, so the settings still load on a developer's
/// machine.
pub const WEBSITE_HOSTNAME_ITEM: &str = "os.environ.get('WEBSITE_HOSTNAME', '')";

/// What a fix adds to a literal `CSRF_TRUSTED_ORIGINS`: the app's `https://` origin on App Service (where
/// the variable is not set, `https://`, an origin no browser sends).
pub const WEBSITE_ORIGIN_ITEM: &str = "'https://' + os.environ.get('WEBSITE_HOSTNAME', '')";

const AZ_SET_STARTUP: &str =
    "az webapp config set --resource-group <group> --name <app> --startup-file";

/// The `az` command that sets the site's app settings.
const AZ_SET_APP_SETTINGS: &str =
    "az webapp config appsettings set --resource-group <group> --name <app> --settings";

/// The `az` command that sets the site's Python stack.
const AZ_SET_LINUX_FX: &str =
    "az webapp config set --resource-group <group> --name <app> --linux-fx-version";

/// The exact way to give the app setting `name` the value `value` where `source` sets it: the `build.env`
/// or `.deployment` line, the `appsvc.yaml` key, the value to write in a template, or the `az` command for
/// a setting that lives in the site (flags, `--app-settings-file`).
pub fn set_app_setting(project: &Project, source: &Source, name: &str, value: &str) -> String {
    let Source::File(span) = source else {
        let pair = shell_word(&format!("{name}={value}"));
        return format!("set the app setting with `{AZ_SET_APP_SETTINGS} {pair}`");
    };
    let path = project.rel_path(span.file);
    let file_name = path.rsplit('/').next().unwrap_or(path);
    match file_name {
        "build.env" => format!("write `{name}={value}` in {path}"),
        ".deployment" => format!("write `{name}={value}` under `[config]` in {path}"),
        "appsvc.yaml" => {
            let key = match name {
                "PRE_BUILD_COMMAND" => "pre-build",
                "POST_BUILD_COMMAND" => "post-build",
                other => other,
            };
            format!("write `{key}: {value}` in {path}")
        }
        _ => format!("set {name} to `{value}` in {}", source.describe_at(project)),
    }
}

/// The exact way to set app setting `name` to `value`, given where it is set now: the file, or the `az`
/// command.
pub fn set_app_setting_help(project: &Project, name: &str, value: &str, source: &Source) -> String {
    match source {
        Source::File(span) => format!(
            "set the app setting {name} to `{value}` in {}",
            project.rel_path(span.file)
        ),
        Source::Flag(_) => {
            let pair = format!("{name}={value}");
            let quoted = shlex::try_quote(&pair).map_or_else(|_| pair.clone(), |q| q.into_owned());
            format!("set the app setting: `{AZ_SET_APP_SETTINGS} {quoted}`")
        }
    }
}

/// The exact way to make `command` the startup command where `source` sets it now: in the file (template,
/// workflow) and line that sets it, or with `az` for a command that lives in the site.
pub fn set_startup_command(project: &Project, source: &Source, command: &str) -> String {
    match source {
        Source::File(_) => format!(
            "change the startup command in {} to `{command}`",
            source.describe_at(project)
        ),
        Source::Flag(_) => set_startup_help(command),
    }
}

/// The exact way to run Python `version` (such as `3.12`) where `source` sets the version: the `az`
/// command for the site, `runtime.txt`'s line, or the value to write in the template (in the form
/// written there: `PYTHON|3.12` stays a `STACK|version`).
pub fn set_python_version(project: &Project, source: &Source, version: &str) -> String {
    let Source::File(span) = source else {
        return format!("set the site's Python: `{AZ_SET_LINUX_FX} \"PYTHON|{version}\"`");
    };
    let path = project.rel_path(span.file);
    if path == "runtime.txt" {
        // The site's version overrides runtime.txt on App Service (docs/platform.md, "Python version of the build"): set both.
        return format!(
            "write `python-{version}` in runtime.txt and set the site's Python to match: `{AZ_SET_LINUX_FX} \"PYTHON|{version}\"`"
        );
    }
    let written = project
        .text(span.file)
        .map(|t| t.slice(span.range).to_owned())
        .unwrap_or_default();
    let new = match written.split_once('|') {
        Some((stack, _)) => format!("{stack}|{version}"),
        None => version.to_owned(),
    };
    format!("write `{new}` in {}", source.describe_at(project))
}

/// The `az` command that sets the startup command.
pub fn az_set_startup(command: &str) -> String {
    let quoted = if command.contains(['"', '$', '`', '\\']) {
        shlex::try_quote(command).map_or_else(|_| command.to_owned(), |q| q.into_owned())
    } else {
        format!("\"{command}\"")
    };
    format!("{AZ_SET_STARTUP} {quoted}")
}

/// "set the startup command to `CMD`: `az webapp config set ...`".
pub fn set_startup_help(command: &str) -> String {
    format!(
        "set the startup command to `{command}`: `{}`",
        az_set_startup(command)
    )
}

/// The note on a finding that depends on the Python version, when no source names it and the newest
/// App Service offers is assumed.
pub fn python_assumed_note(python: &PythonRuntime) -> Option<String> {
    python.source.is_none().then(|| {
        format!(
            "no source names the app's Python version, so Python {v} (the newest App Service offers) is assumed; if the site runs another, give it with `--python-version` or `{AZ_SET_LINUX_FX} \"PYTHON|3.X\"`",
            v = python.version
        )
    })
}

/// The fix that appends `item` (Python that reads `os`) to the list or tuple literal at `span`, importing
/// `os` when the module does not: safe, since the literal's other elements stay as they are.
pub fn append_to_literal(project: &Project, span: Span, item: &str) -> Option<Fix> {
    let text = project.text(span.file).ok()?;
    let append = crate::project::edit::append_element(text.slice(span.range), span.range, item)?;
    let mut edits = vec![append];
    edits.extend(project.python(span.file).import_edit(&text.text, "os"));
    Some(Fix::edit(span.file, edits, Applicability::Safe))
}

/// The fix that puts the string `item` right after the element `after` of the list literal at `span`
/// (moving it there when the list holds it elsewhere), in the literal's style: on a line of its own with
/// the same indentation and trailing comma when elements are one a line, else inline. Safe: the list keeps
/// its other elements and their order.
pub fn place_after_element(project: &Project, span: Span, after: &str, item: &str) -> Option<Fix> {
    let text = &project.text(span.file).ok()?.text;
    let elements = project.python(span.file).literal_elements(span.range)?;
    let unquoted = |r: &ruff_text_size::TextRange| {
        let t = text
            .get(r.start().to_usize()..r.end().to_usize())
            .unwrap_or("");
        t.trim_matches(|c| c == '\'' || c == '"').to_owned()
    };
    let anchor = elements.iter().position(|r| unquoted(r) == after)?;
    let current = elements.iter().position(|r| unquoted(r) == item);
    if current == Some(anchor + 1) {
        return None;
    }
    let anchor_range = elements[anchor];
    let slice = |r: ruff_text_size::TextRange| &text[r.start().to_usize()..r.end().to_usize()];
    // A moved element keeps its own text; a new one takes the quotes of the one it follows.
    let quoted = match current {
        Some(i) => slice(elements[i]).to_owned(),
        None => {
            let quote = if slice(anchor_range).starts_with('"') {
                '"'
            } else {
                '\''
            };
            format!("{quote}{item}{quote}")
        }
    };
    let line_start = |offset: usize| text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |offset: usize| {
        text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1)
    };
    let one_a_line = elements.len() > 1
        && elements
            .windows(2)
            .all(|w| text[w[0].end().to_usize()..w[1].start().to_usize()].contains('\n'));
    let size = |n: usize| ruff_text_size::TextSize::try_from(n).unwrap_or_default();
    let mut edits = Vec::new();
    if one_a_line {
        let a_start = line_start(anchor_range.start().to_usize());
        let indent: String = text[a_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        edits.push(Edit::insertion(
            format!("{indent}{quoted},\n"),
            size(line_end(anchor_range.end().to_usize())),
        ));
        if let Some(i) = current {
            let r = elements[i];
            let (start, end) = (
                line_start(r.start().to_usize()),
                line_end(r.end().to_usize()),
            );
            // Only a line that holds this element alone is removed.
            let line = text[start..end].trim();
            if line.trim_end_matches(',') != text[r.start().to_usize()..r.end().to_usize()].trim() {
                return None;
            }
            edits.push(Edit::deletion(ruff_text_size::TextRange::new(
                size(start),
                size(end),
            )));
        }
    } else {
        edits.push(Edit::insertion(format!(", {quoted}"), anchor_range.end()));
        if let Some(i) = current {
            // The element and the separator before it (after it, for the first).
            let range = if i > 0 {
                ruff_text_size::TextRange::new(elements[i - 1].end(), elements[i].end())
            } else {
                ruff_text_size::TextRange::new(elements[0].start(), elements.get(1)?.start())
            };
            if range.contains_range(ruff_text_size::TextRange::empty(anchor_range.end()))
                && range.end() != anchor_range.end()
            {
                return None;
            }
            edits.push(Edit::deletion(range));
        }
    }
    Some(Fix::edit(span.file, edits, Applicability::Safe))
}

/// The fix that replaces the value at `span` with `python` (which reads `os`), importing `os` when the
/// module does not: unsafe, it changes what the setting is (a development machine without the variable
/// sees another value, or fails).
pub fn replace_value_unsafe(project: &Project, span: Span, python: &str) -> Option<Fix> {
    replace_value(project, span, python, Applicability::Unsafe)
}

/// The fix that replaces the Python value at `span` with `python`, importing `os` when `python` reads it
/// and the module does not import it.
pub fn replace_value(
    project: &Project,
    span: Span,
    python: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let text = project.text(span.file).ok()?;
    let mut edits = vec![Edit::replacement(python, span.range)];
    if python.contains("os.") {
        edits.extend(project.python(span.file).import_edit(&text.text, "os"));
    }
    Some(Fix::edit(span.file, edits, applicability))
}

/// The assignment that lets Django see HTTPS behind App Service's front end.
pub const PROXY_HEADER_LINE: &str = "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')";

/// The fix that writes `line` after the line where `span` ends, indented as the line where it starts
/// (next to the assignment `span` is part of): safe, it adds a statement and changes none.
pub fn add_line_after(project: &Project, span: Span, line: &str) -> Option<Fix> {
    let text = &project.text(span.file).ok()?.text;
    let start = span.range.start().to_usize().min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let end = span.range.end().to_usize().min(text.len());
    let (at, content) = match text[end..].find('\n') {
        Some(i) => (end + i + 1, format!("{indent}{line}\n")),
        None => (text.len(), format!("\n{indent}{line}\n")),
    };
    let at = ruff_text_size::TextSize::try_from(at).ok()?;
    Some(Fix::edit(
        span.file,
        vec![Edit::insertion(content, at)],
        Applicability::Safe,
    ))
}

/// The fix that lets Django see HTTPS (AZ305, AZ306): `SECURE_PROXY_SSL_HEADER` next to an always-on
/// `SECURE_SSL_REDIRECT`, else at the end of the settings module App Service loads. None when the settings
/// set the header already (a wrong header is the user's to correct).
pub fn proxy_header_fix(
    project: &Project,
    django: &crate::platform::DjangoSettings,
) -> Option<Fix> {
    let unset = django.proxy_header.iter().all(|(assigned, header)| {
        assigned.span.is_none() && matches!(header, crate::platform::django::ProxyHeader::Missing)
    });
    if !unset {
        return None;
    }
    let redirect = django
        .always_true("SECURE_SSL_REDIRECT")
        .into_iter()
        .find_map(|a| a.span);
    match redirect {
        Some(span) => add_line_after(project, span, PROXY_HEADER_LINE),
        None => append_line(project, django.modules.first()?.file, PROXY_HEADER_LINE),
    }
}

/// The fix that writes `line` at the end of `file`, at the top level: safe, it adds a statement.
pub fn append_line(project: &Project, file: crate::project::FileId, line: &str) -> Option<Fix> {
    let text = &project.text(file).ok()?.text;
    let at = ruff_text_size::TextSize::try_from(text.len()).ok()?;
    let content = if text.is_empty() || text.ends_with('\n') {
        format!("{line}\n")
    } else {
        format!("\n{line}\n")
    };
    Some(Fix::edit(
        file,
        vec![Edit::insertion(content, at)],
        Applicability::Safe,
    ))
}

/// `edits` to what a custom start runs as a fix of the startup file, when it is a file of the app whose
/// text maps exactly to the ranges (a startup command set elsewhere has no file to edit).
pub fn startup_fix(text: &StartupText, edits: &[Edit]) -> Option<Fix> {
    startup_fix_as(text, edits, Applicability::Unsafe)
}

/// [`startup_fix`] with its applicability: a loopback address made `0.0.0.0` is safe (the server still
/// listens on that port, now from outside the container too); other changes to the command are not.
pub fn startup_fix_as(
    text: &StartupText,
    edits: &[Edit],
    applicability: Applicability,
) -> Option<Fix> {
    let file = text.file()?;
    let edits = edits
        .iter()
        .map(|e| {
            let span = text.span(e.range).filter(|s| s.file == file)?;
            (span.range.len() == e.range.len())
                .then(|| Edit::replacement(e.content.clone(), span.range))
        })
        .collect::<Option<Vec<Edit>>>()?;
    Some(Fix::edit(file, edits, applicability))
}

/// The exact way to apply `edits` to what a custom start runs (made on the line holding the first edit):
/// the line to write in the startup file (a command continued over several lines with `\\` becomes one
/// line), or the startup command to set where it is set.
pub fn edit_startup(project: &Project, text: &StartupText, edits: &[Edit]) -> String {
    let Some(first) = edits.iter().min_by_key(|e| e.range.start()) else {
        return String::new();
    };
    match &text.origin {
        TextOrigin::File(file) => {
            let line = text.line_at(first.range.start());
            let lines = if line.first == line.last {
                format!("line {}", line.first)
            } else {
                format!("lines {}-{}", line.first, line.last)
            };
            format!(
                "change {lines} of {} to `{}`",
                project.rel_path(*file),
                text.edited(line.range, edits).trim()
            )
        }
        TextOrigin::Command(source) => {
            set_startup_command(project, source, text.edited_whole(edits).trim())
        }
    }
}

/// "the startup command is set by `--startup-command`", for a command that has no place in the app to
/// point at.
pub fn startup_flag_note(startup: &Startup) -> Option<String> {
    match (&startup.decision, startup.run().map(|r| &r.origin)) {
        (StartupDecision::Configured(Source::Flag(flag)), Some(TextOrigin::Command(_))) => {
            Some(format!("the startup command is set by `{flag}`"))
        }
        _ => None,
    }
}

/// What taking a root startup file as the startup command assumes, and how to make it true: the one
/// sentence `plan` and the findings that rely on the assumption say.
pub fn startup_file_assumption(path: &str) -> String {
    format!(
        "no startup command is set anywhere this tool can see, so `{path}` at the app root is assumed to be \
         the startup file; App Service runs it only if the site's startup command names it: \
         `{AZ_SET_STARTUP} {path}`, or Startup Command in the portal's configuration"
    )
}

/// The note on a finding that relies on a root startup file taken as the startup command, when it is.
pub fn assumed_startup_file_note(project: &Project, startup: &Startup) -> Option<String> {
    let file = startup.assumed_file()?;
    Some(startup_file_assumption(project.rel_path(file)))
}

/// A shell word for `text`, quoted only when it needs to be.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_=./:,@%+-".contains(c));
    if plain {
        text.to_owned()
    } else {
        shlex::try_quote(text).map_or_else(|_| text.to_owned(), |q| q.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use ruff_text_size::TextRange;

    use super::*;
    use crate::platform::AppSettings;
    use crate::platform::startup::StartupCommand;
    use crate::project::{PythonVersion, Span};
    use ruff_text_size::TextSize;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        crate::project::test_project(files)
    }

    fn with_command(project: &Project, command: &str) -> Startup {
        let command = StartupCommand {
            command: command.to_owned(),
            source: Source::flag("--startup-command"),
        };
        Startup::detect(
            project,
            Some(command),
            PythonVersion::PY312,
            &AppSettings::default(),
        )
    }

    #[test]
    fn az_lines_quote_the_command() {
        assert_eq!(
            az_set_startup("gunicorn app:app"),
            "az webapp config set --resource-group <group> --name <app> --startup-file \"gunicorn app:app\""
        );
        assert_eq!(
            az_set_startup("gunicorn \"app:create_app()\""),
            "az webapp config set --resource-group <group> --name <app> --startup-file 'gunicorn \"app:create_app()\"'"
        );
    }

    #[test]
    fn python_version_fixes_keep_the_form_written() {
        let (_d, p) = project(&[
            ("main.bicep", "linuxFxVersion: 'PYTHON|3.11'\n"),
            ("runtime.txt", "python-3.11\n"),
        ]);
        let bicep = Source::File(Span::new(
            p.file("main.bicep").unwrap(),
            TextRange::at(TextSize::new(17), TextSize::new(11)),
        ));
        assert_eq!(
            set_python_version(&p, &bicep, "3.12"),
            "write `PYTHON|3.12` in main.bicep:1"
        );
        let runtime = Source::File(Span::file_start(p.file("runtime.txt").unwrap()));
        assert_eq!(
            set_python_version(&p, &runtime, "3.12"),
            "write `python-3.12` in runtime.txt and set the site's Python to match: `az webapp config set --resource-group <group> --name <app> --linux-fx-version \"PYTHON|3.12\"`"
        );
        assert!(
            set_python_version(&p, &Source::flag("--python-version"), "3.12")
                .contains("--linux-fx-version \"PYTHON|3.12\"")
        );
    }

    #[test]
    fn fixes_are_said_where_the_value_is_set() {
        let (_d, p) = project(&[("infra/main.bicep", "x\ny\n"), ("build.env", "")]);
        let bicep = p.file("infra/main.bicep").unwrap();
        let at_y = Source::File(Span::new(
            bicep,
            TextRange::at(TextSize::new(2), TextSize::new(1)),
        ));
        assert_eq!(
            set_app_setting(&p, &at_y, "X", "y"),
            "set X to `y` in infra/main.bicep:2"
        );
        assert_eq!(
            set_startup_command(&p, &at_y, "gunicorn app:app"),
            "change the startup command in infra/main.bicep:2 to `gunicorn app:app`"
        );
        assert_eq!(
            set_startup_command(&p, &Source::flag("--startup-command"), "gunicorn app:app"),
            "set the startup command to `gunicorn app:app`: `az webapp config set --resource-group <group> --name <app> --startup-file \"gunicorn app:app\"`"
        );
        assert_eq!(
            set_python_version(&p, &at_y, "3.12"),
            "write `3.12` in infra/main.bicep:2"
        );
        let env = Source::File(Span::file_start(p.file("build.env").unwrap()));
        assert_eq!(
            set_app_setting(&p, &env, "X", "a b"),
            "write `X=a b` in build.env"
        );
        assert_eq!(
            set_app_setting(&p, &Source::flag("--app-setting"), "X", "a b"),
            "set the app setting with `az webapp config appsettings set --resource-group <group> --name <app> --settings 'X=a b'`"
        );
    }

    #[test]
    fn a_startup_file_fix_is_its_line() {
        let (_d, project) = project(&[
            ("src/app.py", "app = None\n"),
            (
                "startup.sh",
                "#!/bin/sh\npip install -r requirements.txt\ncd src\ngunicorn --bind=127.0.0.1:5000 app:app\n",
            ),
        ]);
        let startup = with_command(&project, "startup.sh");
        let text = startup.run().unwrap();
        let server = startup.gunicorn_server().unwrap();
        let fix = edit_startup(
            &project,
            text,
            &[Edit::replacement(
                "0.0.0.0:8000",
                server.command.value("--bind").unwrap().range,
            )],
        );
        assert_eq!(
            fix,
            "change line 4 of startup.sh to `gunicorn --bind=0.0.0.0:8000 app:app`"
        );
        assert_eq!(startup_flag_note(&startup), None);
        assert_eq!(assumed_startup_file_note(&project, &startup), None);
    }

    #[test]
    fn a_continued_line_is_fixed_as_one_line() {
        let (_d, project) = project(&[(
            "startup.sh",
            "python -m uvicorn app:app \\\n    --port 5000\n",
        )]);
        let startup = Startup::detect(
            &project,
            None,
            PythonVersion::PY312,
            &AppSettings::default(),
        );
        let text = startup.run().unwrap();
        let port = text.servers[0].command.value("--port").unwrap().range;
        assert_eq!(
            edit_startup(&project, text, &[Edit::replacement("8000", port)]),
            "change lines 1-2 of startup.sh to `python -m uvicorn app:app --port 8000`"
        );
        let note = assumed_startup_file_note(&project, &startup).unwrap();
        assert!(
            note.contains("`startup.sh` at the app root is assumed")
                && note.contains("--startup-file startup.sh"),
            "{note}"
        );
    }

    #[test]
    fn a_flag_command_fix_is_the_whole_command() {
        let (_d, project) = project(&[("app.py", "")]);
        let startup = with_command(&project, "uvicorn main:app --port 8000");
        let text = startup.run().unwrap();
        let end = text.servers[0].command.range().end();
        let help = edit_startup(&project, text, &[Edit::insertion(" --host 0.0.0.0", end)]);
        assert!(
            help.starts_with(
                "set the startup command to `uvicorn main:app --port 8000 --host 0.0.0.0`"
            ),
            "{help}"
        );
        assert_eq!(
            startup_flag_note(&startup).as_deref(),
            Some("the startup command is set by `--startup-command`")
        );
    }
}
