//! AZ312: `DJANGO_SETTINGS_MODULE` names a module the app does not have.

use crate::diagnostic::Diagnostic;
use crate::platform::django::SettingsOrigin;
use crate::rules::{Category, Context, RuleMeta, on_setting};

pub static META: RuleMeta = RuleMeta {
    code: "AZ312",
    name: "django-settings-module-missing",
    category: Category::Blocker,
    summary: "`DJANGO_SETTINGS_MODULE` names a settings module the app does not have",
    docs: include_str!("../../lints/AZ312.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(missing) = &ctx.django_missing else {
        return;
    };
    let names = missing
        .names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let path = |name: &String| format!("{}.py", name.replace('.', "/"));
    let expected = missing
        .names
        .iter()
        .map(path)
        .collect::<Vec<_>>()
        .join(" or ");
    let message = format!(
        "DJANGO_SETTINGS_MODULE is {names}, but the app has no such module ({expected}), so Django stops at start-up with ModuleNotFoundError"
    );
    let help = match missing.candidates.as_slice() {
        [] => format!(
            "name the settings module the app has, by its import path from the app root (a folder `mysite/` with `settings.py` is `mysite.settings`), or add {expected}"
        ),
        found => format!(
            "name the settings module the app has: {} (its import path from the app root), or add {expected}",
            found
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    let d = match &missing.origin {
        SettingsOrigin::EnvWrite(span) => {
            Diagnostic::new(&META, Some(*span), message).label("no such module in the app")
        }
        SettingsOrigin::AppSetting => {
            let Some(setting) = ctx.app_settings.get("DJANGO_SETTINGS_MODULE") else {
                return;
            };
            on_setting(
                &META,
                ctx.project,
                setting,
                message,
                "no such module in the app",
            )
        }
        SettingsOrigin::Fallback => return,
    };
    out.push(d.help(help));
}
