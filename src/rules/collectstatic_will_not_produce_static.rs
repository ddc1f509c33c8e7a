//! AZ106 collectstatic-will-not-produce-static

use crate::diagnostic::Diagnostic;
use crate::platform::Source;
use crate::platform::django::{DjangoSettings, StrLit, Value};
use crate::platform::oryx::{BuildRuns, COLLECTSTATIC_COMMAND, CollectstaticSkip};
use crate::project::Span;
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, fixes, settings_place_in};

pub static META: RuleMeta = RuleMeta {
    code: "AZ106",
    name: "collectstatic-will-not-produce-static",
    category: Category::Risk,
    summary: "Oryx will skip or fail `collectstatic` while the app serves static files",
    docs: include_str!("../../lints/AZ106.md"),
    security_severity: None,
};

/// Why the app needs collected static files, and where the settings say so.
struct ServesStatic {
    what: &'static str,
    span: Option<Span>,
    staticfiles_app: bool,
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let project = ctx.project;
    let Some(django) = &ctx.django else {
        return;
    };
    // Settings of a Django project, not some other `settings.py`.
    if !django.settings.contains_key("INSTALLED_APPS") {
        return;
    }
    let plan = &ctx.oryx;
    if plan.runs == BuildRuns::No {
        return;
    }
    let Some(serves) = serves_static(django) else {
        return;
    };
    let collectstatic = &plan.collectstatic;
    let skip_message = |why: &str| format!("`collectstatic` will not run: {why}");
    let mut d = match &collectstatic.skip {
        None => match static_root_missing(ctx, ctx.django_collectstatic.as_ref().unwrap_or(django), &serves) {
            Some(d) => d,
            None => return,
        },
        Some(
            CollectstaticSkip::BuildOff
            | CollectstaticSkip::BuildFails
            | CollectstaticSkip::CustomBuildCommand(_)
            | CollectstaticSkip::Unknown,
        ) => return,
        Some(_) if ctx.platform.collectstatic_elsewhere().is_some() => return,
        Some(CollectstaticSkip::Disabled(setting)) => Diagnostic::new(
            &META,
            setting.value_span.or(setting.source.span()),
            skip_message(&format!(
                "DISABLE_COLLECTSTATIC is `{}` ({})",
                setting.value,
                setting.source.describe(project)
            )),
        )
        .help(format!(
            "{}, or run it yourself after the install: `POST_BUILD_COMMAND={COLLECTSTATIC_COMMAND}`",
            fixes::set_app_setting(project, &setting.source, "DISABLE_COLLECTSTATIC", "false")
        )),
        Some(CollectstaticSkip::NoManagePy { elsewhere }) => {
            let help = match elsewhere {
                Some(file) => {
                    let rel = project.rel_path(*file);
                    let dir = rel.trim_end_matches("manage.py").trim_end_matches('/');
                    format!(
                        "deploy `{dir}` as the app root (the folder with manage.py), or run it in the build: {}",
                        fixes::set_app_setting(
                            project,
                            &Source::flag("--app-setting"),
                            "POST_BUILD_COMMAND",
                            &format!("python {rel} collectstatic --noinput")
                        )
                    )
                }
                None => format!(
                    "put manage.py at the app root, or run `collectstatic` in the build with POST_BUILD_COMMAND (`{COLLECTSTATIC_COMMAND}`)"
                ),
            };
            Diagnostic::new(
                &META,
                serves.span,
                skip_message("there is no manage.py at the app root"),
            )
            .help(help)
        }
        Some(CollectstaticSkip::NoRequirementsFile) => Diagnostic::new(
            &META,
            serves.span,
            skip_message(&format!(
                "there is no {} for Oryx's `grep -iq Django`",
                collectstatic.grep_path
            )),
        )
        .help(if project.file("pyproject.toml").is_some() {
            format!(
                "add {} at the app root naming Django, e.g. `uv export --no-hashes --format requirements-txt > requirements.txt` or `poetry export -f requirements.txt --output requirements.txt`",
                collectstatic.grep_path
            )
        } else {
            format!(
                "add {} at the app root with Django's line in it, not only a `-r` include: Oryx greps that one file",
                collectstatic.grep_path
            )
        }),
        Some(CollectstaticSkip::DjangoNotNamed { file, utf16 }) => {
            let path = project.rel_path(*file);
            let span = if *utf16 {
                serves.span
            } else {
                Some(Span::file_start(*file))
            };
            let help = if *utf16 {
                format!(
                    "save {path} as UTF-8 (`iconv -f UTF-16 -t UTF-8 {path} -o {path}.utf8 && mv {path}.utf8 {path}`): grep and pip read bytes, not UTF-16"
                )
            } else {
                format!(
                    "add Django to {path}, pinned to the version you develop with (`python -m pip freeze | grep -i '^django=='` prints the line)"
                )
            };
            let why = if *utf16 {
                format!("{path} is UTF-16, so `grep -iq Django {path}` cannot see the word")
            } else {
                format!("{path} does not name Django")
            };
            let d = Diagnostic::new(&META, span, skip_message(&why)).help(help);
            if *utf16 {
                d
            } else {
                d.label(format!(
                    "Oryx runs `grep -iq Django {path}` and, finding nothing, skips collectstatic"
                ))
            }
        }
    };
    if d.label.is_empty() {
        d = d.label(match &collectstatic.skip {
            Some(CollectstaticSkip::Disabled(_)) => {
                "Oryx skips `collectstatic` when this is true".to_owned()
            }
            _ => format!("the app serves static files ({})", serves.what),
        });
    }
    if let Some(span) = serves.span
        && d.span != Some(span)
    {
        d = d.secondary(
            span,
            format!("the app serves static files ({})", serves.what),
        );
    }
    d = d.note(
        "without collected files in STATIC_ROOT, WhiteNoise (or any server reading STATIC_ROOT) has nothing to serve: CSS, JavaScript and admin pages come back 404",
    );
    out.push(d);
}

