//! Python's import system, once: which file a dotted module name is, from which folder on `sys.path`,
//! and what a relative import names. Every part of the model that follows an import asks here.

use crate::project::{FileId, Project};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// Named by the custom startup command.
    Custom,
    Django,
    FastApi,
    Flask,
}

/// The Python module the server imports at start-up.
#[derive(Debug, Clone)]
pub struct EntryModule {
    pub kind: EntryKind,
    pub file: FileId,
    /// Dotted module name, e.g. `proj.wsgi`.
    pub module: String,
    /// The attribute the server loads, e.g. `application` (a factory's name without `()`).
    pub attribute: String,
    /// The folder (relative to the app root, "" for the root) that is on `sys.path`.
    pub import_root: String,
}

/// The file of dotted module `module` under the folder `root` ("" for the app root).
pub fn resolve_module(project: &Project, root: &str, module: &str) -> Option<FileId> {
    // `importlib.import_module` takes any name: a folder called `cv-app` is found by the path finder
    // like any other (only `import` statements need identifiers, and the parser already enforces that).
    if module.is_empty()
        || !module
            .split('.')
            .all(|p| !p.is_empty() && !p.contains(['/', '\\', '\0']))
    {
        return None;
    }
    let base = module.replace('.', "/");
    let prefix = if root.is_empty() || root == "." {
        String::new()
    } else {
        format!("{root}/")
    };
    // CPython's path finder tries a package folder before a module file of the same name.
    project
        .file(&format!("{prefix}{base}/__init__.py"))
        .or_else(|| project.file(&format!("{prefix}{base}.py")))
}

/// The dotted module a `from ... import` names in `file` (path relative to the app root) with `level`
/// leading dots and `module` after them; `None` when the dots go above the app root.
pub fn absolute_import(file_rel: &str, level: u32, module: Option<&str>) -> Option<String> {
    if level == 0 {
        return module.map(str::to_owned);
    }
    let mut package: Vec<&str> = file_rel.split('/').collect();
    package.pop();
    for _ in 1..level {
        package.pop()?;
    }
    let prefix = package.join(".");
    Some(match module {
        Some(m) if prefix.is_empty() => m.to_owned(),
        Some(m) => format!("{prefix}.{m}"),
        None => prefix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_not_identifiers_resolve() {
        let (_d, p) = crate::project::test_project(&[
            ("cv-app/settings.py", ""),
            ("pkg/__init__.py", ""),
            ("pkg.py", ""),
        ]);
        assert_eq!(
            resolve_module(&p, "", "cv-app.settings"),
            p.file("cv-app/settings.py")
        );
        // A package folder wins over a module file of the same name.
        assert_eq!(resolve_module(&p, "", "pkg"), p.file("pkg/__init__.py"));
        assert_eq!(resolve_module(&p, "", "a..b"), None);
        assert_eq!(resolve_module(&p, "", "../etc"), None);
    }

    #[test]
    fn relative_imports() {
        assert_eq!(
            absolute_import("proj/settings/prod.py", 1, Some("base")).as_deref(),
            Some("proj.settings.base")
        );
        assert_eq!(
            absolute_import("proj/settings/prod.py", 2, None).as_deref(),
            Some("proj")
        );
        assert_eq!(absolute_import("app.py", 2, Some("x")), None);
        assert_eq!(
            absolute_import("app.py", 0, Some("x")).as_deref(),
            Some("x")
        );
    }
}
