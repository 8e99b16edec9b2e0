#!/usr/bin/env bash
# Benchmarks sfleaks against ripgrep (and gitleaks / kingfisher where installed) on three
# targets: a tree scan, a full-history scan, and a pre-commit (staged) scan.
#
#   bench/run.sh                 corpora from public repositories (needs network)
#   bench/run.sh --offline       corpora from sources on this machine (cargo registry,
#                                Python, Perl, node modules) and a synthetic 100k-commit
#                                history built by bench/make-history.py
#
# Needs: cargo, git, python3, GNU time (/usr/bin/time); hyperfine and rg (ripgrep) for the
# tree comparison. Corpora go to $SFLEAKS_BENCH_DIR (default: /tmp/sfleaks-bench).
# gitleaks is used from PATH, or from $SFLEAKS_BENCH_DIR/gitleaks/ where bench/get-gitleaks.sh
# puts Debian's build; both its command lines (8.19+: `git`, `dir`; before: `detect`,
# `protect`) are known. kingfisher is used from PATH.
# Prints a table of wall times, ratios and peak memory (max RSS from /usr/bin/time -v).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${SFLEAKS_BENCH_DIR:-/tmp/sfleaks-bench}
offline=false
[ "${1:-}" = "--offline" ] && offline=true
mkdir -p "$dir"

cargo build --release --quiet
sfleaks="$root/target/release/sfleaks"
anchors='3MVG9[A-Za-z0-9._]{40,}|services/oauth2/token|client_secret|consumer_?secret|00D[A-Za-z0-9]{12}!|5Aep861|force://'

# gitleaks: its command line changed in 8.19 (`detect`/`protect` became `git`/`dir`)
gitleaks=$(command -v gitleaks || true)
[ -z "$gitleaks" ] && [ -x "$dir/gitleaks/root/usr/bin/gitleaks" ] && gitleaks="$dir/gitleaks/root/usr/bin/gitleaks"
gl_common=(--no-banner --exit-code 0 --redact --report-path /dev/null)
if [ -n "$gitleaks" ] && "$gitleaks" dir --help >/dev/null 2>&1; then
  gl_tree=("$gitleaks" dir "${gl_common[@]}")
  gl_hist=("$gitleaks" git "${gl_common[@]}")
  gl_staged=("$gitleaks" git --staged --pre-commit "${gl_common[@]}")
else
  gl_tree=("$gitleaks" detect --no-git "${gl_common[@]}" --source)
  gl_hist=("$gitleaks" detect "${gl_common[@]}" --source)
  gl_staged=("$gitleaks" protect --staged "${gl_common[@]}")
fi

# ---- corpora ---------------------------------------------------------------------------
tree="$dir/tree"
history="$dir/history"
if [ ! -d "$tree" ]; then
  mkdir -p "$tree"
  if $offline; then
    cp -r "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ "$tree/crates"
    for d in /usr/lib/python3.11 /usr/share/perl /usr/lib/node_modules; do
      [ -d "$d" ] && cp -r "$d" "$tree/$(basename "$d")"
    done
  else
    # newest commits of a few large public repositories, side by side
    for repo in git/git rails/rails spring-projects/spring-boot mulesoft/mule; do
      git clone --quiet --depth 1 "https://github.com/$repo" "$tree/$(basename "$repo")"
    done
    find "$tree" -name .git -type d -prune -exec rm -rf {} +
  fi
fi
if [ ! -d "$history" ]; then
  if $offline; then
    python3 bench/make-history.py "$history" 100000 "${CARGO_HOME:-$HOME/.cargo}/registry/src"
  else
    git clone --quiet --no-checkout https://github.com/git/git "$history"
    git -C "$history" checkout --quiet
  fi
fi

# ---- helpers -----------------------------------------------------------------------------
peak_kb() { # command... -> max RSS in KB
  /usr/bin/time -v "$@" >/dev/null 2>"$dir/time.log" || true
  awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$dir/time.log"
}
secs() { # command... -> wall seconds (best of 3)
  local best=
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
    best=$(python3 -c "b='$best'; t=$t1-$t0; print(t if not b else min(float(b), t))")
  done
  printf '%.3f' "$best"
}
row() { printf '%-34s %10s s %10s MB %10s\n' "$1" "$2" "$(( $3 / 1024 ))" "$4"; }

mb=$(du -sLm "$tree" 2>/dev/null | cut -f1 || true)
echo "tree corpus: $mb MB in $(find -L "$tree" -type f | wc -l) files; history: $(git -C "$history" rev-list --all | wc -l) commits"
printf '%-34s %12s %13s %10s\n' target wall peak ratio
find -L "$tree" -type f -exec cat {} + >/dev/null 2>&1  # into the page cache

