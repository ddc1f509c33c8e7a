//! Reading YAML with positions (`saphyr`'s `MarkedYaml`), for `appsvc.yaml` and GitHub workflows.

use ruff_text_size::{TextRange, TextSize};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A parsed YAML document and the text it came from, able to turn positions into byte ranges.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub root: MarkedYaml<'a>,
    text: &'a str,
    /// Byte offset of each character (saphyr counts characters); empty for ASCII text.
    offsets: Vec<usize>,
}

/// A YAML syntax error: its byte offset and saphyr's description.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub offset: usize,
    pub message: String,
}

/// A scalar's text as a string, and where it is.
pub(crate) struct ScalarValue {
    pub value: String,
    /// The value in the file, quotes excluded (for a block scalar, its lines).
    pub range: TextRange,
    /// The file's text at `range` is exactly `value` (no escapes, folding or indentation in between).
    pub exact: bool,
}

/// Parse the first document of `text`; `Ok(None)` for a text with no document.
pub(crate) fn parse(text: &str) -> Result<Option<Doc<'_>>, YamlError> {
    let offsets = if text.is_ascii() {
        Vec::new()
    } else {
        text.char_indices().map(|(i, _)| i).collect()
    };
    let byte = |index: usize| byte_offset(&offsets, text, index);
    match MarkedYaml::load_from_str(text) {
        Ok(docs) => Ok(docs.into_iter().next().map(|root| Doc {
            root,
            text,
            offsets,
        })),
        Err(err) => Err(YamlError {
            offset: byte(err.marker().index()),
            message: err.info().to_owned(),
        }),
    }
}

fn byte_offset(offsets: &[usize], text: &str, index: usize) -> usize {
    if offsets.is_empty() {
        index.min(text.len())
    } else {
        offsets.get(index).copied().unwrap_or(text.len())
    }
}

impl<'a> Doc<'a> {
    /// The byte range of a node (its first character to its end).
    pub fn range(&self, node: &MarkedYaml) -> TextRange {
        let start = byte_offset(&self.offsets, self.text, node.span.start.index());
        let end = byte_offset(&self.offsets, self.text, node.span.end.index()).max(start);
        to_range(start, end)
    }

    /// The text of a node as written.
    pub fn text_of(&self, node: &MarkedYaml) -> String {
        self.text[self.range(node)].to_owned()
    }

    /// A scalar node as text (numbers and booleans as written); `None` for null, mappings and sequences.
    pub fn scalar(&self, node: &MarkedYaml) -> Option<ScalarValue> {
        let range = self.range(node);
        let raw = &self.text[range];
        let value = match &node.data {
            YamlData::Value(Scalar::String(s)) => s.to_string(),
            YamlData::Value(Scalar::Null) => return None,
            YamlData::Value(_) => raw.trim().to_owned(),
            _ => return None,
        };
        let quoted = raw.len() >= 2
            && ((raw.starts_with('"') && raw.ends_with('"'))
                || (raw.starts_with('\'') && raw.ends_with('\'')));
        let inner = if quoted {
            TextRange::new(
                range.start() + TextSize::new(1),
                range.end() - TextSize::new(1),
            )
        } else {
            // Block scalars end after their last line break: show their text only.
            let trimmed = raw.trim_end();
            TextRange::at(range.start(), TextSize::of(trimmed))
        };
        let exact = self.text[inner] == value;
        Some(ScalarValue {
            value,
            range: inner,
            exact,
        })
    }
}

/// The value of `key` in a mapping node.
pub(crate) fn get<'n, 'a>(node: &'n MarkedYaml<'a>, key: &str) -> Option<&'n MarkedYaml<'a>> {
    entries(node).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The entries of a mapping node whose keys are strings, in document order.
pub(crate) fn entries<'n, 'a>(
    node: &'n MarkedYaml<'a>,
) -> impl Iterator<Item = (&'n str, &'n MarkedYaml<'a>)> {
    let map = match &node.data {
        YamlData::Mapping(map) => Some(map),
        _ => None,
    };
    map.into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(k, v)| match &k.data {
            YamlData::Value(Scalar::String(s)) => Some((s.as_ref(), v)),
            _ => None,
        })
}

/// The items of a sequence node.
pub(crate) fn items<'n, 'a>(node: &'n MarkedYaml<'a>) -> impl Iterator<Item = &'n MarkedYaml<'a>> {
    let seq = match &node.data {
        YamlData::Sequence(seq) => Some(seq),
        _ => None,
    };
    seq.into_iter().flat_map(|s| s.iter())
}

pub(crate) fn to_range(start: usize, end: usize) -> TextRange {
    let size = |n: usize| TextSize::try_from(n).unwrap_or_default();
    TextRange::new(size(start), size(end.max(start)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_ranges() {
        let text = "a: plain value\nb: \"dq\"\nc: 'it''s'\nd: |\n  one\n  two\ne: 3\nf:\n";
        let doc = parse(text).unwrap().unwrap();
        let s = |k: &str| doc.scalar(get(&doc.root, k).unwrap());
        let a = s("a").unwrap();
        assert_eq!(
            (a.value.as_str(), &text[a.range], a.exact),
            ("plain value", "plain value", true)
        );
        let b = s("b").unwrap();
        assert_eq!((&text[b.range], b.exact), ("dq", true));
        let c = s("c").unwrap();
        assert_eq!(
            (c.value.as_str(), &text[c.range], c.exact),
            ("it's", "it''s", false)
        );
        let d = s("d").unwrap();
        assert_eq!(
            (d.value.as_str(), &text[d.range], d.exact),
            ("one\ntwo\n", "one\n  two", false)
        );
        assert_eq!(s("e").unwrap().value, "3");
        assert!(s("f").is_none());
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "x: é\ny: ok\n";
        let doc = parse(text).unwrap().unwrap();
        let y = doc.scalar(get(&doc.root, "y").unwrap()).unwrap();
        assert_eq!(&text[y.range], "ok");
    }

    #[test]
    fn errors_and_empty_documents() {
        assert!(parse("").unwrap().is_none());
        let err = parse("a: [unclosed\n").err().unwrap();
        assert!(err.offset <= 13);
        assert!(!err.message.is_empty());
        // Deep nesting is refused, not a stack overflow.
        assert!(parse(&"[".repeat(100_000)).is_err());
    }
}
