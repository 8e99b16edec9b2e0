//! Stage 2, value checks: is the text a pattern matched a value at all? Rejects
//! placeholders, expressions, names and lists of names, sentences, command-line options,
//! property-name constants, hashes, and secrets that name another provider, before any
//! context is looked at. Reads the value as written: a quoted password to its closing quote,
//! a value split over string literals joined, a percent-encoded body to its `%26`, an indented
//! PEM body without its indentation. Decodes what the rule says to decode ([`jwt`] claims,
//! Basic credentials, escaped line breaks).

use super::context::Context;
use super::jwt::{self, Jwt};
use super::placeholder::{is_placeholder, keyboard_mash, looks_like_expression};
use super::public::spelled_example;
use super::shape;
use super::surroundings::LONG_LINE;
use super::{Blob, Hit};
use crate::filekind::FileKind;
use crate::rules::{Decode, Pattern, Rule};
use base64::Engine;

/// Bytes of the line before a match that `reject_before` looks at.
const BEFORE_LOOKBACK: usize = 64;
/// Lines above a value searched for the section it sits in.
const SECTION_LOOKBACK: usize = 60;
/// Most string literals a split value is joined from.
const MAX_PIECES: usize = 16;
/// Longest quoted value read to its closing quote.
const MAX_QUOTED: usize = 256;

/// A value that passed the checks.
pub(super) struct Value {
    /// The value as reported (joined from its pieces, percent-decoded where it was encoded).
    pub(super) text: String,
    /// Where the value ends in the blob (past its last piece when it was split).
    pub(super) end: usize,
    /// For a JSON Web Token: what its claims say.
    pub(super) jwt: Option<Jwt>,
    /// For `Authorization: Basic`: the consumer key it decodes to.
    pub(super) decoded_key: Option<String>,
    /// The line the value starts on.
    pub(super) line: usize,
    /// The line holds minified code: context is measured in bytes.
    pub(super) minified: bool,
}