# tree scan
rg_s=$(secs rg -c -i --no-ignore --hidden "$anchors" "$tree")
row "ripgrep (rule anchors)" "$rg_s" "$(peak_kb rg -c -i --no-ignore --hidden "$anchors" "$tree")" "1.00"
sf_s=$(secs "$sfleaks" scan -q --no-ignore --format json -o /dev/null "$tree")
row "sfleaks scan --no-ignore" "$sf_s" "$(peak_kb "$sfleaks" scan -q --no-ignore --format json -o /dev/null "$tree")" \
  "$(python3 -c "print(f'{$sf_s/$rg_s:.2f}x rg, {$mb/$sf_s:.0f} MB/s')")"
if [ -n "$gitleaks" ]; then
  # (gitleaks does not follow a symlink given as the directory to scan)
  real=$(cd "$tree" && pwd -P)
  g=$(secs "${gl_tree[@]}" "$real")
  row "gitleaks (files)" "$g" "$(peak_kb "${gl_tree[@]}" "$real")" \
    "$(python3 -c "print(f'{$g/$rg_s:.2f}x rg, sfleaks at {$sf_s/$g:.2f}x')")"
fi
# kingfisher validates what it finds against live services unless told not to; a benchmark
# must not send anything anywhere (`pip install kingfisher-bin` installs MongoDB's binary)
kf=(kingfisher scan --no-validate --no-update-check -q --format json)
if command -v kingfisher >/dev/null; then
  k=$(secs "${kf[@]}" --git-history none "$tree")
  row "kingfisher scan" "$k" "$(peak_kb "${kf[@]}" --git-history none "$tree")" \
    "$(python3 -c "print(f'{$k/$rg_s:.2f}x rg, sfleaks at {$sf_s/$k:.2f}x')")"
fi

# history scan
# (cut: rev-list prints "<id> <path>", and cat-file --batch reads a whole line as the name)
floor() { git -C "$history" rev-list --objects --all | cut -d' ' -f1 | git -C "$history" cat-file --batch >/dev/null; }
f_s=$(secs floor)
row "git cat-file --batch (floor)" "$f_s" "0" "1.00"
h_s=$(secs "$sfleaks" history -q --format json -o /dev/null "$history")
row "sfleaks history" "$h_s" "$(peak_kb "$sfleaks" history -q --format json -o /dev/null "$history")" \
  "$(python3 -c "print(f'{$h_s/$f_s:.2f}x floor')")"
# gitleaks 8.x reads history from the `git log -p` below and scans its patches, so its own
# time is always above this command's: a floor under gitleaks where gitleaks is not installed
glog() { git -C "$history" log -p -U0 --full-history --all --diff-filter=tuxdb >/dev/null; }
gl_s=$(secs glog)
row "gitleaks' git log -p (its floor)" "$gl_s" "0" \
  "$(python3 -c "print(f'sfleaks at {$h_s/$gl_s:.2f}x of it')")"
if command -v kingfisher >/dev/null; then
  k=$(secs "${kf[@]}" --git-history full "$history")
  row "kingfisher scan --git-history full" "$k" "$(peak_kb "${kf[@]}" --git-history full "$history")" \
    "$(python3 -c "print(f'sfleaks at {$h_s/$k:.2f}x')")"
fi
if [ -n "$gitleaks" ]; then
  g=$(secs "${gl_hist[@]}" "$history")
  row "gitleaks (history)" "$g" "$(peak_kb "${gl_hist[@]}" "$history")" \
    "$(python3 -c "print(f'sfleaks at {$h_s/$g:.2f}x gitleaks')")"
fi

# pre-commit: one small staged file
echo "print('bench')" > "$history/sfleaks_bench_staged.py"
git -C "$history" add sfleaks_bench_staged.py
s_s=$(cd "$history" && secs "$sfleaks" staged -q)
row "sfleaks staged (1 file)" "$s_s" "$(cd "$history" && peak_kb "$sfleaks" staged -q)" "target < 0.100 s"
# the diff gitleaks --pre-commit reads (before its own start-up and rule compilation)
gd() { git -C "$history" diff -U0 --no-ext-diff --staged . >/dev/null; }
gd_s=$(secs gd)
row "gitleaks' git diff --staged (floor)" "$gd_s" "0" "$(python3 -c "print(f'sfleaks at {$s_s/$gd_s:.2f}x of it')")"
if [ -n "$gitleaks" ]; then
  g=$(cd "$history" && secs "${gl_staged[@]}")
  row "gitleaks (staged)" "$g" "$(cd "$history" && peak_kb "${gl_staged[@]}")" \
    "$(python3 -c "print(f'sfleaks at {$s_s/$g:.2f}x gitleaks')")"
fi
git -C "$history" rm -q --cached sfleaks_bench_staged.py
rm -f "$history/sfleaks_bench_staged.py"
