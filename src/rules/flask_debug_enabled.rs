//! AZ401: the Flask app the start-up code configures runs in debug mode.

use crate::diagnostic::Diagnostic;
use crate::platform::eval::{ConfigHow, Value};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ401",
    name: "flask-debug-enabled",
    category: Category::Blocker,
    summary: "The Flask app is configured with debug mode on",
    docs: include_str!("../../lints/AZ401.md"),
    security_severity: Some("7.5"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(write) = ctx.app_config("DEBUG") else {
        return;
    };
    let on = match &write.value {
        Value::Bool(b) | Value::Known { value: b, .. } => *b,
        Value::Int(i) => *i != 0,
        _ => false,
    };
    if !on {
        return;
    }
    let how = match &write.how {
        ConfigHow::Item => "`app.config['DEBUG']` is set to true".to_owned(),
        ConfigHow::Update => "`app.config.update(DEBUG=...)` turns it on".to_owned(),
        ConfigHow::Attribute => "`app.debug` is set to true".to_owned(),
        ConfigHow::Object(class) => {
            format!("`DEBUG = True` in `{class}`, which `app.config.from_object` loads")
        }
        ConfigHow::Run => "`app.run(debug=True)` runs at import".to_owned(),
        ConfigHow::SessionMiddleware | ConfigHow::Opaque => return,
    };
    let file = ctx.project.rel_path(write.span.file);
    out.push(
        Diagnostic::new(
            &META,
            Some(write.span),
            format!(
                "the Flask app runs in debug mode on App Service: {how} in the code the app imports at start-up ({file})"
            ),
        )
        .label("debug mode on")
        .help("read it from an app setting that is off unless set: `app.config['DEBUG'] = os.environ.get('FLASK_DEBUG') == '1'` (or remove it: Flask's default is off)")
        .note("debug mode propagates every unhandled exception past the app's own error pages, reloads templates on every request, and with the development server (`app.run`, `flask run`) serves the interactive debugger, which runs any Python code a visitor types"),
    );
}