/// Runs every check; `None` when the match is not a value worth a finding.
pub(super) fn check(
    ctx: &Context,
    rule: &Rule,
    pattern: &Pattern,
    blob: Blob,
    hit: &Hit,
) -> Option<Value> {
    let data = ctx.data;
    let (start, mut end) = hit.span;
    // a form body percent-encoded whole: `client_secret%3D...%26grant_type%3D...`
    if let Some(cut) = memchr::memmem::find(&data[start..end], b"%26") {
        end = start + cut;
    }
    let quote = data
        .get(start.wrapping_sub(1))
        .copied()
        .filter(|c| matches!(c, b'"' | b'\'' | b'`'));
    // a person's quoted value runs to its closing quote: a password may hold `;`, `<`, `&`
    if let (true, Some(q)) = (pattern.human, quote) {
        end = closing_quote(data, start, end, q);
    }
    // a value split over string literals (`"5Aep861..." + "..."`) is read whole
    let (bytes, end, pieces) = match quote {
        Some(q) => join_pieces(data, start, end, q),
        None => (data[start..end].to_vec(), end, 0),
    };
    if let Some(whole) = &pattern.joined {
        if pieces == 0 || !whole.is_match(&bytes) {
            return None;
        }
    }
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    // form bodies and query strings carry values percent-encoded (`%2B`, `%40`)
    let value = percent_decode(&raw).unwrap_or(raw);
    let value = match pattern.decode {
        Some(Decode::EscapedLines) => value.replace("\\r", "").replace("\\n", "\n"),
        _ => value,
    };
    // a key body indented in a heredoc or a YAML block: the same key as unindented
    let value = if value.contains('\n') {
        value.lines().map(str::trim).collect::<Vec<_>>().join("\n")
    } else {
        value
    };
    // a person's value is short; a run of hundreds of characters is data, not a password
    let length = value.chars().count();
    if length < pattern.min_len || (pattern.human && length > MAX_QUOTED) {
        return None;
    }
    let decoded_key = match pattern.decode {
        Some(Decode::BasicAuth) => Some(basic_auth_key(&value, rule)?),
        _ => None,
    };
    let jwt = match pattern.decode {
        Some(Decode::Jwt) => Some(jwt::salesforce_claims(&value)?),
        _ => None,
    };
    let key = hit.key.as_ref().map(|(k, _)| k.as_str());
    if let (Some(re), Some(k)) = (&pattern.reject_key, key) {
        if re.is_match(k.as_bytes()) {
            return None;
        }
    }
    let line = ctx.lines.line_of(start);
    let line_range = ctx.lines.line_range(data, line);
    if let Some(re) = &pattern.reject_before {
        let from = hit
            .match_start
            .saturating_sub(BEFORE_LOOKBACK)
            .max(line_range.start)
            .min(hit.match_start);
        if re.is_match(&data[from..hit.match_start]) {
            return None;
        }
    }
    if let Some(re) = &pattern.reject_line {
        if re.is_match(&data[line_range.clone()]) {
            return None;
        }
    }
    // a value ending in ':' is the next key (`[:password], security_token:`), not a value
    // a token's claims, not its base64 text, say whether it is real
    let shaped = jwt.is_none();
    if value.ends_with(':')
        || (shaped
            && is_placeholder(&value, rule.placeholder_from.as_deref())
            && !spelled_example(&value))
        || (shaped && keyboard_mash(&value))
    {
        return None;
    }
    let before = data.get(start.wrapping_sub(1)).copied();
    let after = &data[end..line_range.end.max(end)];
    let quoted = quote.is_some();
    if pattern.expression_check && blob.kind == FileKind::Code {
        let opened = quoted || before == Some(b'>');
        if !opened && looks_like_expression(&value, after.first().copied()) {
            return None;
        }
    }
    // `"<password>".concat(...)`: a method call after a closing quote, not a value
    if value.starts_with('.') || after.first() == Some(&b'(') && !quoted {
        return None;
    }
    let separator = hit
        .key
        .as_ref()
        .map_or(&[][..], |(_, key_end)| &data[(*key_end).min(start)..start]);
    // `-Dsalesforce.password= -Dsalesforce.url=...`: an empty value swallowed the next option
    if value.starts_with('-') && separator.last().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    if let Some(k) = key {
        if shape::echoes_key(k, &value) {
            return None;
        }
    }
    if shape::starts_prose(&value, after) || shape::is_constant_name(&value) {
        return None;
    }
    // a list of names (`['client_secret', 'start_date']`) or a call's next argument
    let listed = !separator.is_empty()
        && separator.iter().any(|c| matches!(c, b',' | b'('))
        && !separator.iter().any(|c| matches!(c, b'=' | b':' | b'>'));
    // a web address is not a password: generated SOAP bindings pass a field's name, then its
    // schema's namespace (`"password","http://www.w3.org/2001/XMLSchema"`)
    if pattern.human && {
        let lower = value.get(..8).unwrap_or(&value).to_ascii_lowercase();
        lower.starts_with("http://") || lower.starts_with("https://")
    } {
        return None;
    }
    let minified = blob.around.minified || line_range.len() > LONG_LINE;
    let names_stand_here = listed || minified || blob.around.generated_docs;
    if shape::is_name(&value) && (!pattern.human || names_stand_here) {
        return None;
    }
    // in a bundle or generated docs a value must look like a credential, not a word
    if names_stand_here && !value.bytes().any(|c| c.is_ascii_digit()) && value.len() < 16 {
        return None;
    }
    if names_another_provider(ctx, rule, pattern, blob, key, line) {
        return None;
    }
    Some(Value {
        text: value,
        end,
        jwt,
        decoded_key,
        line,
        minified,
    })
}

/// The secret's own name, its file's name or the section it sits in names another provider
/// (`AZURE_CLIENT_SECRET`, `okta:`, `ebikes.slackapp-meta.xml`): Salesforce named elsewhere
/// in the file does not make it Salesforce's. A name that names Salesforce itself wins.
fn names_another_provider(
    ctx: &Context,
    rule: &Rule,
    pattern: &Pattern,
    blob: Blob,
    key: Option<&str>,
    line: usize,
) -> bool {
    if let Some(k) = key {
        if shape::other_provider(k).is_some() {
            return true;
        }
        if pattern
            .tie_key
            .as_ref()
            .is_some_and(|re| re.is_match(k.as_bytes()))
        {
            return false;
        }
    }
    // a path-scoped rule (Salesforce metadata) knows whose file it is
    let file = blob.path.rsplit(['/', '\\']).next().unwrap_or(blob.path);
    if rule.paths.is_none() && shape::other_provider(file).is_some() {
        return true;
    }
    enclosing_sections(ctx, line)
        .iter()
        .any(|s| shape::other_provider(s).is_some())
}

