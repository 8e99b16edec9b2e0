//! `fleet merge` and the reading half of `fleet secrets`: the union of result directories,
//! in one order whatever the number of shards was, checked against the repository list.

use super::repos::Repo;
use super::result::{self, ResultFile};
use crate::finding::{report_order, Finding};
use crate::scan::Stats;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The results of a fleet, by repository id.
#[derive(Debug, Default)]
pub struct Merged {
    /// Finished results (scanned or failed), by repository id.
    pub results: BTreeMap<String, ResultFile>,
}

impl Merged {
    /// Reads every result file in `dirs`. Two different results for one repository, or results
    /// made under two keys, are an error naming the files; an unfinished file is passed over.
    pub fn read(dirs: &[PathBuf]) -> Result<Merged, String> {
        let mut results: BTreeMap<String, (PathBuf, ResultFile)> = BTreeMap::new();
        let mut key: Option<(String, PathBuf)> = None;
        for dir in dirs {
            for path in result::list(dir)? {
                let Some(r) = result::read(&path)? else {
                    continue;
                };
                match &key {
                    Some((k, first)) if *k != r.header.key_id => {
                        return Err(format!(
                            "{} and {} were made under different {} keys: their ids do not compare",
                            first.display(),
                            path.display(),
                            super::identity::KEY_ENV
                        ))
                    }
                    Some(_) => {}
                    None => key = Some((r.header.key_id.clone(), path.clone())),
                }
                match results.get(&r.header.repository) {
                    Some((other, same)) if *same != r => {
                        return Err(format!(
                            "repository {} has two different results: {} and {}",
                            r.header.repository,
                            other.display(),
                            path.display()
                        ))
                    }
                    Some(_) => {}
                    None => {
                        results.insert(r.header.repository.clone(), (path.clone(), r));
                    }
                }
            }
        }
        Ok(Merged {
            results: results.into_iter().map(|(k, (_, r))| (k, r)).collect(),
        })
    }

    /// Every finding, naming its repository, in report order.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .results
            .values()
            .filter(|r| r.is_ok())
            .flat_map(|r| {
                let raw = r.header.raw_secrets;
                r.findings
                    .iter()
                    .map(move |f| f.to_finding(&r.header.repository, raw))
            })
            .collect();
        out.sort_by(report_order);
        out
    }

    /// True when every scanned result keeps raw values.
    pub fn raw(&self) -> bool {
        self.results
            .values()
            .filter(|r| r.is_ok())
            .all(|r| r.header.raw_secrets)
    }

    /// The counters of every scanned result added up (no times: they differ run to run).
    pub fn stats(&self) -> Stats {
        let mut s = Stats::default();
        for r in self.results.values().filter(|r| r.is_ok()) {
            let t = &r.trailer.totals;
            s.commits += t.commits;
            s.files += t.blobs;
            s.bytes += t.bytes;
            s.skipped += t.skipped;
            s.skipped_large += t.skipped_large;
            s.skipped_binary += t.skipped_binary;
            s.errors += t.errors;
        }
        s
    }

    /// Repositories of `list` without a scanned result, with the reason when one failed.
    pub fn missing(&self, list: &[Repo]) -> Vec<(String, String)> {
        list.iter()
            .filter_map(|repo| match self.results.get(&repo.id) {
                Some(r) if r.is_ok() => None,
                Some(r) => Some((
                    repo.id.clone(),
                    r.trailer.reason.clone().unwrap_or_else(|| "failed".into()),
                )),
                None => Some((repo.id.clone(), "no result".into())),
            })
            .collect()
    }

    /// Failed results, with their reasons.
    pub fn failed(&self) -> Vec<(&str, &str)> {
        self.results
            .values()
            .filter(|r| !r.is_ok())
            .map(|r| {
                (
                    r.header.repository.as_str(),
                    r.trailer.reason.as_deref().unwrap_or("failed"),
                )
            })
            .collect()
    }
}
