//! AZ307: nothing serves the static files of a Django app in production on App Service.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{
    DebugValue, SECURITY_MIDDLEWARE, WHITENOISE_MIDDLEWARE, always_lists, known_string_lists,
    static_files_elsewhere,
};
use crate::rules::{Category, Context, RuleMeta, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ307",
    name: "django-static-files-not-served",
    category: Category::Risk,
    summary: "`DEBUG` is off and nothing serves the static files (no WhiteNoise, no storage backend), so CSS and the admin's styles 404",
    docs: include_str!("../../lints/AZ307.md"),
    security_severity: None,
};

const HELP: &str = "serve them with WhiteNoise, as the App Service guide does: add `whitenoise` to requirements.txt, put `'whitenoise.middleware.WhiteNoiseMiddleware'` right after `'django.middleware.security.SecurityMiddleware'` in MIDDLEWARE, and set `STATIC_ROOT = BASE_DIR / 'staticfiles'` for collectstatic";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    if !always_lists(&django.get("INSTALLED_APPS"), "django.contrib.staticfiles") {
        return;
    }
    // Off in production: a debug value App Service cannot turn on.
    if !django
        .debug
        .iter()
        .all(|(_, v)| matches!(v, DebugValue::Off | DebugValue::FromEnv))
    {
        return;
    }
    let middleware = django.get("MIDDLEWARE");
    let Some(lists) = known_string_lists(&middleware) else {
        return;
    };
    if lists
        .iter()
        .any(|(_, items)| items.iter().any(|m| m.starts_with("whitenoise.")))
    {
        return;
    }
    if static_files_elsewhere(django) || ctx.static_served_in_code() {
        return;
    }
    let Some(span) = lists.iter().find_map(|(a, _)| a.span) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(span),
            format!(
                "nothing serves the static files: DEBUG is off, MIDDLEWARE has no `{WHITENOISE_MIDDLEWARE}`, and no storage backend or other host serves them, so CSS, JavaScript and the admin's styles come back 404 ({})",
                settings_place(ctx, span)
            ),
        )
        .label("no static file serving")
        .help(HELP)
        .note("gunicorn serves only the app; Django serves static files itself only under runserver with DEBUG on")
        // The middleware alone is a fix only when the requirements install WhiteNoise.
        .fix(
            ctx.requirements
                .versions("whitenoise")
                .and_then(|_| {
                    fixes::place_after_element(
                        ctx.project,
                        span,
                        SECURITY_MIDDLEWARE,
                        WHITENOISE_MIDDLEWARE,
                    )
                }),
        ),
    );
}
