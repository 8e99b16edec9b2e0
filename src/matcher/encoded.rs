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

/// Shortest base64 run decoded in a file with no keyword at all (48 bytes): a long value
/// there (`ENV_FILE: <a whole .env, encoded>`) is the only place a keyword can hide.
const LONG_RUN: usize = 64;

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

/// The bytes of base64's two alphabets, as a table: the scan asks for every byte it passes.
const B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
        b += 1;
    }
    t
};

fn is_b64(b: u8) -> bool {
    B64[b as usize]
}

/// How far after a keyword an encoded value may start and still be decoded: a pass over every
/// byte of every blob with a keyword more than doubled a tree scan's time, and the values that
/// matter (`SF_CLIENT_SECRET: <base64>`, `config.json: eyJ...`) follow their key closely.
const NEAR: usize = 256;

/// Whether a file with no keyword is looked at for long encoded values: config and data
/// files, text, shell scripts and Terraform, where a CI variable or a chart holds a whole
/// `.env` encoded; not source code.
pub(super) fn may_hold_long_values(path: &str) -> bool {
    let name = path.rsplit(['/', '!']).next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    crate::filekind::FileKind::of(path) == crate::filekind::FileKind::Config
        || matches!(
            ext.as_deref(),
            None | Some("txt" | "sh" | "bash" | "ps1" | "tf" | "tpl" | "j2" | "b64" | "base64")
        )
}

/// Where to look for encoded values.
pub(super) enum Scope<'h> {
    /// Everywhere: a Kubernetes Secret, whose values are all base64.
    Manifest,
    /// Runs that start within [`NEAR`] bytes after these offsets (keyword hits, any order).
    Near(&'h [Vec<usize>]),
    /// Long runs anywhere: a file with no keyword in its own text.
    Long,
}

/// `data` with every encoded value in `scope` that decodes to text replaced by that text;
/// `None` when there is none.
pub(super) fn decode(data: &[u8], scope: Scope) -> Option<Decoded> {
    let mut shortest = MIN_RUN;
    let (ranges, secret_values) = match scope {
        Scope::Manifest => (
            std::iter::once(0..data.len()).collect(),
            secret_data_values(data),
        ),
        Scope::Long => {
            shortest = LONG_RUN;
            (std::iter::once(0..data.len()).collect(), Vec::new())
        }
        Scope::Near(hits) => {
            let mut at: Vec<usize> = hits.iter().flatten().copied().collect();
            at.sort_unstable();
            let mut ranges: Vec<Range<usize>> = Vec::new();
            for h in at {
                let r = h..(h + NEAR).min(data.len());
                match ranges.last_mut() {
                    Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                    _ => ranges.push(r),
                }
            }
            (ranges, Vec::new())
        }
    };
    // outside a manifest only runs of `shortest` count, and every such run holds one of
    // every `shortest`-th byte: looking at those alone skips most of the text
    let stride = if secret_values.is_empty() {
        shortest
    } else {
        1
    };
    let mut spans: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    // where the last run read ended: runs never overlap
    let mut done = 0;
    for range in ranges {
        let mut k = range.start.max(done);
        while k < range.end {
            if !is_b64(data[k]) {
                k += stride;
                continue;
            }
            let mut start = k;
            while start > done && is_b64(data[start - 1]) {
                start -= 1;
            }
            let mut run_end = k + 1;
            while run_end < data.len() && is_b64(data[run_end]) {
                run_end += 1;
            }
            let mut end = run_end;
            while end < data.len() && end - run_end < 2 && data[end] == b'=' {
                end += 1;
            }
            done = end;
            k = end + stride;
            let min = if secret_values.binary_search(&start).is_ok() {
                MIN_SECRET_VALUE
            } else {
                shortest
            };
            if end - start >= min && stands_alone(data, start, end) {
                if let Some(text) = text_of(&data[start..end]) {
                    spans.push((start..end, text));
                }
            }
        }
    }
    replaced(data, spans)
}

/// A blob that is base64 whole (a `.b64` file, `base64` output wrapped at 76 columns) and
/// decodes to text, as that text: told from its first line, so no other blob costs a pass.
pub(super) fn whole(data: &[u8]) -> Option<Decoded> {
    if !data.get(..MIN_RUN)?.iter().all(|&b| is_b64(b)) {
        return None;
    }
    let first = &data[..memchr::memchr(b'\n', data).unwrap_or(data.len())];
    let first = first.trim_ascii_end();
    if first.len() < MIN_RUN || !first.iter().all(|&b| is_b64(b) || b == b'=') {
        return None;
    }
    let run: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if !run.iter().all(|&b| is_b64(b) || b == b'=') {
        return None;
    }
    let text = text_of(&run)?;
    replaced(data, vec![(0..data.len(), text)])
}

/// `data` with each span replaced by its text.
fn replaced(data: &[u8], spans: Vec<(Range<usize>, Vec<u8>)>) -> Option<Decoded> {
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
    // the first bytes tell most runs that are not text (a long identifier, a key) without
    // decoding the rest
    if run.len() > 8 {
        let head = engine.decode(&run[..8]).ok()?;
        if head
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'))
        {
            return None;
        }
    }
    let bytes = engine.decode(run).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    let total = text.chars().count();
    (total >= 3 && printable == total && text.trim().chars().count() >= 3).then_some(bytes)
}

