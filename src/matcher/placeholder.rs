//! Recognises values that are not secrets: placeholders, templates, fixtures, and code
//! expressions that read a secret from somewhere else.

/// Substrings (lowercase) that mark a value as a placeholder or fixture.
const WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    // the JDK's default keystore password, in every Java TLS configuration
    "changeit",
    "replace",
    "your",
    "xxxx",
    "****",
    "redacted",
    "insert",
    "todo",
    "secret",
    "password",
    "passwd",
    "test",
    "mock",
    "foobar",
    "lorem",
    "invalid",
    "bogus",
    "set_me",
    "setme",
    "set-me",
    "set me",
    "please",
    "fill_in",
    "fillme",
    "{{",
    "${",
    "…",
    "...",
];

/// Whole values (lowercase) that are never secrets.
const EXACT: &[&str] = &[
    "null",
    "none",
    "undefined",
    "true",
    "false",
    "nil",
    "string",
    "str",
    "text",
    "number",
    "integer",
    "boolean",
    "object",
    "required",
    "optional",
    "empty",
    "blank",
    "unset",
    "masked",
    "hidden",
    "tbd",
    "anonymous",
];

/// True when `value` is a placeholder, a template or an obviously fake fixture.
///
/// `shape_from` limits the shape checks (runs, sequences, low variety) to the part after a
/// marker, for formats whose fixed prefix is legitimately repetitive (org ids in access tokens).
pub fn is_placeholder(value: &str, shape_from: Option<&str>) -> bool {
    let lower = value.to_ascii_lowercase();
    if EXACT.contains(&lower.as_str()) || WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // `<your-token>`, `pw<org>`: a bracketed name; a lone `<` is a password's punctuation
    if let Some(open) = value.find('<') {
        if value[open..].contains('>') || open == 0 {
            return true;
        }
    }
    if value.ends_with('>') {
        return true;
    }
    // `myClientSecret`, `my_secret`, `my-password`: a name for the value, not the value
    let b = value.as_bytes();
    if b.len() > 3
        && b.starts_with(b"my")
        && (b[2].is_ascii_uppercase() || b[2] == b'_' || b[2] == b'-')
    {
        return true;
    }
    let shaped = match shape_from.and_then(|m| value.split_once(m)) {
        Some((_, rest)) => rest,
        None => value,
    };
    fake_shape(shaped)
}

/// Shapes no generator produces: long runs of one character, ascending or descending runs,
/// a short unit repeated, or hardly any distinct characters.
fn fake_shape(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 6 {
        return false;
    }
    let mut same = 1;
    let mut up = 1;
    let mut down = 1;
    for w in chars.windows(2) {
        // dots come in runs in real consumer keys, so they do not count towards a run
        same = if w[0] == w[1] && w[0] != '.' {
            same + 1
        } else {
            1
        };
        up = if w[1] as u32 == w[0] as u32 + 1 {
            up + 1
        } else {
            1
        };
        down = if w[0] as u32 == w[1] as u32 + 1 {
            down + 1
        } else {
            1
        };
        if same >= 6 || up >= 6 || down >= 6 {
            return true;
        }
    }
    // every part a run up or down (`12345.abcde`, `abc-123`): typed, not generated
    let parts: Vec<&str> = value.split(['.', '-', '_']).collect();
    if parts.len() >= 2 && parts.iter().all(|p| p.len() >= 3 && monotonic(p)) {
        return true;
    }
    let mut distinct: Vec<char> = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if chars.len() >= 8 && distinct.len() < 4 {
        return true;
    }
    (1..=16.min(chars.len() / 2))
        .any(|unit| chars.len() % unit == 0 && chars.chunks(unit).all(|c| c == &chars[..unit]))
}

/// Letters typed along one row of a keyboard (`asdfjkl`, `qwertyuiop`), eight or more.
pub fn keyboard_mash(value: &str) -> bool {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let lower = value.to_ascii_lowercase();
    lower.len() >= 8
        && ROWS
            .iter()
            .any(|row| lower.chars().all(|c| row.contains(c)))
}

