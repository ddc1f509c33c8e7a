//! Text edits, one way: an [`Edit`] replaces a range of a text with new content (ruff's `Edit` is the
//! model), and [`apply`] is the one place edits are applied. The model uses it to compute a fixed line or
//! command; a finding carries its edits as a `Fix` (`diagnostic.rs`) for `--fix` and editors.

use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

/// Replace `range` with `content`: an empty range inserts, empty content deletes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    #[serde(skip)]
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replacement(content: impl Into<String>, range: TextRange) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }

    pub fn deletion(range: TextRange) -> Edit {
        Edit::replacement(String::new(), range)
    }

    pub fn insertion(content: impl Into<String>, at: TextSize) -> Edit {
        Edit::replacement(content, TextRange::empty(at))
    }

    /// The same edit on a text that starts `offset` later (or earlier) in its file.
    #[must_use]
    pub fn shifted(&self, from: TextSize, to: TextSize) -> Edit {
        let start = self.range.start() - from + to;
        Edit::replacement(self.content.clone(), TextRange::at(start, self.range.len()))
    }
}

impl From<(TextRange, String)> for Edit {
    /// A range and its replacement, as the rules compute them.
    fn from((range, content): (TextRange, String)) -> Edit {
        Edit::replacement(content, range)
    }
}

/// `text` with `edits` applied. Edits are applied in order of their start; an edit that overlaps one
/// already applied, falls outside the text or splits a character is skipped, so the result is always a
/// well-formed string.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in sorted {
        let (start, end) = (edit.range.start().to_usize(), edit.range.end().to_usize());
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.content);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The edits that fall inside `range`, moved to be relative to its start (to apply them to a slice).
pub fn within(edits: &[Edit], range: TextRange) -> Vec<Edit> {
    edits
        .iter()
        .filter(|e| range.contains_range(e.range))
        .map(|e| e.shifted(range.start(), TextSize::default()))
        .collect()
}

/// The Levenshtein distance of two short names (at most 64 characters of each are compared), to suggest
/// the name that was meant.
pub fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) =
        (a.chars().take(64).collect(), b.chars().take(64).collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// An edit that adds `item` as the last element of the list or tuple literal `value` (its text) found at
/// `range`: after the last element on the same line, or on a line of its own when the literal spans lines
/// and ends with a comma. `None` when the text is not a bracketed literal.
pub fn append_element(value: &str, range: TextRange, item: &str) -> Option<Edit> {
    let value = value.trim_end();
    let close = value.chars().last()?;
    let open = value.chars().next()?;
    if !matches!((open, close), ('[', ']') | ('(', ')')) {
        return None;
    }
    let inner = &value[1..value.len() - 1];
    let body = inner.trim_end();
    let at = |offset: usize| range.start() + TextSize::try_from(1 + offset).unwrap_or_default();
    if body.trim().is_empty() {
        // `[]` or `()`: a one-element tuple needs its comma.
        let text = if open == '(' {
            format!("{item},")
        } else {
            item.to_owned()
        };
        return Some(Edit::insertion(text, at(inner.len())));
    }
    if body.ends_with(',') && inner.contains('\n') {
        // One element a line: a new line with the last element's indentation.
        let last_line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let indent: String = body[last_line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        return Some(Edit::insertion(
            format!("\n{indent}{item},"),
            at(body.len()),
        ));
    }
    let text = if body.ends_with(',') {
        format!(" {item}")
    } else {
        format!(", {item}")
    };
    Some(Edit::insertion(text, at(body.len())))
}

/// The name of `names` closest to `written` (at most 2 edits away), to suggest the one that was meant.
pub fn closest<'a>(written: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (distance(written, n), *n))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u32, end: u32) -> TextRange {
        TextRange::new(start.into(), end.into())
    }

    #[test]
    fn elements_are_appended_in_the_literal_s_style() {
        let add = |value: &str| {
            let edit = append_element(value, r(0, value.len() as u32), "X").unwrap();
            apply(value, &[edit])
        };
        assert_eq!(add("['a', 'b']"), "['a', 'b', X]");
        assert_eq!(add("['a',]"), "['a', X]");
        assert_eq!(add("[]"), "[X]");
        assert_eq!(add("()"), "(X,)");
        assert_eq!(add("('a', 'b')"), "('a', 'b', X)");
        assert_eq!(
            add("[\n    'a',\n    'b',\n]"),
            "[\n    'a',\n    'b',\n    X,\n]"
        );
        assert!(append_element("os.environ['X']", r(0, 15), "X").is_none());
    }

    #[test]
    fn edits_apply_in_order_whatever_order_they_come_in() {
        let text = "gunicorn --reload --bind 127.0.0.1:8000 app:app";
        let edits = [
            Edit::replacement("0.0.0.0:8000", r(25, 39)),
            Edit::deletion(r(8, 17)),
            Edit::insertion(" --timeout 600", 47.into()),
        ];
        assert_eq!(
            apply(text, &edits),
            "gunicorn --bind 0.0.0.0:8000 app:app --timeout 600"
        );
    }

    #[test]
    fn overlapping_and_out_of_range_edits_are_skipped() {
        let text = "héllo";
        let edits = [
            Edit::replacement("A", r(0, 3)),
            Edit::replacement("B", r(1, 4)), // overlaps the first
            Edit::replacement("C", r(2, 3)), // inside é, and overlapping
            Edit::replacement("D", r(4, 99)),
        ];
        assert_eq!(apply(text, &edits), "Allo");
        assert_eq!(apply("abc", &[Edit::replacement("x", r(1, 2))]), "axc");
    }

    #[test]
    fn edits_within_a_range() {
        let edits = [Edit::replacement("x", r(10, 12)), Edit::deletion(r(2, 3))];
        assert_eq!(within(&edits, r(8, 20)), [Edit::replacement("x", r(2, 4))]);
    }
}
