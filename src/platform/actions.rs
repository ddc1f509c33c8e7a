//! GitHub Actions facts kept as data (`data/retired_actions.txt`, with sources and dates): the action
//! versions GitHub has retired, so that a job using one fails at once, and the Python versions
//! `actions/setup-python` can no longer install on a runner image.

const DATA: &str = include_str!("data/retired_actions.txt");

/// A retired major version of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    /// `v3`.
    pub major: String,
    /// `YYYY-MM-DD`.
    pub date: &'static str,
    pub source: &'static str,
}

/// The data lines of one section: `retired` (`action major date source`) or `setup-python`
/// (`setup-python version runner source`).
fn lines(kind: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    DATA.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(move |f| (f.first() == Some(&"setup-python")) == (kind == "setup-python"))
}

/// The major version a `uses:` reference names: `v3` for `v3`, `v3.1.0`, `3`; `None` for a branch, a
/// commit SHA or anything else.
pub fn major_of(reference: &str) -> Option<String> {
    let r = reference.trim().trim_start_matches(['v', 'V']);
    let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
    let rest = &r[digits.len()..];
    (!digits.is_empty() && (rest.is_empty() || rest.starts_with('.')) && digits.len() <= 4)
        .then(|| format!("v{digits}"))
}

/// Whether GitHub has retired `action` at the major version `reference` names.
pub fn retired(action: &str, reference: &str) -> Option<Retirement> {
    let major = major_of(reference)?;
    lines("retired").find_map(|f| match f.as_slice() {
        [a, m, date, source] if a.eq_ignore_ascii_case(action) && *m == major => Some(Retirement {
            major: major.clone(),
            date,
            source,
        }),
        _ => None,
    })
}

/// Whether `actions/setup-python` cannot install Python `version` (`3.7`, `3.7.17`, `3.7.x`) on the runner
/// `runs_on` (`ubuntu-latest`, `ubuntu-24.04`): the source that says so.
pub fn setup_python_unavailable(version: &str, runs_on: &str) -> Option<&'static str> {
    let v = version.trim().trim_matches(['\'', '"']);
    let mut parts = v.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    if !major.chars().all(|c| c.is_ascii_digit()) || !minor.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // The rest must be a patch number or `x` (`3.7.x`); anything else (`3.7-dev`) is left alone.
    if !parts.all(|p| p == "x" || p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let minor_version = format!("{major}.{minor}");
    let runner = runs_on.trim();
    lines("setup-python").find_map(|f| match f.as_slice() {
        [_, v, r, source] if *v == minor_version && *r == runner => Some(*source),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_parses_and_answers() {
        for f in lines("retired") {
            assert_eq!(f.len(), 4, "{f:?}");
            assert!(f[0].contains('/') && f[1].starts_with('v'), "{f:?}");
            assert_eq!(f[2].len(), 10, "a date: {f:?}");
            assert!(f[3].starts_with("https://"), "{f:?}");
        }
        for f in lines("setup-python") {
            assert_eq!(f.len(), 4, "{f:?}");
            assert!(f[2].starts_with("ubuntu-"), "{f:?}");
        }
        assert_eq!(
            retired("actions/upload-artifact", "v3").map(|r| r.date),
            Some("2025-01-30")
        );
        assert_eq!(
            retired("Actions/Download-Artifact", "v2.1.0").map(|r| r.major),
            Some("v2".to_owned())
        );
        assert_eq!(retired("actions/upload-artifact", "v4"), None);
        assert_eq!(
            retired(
                "actions/upload-artifact",
                "a8a3f3ad30e3422c9c7b888a15615d19a852ae32"
            ),
            None
        );
        assert!(setup_python_unavailable("3.7", "ubuntu-latest").is_some());
        assert!(setup_python_unavailable("'3.6.x'", "ubuntu-24.04").is_some());
        assert!(setup_python_unavailable("3.12", "ubuntu-latest").is_none());
        assert!(setup_python_unavailable("3.7", "windows-latest").is_none());
    }
}
