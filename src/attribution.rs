//! Attributes blob findings to commits: which commit introduced a secret at a path, when it was
//! first and last seen, and how many commits carry it.
//!
//! Replays the change log parents-first, carrying for each commit the set of (path, blob) pairs
//! whose blob had findings. Only those pairs are tracked, so the cost is the number of commits
//! times the handful of leaky files, not the size of the trees.

use crate::finding::{fingerprint, report_order, Finding};
use crate::source::git::History;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// One finding with its place in history.
#[derive(Debug, Clone)]
pub struct Attributed {
    /// The finding as it stands in the introducing commit's blob, labelled with its path.
    pub finding: Finding,
    /// Index of the introducing (oldest) commit in [`History::commits`].
    pub first: u32,
    /// Index of the newest commit carrying it.
    pub last: u32,
    /// How many commits carry it.
    pub occurrences: u64,
}

type Key = (String, u32, String); // (rule, path, secret)

/// The leaky (path, blob) pairs a commit carries, shared with its children.
type State = Option<Rc<Vec<(u32, u32)>>>;

/// Computes one [`Attributed`] per (rule, path, secret). `findings[blob]` holds what the matcher
/// found in each blob (empty when nothing, or not scanned). Only secrets that some walked change
/// introduced are reported: the new blob has it and the blob the path held before did not. In a
/// full history every secret is introduced somewhere; in a range, one that predates the range
/// and is merely carried or edited around is not.
pub fn attribute(history: &History, findings: &[Vec<Finding>]) -> Vec<Attributed> {
    let has = |blob: u32| findings.get(blob as usize).is_some_and(|f| !f.is_empty());
    let mut children = vec![0u32; history.commits.len()];
    for c in &history.commits {
        if let Some(p) = c.parent {
            children[p as usize] += 1;
        }
    }
    let mut states: Vec<State> = vec![None; history.commits.len()];
    let mut found: HashMap<Key, Attributed> = HashMap::new();
    let mut introduced: HashSet<Key> = HashSet::new();

    for (ci, commit) in history.commits.iter().enumerate() {
        let mut state: Vec<(u32, u32)> = commit
            .parent
            .and_then(|p| states[p as usize].as_deref().cloned())
            .unwrap_or_default();
        for ch in &history.changes[commit.changes.start as usize..commit.changes.end as usize] {
            state.retain(|(path, _)| *path != ch.path);
            if let Some(blob) = ch.blob.filter(|b| has(*b)) {
                state.push((ch.path, blob));
                let before = ch.before.and_then(|b| findings.get(b as usize));
                for f in &findings[blob as usize] {
                    let had = before.is_some_and(|old| {
                        old.iter().any(|o| o.rule == f.rule && o.secret == f.secret)
                    });
                    if !had {
                        introduced.insert((f.rule.clone(), ch.path, f.secret.clone()));
                    }
                }
            }
        }
        let time = commit.time;
        for &(path, blob) in &state {
            for f in &findings[blob as usize] {
                let key = (f.rule.clone(), path, f.secret.clone());
                let ci = ci as u32;
                let entry = found.entry(key).or_insert_with(|| Attributed {
                    finding: relabel(f, &history.paths[path as usize]),
                    first: ci,
                    last: ci,
                    occurrences: 0,
                });
                entry.occurrences += 1;
                let when = |i: u32| (history.commits[i as usize].time, i);
                if (time, ci) < when(entry.first) {
                    entry.first = ci;
                    entry.finding = relabel(f, &history.paths[path as usize]);
                }
                if (time, ci) > when(entry.last) {
                    entry.last = ci;
                }
            }
        }
        if let Some(p) = commit.parent {
            children[p as usize] -= 1;
            if children[p as usize] == 0 {
                states[p as usize] = None;
            }
        }
        if children[ci] > 0 && !state.is_empty() {
            states[ci] = Some(Rc::new(state));
        }
    }
    let mut out: Vec<Attributed> = found
        .into_iter()
        .filter(|(k, _)| introduced.contains(k))
        .map(|(_, a)| a)
        .collect();
    out.sort_by(|a, b| report_order(&a.finding, &b.finding));
    out
}

/// The finding labelled with `path`, the path its blob was scanned at (an entry inside an
/// archive keeps its path within it).
fn relabel(f: &Finding, path: &str) -> Finding {
    let mut f = f.clone();
    let path = match &f.within {
        Some(inner) => format!("{path}{inner}"),
        None => path.to_string(),
    };
    if f.path != path {
        f.fingerprint = fingerprint(&f.rule, &path, &f.secret);
        f.path = path;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::source::git::{Change, CommitNode};
    use git2::Oid;

    fn finding(secret: &str) -> Finding {
        let mut f = Finding::example("r", "a", secret, Severity::High);
        f.fingerprint = String::new();
        f
    }

    fn history(commits: &[(Option<u32>, Vec<Change>)]) -> History {
        let mut h = History {
            paths: vec!["a".into(), "b".into()],
            blobs: vec![Oid::zero(); 4],
            ..History::default()
        };
        for (i, (parent, changes)) in commits.iter().enumerate() {
            let start = h.changes.len() as u32;
            h.changes.extend(changes.iter().copied());
            h.commits.push(CommitNode {
                oid: Oid::zero(),
                time: i as i64,
                parent: *parent,
                changes: start..h.changes.len() as u32,
            });
        }
        h
    }

    fn add(path: u32, blob: u32) -> Change {
        Change {
            path,
            blob: Some(blob),
            before: None,
        }
    }

    #[test]
    fn carried_secret_counts_every_commit_and_keeps_its_introducer() {
        // c0 adds the leak in blob 0; c1, c2 touch another path; c3 deletes it
        let h = history(&[
            (None, vec![add(0, 0)]),
            (Some(0), vec![add(1, 1)]),
            (Some(1), vec![add(1, 2)]),
            (
                Some(2),
                vec![Change {
                    path: 0,
                    blob: None,
                    before: None,
                }],
            ),
        ]);
        let findings = vec![vec![finding("s")], vec![], vec![], vec![]];
        let a = attribute(&h, &findings);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].first, a[0].last, a[0].occurrences), (0, 2, 3));
    }

    #[test]
    fn side_branch_leak_is_found() {
        // c0 root; c1 on main; c2 branches from c0 and adds the leak
        let h = history(&[
            (None, vec![add(1, 1)]),
            (Some(0), vec![add(1, 2)]),
            (Some(0), vec![add(0, 0)]),
        ]);
        let findings = vec![vec![finding("s")], vec![], vec![], vec![]];
        let a = attribute(&h, &findings);
        assert_eq!((a.len(), a[0].first, a[0].occurrences), (1, 2, 1));
    }

    #[test]
    fn secret_present_before_the_change_is_not_introduced() {
        // boundary commit edits path 0, which held the secret before (blob 3) and still does
        let h = history(&[(
            None,
            vec![Change {
                path: 0,
                blob: Some(0),
                before: Some(3),
            }],
        )]);
        let findings = vec![
            vec![finding("old"), finding("new")],
            vec![],
            vec![],
            vec![finding("old")],
        ];
        let a = attribute(&h, &findings);
        let secrets: Vec<_> = a.iter().map(|x| x.finding.secret.as_str()).collect();
        assert_eq!(secrets, vec!["new"]);
    }
}