/// Each character one above (or below) the one before: `12345`, `abcde`, `zyx`.
fn monotonic(part: &str) -> bool {
    let b = part.as_bytes();
    b.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
        || b.windows(2).all(|w| w[0] == w[1].wrapping_add(1))
}

/// True when an unquoted value in code is an expression rather than a literal: a call or index
/// (`os.getenv(`, `ENV[`), a dotted path (`config.sf.secret`), or a plain identifier.
///
/// Identifiers with two or more digits pass: unquoted hex secrets that start with a letter
/// look like identifiers, while variable names rarely carry several digits.
pub fn looks_like_expression(value: &str, next: Option<u8>) -> bool {
    if matches!(next, Some(b'(') | Some(b'[')) {
        return true;
    }
    // PowerShell: `Read-Host "Enter Client Secret"`, `Get-Content`
    let verb_noun = value.split_once('-').is_some_and(|(v, n)| {
        v.len() >= 2
            && n.len() >= 2
            && v.as_bytes()[0].is_ascii_uppercase()
            && n.as_bytes()[0].is_ascii_uppercase()
            && v.bytes().chain(n.bytes()).all(|c| c.is_ascii_alphabetic())
    });
    // Swift/Rust tuple access: `beacon.1`
    let tuple = value.rsplit_once('.').is_some_and(|(h, t)| {
        !h.is_empty()
            && !t.is_empty()
            && t.bytes().all(|c| c.is_ascii_digit())
            && h.as_bytes()[0].is_ascii_alphabetic()
    });
    if verb_noun || tuple {
        return true;
    }
    let is_ident = |part: &str| {
        let mut cs = part.chars();
        matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
            && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    if !value.split('.').all(is_ident) {
        return false;
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    value.contains('.') || digits < 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for v in [
            "YOUR_CONSUMER_SECRET",
            "changeme",
            "changeit",
            "xxxxxxxxxxxx",
            "AAAAAAAAAAAA",
            "0123456789ABCDEF0123",
            "abababababab",
            "********",
            "null",
            "my-test-secret",
            "myClientSecret",
            "12345.abcde",
            "set_me_up",
            "anonymous",
        ] {
            assert!(is_placeholder(v, None), "{v}");
        }
    }

    #[test]
    fn random_values_are_not_placeholders() {
        for v in [
            "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248",
            "7513047454207447032",
            "WdRYAXwUr5c0Qe",
            "3MVG9dQdY7Ez.zFZQHNIcOvTBP6tUWfm0kOqpQyu1OlFdyKhlIB3opX37AKcL1rxIu4sHSC.GxMEPYZNFeHFX",
        ] {
            assert!(!is_placeholder(v, None), "{v}");
        }
        // a run of zeros in the org id part is normal
        assert!(!is_placeholder(
            "00D5e000000ABCz!ARh6PuZ.8NINBcRisYZjBPmhlMfGDe4NOAMwPSRWUhGfid",
            Some("!")
        ));
    }

    #[test]
    fn expressions_and_literals() {
        assert!(looks_like_expression("os.environ", Some(b'[')));
        assert!(looks_like_expression("getenv", Some(b'(')));
        assert!(looks_like_expression("config.sf.secret", None));
        assert!(looks_like_expression("clientSecret", None));
        assert!(!looks_like_expression(
            "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248",
            None
        ));
        assert!(!looks_like_expression("7513047454207447032", None));
        assert!(looks_like_expression("Read-Host", Some(b' ')));
        assert!(looks_like_expression("beacon.1", None));
        assert!(!looks_like_expression("1.5", None));
    }

    #[test]
    fn letters_along_one_keyboard_row_are_mash() {
        assert!(keyboard_mash("adsfkdsalfajdskfa"));
        assert!(keyboard_mash("qwertyuiop"));
        assert!(!keyboard_mash("WdRYAXwUr5c0Qe"));
    }
}
