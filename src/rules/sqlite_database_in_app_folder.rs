//! AZ310: the Django settings or the start-up code keep a SQLite database where App Service does not keep files.

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

const HELP_SQLALCHEMY: &str = "use a database server: Azure Database for PostgreSQL with the URL read from an app setting (`os.environ['DATABASE_URL']`); for a single instance only, keep the file under /home, which App Service keeps: `sqlite:////home/data/app.db` (four slashes: an absolute path; create the folder first)";

const HELP_SQLITE3: &str = "use a database server: Azure Database for PostgreSQL with its connection read from app settings; for a single instance only, keep the file under /home, which App Service keeps: `sqlite3.connect('/home/data/app.db')` (create the folder first)";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // What happens to the file depends on where the app runs from.
    let lost_when = if ctx.startup.compressed {
        "the app runs from a copy extracted to /tmp/<id> at every start, so the database starts over at every restart and deployment"
    } else {
        "every deployment replaces the app folder, so the database is lost or overwritten with the copy in the repository"
    };
    let describe = |place: &SqlitePlace| match place {
        SqlitePlace::InApp(tail) if tail.is_empty() => ("in the app folder".to_owned(), lost_when),
        SqlitePlace::InApp(tail) => (format!("at `{tail}` in the app folder"), lost_when),
        SqlitePlace::Elsewhere(path) => (
            format!("at `{path}`, outside /home"),
            "only /home survives a restart, so the database starts over at every restart",
        ),
    };
    let note = "each instance would have its own file, and concurrent writes fail with \"database is locked\"";
    if let Some(django) = &ctx.django {
        let databases = django.get("DATABASES");
        let lost = bad_in_every_branch(&databases, |value| {
            let lost = lost_sqlite(value);
            (!lost.is_empty()).then_some(lost)
        });
        for (assigned, dbs) in lost {
            for db in dbs {
                let Some(span) = db.span.or(assigned.span) else {
                    continue;
                };
                let (where_, when) = describe(&db.place);
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
                    .note(note),
                );
            }
        }
    }
    // One finding per database file, at the first place that opens it.
    let opened = ctx.code_sqlite();
    let mut reported: Vec<&SqlitePlace> = Vec::new();
    for (span, place, sqlite3) in &opened {
        if reported.contains(&place) {
            continue;
        }
        reported.push(place);
        let (where_, when) = describe(place);
        let mut d = Diagnostic::new(
            &META,
            Some(*span),
            format!("the app's SQLite database is {where_}: {when}"),
        )
        .label("SQLite file App Service does not keep")
        .help(if *sqlite3 {
            HELP_SQLITE3
        } else {
            HELP_SQLALCHEMY
        })
        .note(note);
        let more = opened.iter().filter(|(_, p, _)| p == place).count() - 1;
        if more > 0 {
            d = d.note(format!(
                "the code opens the same file in {more} more place{}",
                if more == 1 { "" } else { "s" }
            ));
        }
        out.push(d);
    }
}
