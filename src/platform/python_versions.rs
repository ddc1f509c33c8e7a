//! The Python versions App Service offers and until when (`data/python_versions.txt`, with sources), and
//! every place the repository declares a Python version: the site's (`linuxFxVersion`, Terraform,
//! `PYTHON_VERSION`, `--python-version`), `runtime.txt`, `.python-version`, `requires-python` and the
//! deploy workflows' `actions/setup-python`.

use ruff_text_size::{TextRange, TextSize};

use crate::project::{Project, PythonVersion, Span, parse_python_version};

const DATA: &str = include_str!("data/python_versions.txt");

/// What App Service says of one CPython minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// A new app can choose it.
    pub offered: bool,
    /// CPython's end of life, `YYYY-MM`.
    pub eol: &'static str,
    /// When App Service stops supporting it, `YYYY-MM` (`None` when the table gives no date).
    pub ends: Option<&'static str>,
}

/// The table's line for `version`, if it has one.
pub fn support(version: PythonVersion) -> Option<Support> {
    let want = format!("{}.{}", version.major, version.minor);
    DATA.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .find_map(
            |l| match l.split_whitespace().collect::<Vec<_>>().as_slice() {
                [minor, offered, eol, ends] if *minor == want => Some(Support {
                    offered: *offered == "yes",
                    eol,
                    ends: (*ends != "-").then_some(*ends),
                }),
                _ => None,
            },
        )
}

/// Whether App Service certainly does not offer `version` to an app: the table says so, or it is older than
/// every version the table lists. A version newer than the table is not judged.
pub fn not_offered(version: PythonVersion) -> bool {
    match support(version) {
        Some(s) => !s.offered,
        None => version.minor < 6,
    }
}

/// Where a Python version is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredBy {
    RuntimeTxt,
    /// `.python-version` (pyenv, uv): Oryx does not read it.
    PythonVersionFile,
    /// `[project] requires-python`: a range, not a version.
    RequiresPython,
    /// `actions/setup-python` in a workflow that deploys the app.
    SetupPython,
}

impl DeclaredBy {
    pub fn label(self) -> &'static str {
        match self {
            DeclaredBy::RuntimeTxt => "runtime.txt",
            DeclaredBy::PythonVersionFile => ".python-version",
            DeclaredBy::RequiresPython => "requires-python",
            DeclaredBy::SetupPython => "the deploy workflow's actions/setup-python",
        }
    }
}

/// A Python version (or range) declared outside the site's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    pub by: DeclaredBy,
    /// As written: `3.12`, `>=3.11,<3.13`.
    pub text: String,
    pub span: Span,
}

impl Declaration {
    /// Whether the declaration admits `version`: the same minor, or a range some release of that minor
    /// satisfies. `None` when it cannot be read.
    pub fn admits(&self, version: PythonVersion) -> Option<bool> {
        match self.by {
            DeclaredBy::RequiresPython => specifier_admits(&self.text, version),
            _ => parse_python_version(&self.text).map(|v| v == version),
        }
    }
}

/// The declarations of a Python version in `.python-version` and `requires-python` (`runtime.txt` and the
/// workflows are read with the other sources).
pub fn file_declarations(project: &Project) -> Vec<Declaration> {
    let mut out = Vec::new();
    let first_line = |rel: &str| {
        let file = project.file(rel)?;
        let text = project.text(file).ok()?;
        let (_, range, line) = text.lines().find(|(_, _, l)| !l.trim().is_empty())?;
        Some((file, range, line.trim().to_owned()))
    };
    if let Some((file, range, line)) = first_line(".python-version")
        && parse_python_version(&line).is_some()
    {
        out.push(Declaration {
            by: DeclaredBy::PythonVersionFile,
            text: line,
            span: Span::new(file, range),
        });
    }
    if let Some(file) = project.file("pyproject.toml")
        && let Ok(text) = project.text(file)
    {
        // The `requires-python = "..."` line of `[project]`.
        let mut in_project = false;
        let mut offset = 0usize;
        for raw in text.text.split_inclusive('\n').take(10_000) {
            let line = raw.trim();
            let at = offset;
            offset += raw.len();
            if line.starts_with('[') {
                in_project = line == "[project]";
                continue;
            }
            if !in_project {
                continue;
            }
            let Some(rest) = line.strip_prefix("requires-python") else {
                continue;
            };
            let Some(value) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let value = value.trim().trim_matches(['"', '\'']).to_owned();
            let start = at + raw.find(&value).unwrap_or(0);
            out.push(Declaration {
                by: DeclaredBy::RequiresPython,
                span: Span::new(
                    file,
                    TextRange::at(
                        TextSize::try_from(start).unwrap_or_default(),
                        TextSize::try_from(value.len()).unwrap_or_default(),
                    ),
                ),
                text: value,
            });
            break;
        }
    }
    out
}

