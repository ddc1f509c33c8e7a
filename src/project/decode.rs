//! Turning a file's bytes into text the way the consumer (CPython, bash, pip) would, or saying why not.

use std::fmt;

/// Files larger than this are not read: no file App Service needs at start-up is this big.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Why a file could not be turned into text.
#[derive(Debug, Clone)]
pub enum ReadError {
    Io(String),
    TooLarge(u64),
    Decode(DecodeError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "it could not be read: {e}"),
            ReadError::TooLarge(n) => write!(
                f,
                "it is at least {n} bytes, over the {MAX_FILE_BYTES}-byte limit for files this tool reads"
            ),
            ReadError::Decode(e) => e.fmt(f),
        }
    }
}

/// Why a file's bytes are not text the tool can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// UTF-16 (with a byte-order mark, or NUL bytes in every other position).
    Utf16 { big_endian: bool },
    /// NUL bytes that are not UTF-16: a binary file.
    Binary { offset: usize },
    /// Bytes that are not UTF-8, and no coding declaration says otherwise.
    InvalidUtf8 { offset: usize, line: usize },
    /// A PEP 263 coding declaration names an encoding the tool does not decode.
    UnsupportedEncoding { name: String },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Utf16 { big_endian } => write!(
                f,
                "it is encoded as UTF-16 ({}), not UTF-8",
                if *big_endian {
                    "big-endian"
                } else {
                    "little-endian"
                }
            ),
            DecodeError::Binary { offset } => {
                write!(
                    f,
                    "it contains a NUL byte at offset {offset} (a binary file)"
                )
            }
            DecodeError::InvalidUtf8 { offset, line } => {
                write!(
                    f,
                    "it is not valid UTF-8 (byte offset {offset}, line {line})"
                )
            }
            DecodeError::UnsupportedEncoding { name } => {
                write!(
                    f,
                    "it declares the encoding `{name}`, which this tool does not read"
                )
            }
        }
    }
}

/// Text decoded from a file, with what was done to get it.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The file started with a UTF-8 byte-order mark (removed from `text`).
    pub had_bom: bool,
}

/// Decode `bytes`. With `python`, honour a PEP 263 coding declaration for Latin-1, as CPython does.
pub fn decode(bytes: &[u8], python: bool) -> Result<Decoded, DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(DecodeError::Utf16 { big_endian: false });
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(DecodeError::Utf16 { big_endian: true });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(nul_kind(bytes, offset));
    }
    let (body, had_bom) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            had_bom,
        }),
        Err(err) => {
            if python
                && !had_bom
                && let Some(name) = coding_declaration(body)
            {
                return decode_declared(body, &name);
            }
            let offset = err.valid_up_to();
            let line = body[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(DecodeError::InvalidUtf8 { offset, line })
        }
    }
}

/// NUL bytes at every other position of the start of a file mean UTF-16 without a byte-order mark.
fn nul_kind(bytes: &[u8], first_nul: usize) -> DecodeError {
    let head = &bytes[..bytes.len().min(64)];
    if head.len() >= 4 {
        let odd_zero = head.iter().skip(1).step_by(2).all(|&b| b == 0);
        let even_zero = head.iter().step_by(2).all(|&b| b == 0);
        if odd_zero != even_zero {
            return DecodeError::Utf16 {
                big_endian: even_zero,
            };
        }
    }
    DecodeError::Binary { offset: first_nul }
}

/// The encoding named by a PEP 263 declaration on one of the first two lines.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            continue;
        }
        let Some(pos) = trimmed.find("coding") else {
            continue;
        };
        let rest = &trimmed[pos + "coding".len()..];
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !name.is_empty() {
            return Some(name.to_ascii_lowercase().replace('_', "-"));
        }
    }
    None
}

fn decode_declared(bytes: &[u8], name: &str) -> Result<Decoded, DecodeError> {
    match name {
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => Ok(Decoded {
            text: bytes.iter().map(|&b| char::from(b)).collect(),
            had_bom: false,
        }),
        "utf-8" | "utf8" => {
            let offset = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(DecodeError::InvalidUtf8 { offset, line })
        }
        _ => Err(DecodeError::UnsupportedEncoding {
            name: name.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFx = 1\r\n", true).unwrap();
        assert_eq!(d.text, "x = 1\r\n");
        assert!(d.had_bom);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = "\u{feff}x = 1\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(
            decode(&le, true).unwrap_err(),
            DecodeError::Utf16 { big_endian: false }
        );
        let be: Vec<u8> = "import os\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(
            decode(&be, true).unwrap_err(),
            DecodeError::Utf16 { big_endian: true }
        );
    }

    #[test]
    fn binary_and_invalid_utf8() {
        assert_eq!(
            decode(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x02\x00", true).unwrap_err(),
            DecodeError::Binary { offset: 7 }
        );
        assert_eq!(
            decode(b"a = 1\nb = '\xe9'\n", true).unwrap_err(),
            DecodeError::InvalidUtf8 {
                offset: 11,
                line: 2
            }
        );
    }

    #[test]
    fn latin1_declaration_is_honoured_for_python_only() {
        let src = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n";
        assert_eq!(
            decode(src, true).unwrap().text,
            "# -*- coding: latin-1 -*-\nname = '\u{e9}'\n"
        );
        assert!(decode(src, false).is_err());
        assert_eq!(
            decode(b"# coding=shift_jis\nx = '\x82\xa0'\n", true).unwrap_err(),
            DecodeError::UnsupportedEncoding {
                name: "shift-jis".into()
            }
        );
    }
}
