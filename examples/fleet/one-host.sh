#!/bin/sh
# Scan a repository list on one host: N shard processes at once with xargs -P, then merge.
# Usage: one-host.sh REPOS [N] [DIR]   (SFLEAKS_FLEET_KEY must be set; SFLEAKS names the
# binary, default `sfleaks`). Rerunning resumes: DIR/work keeps the clones, DIR/results the
# results, so only what changed is fetched and scanned. Exit: the merge's (0 clean, 1 at or
# above --fail-on high, 2 when a repository has no result).
set -eu
repos=$1
n=${2:-$(nproc)}
dir=${3:-fleet}
sfleaks=${SFLEAKS:-sfleaks}
mkdir -p "$dir/results" "$dir/work"
# a failed repository is recorded in its result; the merge below names it
seq 0 $((n - 1)) | xargs -P "$n" -I{} "$sfleaks" fleet scan --repos "$repos" \
    --shard "{}/$n" --shard-by size --out "$dir/results" --work "$dir/work" --quiet || true
"$sfleaks" fleet secrets "$dir/results" --format json --output "$dir/secrets.json" --quiet || true
exec "$sfleaks" fleet merge "$dir/results" --repos "$repos" --format json --output "$dir/fleet.json"
