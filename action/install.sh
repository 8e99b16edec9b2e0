#!/usr/bin/env bash
# The action's install step: a release binary checked against the release's SHA256SUMS, or,
# where that version has no release, a build of the action's own source with
# `cargo install --locked` (the workflow caches it). Puts the binary on GITHUB_PATH.
set -euo pipefail

version=${SFLEAKS_VERSION:-}
base=${SFLEAKS_RELEASE_URL:-https://github.com/${SFLEAKS_REPOSITORY:-acme/sfleaks}/releases/download}
dest=${RUNNER_TOOL_CACHE:-$HOME/.cache}/sfleaks/${version:-source}/bin
say() { printf 'sfleaks install: %s\n' "$*" >&2; }

case "${RUNNER_OS:-$(uname -s)}-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  macOS-x86_64 | Darwin-x86_64) target=x86_64-apple-darwin ;;
  macOS-arm64 | Darwin-arm64) target=aarch64-apple-darwin ;;
  Windows-*) target=x86_64-pc-windows-msvc ;;
  *) target= ;;
esac

fetch() { # URL FILE
  if command -v curl >/dev/null; then
    curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
  elif command -v wget >/dev/null; then
    wget --quiet --output-document "$2" "$1"
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

publish() { # DIR
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$1" >>"$GITHUB_PATH"; fi
  say "installed $("$1/sfleaks" --version 2>/dev/null || echo sfleaks) in $1"
}

from_release() {
  [ -n "$version" ] && [ -n "$target" ] || return 1
  local name=sfleaks-$version-$target ext=tar.gz
  [ "${target#*windows}" != "$target" ] && ext=zip
  local tmp
  tmp=$(mktemp -d)
  if ! fetch "$base/$version/SHA256SUMS" "$tmp/SHA256SUMS" 2>/dev/null \
    || ! fetch "$base/$version/$name.$ext" "$tmp/$name.$ext" 2>/dev/null; then
    say "no release $version for $target at $base"
    return 1
  fi
  local want got
  want=$(awk -v f="$name.$ext" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
  got=$(sha256 "$tmp/$name.$ext")
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    say "checksum mismatch for $name.$ext: SHA256SUMS says '${want:-nothing}', the download is $got"
    exit 3
  fi
  case $ext in
    zip) (cd "$tmp" && unzip -q "$name.$ext") ;;
    *) tar -xzf "$tmp/$name.$ext" -C "$tmp" ;;
  esac
  mkdir -p "$dest"
  cp "$tmp/$name/sfleaks"* "$dest/"
  publish "$dest"
}

from_source() {
  if [ -n "${SFLEAKS_NO_BUILD:-}" ]; then
    say "no release binary for ${version:-this version}, and building is turned off"
    exit 4
  fi
  local src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
  say "building sfleaks from $src with cargo install --locked (cached between runs)"
  cargo install --locked --quiet --root "${SFLEAKS_CARGO_ROOT:-$HOME/.sfleaks-cargo}" --path "$src"
  publish "${SFLEAKS_CARGO_ROOT:-$HOME/.sfleaks-cargo}/bin"
}

if [ -x "$dest/sfleaks" ] || [ -x "$dest/sfleaks.exe" ]; then
  publish "$dest"
elif ! from_release; then
  from_source
fi
