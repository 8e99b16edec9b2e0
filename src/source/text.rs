//! Turns a file's raw bytes into what the matcher reads: UTF-16 text (a byte-order mark first,
//! as Windows PowerShell and `.reg` files are written) is transcoded to UTF-8, other text is
//! passed through as bytes, and binary content (a NUL in the first 8 KiB) is set aside.

use std::borrow::Cow;

/// Files whose first bytes hold a NUL are binary and skipped.
pub const BINARY_SNIFF: usize = 8 * 1024;

/// True when the first 8 KiB hold a NUL byte.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF)]).is_some()
}

/// The bytes to scan: UTF-16 transcoded, text as is, binary only when `wants_binary` says the
/// file is wanted whole (a keystore); `None` means skip it as binary.
pub fn scannable(data: &[u8], wants_binary: impl FnOnce() -> bool) -> Option<Cow<'_, [u8]>> {
    if let Some(text) = utf16(data) {
        return Some(Cow::Owned(text));
    }
    if !looks_binary(data) || wants_binary() {
        return Some(Cow::Borrowed(data));
    }
    None
}

/// UTF-16 (LE or BE, by its byte-order mark) as UTF-8, without the mark. Line breaks stay
/// where they were, so lines count the same; unpaired surrogates become U+FFFD and an odd
/// trailing byte is dropped rather than failing the file.
fn utf16(data: &[u8]) -> Option<Vec<u8>> {
    let (little_endian, body) = match data {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        if little_endian {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut out = Vec::with_capacity(body.len() / 2 + body.len() / 8);
    let mut tmp = [0u8; 4];
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, le: bool) -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn utf16_with_a_bom_becomes_utf8_text() {
        let text = "caf\u{e9}\r\nkey = \"x\u{1F511}\"\r\n";
        for le in [true, false] {
            let data = encode(text, le);
            let got = scannable(&data, || false).expect("text");
            assert_eq!(&got[..], text.as_bytes());
        }
    }

    #[test]
    fn broken_utf16_is_replaced_not_refused() {
        // an unpaired high surrogate and an odd trailing byte
        let data = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c'];
        let got = scannable(&data, || false).expect("text");
        assert_eq!(String::from_utf8_lossy(&got), "a\u{FFFD}b");
    }

    #[test]
    fn nul_bytes_without_a_bom_are_binary_unless_wanted() {
        let data = b"\x7fELF\x00\x01secret";
        assert!(scannable(data, || false).is_none());
        assert!(scannable(data, || true).is_some());
        assert!(matches!(
            scannable(b"plain", || false),
            Some(Cow::Borrowed(_))
        ));
    }
}
