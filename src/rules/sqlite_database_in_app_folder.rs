//! AZ310: the settings App Service loads keep a SQLite database where App Service does not keep files.

use crate::diagnostic::Diagnostic;
use crate::platform::django::{SqlitePlace, lost_sqlite};
use crate::rules::{Category, Context, RuleMeta, bad_in_every_branch, settings_place};

pub static META: RuleMeta = RuleMeta {
    code: "AZ310",
    name: "sqlite-database-in-app-folder",
    category: Category::Risk,
    summary: "A SQLite database lives in the app folder (or elsewhere outside /home), where App Service loses it",
    docs: include_str!("../../lints/AZ310.md"),
    security_severity: None,
};

const HELP: &str = "use a database server: Azure Database for PostgreSQL with `DATABASES` read from app settings (`'HOST': os.environ['DBHOST']`, ...); for a single instance only, keep the file under /home, which App Service keeps: `'NAME': '/home/data/db.sqlite3'` (create the folder first)";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(django) = &ctx.django else { return };
    let databases = django.get("DATABASES");
    let lost = bad_in_every_branch(&databases, |value| {
        let lost = lost_sqlite(value);
        (!lost.is_empty()).then_some(lost)
    });
    // What happens to the file depends on where the app runs from.
    let lost_when = if ctx.startup.compressed {
        "the app runs from a copy extracted to /tmp/<id> at every start, so the database starts over at every restart and deployment"
    } else {
        "every deployment replaces the app folder, so the database is lost or overwritten with the copy in the repository"
    };
    for (assigned, dbs) in lost {
        for db in dbs {
            let Some(span) = db.span.or(assigned.span) else {
                continue;
            };
            let (where_, when) = match &db.place {
                SqlitePlace::InApp(tail) if tail.is_empty() => {
                    ("in the app folder".to_owned(), lost_when)
                }
                SqlitePlace::InApp(tail) => (format!("at `{tail}` in the app folder"), lost_when),
                SqlitePlace::Elsewhere(path) => (
                    format!("at `{path}`, outside /home"),
                    "only /home survives a restart, so the database starts over at every restart",
                ),
            };
            out.push(
                Diagnostic::new(
                    &META,
                    Some(span),
                    format!(
                        "the `{}` database is SQLite {where_}: {when} ({})",
                        db.alias,
                        settings_place(ctx, span)
                    ),
                )
                .label("SQLite file App Service does not keep")
                .help(HELP)
                .note("each instance would have its own file, and concurrent writes fail with \"database is locked\""),
            );
        }
    }
}
