//! The evaluator's library models: reads of the environment through `os.environ`, `os.getenv`,
//! python-decouple and django-environ, their fallbacks and casts, and the calls that carry them.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn env_read(
        &self,
        var: &str,
        fallback: Fallback,
        span: Span,
        api: ReadApi,
    ) -> Value {
        self.record_read(var, matches!(fallback, Fallback::Required), span);
        Value::Env(EnvRead {
            var: var.to_owned(),
            fallback,
            api,
            span,
        })
    }

    pub(super) fn call(
        &mut self,
        frame: &mut Frame,
        call: &ast::ExprCall,
        span: Span,
        d: usize,
    ) -> Value {
        // A method call's receiver is evaluated once (`a.b().c().d()` is linear, not exponential).
        let (func, receiver) = match call.func.as_ref() {
            Expr::Attribute(attr) => {
                let base = self.expr(frame, &attr.value, d);
                self.used_as_not_none(&base);
                (attribute(&base, attr.attr.as_str()), Some(base))
            }
            other => (self.expr(frame, other, d), None),
        };
        let args: Vec<Value> = call
            .arguments
            .args
            .iter()
            .map(|a| self.expr(frame, a, d))
            .collect();
        let mut kwargs: Vec<(String, Value)> = Vec::new();
        for kw in &call.arguments.keywords {
            let v = self.expr(frame, &kw.value, d);
            if let Some(arg) = &kw.arg {
                kwargs.push((arg.as_str().to_owned(), v));
            }
        }
        let kw = |name: &str| {
            kwargs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let first_str = args.first().and_then(|a| a.as_str().map(str::to_owned));
        if let Value::Func(path) = &func
            && REJECT_NONE.contains(&path.as_str())
        {
            args.iter().for_each(|a| self.used_as_not_none(a));
        }
        if let Expr::Attribute(attr) = call.func.as_ref() {
            let kw_span = |name: &str| {
                call.arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
                    .map(|k| Span::new(frame.file, k.value.range()))
            };
            match (attr.attr.as_str(), &receiver) {
                // `app.run(debug=True)`: the development server, with the debugger.
                ("run", Some(Value::FlaskApp)) => {
                    if let (Some(debug), Some(at)) = (kw("debug"), kw_span("debug")) {
                        self.config_write("DEBUG".to_owned(), debug, at, ConfigHow::Run);
                    }
                }
                // `talisman.init_app(app)` on a `Talisman()` made without the app.
                ("init_app", _)
                    if matches!(&receiver, Some(Value::Module(m)) if m.ends_with("Talisman"))
                        && kw("force_https") != Some(Value::Bool(false)) =>
                {
                    self.https_marker(true, "Flask-Talisman", span);
                }
                // `app.add_middleware(HTTPSRedirectMiddleware)` (Starlette, FastAPI).
                ("add_middleware", _) if matches!(args.first(), Some(Value::Module(m) | Value::Func(m)) if m.ends_with("HTTPSRedirectMiddleware")) =>
                {
                    self.https_marker(true, "HTTPSRedirectMiddleware", span);
                }
                // `app.add_middleware(ProxyHeadersMiddleware, trusted_hosts="*")` (uvicorn).
                ("add_middleware", _) if matches!(args.first(), Some(Value::Module(m) | Value::Func(m)) if m.ends_with("ProxyHeadersMiddleware")) =>
                {
                    self.https_marker(false, "ProxyHeadersMiddleware", span);
                }
                // `app.add_middleware(SessionMiddleware, secret_key=...)` (Starlette, FastAPI).
                ("add_middleware", _) if args.first().is_some_and(is_session_middleware) => {
                    if let (Some(key), Some(at)) = (kw("secret_key"), kw_span("secret_key")) {
                        self.config_write(
                            "SECRET_KEY".to_owned(),
                            key,
                            at,
                            ConfigHow::SessionMiddleware,
                        );
                    }
                }
                _ => {}
            }
        }
        // `Middleware(SessionMiddleware, secret_key=...)` in the app's middleware list.
        if matches!(&func, Value::Module(m) | Value::Func(m) if m.ends_with("middleware.Middleware"))
            && args.first().is_some_and(is_session_middleware)
            && let Some(key) = kw("secret_key")
            && let Some(at) = call
                .arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "secret_key"))
                .map(|k| Span::new(frame.file, k.value.range()))
        {
            self.config_write(
                "SECRET_KEY".to_owned(),
                key,
                at,
                ConfigHow::SessionMiddleware,
            );
        }
        // `(BASE_DIR / 'data.json').write_text(...)`, `.mkdir()`: a write in the app folder.
        if let (Some(path @ Value::AppPath(_)), Expr::Attribute(attr)) =
            (&receiver, call.func.as_ref())
            && matches!(
                attr.attr.as_str(),
                "write_text" | "write_bytes" | "mkdir" | "touch"
            )
        {
            self.file_write(path.clone(), format!("Path.{}()", attr.attr.as_str()), span);
            return Value::Unknown;
        }
        // `Path(__file__).resolve()`, `BASE_DIR.joinpath('media')`: still in the app.
        if let (Some(Value::AppPath(tail)), Expr::Attribute(attr)) = (&receiver, call.func.as_ref())
        {
            return match attr.attr.as_str() {
                "resolve" | "absolute" | "expanduser" => Value::AppPath(tail.clone()),
                "joinpath" => join_app_path(tail, &args).unwrap_or(Value::Unknown),
                _ => Value::Unknown,
            };
        }
        match &func {
            Value::Func(path) => match path.as_str() {
                "os.getenv" | "os.environ.get" => {
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let default = args
                        .get(1)
                        .cloned()
                        .or_else(|| kw("default"))
                        .unwrap_or(Value::None);
                    let fallback = written_fallback(frame, &var)
                        .unwrap_or(Fallback::Default(Box::new(default)));
                    self.env_read(&var, fallback, span, ReadApi::OsEnviron)
                }
                "os.environ.setdefault" => {
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let value = args.get(1).cloned().unwrap_or(Value::Unknown);
                    // The write takes effect only when the variable is not already set.
                    if self.facts.presence(&var) != Some(true)
                        && !frame.names.contains_key(&env_key(&var))
                    {
                        set(frame, &env_key(&var), value.clone(), Some(span));
                    }
                    frame.env_writes.push(EnvWrite {
                        var: var.clone(),
                        value: value.clone(),
                        setdefault: true,
                        span,
                    });
                    self.env_read(
                        &var,
                        Fallback::Default(Box::new(value)),
                        span,
                        ReadApi::OsEnviron,
                    )
                }
                "decouple.config" | "decouple.AutoConfig()" => {
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let default = args.get(1).cloned().or_else(|| kw("default"));
                    let cast = match kw("cast").or_else(|| args.get(2).cloned()) {
                        Some(Value::Func(f)) => f,
                        Some(_) => "other".to_owned(),
                        None => String::new(),
                    };
                    self.cast_env(&var, default, &cast, span, ReadApi::Decouple)
                }
                "environ.Env" | "environ.FileAwareEnv" => Value::DjEnv(
                    kwargs
                        .iter()
                        .map(|(name, v)| match v {
                            Value::List(items) => (
                                name.clone(),
                                match items.first() {
                                    Some(Value::Func(f)) => f.clone(),
                                    _ => "other".to_owned(),
                                },
                                items.get(1).cloned(),
                            ),
                            Value::Func(f) => (name.clone(), f.clone(), None),
                            _ => (name.clone(), "other".to_owned(), None),
                        })
                        .collect(),
                ),
                "builtins.bool" => match args.first() {
                    // `bool(os.environ.get('WEBSITE_HOSTNAME'))`: decided on App Service.
                    Some(v @ Value::Env(read)) if self.truthy(v).is_some() => {
                        known(self.truthy(v).unwrap_or_default(), &read.var, span)
                    }
                    Some(Value::Env(read)) => Value::EnvBool(EnvBool {
                        var: read.var.clone(),
                        when_unset: match &read.fallback {
                            Fallback::Required => None,
                            Fallback::Default(d) => self.truthy(d),
                        },
                        string_truthiness: true,
                        span,
                    }),
                    Some(v @ Value::Known { .. }) => v.clone(),
                    Some(v) => match self.truthy(v) {
                        Some(b) => Value::Bool(b),
                        None => v.clone(),
                    },
                    None => Value::Bool(false),
                },
                "builtins.int" => match args.first() {
                    Some(Value::Int(i)) => Value::Int(*i),
                    Some(Value::Str(s)) => {
                        s.value.trim().parse().map_or(Value::Unknown, Value::Int)
                    }
                    Some(Value::Bool(b)) => Value::Int(i64::from(*b)),
                    Some(Value::Env(read)) => self.cast_env(
                        &read.var,
                        match &read.fallback {
                            Fallback::Required => None,
                            Fallback::Default(d) => Some((**d).clone()),
                        },
                        "builtins.int",
                        span,
                        read.api,
                    ),
                    Some(v) => derived(&[v]),
                    None => Value::Int(0),
                },
                "builtins.str" => args.first().cloned().unwrap_or(Value::Unknown),
                "os.path.join" | "pathlib.Path" | "pathlib.PurePath" | "pathlib.PosixPath" => {
                    match args.split_first() {
                        Some((Value::AppPath(tail), rest)) => {
                            join_app_path(tail, rest).unwrap_or(Value::Unknown)
                        }
                        _ => derived(&args.iter().collect::<Vec<_>>()),
                    }
                }
                "os.path.dirname" => match args.first() {
                    Some(Value::AppPath(tail)) => Value::AppPath(
                        tail.rsplit_once('/')
                            .map_or(String::new(), |(head, _)| head.to_owned()),
                    ),
                    _ => derived(&args.iter().collect::<Vec<_>>()),
                },
                "os.path.abspath" | "os.path.realpath" | "os.path.normpath" => match args.first() {
                    Some(v @ Value::AppPath(_)) => v.clone(),
                    _ => derived(&args.iter().collect::<Vec<_>>()),
                },
                "builtins.list" | "builtins.tuple" | "builtins.set" => match args.first() {
                    Some(Value::List(items)) => Value::List(items.clone()),
                    Some(v) => derived(&[v]),
                    None => Value::List(Vec::new()),
                },
                p if GENERATORS.contains(&p) => Value::Generated {
                    call: p.rsplit('.').next().unwrap_or(p).to_owned(),
                    span,
                },
                "flask.Flask" | "quart.Quart" => Value::FlaskApp,
                // `url_for('callback', _external=True)`: an absolute URL with the request's scheme.
                "flask.url_for" => {
                    if kw("_external") == Some(Value::Bool(true)) && kw("_scheme").is_none() {
                        self.push_https(false, true, "url_for(_external=True)", span);
                    }
                    Value::Unknown
                }
                // `open(path, 'w')`: a write when the mode writes, appends or creates.
                "builtins.open" => {
                    let mode = args.get(1).cloned().or_else(|| kw("mode"));
                    if let (Some(path), Some(Value::Str(mode))) = (args.first(), mode)
                        && mode.value.contains(['w', 'a', 'x', '+'])
                    {
                        self.file_write(path.clone(), format!("open(..., '{}')", mode.value), span);
                    }
                    Value::Unknown
                }
                f @ ("os.makedirs" | "os.mkdir") => {
                    if let Some(target) = args.first() {
                        self.file_write(target.clone(), f.to_owned(), span);
                    }
                    Value::Unknown
                }
                // `Talisman(app)`: forces HTTPS unless `force_https=False`.
                "flask_talisman.Talisman" => {
                    if !args.is_empty() && kw("force_https") != Some(Value::Bool(false)) {
                        self.https_marker(true, "Flask-Talisman", span);
                    }
                    Value::Unknown
                }
                // `ProxyFix(app.wsgi_app, x_proto=1)`: trusts the proxy's scheme unless `x_proto=0`.
                "werkzeug.middleware.proxy_fix.ProxyFix" | "werkzeug.contrib.fixers.ProxyFix" => {
                    if kw("x_proto") != Some(Value::Int(0)) {
                        self.https_marker(false, "ProxyFix", span);
                    }
                    Value::Unknown
                }
                "sqlalchemy.create_engine"
                | "sqlalchemy.engine.create_engine"
                | "sqlalchemy.ext.asyncio.create_async_engine"
                | "sqlmodel.create_engine"
                | "sqlite3.connect" => {
                    let url = args
                        .first()
                        .cloned()
                        .or_else(|| kw("url"))
                        .or_else(|| kw("database"));
                    let at = call
                        .arguments
                        .args
                        .first()
                        .map_or(span, |a| Span::new(frame.file, a.range()));
                    self.engine_call(url.unwrap_or(Value::Unknown), path == "sqlite3.connect", at);
                    Value::Unknown
                }
                // `dj_database_url.parse('postgres://u:p@h/db')`: the URL's parts.
                "dj_database_url.parse" => match args.first() {
                    Some(Value::Str(url)) if kw("ssl_require") == Some(Value::Bool(true)) => {
                        require_ssl(database_url(url))
                    }
                    Some(Value::Str(url)) => database_url(url),
                    Some(v) => derived(&[v]),
                    None => Value::Unknown,
                },
                // `dj_database_url.config(default=...)`: DATABASE_URL (or `env=`) when set, else the default.
                "dj_database_url.config" => {
                    let var = kw("env")
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "DATABASE_URL".to_owned());
                    let default = match kw("default") {
                        Some(Value::Str(url)) if kw("ssl_require") == Some(Value::Bool(true)) => {
                            require_ssl(database_url(&url))
                        }
                        Some(Value::Str(url)) => database_url(&url),
                        Some(other) => other,
                        None => Value::None,
                    };
                    let fallback = written_fallback(frame, &var)
                        .unwrap_or(Fallback::Default(Box::new(default)));
                    self.env_read(&var, fallback, span, ReadApi::OsEnviron)
                }
                // django-environ's `env.db()` / `env.db_url()`: the URL in DATABASE_URL (or the variable
                // named), else the `default=` URL, parsed as dj-database-url does.
                "environ.Env.db" | "environ.Env.db_url" => {
                    let var = first_str.unwrap_or_else(|| "DATABASE_URL".to_owned());
                    let default = match kw("default") {
                        Some(Value::Str(url)) => database_url(&url),
                        Some(other) => other,
                        None => Value::None,
                    };
                    let fallback = written_fallback(frame, &var)
                        .unwrap_or(Fallback::Default(Box::new(default)));
                    self.env_read(&var, fallback, span, ReadApi::DjangoEnviron)
                }
                p if p.starts_with("environ.Env.") => {
                    let method = &p["environ.Env.".len()..];
                    let Some(var) = first_str else {
                        return Value::Unknown;
                    };
                    let default = kw("default").or_else(|| args.get(1).cloned());
                    match method {
                        "bool" => self.cast_env(
                            &var,
                            default,
                            "builtins.bool",
                            span,
                            ReadApi::DjangoEnviron,
                        ),
                        "int" => self.cast_env(
                            &var,
                            default,
                            "builtins.int",
                            span,
                            ReadApi::DjangoEnviron,
                        ),
                        "str" => self.cast_env(&var, default, "", span, ReadApi::DjangoEnviron),
                        _ => Value::EnvDerived(vec![var]),
                    }
                }
                p if p.contains("bool") => match args.first() {
                    Some(Value::Env(read)) => self.cast_env(
                        &read.var,
                        match &read.fallback {
                            Fallback::Required => None,
                            Fallback::Default(d) => Some((**d).clone()),
                        },
                        "builtins.bool",
                        span,
                        read.api,
                    ),
                    Some(v) => derived(&[v]),
                    None => Value::Unknown,
                },
                _ => derived(&args.iter().collect::<Vec<_>>()),
            },
            Value::DjEnv(scheme) => {
                let Some(var) = first_str else {
                    return Value::Unknown;
                };
                let declared = scheme.iter().find(|(n, _, _)| *n == var);
                let cast = kw("cast")
                    .and_then(|c| match c {
                        Value::Func(f) => Some(f),
                        _ => None,
                    })
                    .or_else(|| declared.map(|d| d.1.clone()))
                    .unwrap_or_default();
                let default = kw("default").or_else(|| declared.and_then(|d| d.2.clone()));
                // django-environ's `Env` has `smart_cast` on: with no cast, the default's type is the cast.
                let cast = match (cast.as_str(), &default) {
                    ("", Some(Value::Bool(_))) => "builtins.bool".to_owned(),
                    ("", Some(Value::Int(_))) => "builtins.int".to_owned(),
                    ("", Some(Value::List(_))) => "other".to_owned(),
                    _ => cast,
                };
                self.cast_env(&var, default, &cast, span, ReadApi::DjangoEnviron)
            }
            // Methods of an environment string.
            Value::Unknown => {
                if let (Expr::Attribute(attr), Some(base)) = (call.func.as_ref(), &receiver) {
                    return self.method(base, attr.attr.as_str(), &args, span);
                }
                derived(&args.iter().collect::<Vec<_>>())
            }
            _ => derived(&args.iter().collect::<Vec<_>>()),
        }
    }

    /// An environment read converted by `cast` (`builtins.bool`, `builtins.int`, "" for none).
    pub(super) fn cast_env(
        &self,
        var: &str,
        default: Option<Value>,
        cast: &str,
        span: Span,
        api: ReadApi,
    ) -> Value {
        if !matches!(cast, "" | "builtins.str") {
            self.record_read(var, default.is_none(), span);
        }
        match cast {
            "" | "builtins.str" => self.env_read(
                var,
                match default {
                    Some(d) => Fallback::Default(Box::new(d)),
                    None => Fallback::Required,
                },
                span,
                api,
            ),
            "builtins.bool" | "builtins.int" => {
                let when_unset = match default {
                    None => None,
                    Some(Value::Str(s)) => parse_bool(&s.value),
                    Some(v) => self.truthy(&v),
                };
                if self.facts.presence(var) == Some(false)
                    && let Some(b) = when_unset
                {
                    return known(b, var, span);
                }
                if let Some(value) = self.facts.known_value(var)
                    && let Some(b) = parse_bool(value)
                {
                    return known(b, var, span);
                }
                Value::EnvBool(EnvBool {
                    var: var.to_owned(),
                    when_unset,
                    string_truthiness: false,
                    span,
                })
            }
            _ => Value::EnvDerived(vec![var.to_owned()]),
        }
    }
}
