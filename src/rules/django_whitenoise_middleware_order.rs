//! AZ319: WhiteNoise's middleware is not directly after `SecurityMiddleware`.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{SECURITY_MIDDLEWARE, WHITENOISE_MIDDLEWARE, known_string_lists};
use crate::rules::{Category, Context, RuleMeta, fixes, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ319",
    name: "django-whitenoise-middleware-order",
    category: Category::Advice,
    summary: "WhiteNoise's middleware is not directly after `SecurityMiddleware`, where its documentation asks for it",
    docs: include_str!("../../lints/AZ319.md"),
    security_severity: None,
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let middleware = django.get("MIDDLEWARE");
    let Some(lists) = known_string_lists(&middleware) else {
        return;
    };
    // Every branch must have both, in the wrong order.
    let misplaced = lists.iter().all(|(_, items)| {
        let security = items.iter().position(|m| *m == SECURITY_MIDDLEWARE);
        let whitenoise = items.iter().position(|m| *m == WHITENOISE_MIDDLEWARE);
        matches!((security, whitenoise), (Some(s), Some(w)) if w != s + 1)
    });
    if !misplaced {
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
                "`{WHITENOISE_MIDDLEWARE}` is not directly after `{SECURITY_MIDDLEWARE}` in MIDDLEWARE ({})",
                settings_place(ctx, span)
            ),
        )
        .label("WhiteNoise placed elsewhere")
        .help(format!(
            "move `'{WHITENOISE_MIDDLEWARE}'` to the line right after `'{SECURITY_MIDDLEWARE}'`"
        ))
        .note("middleware above WhiteNoise runs for every static file request (sessions, authentication, ...); below SecurityMiddleware, its headers still apply")
        .fix(fixes::place_after_element(
            ctx.project,
            span,
            SECURITY_MIDDLEWARE,
            WHITENOISE_MIDDLEWARE,
        )),
    );
}