/// `collectstatic` runs, but fails: `django.contrib.staticfiles` without `STATIC_ROOT`.
fn static_root_missing(
    ctx: &Context,
    django: &DjangoSettings,
    serves: &ServesStatic,
) -> Option<Diagnostic> {
    if !serves.staticfiles_app {
        return None;
    }
    // A storage backend other than the file system (django-storages) needs no STATIC_ROOT.
    for name in ["STORAGES", "STATICFILES_STORAGE"] {
        let alts = django.get(name);
        let filesystem = alts.iter().all(|a| match &a.value {
            Value::Unset => true,
            Value::Str(s) => {
                s.value.contains("whitenoise") || s.value.starts_with("django.contrib.staticfiles")
            }
            _ => false,
        });
        if !filesystem {
            return None;
        }
    }
    let alternatives = django.get("STATIC_ROOT");
    let bad = bad_in_every_branch(&alternatives, |v| match v {
        Value::Unset | Value::None => Some(()),
        _ => None,
    });
    if bad.is_empty() {
        return None;
    }
    let module = django.modules.first()?;
    let module_path = ctx.project.rel_path(module.file);
    let assigned = bad.iter().find_map(|(a, _)| a.span);
    let place = match assigned {
        Some(span) => settings_place_in(ctx, Some(django), span),
        None => django.describe_modules(ctx.project),
    };
    let (span, message) = match assigned {
        Some(span) => (
            Some(span),
            format!("STATIC_ROOT is None in {place}, so `collectstatic` fails during the build"),
        ),
        None => (
            serves.span,
            format!("STATIC_ROOT is not set in {place}, so `collectstatic` fails during the build"),
        ),
    };
    Some(
        Diagnostic::new(&META, span, message)
            .label("Django raises ImproperlyConfigured: \"You're using the staticfiles app without having set the STATIC_ROOT setting to a filesystem path\"")
            .help(format!(
                "add `STATIC_ROOT = BASE_DIR / \"staticfiles\"` to {module_path}: Oryx runs `{COLLECTSTATIC_COMMAND}`, and a failure is only a warning in the deployment log"
            ))
            .note(if ctx.django_collectstatic.is_some() {
                "these are the settings manage.py loads, which is what `collectstatic` runs with"
            } else {
                "manage.py names no settings module this tool can resolve, so these are the settings the running app loads (wsgi.py's)"
            }),
    )
}

