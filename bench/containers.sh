#!/usr/bin/env bash
# Container speed: MB/s of decompressed bytes when sfleaks scans a folder of zip-family files
# (jars, Office documents), one worker thread, against `unzip -p` of the same files to
# /dev/null (one core), best of $SFLEAKS_BENCH_RUNS runs (default 5), CPU time (user + sys)
# from GNU time, and sfleaks' peak RSS.
#
#   bench/containers.sh DIR     e.g. a folder of a Java project's Maven dependencies; on
#                               Debian, `apt-get install maven` puts Maven's own in
#                               /usr/share/java (copy them out: they are symlinks)
#
# Needs: cargo, python3, unzip, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(cd "${1:?usage: bench/containers.sh DIR}" && pwd)
runs=${SFLEAKS_BENCH_RUNS:-5}
cargo build --release -q
bin=$(pwd)/target/release/sfleaks
mapfile -t files < <(find "$dir" -type f \( -name '*.jar' -o -name '*.war' -o -name '*.zip' \
  -o -name '*.docx' -o -name '*.xlsx' -o -name '*.pptx' -o -name '*.odt' -o -name '*.ods' \
  -o -name '*.odp' -o -name '*.ott' -o -name '*.ots' -o -name '*.otp' -o -name '*.otg' \) | sort)
[ ${#files[@]} -gt 0 ] || { echo "containers.sh: no zip-family file in $dir" >&2; exit 2; }
bytes=$(python3 - "${files[@]}" <<'P'
import sys, zipfile
print(sum(i.file_size for f in sys.argv[1:] for i in zipfile.ZipFile(f).infolist()))
P
)
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
# best CPU seconds of a command over $runs runs (and the peak RSS of that run, in KiB)
best() {
  local b= m= out
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$timing" -f '%U %S %M' "$@" >/dev/null 2>&1 || true
    read -r u s k < <(tail -1 "$timing")
    t=$(python3 -c "print($u+$s)")
    if [ -z "$b" ] || python3 -c "import sys; sys.exit(0 if $t < $b else 1)"; then b=$t; m=$k; fi
  done
  echo "$b $m"
}
unzip_all() { for f in "$@"; do unzip -p -qq "$f" >/dev/null; done; }
export -f unzip_all
read -r s_cpu s_rss < <(best "$bin" scan --config /dev/null --threads 1 -q --fail-on critical "$dir")
read -r u_cpu _ < <(best bash -c 'unzip_all "$@"' _ "${files[@]}")
python3 - "$bytes" "$s_cpu" "$s_rss" "$u_cpu" "${#files[@]}" <<'P'
import sys
b, s, rss, u, n = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
mb = b / 1e6
print(f"{n} files, {mb:.1f} MB decompressed")
print(f"{'':10} {'cpu s':>8} {'MB/s':>8} {'peak MiB':>9}")
print(f"{'sfleaks':10} {s:8.2f} {mb / s:8.1f} {rss / 1024:9.1f}")
print(f"{'unzip -p':10} {u:8.2f} {mb / u:8.1f}")
print(f"sfleaks / unzip -p speed: {u / s:.2f}")
P
