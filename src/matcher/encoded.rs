//! Base64 values read as what they encode: a Kubernetes Secret's `data:` values, and any long
//! base64 string in a file (a whole `.env` encoded into one value). Each value that decodes to
//! text is put back in place of its encoding, so the decoded secret is matched with the rest
//! of the file as its context; a finding inside it is placed at the encoded value and marked
//! decoded. A value that decodes to bytes (a key, an image, a hash) stays as it is.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use std::ops::Range;

/// Shortest base64 run decoded anywhere in a file (18 bytes): shorter runs are words and
/// identifiers far more often than encodings.
const MIN_RUN: usize = 24;

/// Shortest value decoded in a Kubernetes Secret's `data:` (every value there is base64).
const MIN_SECRET_VALUE: usize = 4;

/// A blob with its encoded values replaced by their text.
pub(super) struct Decoded {
    /// The text as matched.
    pub(super) text: Vec<u8>,
    /// Each replaced value: where its encoding was and where its text is, in order.
    spans: Vec<(Range<usize>, Range<usize>)>,
}

impl Decoded {
    /// The offset in the original blob of offset `at` of the decoded text, and whether it
    /// falls inside a decoded value (which is placed at its encoding's start).
    pub(super) fn original(&self, at: usize) -> (usize, bool) {
        let mut shift: isize = 0;
        for (orig, view) in &self.spans {
            if at < view.start {
                break;
            }
            if at < view.end {
                return (orig.start, true);
            }
            shift = orig.end as isize - view.end as isize;
        }
        ((at as isize + shift).max(0) as usize, false)
    }
}

/// Lenient about padding: Kubernetes writes it, hand-made values often drop it.
const STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// `data` with every encoded value that decodes to text replaced by that text; `None` when
/// there is none.
pub(super) fn decode(data: &[u8]) -> Option<Decoded> {
    let secret_values = secret_data_values(data);
    let mut spans: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if !is_b64(data[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < data.len() && is_b64(data[i]) {
            i += 1;
        }
        let mut end = i;
        while end < data.len() && end - i < 2 && data[end] == b'=' {
            end += 1;
        }
        i = end;
        let min = if secret_values.iter().any(|v| v.start == start) {
            MIN_SECRET_VALUE
        } else {
            MIN_RUN
        };
        if end - start < min || !stands_alone(data, start, end) {
            continue;
        }
        if let Some(text) = text_of(&data[start..end]) {
            spans.push((start..end, text));
        }
    }
    if spans.is_empty() {
        return None;
    }
    let mut text = Vec::with_capacity(data.len());
    let mut out = Vec::with_capacity(spans.len());
    let mut at = 0;
    for (orig, decoded) in spans {
        text.extend_from_slice(&data[at..orig.start]);
        let view = text.len()..text.len() + decoded.len();
        text.extend_from_slice(&decoded);
        at = orig.end;
        out.push((orig, view));
    }
    text.extend_from_slice(&data[at..]);
    Some(Decoded { text, spans: out })
}

/// Whether the run at `start..end` is a value on its own: not a piece of a dotted token (a
/// JWT's parts, a consumer key's), not the credentials of an `Authorization: Basic` header
/// (a rule reads those whole), and not plain hex or digits (those are values as they are).
fn stands_alone(data: &[u8], start: usize, end: usize) -> bool {
    let run = &data[start..end];
    let dotted =
        |at: Option<&u8>, next: Option<&u8>| at == Some(&b'.') && next.is_some_and(|&b| is_b64(b));
    if dotted(data.get(end), data.get(end + 1))
        || (start >= 2 && dotted(data.get(start - 1), data.get(start - 2)))
    {
        return false;
    }
    let before = &data[start.saturating_sub(8)..start];
    if before
        .to_ascii_lowercase()
        .trim_ascii_end()
        .ends_with(b"basic")
    {
        return false;
    }
    !run.iter().all(u8::is_ascii_hexdigit)
}

/// The text `run` encodes, if it is text: valid UTF-8 with no control characters but line
/// breaks and tabs, mostly printable. Random bytes almost never pass.
fn text_of(run: &[u8]) -> Option<Vec<u8>> {
    let plus_slash = run.iter().any(|b| matches!(b, b'+' | b'/'));
    let dash_underscore = run.iter().any(|b| matches!(b, b'-' | b'_'));
    let engine = match (plus_slash, dash_underscore) {
        (true, true) => return None,
        (_, true) => &URL_SAFE,
        _ => &STANDARD,
    };
    let bytes = engine.decode(run).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    let total = text.chars().count();
    (total >= 3 && printable == total && text.trim().chars().count() >= 3).then_some(bytes)
}

/// Where each value of a Kubernetes Secret's `data:` map starts (every one is base64, however
/// short); empty for any other file.
fn secret_data_values(data: &[u8]) -> Vec<Range<usize>> {
    let lines = || {
        let mut at = 0;
        data.split(|&b| b == b'\n').map(move |l| {
            let start = at;
            at += l.len() + 1;
            (start, l)
        })
    };
    let is_secret = lines().any(|(_, l)| {
        let l = l.trim_ascii();
        l.strip_prefix(b"kind:")
            .is_some_and(|k| unquote(k.trim_ascii()) == b"Secret")
    });
    if !is_secret {
        return Vec::new();
    }
    let indent = |l: &[u8]| l.iter().take_while(|&&b| b == b' ').count();
    let mut values = Vec::new();
    let mut data_indent: Option<usize> = None;
    for (start, line) in lines() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = line.trim_ascii();
        if text.is_empty() || text.starts_with(b"#") {
            continue;
        }
        let depth = indent(line);
        match data_indent {
            Some(d) if depth > d => {
                // `  KEY: value`: the value starts after the colon and its spaces
                if let Some(colon) = line.iter().position(|&b| b == b':') {
                    let after = &line[colon + 1..];
                    let lead = after.len() - after.trim_ascii_start().len();
                    let mut value = colon + 1 + lead;
                    if matches!(line.get(value), Some(b'"' | b'\'')) {
                        value += 1;
                    }
                    values.push(start + value..start + line.len());
                }
            }
            _ => {
                data_indent = (text == b"data:").then_some(depth);
            }
        }
    }
    values
}

