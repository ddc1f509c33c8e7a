//! AZ311: `STATICFILES_STORAGE` or `DEFAULT_FILE_STORAGE` with a Django that no longer reads them.

use crate::diagnostic::Diagnostic;
use crate::platform::eval::Value;
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ311",
    name: "django-removed-storage-settings",
    category: Category::Risk,
    summary: "`STATICFILES_STORAGE` or `DEFAULT_FILE_STORAGE` is set, but the Django the requirements install (5.1 or later) ignores them",
    docs: include_str!("../../lints/AZ311.md"),
    security_severity: None,
};

/// The removed settings, the `STORAGES` key each became, and Django's default backend for it.
const REMOVED: &[(&str, &str, &str)] = &[
    (
        "DEFAULT_FILE_STORAGE",
        "default",
        "django.core.files.storage.FileSystemStorage",
    ),
    (
        "STATICFILES_STORAGE",
        "staticfiles",
        "django.contrib.staticfiles.storage.StaticFilesStorage",
    ),
];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Only a Django the requirements pin to 5.1 or later, or leave unpinned (the newest).
    let Some(range) = ctx.requirements.versions("django") else {
        return;
    };
    if !range.all_at_least((5, 1)) {
        return;
    }
    // With `STORAGES` set (in any branch), the old settings are dead code rather than a lost backend.
    if django
        .get("STORAGES")
        .iter()
        .any(|a| a.value != Value::Unset)
    {
        return;
    }
    let found: Vec<(&str, String, crate::project::Span)> = REMOVED
        .iter()
        .filter_map(|&(name, _, _)| {
            let alternatives = django.get(name);
            let set = bad_in_every_branch(&alternatives, |v| v.as_str().map(str::to_owned));
            let (assigned, backend) = set.into_iter().next()?;
            Some((name, backend, assigned.span?))
        })
        .collect();
    if found.is_empty() {
        return;
    }
    // One `STORAGES` with both backends, whichever the settings set.
    let backend_of = |(name, _, default): &(&str, &str, &str)| {
        found
            .iter()
            .find(|(n, _, _)| n == name)
            .map_or(default.to_string(), |(_, b, _)| b.clone())
    };
    let storages = format!(
        "STORAGES = {{'default': {{'BACKEND': '{}'}}, 'staticfiles': {{'BACKEND': '{}'}}}}",
        backend_of(&REMOVED[0]),
        backend_of(&REMOVED[1]),
    );
    let version = if range.is_open() {
        "the newest Django, which the unpinned requirement installs".to_owned()
    } else {
        "Django 5.1 or later, which the requirements pin".to_owned()
    };
    for (name, backend, span) in &found {
        let instead = REMOVED
            .iter()
            .find(|(n, _, _)| n == name)
            .map_or("", |(_, _, default)| default);
        out.push(
            Diagnostic::new(
                &META,
                Some(*span),
                format!(
                    "{name} is ignored by {version}, so `{backend}` is not used and Django falls back to `{instead}` ({})",
                    settings_place(ctx, *span)
                ),
            )
            .label("removed in Django 5.1")
            .help(format!("replace it with the `STORAGES` setting: `{storages}`"))
            .note("Django 4.2 deprecated these settings for `STORAGES` and 5.1 removed them without an error"),
        );
    }
}
