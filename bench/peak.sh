#!/usr/bin/env bash
# Runs a command and prints "<wall s> <peak RSS MiB> <peak RssAnon MiB>": peak RSS (VmHWM)
# counts the pages of mapped pack files, which are page cache, shared and reclaimable;
# RssAnon is the process's own memory (heap, stacks, caches). Sampled every 20 ms from
# /proc/PID/status, so a peak shorter than that can be missed. Linux only.
set -uo pipefail
start=$(date +%s.%N)
"$@" >/dev/null 2>&1 &
pid=$!
anon=0 hwm=0
while kill -0 "$pid" 2>/dev/null; do
  read -r a h < <(awk '/^RssAnon/ {a = $2} /^VmHWM/ {h = $2} END {print a + 0, h + 0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
  [ "${a:-0}" -gt "$anon" ] && anon=$a
  [ "${h:-0}" -gt "$hwm" ] && hwm=$h
  sleep 0.02
done
wait "$pid"
end=$(date +%s.%N)
python3 -c "print(f'{$end - $start:.3f} {$hwm / 1024:.0f} {$anon / 1024:.0f}')"