/// `s` without the quotes around it.
fn unquote(s: &[u8]) -> &[u8] {
    let s = s
        .strip_prefix(b"\"")
        .or_else(|| s.strip_prefix(b"'"))
        .unwrap_or(s);
    s.strip_suffix(b"\"")
        .or_else(|| s.strip_suffix(b"'"))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn a_secret_manifest_has_its_data_values_decoded_in_place() {
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sf\ntype: Opaque\ndata:\n  SF_CLIENT_SECRET: {}\n  PASSWORD: \"{}\"\nstringData:\n  plain: dGVzdA==\n",
            b64("abc123XYZ"),
            b64("changeme")
        );
        let d = decode(yaml.as_bytes()).expect("decoded");
        let text = String::from_utf8(d.text.clone()).expect("utf8");
        assert!(text.contains("  SF_CLIENT_SECRET: abc123XYZ\n"), "{text}");
        assert!(text.contains("  PASSWORD: \"changeme\"\n"), "{text}");
        // stringData is not encoded, and `name: sf`, `type: Opaque` are left alone
        assert!(text.contains("plain: dGVzdA==") && text.contains("type: Opaque"));
        let at = text.find("abc123XYZ").expect("value");
        let (orig, inside) = d.original(at + 3);
        assert!(inside);
        assert_eq!(orig, yaml.find(&b64("abc123XYZ")).expect("encoded"));
        // after the replaced values, offsets shift back to the original's
        let (orig, inside) = d.original(text.find("stringData").expect("after"));
        assert!(!inside);
        assert_eq!(orig, yaml.find("stringData").expect("after"));
    }

    #[test]
    fn long_runs_that_decode_to_text_are_replaced_and_others_kept() {
        let env = "SF_CLIENT_ID=3MVG9abc\nSF_CLIENT_SECRET=0123456789\n";
        let file = format!("config: {}\nhash: {}\n", b64(env), "A".repeat(40));
        let d = decode(file.as_bytes()).expect("decoded");
        let text = String::from_utf8(d.text).expect("utf8");
        assert!(text.starts_with(&format!("config: {env}")), "{text}");
        // forty A's decode to bytes that are not text
        assert!(text.ends_with(&format!("hash: {}\n", "A".repeat(40))));
    }

    #[test]
    fn tokens_basic_credentials_hex_and_short_runs_are_not_decoded() {
        let part = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        let jwt = format!("token = {part}.{part}.sig\n");
        assert!(decode(jwt.as_bytes()).is_none());
        let basic = format!(
            "Authorization: Basic {}\n",
            b64("3MVG9abcdefghijklmn:secretvalue")
        );
        assert!(decode(basic.as_bytes()).is_none());
        assert!(decode(b"sha = 0123456789abcdef0123456789abcdef\n").is_none());
        assert!(decode(format!("x = {}\n", b64("short")).as_bytes()).is_none());
        // an identifier is a run of base64 letters too, but decodes to bytes
        assert!(decode(b"SALESFORCE_CONSUMER_SECRET_VALUE_FOR_PROD = 1\n").is_none());
    }
}
