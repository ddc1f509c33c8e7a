//! AZ406: the Flask app runs in debug mode when an app setting is missing (its config object is chosen by
//! an environment variable whose default names a development configuration).

use crate::diagnostic::Diagnostic;
use crate::platform::eval::{ConfigHow, Value};
use crate::rules::{Category, Context, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "AZ406",
    name: "flask-debug-fails-open",
    category: Category::Risk,
    summary: "The Flask app runs in debug mode when an app setting is missing: the config object chosen by default turns it on",
    docs: include_str!("../../lints/AZ406.md"),
    security_severity: Some("5.3"),
};

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(write) = ctx.app_config_when_unset("DEBUG") else {
        return;
    };
    if !matches!(write.value, Value::Bool(true) | Value::Int(1)) {
        return;
    }
    let (Some(var), ConfigHow::Object(class)) = (&write.when_unset, &write.how) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &META,
            Some(write.span),
            format!(
                "the Flask app runs in debug mode whenever the app setting {var} is missing: `app.config.from_object` then loads `{class}`, which sets `DEBUG = True`"
            ),
        )
        .label(format!("loaded when {var} is not set"))
        .help(format!(
            "make the default the production configuration (`config[os.getenv('{var}', 'production')]`), and set {var} only where you develop"
        ))
        .note("App Service starts an app with only the app settings you give it: a new app, a new slot or a deleted setting gets the default"),
    );
}
