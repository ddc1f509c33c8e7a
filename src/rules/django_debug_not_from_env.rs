//! AZ301: `DEBUG` is on in the settings App Service loads.

use crate::diagnostic::Diagnostic;
use crate::platform::django::DebugValue;
use crate::rules::{Category, Context, RuleMeta, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ301",
    name: "django-debug-not-from-env",
    category: Category::Blocker,
    summary: "`DEBUG` is on in the settings App Service loads",
    docs: include_str!("../../lints/AZ301.md"),
    security_severity: Some("7.5"),
};

const HELP: &str = "read it from the environment, off unless set: `DEBUG = os.environ.get('DEBUG', '').lower() in ('1', 'true', 'yes')` (or set `DEBUG = False` in the production settings)";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Every branch must be wrong in some way; this rule reports the branches that are on on App Service
    // whatever its app settings say. AZ302 reports raw strings, AZ317 values that fail open.
    for (assigned, verdict) in django.debug_problems() {
        let Some(span) = assigned.span else { continue };
        let place = settings_place(ctx, span);
        let diagnostic = match verdict {
            DebugValue::On { literal_true: true } => Diagnostic::new(
                &META,
                Some(span),
                format!("DEBUG is the literal `True` in the settings App Service loads ({place})"),
            )
            .label("debug pages with settings and tracebacks are served to everyone")
            .fix(fixes::replace_value_unsafe(
                ctx.project,
                span,
                "os.environ.get('DEBUG', '').lower() in ('1', 'true', 'yes')",
            )),
            DebugValue::On { .. } => Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "DEBUG is `{}`, which is true, and does not come from the environment ({place})",
                    clipped(ctx, span)
                ),
            )
            .label("always true"),
            DebugValue::OnInThisEnvironment { var, span: read } => {
                let why = match ctx.app_settings.get(var) {
                    Some(setting) => format!("the app setting {var} is `{}`", setting.value),
                    None if crate::platform::django::FOREIGN_VARS.contains(&var.as_str()) => {
                        format!("{var} is never set on App Service")
                    }
                    None => format!("App Service always sets {var}"),
                };
                Diagnostic::new(
                    &META,
                    Some(*read),
                    format!(
                        "DEBUG is true on App Service because {why}: `{}` ({place})",
                        clipped(ctx, span)
                    ),
                )
                .label("true on App Service")
            }
            _ => continue,
        };
        out.push(diagnostic.help(HELP));
    }
}

/// The assigned expression on one line, cut at 80 characters.
fn clipped(ctx: &Context, span: crate::project::Span) -> String {
    let text = ctx
        .project
        .text(span.file)
        .map(|t| t.slice(span.range).to_owned())
        .unwrap_or_default();
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(79).collect::<String>())
    } else {
        one_line
    }
}
