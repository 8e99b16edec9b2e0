//! Stage 3, context: the signals (consumer keys, the token endpoint, grant types, Salesforce
//! naming) found near a candidate, searched lazily and only as far as candidates reach.

use crate::finding::Suppression;
use crate::lines::LineIndex;
use crate::rules::{RuleSet, Signal};
use crate::suppress::is_allowed;
use std::cell::{Cell, RefCell};

/// How far from a candidate a signal still counts as near.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// Within this many lines (code).
    Lines(usize),
    /// Within this many bytes of the value (a minified line, where one line is the program).
    Bytes(usize),
    /// Anywhere in the blob (config files).
    Whole,
}

/// One occurrence of a context signal.
#[derive(Debug, Clone, Copy)]
pub(super) struct SignalHit {
    pub(super) signal: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: usize,
}

/// The lazily built view of a blob that has at least one candidate. Each signal is searched
/// only when a check asks for it, and only in the byte range candidates need (the lines within
/// reach of them in code, the whole file in config files), growing as candidates further away
/// come up: most candidates are settled by the first signal asked for.
pub(super) struct Context<'a> {
    pub(super) data: &'a [u8],
    pub(super) lines: LineIndex,
    signals: &'a [Signal],
    hits: RefCell<Vec<SignalHit>>,
    /// Per signal, the byte range searched so far.
    covered: Vec<Cell<Option<(usize, usize)>>>,
}

impl<'a> Context<'a> {
    pub(super) fn new(data: &'a [u8], rules: &'a RuleSet) -> Context<'a> {
        Context {
            data,
            lines: LineIndex::new(data),
            signals: &rules.signals,
            hits: RefCell::new(Vec::new()),
            covered: vec![Cell::new(None); rules.signals.len()],
        }
    }

    /// Makes sure `signal` is known within `reach` of the value at `secret` on `line`.
    fn ensure(&self, signal: usize, line: usize, reach: Reach, secret: (usize, usize)) {
        let (first, last) = match reach {
            Reach::Whole => (1, self.lines.len()),
            Reach::Lines(r) => (
                line.saturating_sub(r).max(1),
                (line + r).min(self.lines.len()),
            ),
            Reach::Bytes(b) => (
                self.lines.line_of(secret.0.saturating_sub(b)),
                self.lines
                    .line_of((secret.1 + b).min(self.data.len().saturating_sub(1))),
            ),
        };
        let start = self.lines.line_range(self.data, first).start;
        let end = self.lines.line_range(self.data, last).end;
        // take the line ending too, so `\b` and `$` see the same as in the whole file
        let end = (end + 2).min(self.data.len());
        let covered = &self.covered[signal];
        let parts: Vec<(usize, usize)> = match covered.get() {
            None => vec![(start, end)],
            Some((cs, ce)) if start >= cs && end <= ce => return,
            Some((cs, ce)) => {
                let mut parts = Vec::new();
                if start < cs {
                    parts.push((start, cs));
                }
                if end > ce {
                    parts.push((ce, end));
                }
                parts
            }
        };
        covered.set(Some(match covered.get() {
            None => (start, end),
            Some((cs, ce)) => (start.min(cs), end.max(ce)),
        }));
        let mut hits = self.hits.borrow_mut();
        let regex = &self.signals[signal].regex;
        for (part_start, to) in parts {
            // start at a line boundary so anchors and `\b` behave as in the whole file; hits in
            // the part of that line already covered are known
            let from = self
                .lines
                .line_range(self.data, self.lines.line_of(part_start))
                .start;
            for m in regex.find_iter(&self.data[from..to]) {
                let (s, e) = (from + m.start(), from + m.end());
                let known =
                    s < part_start && hits.iter().any(|h| h.signal == signal && h.start == s);
                if !known {
                    hits.push(SignalHit {
                        signal,
                        start: s,
                        end: e,
                        line: self.lines.line_of(s),
                    });
                }
            }
        }
    }

    /// The nearest hit of one of `signals` within `reach` of the value at `secret` on `line`,
    /// ignoring hits that overlap the value itself.
    pub(super) fn nearest(
        &self,
        signals: &[usize],
        line: usize,
        reach: Reach,
        secret: (usize, usize),
    ) -> Option<SignalHit> {
        for &signal in signals {
            self.ensure(signal, line, reach, secret);
        }
        let gap = |h: &SignalHit| {
            if h.end <= secret.0 {
                secret.0 - h.end
            } else {
                h.start.saturating_sub(secret.1)
            }
        };
        self.hits
            .borrow()
            .iter()
            .filter(|h| signals.contains(&h.signal))
            .filter(|h| h.end <= secret.0 || h.start >= secret.1)
            .filter(|h| match reach {
                Reach::Whole => true,
                Reach::Lines(w) => h.line.abs_diff(line) <= w,
                Reach::Bytes(b) => gap(h) <= b,
            })
            .min_by_key(|h| match reach {
                Reach::Bytes(_) => (0, gap(h)),
                _ => (h.line.abs_diff(line), h.start),
            })
            .copied()
    }

    /// An inline allow on `line` or the line before it.
    pub(super) fn allowed(&self, line: usize) -> Option<Suppression> {
        let previous = (line > 1).then(|| self.line_bytes(line - 1));
        is_allowed(self.line_bytes(line), previous).then_some(Suppression::Inline)
    }

    /// The bytes of one line, without its ending.
    pub(super) fn line_bytes(&self, line: usize) -> &'a [u8] {
        &self.data[self.lines.line_range(self.data, line)]
    }

    /// Lossy text of a byte range.
    pub(super) fn text(&self, start: usize, end: usize) -> String {
        String::from_utf8_lossy(&self.data[start..end]).into_owned()
    }
}
