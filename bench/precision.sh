#!/usr/bin/env bash
# Precision on real histories: scans every bare repository in a folder (one per
# owner+name, e.g. made with `git clone --mirror https://github.com/jsforce/jsforce`) with
# `sfleaks history`, and prints the high and critical findings, one row per distinct secret,
# values cut to a prefix so the output can be shared. Judge each row by hand (bench/precision.md
# records the last judgement).
#
#   bench/precision.sh DIR [SFLEAKS]
set -euo pipefail
dir=${1:?usage: bench/precision.sh DIR-OF-BARE-REPOSITORIES [SFLEAKS-BINARY]}
bin=${2:-target/release/sfleaks}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for repo in "$dir"/*/; do
    name=$(basename "$repo")
    git_dir=$repo
    [ -d "$repo/repo" ] && git_dir=$repo/repo
    "$bin" history "$git_dir" --format jsonl --show-secrets --quiet --fail-on critical \
        >"$out/$name.jsonl" || true
done
python3 - "$out" <<'PY'
import collections, glob, json, os, sys
totals = collections.Counter()
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl"))):
    groups = collections.defaultdict(list)
    for line in open(path):
        f = json.loads(line)
        totals[f["severity"]] += 1
        if f["severity"] in ("high", "critical"):
            groups[(f["rule"], f["severity"], f["secret"])].append(f)
    for (rule, sev, secret), fs in sorted(groups.items()):
        paths = sorted({f["path"] for f in fs})
        print(f"{os.path.basename(path)[:-6]}\t{rule}\t{sev}\t{secret[:8]}…\t{len(fs)}\t{paths[0]}")
print("totals:", dict(totals))
PY
