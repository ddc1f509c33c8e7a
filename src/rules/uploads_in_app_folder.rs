//! AZ315: uploaded files are stored in the app's folder, where App Service loses them.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{media_in_app, uploads_stored_locally};
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ315",
    name: "uploads-in-app-folder",
    category: Category::Risk,
    summary: "Uploaded files (FileField, ImageField) are stored in the app folder, where App Service loses them",
    docs: include_str!("../../lints/AZ315.md"),
    security_severity: None,
};

const HELP: &str = "store uploads in Azure Blob Storage with django-storages (`STORAGES = {'default': {'BACKEND': 'storages.backends.azure_storage.AzureStorage'}, ...}`), or, for a single instance, under /home, which App Service keeps: `MEDIA_ROOT = '/home/data/media'`";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if !uploads_stored_locally(django) {
        return;
    }
    let media = django.get("MEDIA_ROOT");
    let in_app = bad_in_every_branch(&media, media_in_app);
    if in_app.is_empty() {
        return;
    }
    let Some(model) = ctx.django_upload_model() else {
        return;
    };
    let lost = if ctx.startup.compressed {
        "the app runs from a copy extracted to /tmp/<id> at every start, so uploads vanish at every restart and deployment"
    } else {
        "every deployment replaces the app folder, so uploads vanish at the next deployment"
    };
    let project = ctx.project;
    for (assigned, tail) in in_app {
        let (span, place) = match assigned.span {
            Some(span) if tail.is_empty() => (span, "the app folder (MEDIA_ROOT)".to_owned()),
            Some(span) => (span, format!("`{tail}` in the app folder (MEDIA_ROOT)")),
            // Unset: Django's default, the working folder, which is the app's.
            None => match django.modules.first() {
                Some(m) => (
                    Span::file_start(m.file),
                    "the working folder, the app's (MEDIA_ROOT is not set)".to_owned(),
                ),
                None => continue,
            },
        };
        out.push(
            Diagnostic::new(
                &META,
                Some(span),
                format!(
                    "the models take uploads ({}) and store them in {place}: {lost} ({})",
                    project.rel_path(model),
                    settings_place(ctx, span)
                ),
            )
            .label("uploads stored here")
            .help(HELP)
            .note("each instance also has its own copy once the app scales out"),
        );
    }
}
