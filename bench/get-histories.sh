#!/usr/bin/env bash
# Clones the real histories bench/run.sh --histories DIR measures: github.com/git/git and
# github.com/rails/rails, bare, with every branch and tag and nothing else (no pull-request
# refs). Several GB of network and disk; run once.
#
#   bench/get-histories.sh DIR
set -euo pipefail
out=${1:?usage: get-histories.sh DIR}
mkdir -p "$out"
for repo in git/git rails/rails; do
  name=$(basename "$repo").git
  [ -d "$out/$name" ] && continue
  # a bare clone fetches refs/heads/* and tags, which is what "every branch and tag" means
  git clone --quiet --bare "https://github.com/$repo" "$out/$name"
  # the benchmark reads the packs as fetched: no repack, no commit-graph tuning
done
ls -d "$out"/*.git
