#!/usr/bin/env bash
# Fleet benchmark: N generated repositories (bench/make-fleet.py, default 200) scanned as one
# shard, then as 4 shard processes at once (as 4 matrix jobs would, here on one machine);
# prints repositories per minute, wall time, the peak memory of each shard (GNU time's
# maximum RSS, which covers the git processes it runs) and the time of the merge, and checks
# that both merges are byte-identical. Usage: bench/fleet.sh [N] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
dir=${2:-$(mktemp -d)}
bin=${SFLEAKS:-target/release/sfleaks}
[ -x "$bin" ] || cargo build --release
export SFLEAKS_FLEET_KEY=bench-fleet-key-not-a-secret-0001
mkdir -p "$dir"
if [ ! -s "$dir/repos.jsonl" ]; then
  python3 bench/make-fleet.py "$dir/remotes" "$n" > "$dir/repos.jsonl"
fi
commits=$(for r in "$dir"/remotes/*.git; do git -C "$r" rev-list --count --all; done | awk '{s += $1} END {print s}')
echo "fleet: $n repositories, $commits commits, $(du -sm "$dir/remotes" | cut -f1) MiB of packs"

clock() { python3 -c 'import time; print(time.time())'; }
peak() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }

rm -rf "$dir/one" "$dir/four"
t0=$(clock)
/usr/bin/time -v "$bin" fleet scan --repos "$dir/repos.jsonl" --shard 0/1 --out "$dir/one" -q 2> "$dir/time-one" || true
t1=$(clock)
pids=()
for i in 0 1 2 3; do
  /usr/bin/time -v "$bin" fleet scan --repos "$dir/repos.jsonl" --shard "$i/4" --shard-by size \
    --out "$dir/four" -q 2> "$dir/time-four-$i" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
t2=$(clock)
m0=$(clock)
"$bin" fleet merge "$dir/one" --repos "$dir/repos.jsonl" -f jsonl -o "$dir/one.jsonl" -q || true
m1=$(clock)
"$bin" fleet merge "$dir/four" --repos "$dir/repos.jsonl" -f jsonl -o "$dir/four.jsonl" -q || true
cmp -s "$dir/one.jsonl" "$dir/four.jsonl" && same=identical || same=DIFFERENT
python3 - "$n" "$t0" "$t1" "$t2" "$m0" "$m1" <<PY
import sys
n, t0, t1, t2, m0, m1 = int(sys.argv[1]), *map(float, sys.argv[2:])
one, four = t1 - t0, t2 - t1
print(f"1 shard:   {one:7.1f} s  {n / one * 60:7.0f} repositories/min  peak $(peak "$dir/time-one") MiB")
peaks = "$(for i in 0 1 2 3; do printf '%s ' "$(peak "$dir/time-four-$i")"; done)".split()
print(f"4 shards:  {four:7.1f} s  {n / four * 60:7.0f} repositories/min  peak per shard {', '.join(peaks)} MiB")
print(f"merge:     {m1 - m0:7.2f} s  ({sum(1 for _ in open('$dir/one.jsonl'))} findings; merges $same)")
print(f"cost per repository (1 shard): {one / n:.3f} s")
PY
