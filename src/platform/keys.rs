//! What a signing key's value is, once evaluated: written in the code, a literal fallback of an app
//! setting, or generated anew in every process. Django's `SECRET_KEY` (AZ303) and Flask's or Starlette's
//! (AZ402) ask the same question here.

use crate::platform::eval::{Fallback, Value};
use crate::project::Span;

/// How a signing key is not a secret the app settings hold.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyProblem {
    /// A literal (`'dev'`), or an empty string.
    Literal { value: String, span: Option<Span> },
    /// The literal fallback of an environment read: `os.environ.get('SECRET_KEY', 'dev')`.
    LiteralFallback {
        var: String,
        value: String,
        span: Option<Span>,
    },
    /// `secrets.token_hex()` and the like: a new key in every process.
    Generated { call: String, span: Span },
    /// A generated key as the fallback of an environment read.
    GeneratedFallback {
        var: String,
        call: String,
        span: Span,
    },
}

/// The problem with a key's value, if it has one (`None` for a key read from the environment without a
/// fallback, or a value this tool cannot tell).
pub fn key_problem(value: &Value) -> Option<KeyProblem> {
    match value {
        Value::Str(s) => Some(KeyProblem::Literal {
            value: s.value.clone(),
            span: s.span,
        }),
        Value::Generated { call, span } => Some(KeyProblem::Generated {
            call: call.clone(),
            span: *span,
        }),
        Value::Env(read) => match &read.fallback {
            Fallback::Default(default) => match default.as_ref() {
                Value::Str(s) if !s.value.is_empty() => Some(KeyProblem::LiteralFallback {
                    var: read.var.clone(),
                    value: s.value.clone(),
                    span: s.span,
                }),
                Value::Generated { call, span } => Some(KeyProblem::GeneratedFallback {
                    var: read.var.clone(),
                    call: call.clone(),
                    span: *span,
                }),
                _ => None,
            },
            Fallback::Required => None,
        },
        _ => None,
    }
}
