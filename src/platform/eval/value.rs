//! Values of the static evaluator: what a Python expression in a settings module is known to be on App Service.

use crate::project::Span;

/// A string written in the code (or computed from literals only).
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    /// The literal (or expression) it came from.
    pub span: Option<Span>,
}

/// One value a name can have, and where it was assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    pub value: Value,
    /// The assigned expression (`None` for `Unset`).
    pub span: Option<Span>,
}

impl Assigned {
    pub(crate) fn unset() -> Assigned {
        Assigned {
            value: Value::Unset,
            span: None,
        }
    }
}

/// What an environment read gives when the variable is not set.
#[derive(Debug, Clone, PartialEq)]
pub enum Fallback {
    /// `os.environ['X']`, `env('X')` without default: the app fails to start.
    Required,
    /// The default (`None` for `os.environ.get('X')`).
    Default(Box<Value>),
}

/// The library a value is read from the environment with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadApi {
    /// `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)`.
    OsEnviron,
    /// python-decouple's `config(...)`.
    Decouple,
    /// django-environ's `Env`.
    DjangoEnviron,
}

/// A string read from the environment, not converted.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvRead {
    pub var: String,
    pub fallback: Fallback,
    /// The expression that reads it.
    pub span: Span,
    pub api: ReadApi,
}

/// A boolean derived from the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvBool {
    pub var: String,
    /// The value when the variable is not set (`None`: the read fails, or it cannot be told).
    pub when_unset: Option<bool>,
    /// The truthiness of the raw string (`bool(os.getenv('X'))`): `"False"` is true.
    pub string_truthiness: bool,
    pub span: Span,
}

/// A value that cannot be known statically.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing is known (a call, a name from an unknown module, ...).
    Unknown,
    /// Not assigned at all on this path: Django's default applies.
    Unset,
    None,
    Bool(bool),
    Int(i64),
    Str(StrLit),
    /// A list, tuple or set.
    List(Vec<Value>),
    /// A path inside the app's folder, computed from `__file__` (`Path(__file__).resolve().parent.parent /
    /// 'db.sqlite3'`, `os.path.join(BASE_DIR, 'media')`): which folder of the app is not tracked, only the
    /// parts joined onto it (`db.sqlite3`).
    AppPath(String),
    /// A dict whose keys are all string literals, in insertion order (a key assigned again keeps its
    /// place and takes the new value).
    Dict(Vec<(String, Value)>),
    /// A raw environment string.
    Env(EnvRead),
    EnvBool(EnvBool),
    /// A boolean decided by the environment App Service is known to have (a variable it always or
    /// never sets, or an app setting given to the tool): `'WEBSITE_HOSTNAME' in os.environ`.
    Known {
        value: bool,
        var: String,
        span: Span,
    },
    /// Computed from these environment variables in a way not tracked further (split, parsed, joined).
    EnvDerived(Vec<String>),
    /// A value generated anew in every process (`get_random_secret_key()`, `secrets.token_hex()`).
    Generated {
        call: String,
        span: Span,
    },
    /// One of several values, depending on something unknown.
    Either(Vec<Value>),
    /// A module or namespace, by dotted name.
    Module(String),
    /// A known function, by dotted name (`os.getenv`, `decouple.config`).
    Func(String),
    /// `os.environ`.
    Environ,
    /// A django-environ `Env` object with the casts declared in its constructor: (name, cast, default).
    DjEnv(Vec<(String, String, Option<Value>)>),
    /// A Flask or Quart application object (`Flask(__name__)`).
    FlaskApp,
    /// A class the code defines, with the attributes its body and its known bases set (Flask's
    /// `class Config:` objects, loaded by `app.config.from_object(Config)`).
    Class(std::rc::Rc<ClassValue>),
}

/// A class's name and attributes, its own after its bases' (a later one overrides an earlier one).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassValue {
    pub name: String,
    pub attrs: Vec<(String, Vec<Assigned>)>,
}

impl ClassValue {
    /// The values an attribute can have (`None` when the class does not set it).
    pub fn attr(&self, name: &str) -> Option<&[Assigned]> {
        self.attrs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, alts)| alts.as_slice())
    }
}

impl Value {
    /// The environment variables this value depends on (empty when none).
    pub fn env_vars(&self) -> Vec<String> {
        let mut vars = Vec::new();
        self.collect_env_vars(&mut vars, 0);
        vars
    }

    fn collect_env_vars(&self, out: &mut Vec<String>, depth: usize) {
        if depth > 32 {
            return;
        }
        let mut add = |v: &str| {
            if !out.iter().any(|o| o == v) {
                out.push(v.to_owned());
            }
        };
        match self {
            Value::Env(e) => add(&e.var),
            Value::EnvBool(e) => add(&e.var),
            Value::Known { var, .. } => add(var),
            Value::EnvDerived(vars) => vars.iter().for_each(|v| add(v)),
            Value::List(items) | Value::Either(items) => items
                .iter()
                .for_each(|i| i.collect_env_vars(out, depth + 1)),
            Value::Dict(entries) => entries
                .iter()
                .for_each(|(_, v)| v.collect_env_vars(out, depth + 1)),
            _ => {}
        }
    }

    pub fn is_env_dependent(&self) -> bool {
        !self.env_vars().is_empty()
    }

    /// The alternatives of an `Either`, or the value itself.
    pub fn alternatives(&self) -> Vec<&Value> {
        match self {
            Value::Either(vs) => vs.iter().collect(),
            v => vec![v],
        }
    }

    /// The value of a dict's key (`None` when this is not a dict or has no such key).
    pub fn key(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(&s.value),
            _ => None,
        }
    }
}
