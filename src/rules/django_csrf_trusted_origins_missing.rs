//! AZ305: Django 4+ rejects every form post on App Service: the `Origin` is `https://`, Django sees http, and
//! `CSRF_TRUSTED_ORIGINS` does not list the app's origin.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{HttpsSeen, OriginsValue, always_lists};
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ305",
    name: "django-csrf-trusted-origins-missing",
    category: Category::Blocker,
    summary: "Django 4+ answers every form post with 403: the app's `https://` origin is not trusted and Django sees requests as http",
    docs: include_str!("../../lints/AZ305.md"),
    security_severity: None,
};

const HELP: &str = "trust the app's own origin in the production settings: `CSRF_TRUSTED_ORIGINS = ['https://' + os.environ['WEBSITE_HOSTNAME']]` (add custom domains as `https://www.example.com`), or let Django see HTTPS with `SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')`";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    // Origin checking came with Django 4.0; an unpinned Django is the newest. A Django the requirements
    // files do not list (a Pipfile, a lock file) has a version this tool does not read: nothing is said.
    let Some(range) = ctx.requirements.versions("django") else {
        return;
    };
    if range.all_below((4, 0)) {
        return;
    }
    if django.https != HttpsSeen::Insecure
        || !always_lists(
            &django.get("MIDDLEWARE"),
            "django.middleware.csrf.CsrfViewMiddleware",
        )
        || !ctx.django_takes_forms()
    {
        return;
    }
    let origins = django.get("CSRF_TRUSTED_ORIGINS");
    let misses = bad_in_every_branch(&origins, |value| {
        match crate::platform::django::classify_trusted_origins(value) {
            OriginsValue::Misses { shown, foreign } => Some((shown, foreign)),
            OriginsValue::MayCover => None,
        }
    });
    if misses.is_empty() {
        return;
    }
    // Point at the setting where it is written, else at the settings module App Service loads.
    let written = misses.iter().find_map(|(assigned, _)| assigned.span);
    let span = written.or_else(|| {
        django
            .modules
            .first()
            .map(|m| crate::project::Span::file_start(m.file))
    });
    let Some(span) = span else { return };
    let what = match written {
        None => "CSRF_TRUSTED_ORIGINS is not set".to_owned(),
        Some(at) => {
            let (shown, foreign) = &misses[0].1;
            let mut lists = Vec::new();
            if !shown.is_empty() {
                lists.push(shown.join(", "));
            }
            if !foreign.is_empty() {
                lists.push(format!(
                    "what {} gives, which App Service never sets",
                    foreign.join(", ")
                ));
            }
            match lists.is_empty() {
                true => format!(
                    "CSRF_TRUSTED_ORIGINS is empty ({})",
                    settings_place(ctx, at)
                ),
                false => format!(
                    "CSRF_TRUSTED_ORIGINS holds only {} ({})",
                    lists.join(" and "),
                    settings_place(ctx, at)
                ),
            }
        }
    };
    let django_version = if range.is_open() {
        "Django 4.0 and later (the newest is assumed: the requirements do not pin it) check"
    } else {
        "Django 4.0 and later check"
    };
    let admin = if always_lists(&django.get("INSTALLED_APPS"), "django.contrib.admin") {
        " (the admin login first)"
    } else {
        ""
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "{what}, and Django sees requests to App Service as http, so every form post gets 403 \"Origin checking failed\"{admin}"
            ),
        )
        .label(match written {
            Some(_) => "no `https://` origin of the app",
            None => "the settings App Service loads",
        })
        .help(HELP)
        // Let Django see HTTPS; where the settings set a proxy header already (a wrong one), trust the
        // app's origin in a literal CSRF_TRUSTED_ORIGINS instead.
        .fix(fixes::proxy_header_fix(ctx.project, django).or_else(|| {
            written.and_then(|at| {
                fixes::append_to_literal(ctx.project, at, fixes::WEBSITE_ORIGIN_ITEM)
            })
        }))
        .note(format!(
            "{django_version} the browser's `Origin: https://<app>.azurewebsites.net` against the scheme Django sees, then against CSRF_TRUSTED_ORIGINS"
        )),
    );
}