/// The headers of the sections around `line`: YAML keys on less-indented lines above it
/// (`okta:`), INI/TOML `[section]` headers, each as its bare name.
fn enclosing_sections(ctx: &Context, line: usize) -> Vec<String> {
    let indent = |b: &[u8]| b.iter().take_while(|c| **c == b' ' || **c == b'\t').count();
    let mut level = indent(ctx.line_bytes(line));
    let mut out = Vec::new();
    let first = line.saturating_sub(SECTION_LOOKBACK).max(1);
    for l in (first..line).rev() {
        let text = ctx.line_bytes(l);
        let trimmed = text.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with(b"#") {
            continue;
        }
        if trimmed.starts_with(b"[") && trimmed.ends_with(b"]") {
            out.push(String::from_utf8_lossy(&trimmed[1..trimmed.len() - 1]).into_owned());
            break;
        }
        let i = indent(text);
        if i < level && trimmed.ends_with(b":") {
            let name = trimmed[..trimmed.len() - 1].trim_ascii();
            let name = name.strip_prefix(b"- ").unwrap_or(name);
            out.push(String::from_utf8_lossy(name).into_owned());
            level = i;
            if i == 0 {
                break;
            }
        }
    }
    out
}

/// Where a quoted value that the pattern cut short really ends: at its closing quote `q` on
/// the same line, with no space, escape or line break before it; `end` when there is none.
fn closing_quote(data: &[u8], start: usize, end: usize, q: u8) -> usize {
    let limit = data.len().min(start + MAX_QUOTED);
    let mut i = end;
    while i < limit {
        match data[i] {
            c if c == q => return i,
            c if c.is_ascii_whitespace() || c == b'\\' => return end,
            _ => i += 1,
        }
    }
    end
}

/// Joins a quoted value with the string literals that continue it: `"a" + "b"` (Java, JS),
/// `"a" "b"` (C), `("a"\n "b")` (Python), `'a' . 'b'` (PHP), `"a" & "b"` (VB), `'a' || 'b'`
/// (SQL). Returns the joined bytes, where the last piece ends, and how many were joined.
fn join_pieces(data: &[u8], start: usize, mut end: usize, q: u8) -> (Vec<u8>, usize, usize) {
    let mut out = data[start..end].to_vec();
    let mut pieces = 0;
    while pieces < MAX_PIECES && data.get(end) == Some(&q) {
        let mut i = end + 1;
        let (mut breaks, mut ops) = (0, 0);
        loop {
            match data.get(i) {
                Some(b' ' | b'\t' | b'\r') => i += 1,
                Some(b'\n') if breaks < 2 => {
                    breaks += 1;
                    i += 1;
                }
                Some(b'+' | b'.' | b'&' | b'|' | b'\\') if ops < 2 => {
                    ops += 1;
                    i += 1;
                }
                _ => break,
            }
        }
        if data.get(i) != Some(&q) {
            break;
        }
        let body = i + 1;
        let mut j = body;
        while j < data.len() && data[j] != q && !data[j].is_ascii_whitespace() && data[j] != b'\\' {
            j += 1;
        }
        // `"value"\n"next_key": ...` is the next entry of a map, not a continuation
        let next = data[(j + 1).min(data.len())..]
            .iter()
            .find(|c| **c != b' ' && **c != b'\t');
        if data.get(j) != Some(&q) || j == body || next == Some(&b':') {
            break;
        }
        out.extend_from_slice(&data[body..j]);
        end = j;
        pieces += 1;
    }
    (out, end, pieces)
}

/// Decodes `%XX` escapes when the value has any and all are well formed; `None` otherwise.
fn percent_decode(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// For `Authorization: Basic` values: the decoded consumer key, when the value decodes to
/// `key:secret` with a generated key and a secret that is not a placeholder.
fn basic_auth_key(value: &str, rule: &Rule) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (key, secret) = text.split_once(':')?;
    let key_ok = key.len() >= 45
        && key.starts_with("3MVG9")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
    let secret_ok = secret.len() >= 8
        && !secret.chars().any(char::is_whitespace)
        && !is_placeholder(secret, rule.placeholder_from.as_deref());
    (key_ok && secret_ok).then(|| key.to_string())
}
