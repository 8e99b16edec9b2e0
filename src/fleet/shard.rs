//! Which repositories one shard scans: a pure function of the list, N and the mode, so every
//! machine of a matrix computes the same split without talking to the others.

use super::repos::Repo;
use crate::cli::ShardBy;
use sha2::{Digest, Sha256};

/// This process's part of the work: shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index.
    pub index: usize,
    /// How many shards there are.
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` (0 <= I < N).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let err = || format!("--shard: '{s}' is not I/N with 0 <= I < N (e.g. 0/4)");
        let (i, n) = s.split_once('/').ok_or_else(err)?;
        let index: usize = i.trim().parse().map_err(|_| err())?;
        let count: usize = n.trim().parse().map_err(|_| err())?;
        if count == 0 || index >= count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }
}

/// The repositories of `shard`, in id order.
pub fn select(repos: &[Repo], shard: Shard, by: ShardBy) -> Vec<&Repo> {
    let owner = assign(repos, shard.count, by);
    let mut mine: Vec<&Repo> = repos
        .iter()
        .zip(owner)
        .filter(|(_, o)| *o == shard.index)
        .map(|(r, _)| r)
        .collect();
    mine.sort_by(|a, b| a.id.cmp(&b.id));
    mine
}

/// The shard of each repository, in the list's order.
fn assign(repos: &[Repo], count: usize, by: ShardBy) -> Vec<usize> {
    match by {
        ShardBy::Hash => repos
            .iter()
            .map(|r| {
                let d = Sha256::digest(r.id.as_bytes());
                let mut head = [0u8; 8];
                head.copy_from_slice(&d[..8]);
                (u64::from_be_bytes(head) % count as u64) as usize
            })
            .collect(),
        ShardBy::Size => {
            // largest first onto the shard with the least so far (fewest repositories, then
            // the lowest index, on a tie): the classic greedy split, within 4/3 of the best
            let mut order: Vec<usize> = (0..repos.len()).collect();
            order.sort_by(|&a, &b| {
                repos[b]
                    .size_kb
                    .cmp(&repos[a].size_kb)
                    .then_with(|| repos[a].id.cmp(&repos[b].id))
            });
            let mut load = vec![(0u64, 0usize); count];
            let mut owner = vec![0; repos.len()];
            for i in order {
                let (best, _) = load
                    .iter()
                    .enumerate()
                    .min_by_key(|(idx, l)| (**l, *idx))
                    .unwrap_or((0, &(0, 0)));
                load[best].0 += repos[i].size_kb.max(1);
                load[best].1 += 1;
                owner[i] = best;
            }
            owner
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repos(sizes: &[u64]) -> Vec<Repo> {
        sizes
            .iter()
            .enumerate()
            .map(|(i, &s)| Repo {
                size_kb: s,
                ..Repo::from_location(&format!("/r/{i:02}"))
            })
            .collect()
    }

    #[test]
    fn every_repository_lands_in_exactly_one_shard() {
        let list = repos(&[5, 900, 3, 3, 40, 0, 7, 7, 120, 1]);
        for by in [ShardBy::Hash, ShardBy::Size] {
            for n in 1..=7 {
                let mut all: Vec<&str> = (0..n)
                    .flat_map(|i| select(&list, Shard { index: i, count: n }, by))
                    .map(|r| r.id.as_str())
                    .collect();
                all.sort();
                let mut want: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
                want.sort();
                assert_eq!(all, want, "{by:?} {n}");
            }
        }
    }

    #[test]
    fn size_puts_the_largest_alone() {
        let list = repos(&[900, 5, 3, 3, 40]);
        let first = select(&list, Shard { index: 0, count: 2 }, ShardBy::Size);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].size_kb, 900);
    }

    #[test]
    fn shard_specs() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
    }
}
