//! How a path is shown in reports: as text, whatever bytes the file system or git holds.
//! Bytes that are not UTF-8 become `\xNN` and control characters (a newline in a file name)
//! become escapes, so every report stays one finding per line and valid JSON/SARIF, and two
//! different odd names stay different.

use std::fmt::Write;
use std::path::Path;

/// The report label of a path given as raw bytes (git tree entries, Unix file names).
pub fn label(bytes: &[u8]) -> String {
    // nearly every name is printable ASCII: copied as it is, without the per-char walk
    if bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// The report label of a file-system path.
pub fn of_path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        label(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        label(path.to_string_lossy().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_names_are_escaped_on_one_line() {
        assert_eq!(label(b"src/app.py"), "src/app.py");
        assert_eq!(label("caf\u{e9}.env".as_bytes()), "caf\u{e9}.env");
        assert_eq!(label(b"new\nline.env"), "new\\nline.env");
        assert_eq!(label(b"bad\xffname\x01.env"), "bad\\xffname\\u{1}.env");
        assert_ne!(label(b"a\xfe"), label(b"a\xff"));
    }
}
