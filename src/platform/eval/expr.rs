//! The evaluator's expressions: names, literals, operators, comparisons, conditional expressions,
//! truthiness and string methods.

use super::*;

impl<'a> Evaluator<'a> {
    /// Evaluate an expression.
    pub fn expr_in(&mut self, file: FileId, names: &Names, expr: &Expr) -> Value {
        let mut frame = Frame {
            file,
            names: self.names_used(file, names, expr),
            env_writes: Vec::new(),
            opaque: false,
            functions: HashMap::new(),
            cut: false,
        };
        self.expr(&mut frame, expr, 0)
    }

    /// The names `expr` can read (every identifier in its text, and the environment the module wrote),
    /// copied out of `names`: copying the whole table for each expression is quadratic on a large module.
    fn names_used(&self, file: FileId, names: &Names, expr: &Expr) -> Names {
        let text = self.project.text(file).ok();
        let Some(source) =
            text.and_then(|t| t.text.get(std::ops::Range::<usize>::from(expr.range())))
        else {
            return names.clone();
        };
        let mut out: Names = names
            .range::<str, _>((
                std::ops::Bound::Included("$env:"),
                std::ops::Bound::Excluded("$env;"),
            ))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for word in source.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !word.is_empty()
                && !out.contains_key(word)
                && let Some(alts) = names.get(word)
            {
                out.insert(word.to_owned(), alts.clone());
            }
        }
        out
    }

    pub(super) fn expr(&mut self, frame: &mut Frame, expr: &Expr, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let d = depth + 1;
        let span = Span::new(frame.file, expr.range());
        match expr {
            Expr::StringLiteral(s) => Value::Str(StrLit {
                value: s.value.to_str().to_owned(),
                span: Some(span),
            }),
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map_or(Value::Unknown, Value::Int),
                _ => Value::Unknown,
            },
            Expr::Name(name) => lookup(frame, name.id.as_str()),
            Expr::Attribute(attr) => {
                let base = self.expr(frame, &attr.value, d);
                self.used_as_not_none(&base);
                attribute(&base, attr.attr.as_str())
            }
            Expr::Subscript(sub) => {
                let base = self.expr(frame, &sub.value, d);
                self.used_as_not_none(&base);
                let key = self.expr(frame, &sub.slice, d);
                match (&base, &key) {
                    (Value::Environ, Value::Str(var)) => {
                        let fallback =
                            written_fallback(frame, &var.value).unwrap_or(Fallback::Required);
                        self.env_read(&var.value, fallback, span, ReadApi::OsEnviron)
                    }
                    (Value::Dict(_), Value::Str(k)) => {
                        base.key(&k.value).cloned().unwrap_or(Value::Unknown)
                    }
                    // `config[os.getenv('FLASK_CONFIG', 'production')]`: the default's entry when the
                    // variable is never set, else that entry or another.
                    (Value::Dict(_), Value::Env(read)) => {
                        let default = match &read.fallback {
                            Fallback::Default(d) => d.as_str().and_then(|k| base.key(k)).cloned(),
                            Fallback::Required => None,
                        };
                        match (self.facts.presence(&read.var), default) {
                            (Some(false), Some(entry)) => entry,
                            (_, Some(entry)) => either(vec![entry, Value::Unknown]),
                            _ => Value::Unknown,
                        }
                    }
                    (Value::List(items), Value::Int(i)) => {
                        let i = if *i < 0 { items.len() as i64 + i } else { *i };
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| items.get(i).cloned())
                            .unwrap_or(Value::Unknown)
                    }
                    _ => derived(&[&base, &key]),
                }
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let mut items = Vec::with_capacity(elts.len());
                for e in elts {
                    if let Expr::Starred(star) = e {
                        match self.expr(frame, &star.value, d) {
                            Value::List(more) => items.extend(more),
                            other => items.push(derived(&[&other])),
                        }
                    } else {
                        items.push(self.expr(frame, e, d));
                    }
                }
                capped(Value::List(items))
            }
            Expr::BoolOp(op) => self.bool_op(frame, op, d),
            Expr::UnaryOp(u) => {
                let v = self.expr(frame, &u.operand, d);
                match u.op {
                    UnaryOp::Not => self.not(v, span),
                    UnaryOp::USub => match v {
                        Value::Int(i) => Value::Int(-i),
                        other => derived(&[&other]),
                    },
                    _ => derived(&[&v]),
                }
            }
            Expr::BinOp(bin) => {
                let l = self.expr(frame, &bin.left, d);
                let r = self.expr(frame, &bin.right, d);
                self.used_as_not_none(&l);
                // `'%s' % None` formats; any other operator on `None` raises.
                if !(bin.op == Operator::Mod && matches!(l, Value::Str(_))) {
                    self.used_as_not_none(&r);
                }
                match (&l, bin.op, &r) {
                    (Value::Int(a), Operator::Add, Value::Int(b)) => {
                        a.checked_add(*b).map_or(Value::Unknown, Value::Int)
                    }
                    (Value::Int(a), Operator::Sub, Value::Int(b)) => {
                        a.checked_sub(*b).map_or(Value::Unknown, Value::Int)
                    }
                    // `BASE_DIR / 'db.sqlite3'`, `BASE_DIR + '/media'`.
                    (Value::AppPath(tail), Operator::Div, Value::Str(_)) => {
                        join_app_path(tail, std::slice::from_ref(&r)).unwrap_or(Value::Unknown)
                    }
                    // Text joined on: a leading `/` is a separator, not the root.
                    (Value::AppPath(tail), Operator::Add, Value::Str(part)) => {
                        join_app_path(tail, &[lit(part.value.trim_start_matches('/'), None)])
                            .unwrap_or(Value::Unknown)
                    }
                    (Value::Str(a), Operator::Add, Value::Str(b))
                        if a.value.len() + b.value.len() <= MAX_VALUE_BYTES =>
                    {
                        Value::Str(StrLit {
                            value: format!("{}{}", a.value, b.value),
                            span: Some(span),
                        })
                    }
                    (Value::List(a), Operator::Add, Value::List(b)) => {
                        capped(Value::List(a.iter().chain(b).cloned().collect()))
                    }
                    (
                        Value::Str(_) | Value::List(_),
                        Operator::Add,
                        Value::Str(_) | Value::List(_),
                    ) => Value::Unknown,
                    (Value::Generated { .. }, _, _) | (_, _, Value::Generated { .. }) => {
                        generated_of(&l)
                            .or_else(|| generated_of(&r))
                            .unwrap_or(Value::Unknown)
                    }
                    _ => derived(&[&l, &r]),
                }
            }
            Expr::If(if_expr) => {
                let cond = self.expr(frame, &if_expr.test, d);
                // Only the branch that runs is evaluated, so its environment reads are the real ones.
                match self.truthy(&cond) {
                    Some(true) => self.expr(frame, &if_expr.body, d),
                    Some(false) => self.expr(frame, &if_expr.orelse, d),
                    None => {
                        self.conditional.set(self.conditional.get() + 1);
                        let body = self.expr(frame, &if_expr.body, d);
                        let orelse = self.expr(frame, &if_expr.orelse, d);
                        self.conditional.set(self.conditional.get() - 1);
                        self.if_exp_value(&cond, body, orelse, span)
                    }
                }
            }
            Expr::Compare(cmp) => self.compare(frame, cmp, span, d),
            Expr::Call(call) => self.call(frame, call, span, d),
            // Every key and value is evaluated (what they read runs at import: `DATABASES = {'default':
            // {'NAME': os.environ['DBNAME']}}` needs `DBNAME`); the dict is known when every key is a string
            // and every `**` spreads a known dict.
            Expr::Dict(dict) => {
                let mut entries: Option<Vec<(String, Value)>> = Some(Vec::new());
                for item in &dict.items {
                    let key = item.key.as_ref().map(|key| self.expr(frame, key, d));
                    let value = self.expr(frame, &item.value, d);
                    let Some(known) = entries.as_mut() else {
                        continue;
                    };
                    match (key, value) {
                        (Some(Value::Str(k)), value) => dict_set(known, k.value, value),
                        (None, Value::Dict(more)) => {
                            for (k, v) in more {
                                dict_set(known, k, v);
                            }
                        }
                        _ => entries = None,
                    }
                }
                entries.map_or(Value::Unknown, |e| capped(Value::Dict(e)))
            }
            Expr::FString(f) => {
                let mut text = String::new();
                let mut parts = Vec::new();
                let mut literal = true;
                for element in f.value.elements() {
                    match element {
                        ast::InterpolatedStringElement::Literal(lit) => text.push_str(&lit.value),
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            literal = false;
                            let v = self.expr(frame, &i.expression, d);
                            if let Value::Str(s) = &v {
                                text.push_str(&s.value);
                            }
                            parts.push(v);
                        }
                    }
                }
                // `f"{BASE_DIR}/db.sqlite3"`: a path in the app.
                if let (
                    Some(Value::AppPath(tail)),
                    Some(ast::InterpolatedStringElement::Interpolation(_)),
                ) = (parts.first(), f.value.elements().next())
                    && parts.len() == 1
                {
                    let rest: String = f
                        .value
                        .elements()
                        .skip(1)
                        .filter_map(|e| match e {
                            ast::InterpolatedStringElement::Literal(lit) => {
                                Some(lit.value.to_string())
                            }
                            _ => None,
                        })
                        .collect();
                    return join_app_path(tail, &[lit(rest.trim_start_matches('/'), None)])
                        .unwrap_or(Value::Unknown);
                }
                if literal || parts.iter().all(|p| matches!(p, Value::Str(_))) {
                    Value::Str(StrLit {
                        value: text,
                        span: Some(span),
                    })
                } else {
                    derived(&parts.iter().collect::<Vec<_>>())
                }
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }) => {
                let iters: Vec<Value> = generators
                    .iter()
                    .map(|g| self.expr(frame, &g.iter, d))
                    .collect();
                derived(&iters.iter().collect::<Vec<_>>())
            }
            Expr::Named(named) => {
                let v = self.expr(frame, &named.value, d);
                if let Expr::Name(n) = named.target.as_ref() {
                    set(frame, n.id.as_str(), v.clone(), Some(span));
                }
                v
            }
            _ => Value::Unknown,
        }
    }

    /// `body if cond else orelse` when `cond` is unknown.
    pub(super) fn if_exp_value(
        &self,
        cond: &Value,
        body: Value,
        orelse: Value,
        span: Span,
    ) -> Value {
        match (&body, &orelse) {
            (Value::Bool(a), Value::Bool(b)) if cond.is_env_dependent() => {
                let unset = self.when_unset(cond);
                let var = cond.env_vars().remove(0);
                Value::EnvBool(EnvBool {
                    var,
                    when_unset: unset.map(|u| if u { *a } else { *b }),
                    string_truthiness: false,
                    span,
                })
            }
            _ => either(vec![body, orelse]),
        }
    }

    pub(super) fn bool_op(&mut self, frame: &mut Frame, op: &ast::ExprBoolOp, d: usize) -> Value {
        // Operands after the first run only when the ones before do not decide (`X and X.split()`).
        let mut values: Vec<Value> = Vec::with_capacity(op.values.len());
        for (i, v) in op.values.iter().enumerate() {
            if i == 1 {
                self.conditional.set(self.conditional.get() + 1);
            }
            values.push(self.expr(frame, v, d));
        }
        if op.values.len() > 1 {
            self.conditional.set(self.conditional.get() - 1);
        }
        let mut result: Option<Value> = None;
        for v in values.iter() {
            let current = match result.take() {
                None => v.clone(),
                Some(prev) => match (op.op, self.truthy(&prev)) {
                    (BoolOp::Or, Some(true)) | (BoolOp::And, Some(false)) => prev,
                    (BoolOp::Or, Some(false)) | (BoolOp::And, Some(true)) => v.clone(),
                    (BoolOp::Or, None) => match prev {
                        // `os.environ.get('X') or 'default'`: the environment string, else the default.
                        Value::Env(mut read) => {
                            read.fallback = Fallback::Default(Box::new(v.clone()));
                            Value::Env(read)
                        }
                        prev => combine_bools(prev, v.clone(), BoolOp::Or),
                    },
                    (BoolOp::And, None) => combine_bools(prev, v.clone(), BoolOp::And),
                },
            };
            result = Some(current);
        }
        result.unwrap_or(Value::Unknown)
    }

    pub(super) fn not(&self, v: Value, span: Span) -> Value {
        if let Some(t) = self.truthy(&v) {
            return match v.env_vars().first() {
                Some(var) => known(!t, var, span),
                None => Value::Bool(!t),
            };
        }
        match v {
            Value::EnvBool(b) => Value::EnvBool(EnvBool {
                when_unset: b.when_unset.map(|u| !u),
                string_truthiness: false,
                span,
                ..b
            }),
            Value::Env(read) => Value::EnvBool(EnvBool {
                when_unset: match &read.fallback {
                    Fallback::Required => None,
                    Fallback::Default(d) => self.truthy(d).map(|t| !t),
                },
                var: read.var,
                string_truthiness: false,
                span,
            }),
            other => derived(&[&other]),
        }
    }

    pub(super) fn compare(
        &mut self,
        frame: &mut Frame,
        cmp: &ast::ExprCompare,
        span: Span,
        d: usize,
    ) -> Value {
        if cmp.ops.len() != 1 {
            return Value::Unknown;
        }
        let left = self.expr(frame, &cmp.left, d);
        let right = self.expr(frame, &cmp.comparators[0], d);
        let op = cmp.ops[0];
        // `'X' in os.environ`
        if let (Value::Str(var), Value::Environ, CmpOp::In | CmpOp::NotIn) = (&left, &right, op) {
            let negate = op == CmpOp::NotIn;
            return match self.facts.presence(&var.value) {
                Some(p) => known(p != negate, &var.value, span),
                None => Value::EnvBool(EnvBool {
                    var: var.value.clone(),
                    when_unset: Some(negate),
                    string_truthiness: false,
                    span,
                }),
            };
        }
        if let Some(b) = literal_compare(&left, op, &right) {
            return Value::Bool(b);
        }
        let (read, other, flipped) = match (&left, &right) {
            (Value::Env(r), o) => (r, o, false),
            (o, Value::Env(r)) => (r, o, true),
            _ => return derived(&[&left, &right]),
        };
        let when_unset = match &read.fallback {
            Fallback::Required => None,
            Fallback::Default(default) => {
                if flipped {
                    literal_compare(other, op, default)
                } else {
                    literal_compare(default, op, other)
                }
            }
        };
        if self.facts.presence(&read.var) == Some(false)
            && let Some(b) = when_unset
        {
            return known(b, &read.var, span);
        }
        if let Some(value) = self.facts.known_value(&read.var) {
            let value = Value::Str(StrLit {
                value: value.to_owned(),
                span: None,
            });
            let result = if flipped {
                literal_compare(other, op, &value)
            } else {
                literal_compare(&value, op, other)
            };
            if let Some(b) = result {
                return known(b, &read.var, span);
            }
        }
        // A variable App Service always sets is a non-empty string: it is not None and not ''.
        if is_platform_var(&read.var) && self.facts.known_value(&read.var).is_none() {
            let empty_or_none = match other {
                Value::None => true,
                Value::Str(s) => s.value.is_empty(),
                _ => false,
            };
            let result = match op {
                CmpOp::Is | CmpOp::Eq if empty_or_none => Some(false),
                CmpOp::IsNot | CmpOp::NotEq if empty_or_none => Some(true),
                _ => None,
            };
            if let Some(b) = result {
                return known(b, &read.var, span);
            }
        }
        Value::EnvBool(EnvBool {
            var: read.var.clone(),
            when_unset,
            string_truthiness: false,
            span,
        })
    }

    /// A string method on a value.
    pub(super) fn method(&self, base: &Value, method: &str, args: &[Value], span: Span) -> Value {
        capped(self.method_uncapped(base, method, args, span))
    }

    fn method_uncapped(&self, base: &Value, method: &str, args: &[Value], span: Span) -> Value {
        match base {
            Value::Env(read)
                if matches!(
                    method,
                    "lower" | "upper" | "strip" | "casefold" | "title" | "capitalize"
                ) =>
            {
                let fallback = match &read.fallback {
                    Fallback::Default(d) => Fallback::Default(Box::new(match d.as_ref() {
                        Value::Str(s) => Value::Str(StrLit {
                            value: string_method(&s.value, method),
                            span: s.span,
                        }),
                        other => other.clone(),
                    })),
                    Fallback::Required => Fallback::Required,
                };
                Value::Env(EnvRead {
                    var: read.var.clone(),
                    fallback,
                    span,
                    api: read.api,
                })
            }
            Value::Str(s)
                if matches!(
                    method,
                    "lower" | "upper" | "strip" | "casefold" | "title" | "capitalize"
                ) =>
            {
                Value::Str(StrLit {
                    value: string_method(&s.value, method),
                    span: s.span,
                })
            }
            Value::Str(s) if method == "split" => {
                let sep = args.first().and_then(|a| a.as_str()).map(str::to_owned);
                let parts: Vec<Value> = match &sep {
                    Some(sep) if !sep.is_empty() => s
                        .value
                        .split(sep.as_str())
                        .map(|p| lit(p, s.span))
                        .collect(),
                    _ => s.value.split_whitespace().map(|p| lit(p, s.span)).collect(),
                };
                Value::List(parts)
            }
            Value::Generated { .. } => base.clone(),
            // `MIDDLEWARE.index('...')`: the first position of a literal (a missing one raises).
            Value::List(items) if method == "index" => match args.first() {
                Some(Value::Str(wanted)) => items
                    .iter()
                    .position(|i| i.as_str() == Some(wanted.value.as_str()))
                    .map_or(Value::Unknown, |p| Value::Int(p as i64)),
                _ => Value::Unknown,
            },
            Value::Dict(_) if method == "get" => match args.first() {
                Some(Value::Str(k)) => base
                    .key(&k.value)
                    .cloned()
                    .or_else(|| args.get(1).cloned())
                    .unwrap_or(Value::None),
                _ => Value::Unknown,
            },
            other => {
                let mut all = vec![other];
                all.extend(args.iter());
                derived(&all)
            }
        }
    }

    /// What a value is as a condition on App Service, when that can be told.
    pub fn truthy(&self, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) | Value::Known { value: b, .. } => Some(*b),
            Value::None => Some(false),
            Value::Int(i) => Some(*i != 0),
            Value::Str(s) => Some(!s.value.is_empty()),
            Value::List(items) => Some(!items.is_empty()),
            Value::Dict(entries) => Some(!entries.is_empty()),
            Value::AppPath(_) => Some(true),
            Value::Generated { .. }
            | Value::Module(_)
            | Value::Func(_)
            | Value::Environ
            | Value::DjEnv(_)
            | Value::FlaskApp
            | Value::Class(_) => Some(true),
            Value::Env(read) => match self.facts.presence(&read.var) {
                Some(false) => match &read.fallback {
                    Fallback::Default(d) => self.truthy(d),
                    Fallback::Required => None,
                },
                Some(true) => match self.facts.known_value(&read.var) {
                    Some(value) => Some(!value.is_empty()),
                    None => is_platform_var(&read.var).then_some(true),
                },
                None => None,
            },
            Value::EnvBool(b) => match self.facts.presence(&b.var) {
                Some(false) => b.when_unset,
                _ => None,
            },
            Value::Either(vs) => {
                let first = self.truthy(vs.first()?)?;
                vs.iter()
                    .all(|v| self.truthy(v) == Some(first))
                    .then_some(first)
            }
            Value::Unknown | Value::Unset | Value::EnvDerived(_) => None,
        }
    }

    /// The truthiness of an environment-dependent condition when its variable is unset.
    pub(super) fn when_unset(&self, cond: &Value) -> Option<bool> {
        match cond {
            Value::EnvBool(b) => b.when_unset,
            Value::Env(read) => match &read.fallback {
                Fallback::Default(d) => self.truthy(d),
                Fallback::Required => None,
            },
            _ => None,
        }
    }
}

/// Set `key` in a dict's entries: a key assigned again keeps its place (Python's dict order).
pub(super) fn dict_set(entries: &mut Vec<(String, Value)>, key: String, value: Value) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
}