/// Whether `data` is a Kubernetes Secret manifest (YAML or JSON), told at the places the
/// word `secret` is (`kind: Secret`, `"kind": "Secret"`): no pass over the blob.
pub(super) fn secret_manifest(data: &[u8], secret_at: &[usize]) -> bool {
    secret_at.iter().any(|&at| {
        let before = data[..at].strip_suffix(b"\"").unwrap_or(&data[..at]);
        let before = before.trim_ascii_end();
        data[at..].starts_with(b"Secret")
            && (before.ends_with(b"kind:") || before.ends_with(b"\"kind\":"))
    })
}

/// Where each value of a Kubernetes Secret's `data` map starts (every one is base64, however
/// short), in order, in YAML or JSON; empty for any other file.
fn secret_data_values(data: &[u8]) -> Vec<usize> {
    let mut v = yaml_data_values(data);
    v.extend(json_data_values(data));
    v.sort_unstable();
    v.dedup();
    v
}

/// The string values of every `"data": { ... }` object (a JSON manifest), where each starts.
fn json_data_values(data: &[u8]) -> Vec<usize> {
    // past any white space, then past `byte` if it is there
    let take = |i: &mut usize, byte: u8| {
        while data.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
        let here = data.get(*i) == Some(&byte);
        *i += usize::from(here);
        here
    };
    // past a string whose opening quote `i` is just after
    let string_end = |i: &mut usize| match memchr::memchr(b'"', &data[*i..]) {
        Some(len) => {
            *i += len + 1;
            true
        }
        None => false,
    };
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(data, b"\"data\"") {
        let mut i = at + 6;
        if !(take(&mut i, b':') && take(&mut i, b'{')) {
            continue;
        }
        // "key": "value" pairs up to the closing brace; a value that is not a string ends it
        loop {
            take(&mut i, b',');
            if !(take(&mut i, b'"')
                && string_end(&mut i)
                && take(&mut i, b':')
                && take(&mut i, b'"'))
            {
                break;
            }
            out.push(i);
            if !string_end(&mut i) {
                break;
            }
        }
    }
    out
}

/// The values of a YAML manifest's `data:` map.
fn yaml_data_values(data: &[u8]) -> Vec<usize> {
    let lines = || {
        let mut at = 0;
        data.split(|&b| b == b'\n').map(move |l| {
            let start = at;
            at += l.len() + 1;
            (start, l)
        })
    };
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
                    values.push(start + value);
                }
            }
            _ => {
                data_indent = (text == b"data:").then_some(depth);
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    /// Decodes near a keyword at the start of `text`.
    fn near_start(text: &str) -> Option<Decoded> {
        decode(text.as_bytes(), Scope::Near(&[vec![0]]))
    }

    #[test]
    fn a_secret_manifest_has_its_data_values_decoded_in_place() {
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sf\ntype: Opaque\ndata:\n  SF_CLIENT_SECRET: {}\n  PASSWORD: \"{}\"\nstringData:\n  plain: dGVzdA==\n",
            b64("abc123XYZ"),
            b64("changeme")
        );
        let at = yaml.find("Secret").expect("kind");
        assert!(secret_manifest(yaml.as_bytes(), &[at]));
        assert!(!secret_manifest(b"clientSecret = 1", &[6]));
        let d = decode(yaml.as_bytes(), Scope::Manifest).expect("decoded");
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
    fn long_runs_near_a_keyword_that_decode_to_text_are_replaced_and_others_kept() {
        let env = "SF_CLIENT_ID=3MVG9abc\nSF_CLIENT_SECRET=0123456789\n";
        let file = format!("config: {}\nhash: {}\n", b64(env), "A".repeat(40));
        let d = near_start(&file).expect("decoded");
        let text = String::from_utf8(d.text).expect("utf8");
        assert!(text.starts_with(&format!("config: {env}")), "{text}");
        // forty A's decode to bytes that are not text
        assert!(text.ends_with(&format!("hash: {}\n", "A".repeat(40))));
        // far from any keyword, a value is left as it is
        let far = format!("{}\nconfig: {}\n", "#".repeat(NEAR + 10), b64(env));
        assert!(near_start(&far).is_none());
    }

    #[test]
    fn a_blob_encoded_whole_is_decoded_whole() {
        let env = "SF_CLIENT_ID=3MVG9abc\nSF_CLIENT_SECRET=0123456789abcdef\n".repeat(3);
        let encoded = b64(&env);
        // wrapped as `base64` wraps, at 76 columns
        let wrapped: Vec<String> = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let d = whole(format!("{}\n", wrapped.join("\n")).as_bytes()).expect("whole");
        assert_eq!(d.text, env.as_bytes());
        assert_eq!(d.original(30), (0, true));
        assert!(whole(b"SF_CLIENT_SECRET_AND_MORE_WORDS = 1\n").is_none());
    }

    #[test]
    fn tokens_basic_credentials_hex_and_short_runs_are_not_decoded() {
        let part = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        let jwt = format!("token = {part}.{part}.sig\n");
        assert!(near_start(&jwt).is_none());
        let basic = format!(
            "Authorization: Basic {}\n",
            b64("3MVG9abcdefghijklmn:secretvalue")
        );
        assert!(near_start(&basic).is_none());
        assert!(near_start("sha = 0123456789abcdef0123456789abcdef\n").is_none());
        assert!(near_start(&format!("x = {}\n", b64("short"))).is_none());
        // an identifier is a run of base64 letters too, but decodes to bytes
        assert!(near_start("SALESFORCE_CONSUMER_SECRET_VALUE_FOR_PROD = 1\n").is_none());
    }
}
