//! Inline suppressions: a comment on a finding's line, or on the line before it, that says
//! the value is known and accepted.

/// Markers honoured on the finding's line or the line before (other scanners' markers too, so
/// teams migrating keep their existing allows).
pub const ALLOW_MARKERS: &[&str] = &[
    "sfleaks:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
    "trufflehog:ignore",
];

/// True when the line (or the one before it) carries an allow marker.
pub fn is_allowed(line: &[u8], previous: Option<&[u8]>) -> bool {
    let has = |text: &[u8]| {
        ALLOW_MARKERS
            .iter()
            .any(|m| memchr::memmem::find(text, m.as_bytes()).is_some())
    };
    has(line) || previous.is_some_and(has)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_on_line_or_line_before() {
        assert!(is_allowed(b"x = 1 # sfleaks:allow", None));
        assert!(is_allowed(b"x = 1", Some(b"// gitleaks:allow")));
        assert!(is_allowed(b"x = 1  # pragma: allowlist secret", None));
        assert!(!is_allowed(b"x = 1", Some(b"y = 2")));
    }
}
