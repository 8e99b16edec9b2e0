//! Line and column arithmetic over a byte buffer, built only for blobs that have a candidate.

/// Offsets of line starts in one buffer.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `data`; lines end at `\n` (a `\r` before it stays part of the line's bytes but
    /// never shifts a column, since columns are counted from the line start).
    pub fn new(data: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', data).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, data: &[u8], line: usize) -> std::ops::Range<usize> {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(data.len());
        let mut end = self.starts.get(line).map_or(data.len(), |s| s - 1);
        if end > start && data.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based column, in characters, of a byte offset on its line.
    pub fn column_of(&self, data: &[u8], offset: usize) -> usize {
        let line = self.line_of(offset);
        let start = self.starts[line - 1];
        String::from_utf8_lossy(&data[start..offset])
            .chars()
            .count()
            + 1
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True for an index of nothing (never: an empty buffer has one empty line).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let data = "a\r\nbé x\nlast".as_bytes();
        let idx = LineIndex::new(data);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(3), 2);
        let x = data.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(idx.line_of(x), 2);
        assert_eq!(idx.column_of(data, x), 4);
        assert_eq!(&data[idx.line_range(data, 1)], b"a");
        assert_eq!(&data[idx.line_range(data, 3)], b"last");
    }
}