/// Whether some release of `version`'s minor satisfies the PEP 440 specifier `spec` (`>=3.11,<3.13`,
/// `~=3.10`, `==3.12.*`). `None` when a clause cannot be read.
pub fn specifier_admits(spec: &str, version: PythonVersion) -> Option<bool> {
    let (lo, hi) = (
        (3u32, u32::from(version.minor), 0u32),
        (3u32, u32::from(version.minor), 99u32),
    );
    for clause in spec.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let op_len = clause
            .find(|c: char| c.is_ascii_digit())
            .filter(|&i| i <= 3)?;
        let (op, v) = (clause[..op_len].trim(), clause[op_len..].trim());
        let wildcard = v.ends_with(".*");
        let parts: Vec<u32> = v
            .trim_end_matches(".*")
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<Vec<_>>>()?;
        let at = |i: usize| parts.get(i).copied().unwrap_or(0);
        let v3 = (at(0), at(1), at(2));
        let ok = match op {
            ">=" => hi >= v3,
            ">" => hi > v3 || (parts.len() < 3 && (hi.0, hi.1) > (v3.0, v3.1)),
            "<=" => lo <= v3,
            "<" => lo < v3,
            "==" if wildcard || parts.len() < 3 => {
                (lo.0, lo.1) == (at(0), at(1)) || (parts.len() == 1 && lo.0 == at(0))
            }
            "==" => (lo.0, lo.1) == (v3.0, v3.1),
            "~=" if parts.len() >= 3 => hi >= v3 && (lo.0, lo.1) == (v3.0, v3.1),
            "~=" => hi >= v3 && lo.0 == v3.0,
            "!=" if wildcard && parts.len() == 2 => (lo.0, lo.1) != (v3.0, v3.1),
            "!=" => true,
            _ => return None,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// The month it is now, `YYYY-MM` (UTC), from the system clock.
pub fn this_month() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Howard Hinnant's days-to-civil conversion.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let mut n = 0;
        for line in DATA
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(f.len(), 4, "{line}");
            assert!(parse_python_version(f[0]).is_some(), "{line}");
            assert!(matches!(f[1], "yes" | "no"), "{line}");
            assert_eq!(f[2].len(), 7, "{line}");
            n += 1;
        }
        assert!(n >= 8);
        assert!(not_offered(PythonVersion { major: 3, minor: 7 }));
        assert!(not_offered(PythonVersion { major: 3, minor: 5 }));
        assert!(!not_offered(PythonVersion::PY312));
        assert_eq!(
            support(PythonVersion::PY310).and_then(|s| s.ends),
            Some("2026-10")
        );
    }

    #[test]
    fn specifiers() {
        let v = |minor| PythonVersion { major: 3, minor };
        assert_eq!(specifier_admits(">=3.11", v(10)), Some(false));
        assert_eq!(specifier_admits(">=3.11", v(11)), Some(true));
        assert_eq!(specifier_admits(">=3.11.4", v(11)), Some(true));
        assert_eq!(specifier_admits(">=3.10,<3.13", v(12)), Some(true));
        assert_eq!(specifier_admits(">=3.10,<3.13", v(13)), Some(false));
        assert_eq!(specifier_admits("~=3.10", v(13)), Some(true));
        assert_eq!(specifier_admits("~=3.10.2", v(11)), Some(false));
        assert_eq!(specifier_admits("==3.12.*", v(11)), Some(false));
        assert_eq!(specifier_admits(">3.11", v(11)), Some(true));
        assert_eq!(specifier_admits("^3.11", v(11)), None);
        let month = this_month();
        assert_eq!(month.len(), 7);
        assert!(month.as_str() >= "2026-01");
    }
}