/// Whether the app serves static files through Django: `django.contrib.staticfiles` installed,
/// `STATIC_URL` set, or WhiteNoise in `MIDDLEWARE`.
fn serves_static(django: &DjangoSettings) -> Option<ServesStatic> {
    let apps = django.get("INSTALLED_APPS");
    let staticfiles = apps
        .iter()
        .find_map(|a| find_str(&a.value, &|s| s == "django.contrib.staticfiles", 0));
    if let Some(lit) = staticfiles {
        return Some(ServesStatic {
            what: "`django.contrib.staticfiles` is installed",
            span: lit.span,
            staticfiles_app: true,
        });
    }
    let url = django
        .get("STATIC_URL")
        .into_iter()
        .find(|a| !matches!(a.value, Value::Unset | Value::None | Value::Unknown));
    if let Some(url) = url {
        return Some(ServesStatic {
            what: "STATIC_URL is set",
            span: url.span,
            staticfiles_app: false,
        });
    }
    let middleware = django.get("MIDDLEWARE");
    let whitenoise = middleware
        .iter()
        .find_map(|a| find_str(&a.value, &|s| s.starts_with("whitenoise."), 0))?;
    Some(ServesStatic {
        what: "WhiteNoise is in MIDDLEWARE",
        span: whitenoise.span,
        staticfiles_app: false,
    })
}

/// A string in a value (a list's items, an alternative) that satisfies `pred`.
fn find_str<'a>(value: &'a Value, pred: &dyn Fn(&str) -> bool, depth: usize) -> Option<&'a StrLit> {
    if depth > 16 {
        return None;
    }
    match value {
        Value::Str(s) if pred(&s.value) => Some(s),
        Value::List(items) | Value::Either(items) => {
            items.iter().find_map(|v| find_str(v, pred, depth + 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::find_str;
    use crate::platform::django::{StrLit, Value};
    use crate::rules::run_rule;

    const WSGI: &[u8] = b"import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\napplication = None\n";

    fn app(
        settings: &'static [u8],
        requirements: &'static [u8],
    ) -> Vec<(&'static str, &'static [u8])> {
        vec![
            ("manage.py", b"import os\n"),
            ("site1/wsgi.py", WSGI),
            ("site1/settings.py", settings),
            ("requirements.txt", requirements),
        ]
    }

    #[test]
    fn finds_strings_in_lists_and_alternatives() {
        let s = |v: &str| {
            Value::Str(StrLit {
                value: v.to_owned(),
                span: None,
            })
        };
        let value = Value::Either(vec![
            Value::List(vec![s("a"), s("whitenoise.middleware.X")]),
            s("b"),
        ]);
        assert!(find_str(&value, &|v| v.starts_with("whitenoise."), 0).is_some());
        assert!(find_str(&value, &|v| v == "c", 0).is_none());
    }

    #[test]
    fn judges_static_root_only_with_the_staticfiles_app() {
        let missing = app(
            b"INSTALLED_APPS = ['django.contrib.staticfiles']\nSTATIC_URL = 'static/'\n",
            b"Django\n",
        );
        assert_eq!(run_rule(&missing, &[], None, super::check).len(), 1);
        let none = app(
            b"INSTALLED_APPS = ['django.contrib.staticfiles']\nSTATIC_ROOT = None\n",
            b"Django\n",
        );
        let found = run_rule(&none, &[], None, super::check);
        assert!(
            found[0].message.starts_with("STATIC_ROOT is None"),
            "{found:?}"
        );
        let unknown = app(
            b"import os\nINSTALLED_APPS = ['django.contrib.staticfiles']\nSTATIC_ROOT = os.path.join(os.getcwd(), 's')\n",
            b"Django\n",
        );
        assert!(run_rule(&unknown, &[], None, super::check).is_empty());
        let no_static = app(b"INSTALLED_APPS = ['django.contrib.auth']\n", b"Django\n");
        assert!(run_rule(&no_static, &[], None, super::check).is_empty());
    }

    #[test]
    fn skipped_collectstatic_is_fine_when_the_app_runs_it() {
        let files = app(
            b"INSTALLED_APPS = ['django.contrib.staticfiles']\nSTATIC_ROOT = 'static'\n",
            b"flask\n",
        );
        assert_eq!(run_rule(&files, &[], None, super::check).len(), 1);
        let cmd = "python manage.py collectstatic --noinput && gunicorn site1.wsgi";
        assert!(run_rule(&files, &[], Some(cmd), super::check).is_empty());
        // No build at all: AZ113's business.
        let off = [("SCM_DO_BUILD_DURING_DEPLOYMENT", "false")];
        assert!(run_rule(&files, &off, None, super::check).is_empty());
    }
}
