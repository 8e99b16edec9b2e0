//! One secret, many places: a file copied or renamed keeps its secret, and a history holds it
//! at every path it lived at. Groups a report's findings by rule and value, so a person reads
//! one secret with its locations; SARIF and baselines keep one entry per location.

use crate::finding::{report_order, Finding};
use std::collections::HashMap;

/// One secret with every location it was found at.
#[derive(Debug)]
pub struct Secret<'a> {
    /// The location that speaks for the secret: the most severe, then the one introduced
    /// first (history), then the first in report order.
    pub primary: &'a Finding,
    /// Every location, the primary first, then by when each was introduced and report order.
    pub locations: Vec<&'a Finding>,
}

impl<'a> Secret<'a> {
    /// The location whose commit first added the secret anywhere (history scans).
    pub fn introducer(&self) -> Option<&'a Finding> {
        self.locations
            .iter()
            .copied()
            .filter(|f| f.commit.is_some())
            .min_by_key(|f| when(f))
    }

    /// The commit that first added the secret anywhere (history scans).
    pub fn introduced(&self) -> Option<&'a crate::finding::CommitInfo> {
        self.introducer().and_then(|f| f.commit.as_ref())
    }
}

/// When a location was introduced, for ordering: its commit's time (none for files on disk).
fn when(f: &Finding) -> i64 {
    f.commit.as_ref().map_or(0, |c| c.time)
}

/// Groups findings by rule and secret; groups come in the report order of their primary.
pub fn group<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<Secret<'a>> {
    // a posture finding's "secret" is a setting many files share: each stands alone; a
    // suppressed location is listed apart from the ones that count
    type Key<'k> = (&'k str, &'k str, Option<(&'k str, usize)>, bool);
    let mut index: HashMap<Key<'a>, usize> = HashMap::new();
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        let place = (!f.sensitive).then_some((f.path.as_str(), f.offset));
        let at = *index
            .entry((f.rule.as_str(), f.identity(), place, f.is_suppressed()))
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[at].push(f);
    }
    let mut out: Vec<Secret<'a>> = groups
        .into_iter()
        .map(|mut locations| {
            locations.sort_by(|a, b| {
                b.severity
                    .cmp(&a.severity)
                    .then(when(a).cmp(&when(b)))
                    .then(report_order(a, b))
            });
            let primary = locations[0];
            locations[1..].sort_by(|a, b| when(a).cmp(&when(b)).then(report_order(a, b)));
            Secret { primary, locations }
        })
        .collect();
    out.sort_by(|a, b| report_order(a.primary, b.primary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{CommitInfo, Severity};

    fn at(path: &str, secret: &str, sev: Severity, time: Option<i64>) -> Finding {
        let mut f = Finding::example("r", path, secret, sev);
        f.commit = time.map(|t| CommitInfo {
            id: format!("c{t}"),
            author: String::new(),
            email: String::new(),
            date: String::new(),
            summary: String::new(),
            time: t,
        });
        f
    }

    #[test]
    fn one_secret_at_three_paths_is_one_group_introduced_by_its_oldest_commit() {
        let f = vec![
            at("a/new.env", "s1", Severity::High, Some(300)),
            at("b/old.env", "s1", Severity::High, Some(100)),
            at("c.env", "s2", Severity::High, Some(200)),
            at("z/test.env", "s1", Severity::Low, Some(50)),
        ];
        let g = group(&f);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].locations.len(), 3);
        // the most severe speaks for it; the oldest commit anywhere introduced it
        assert_eq!(g[0].primary.path, "b/old.env");
        assert_eq!(g[0].introduced().map(|c| c.time), Some(50));
        let paths: Vec<&str> = g[0].locations.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["b/old.env", "z/test.env", "a/new.env"]);
        assert_eq!(g[1].locations.len(), 1);
        assert_eq!(g[1].primary.path, "c.env");
    }
}
