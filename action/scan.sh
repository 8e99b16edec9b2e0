#!/usr/bin/env bash
# The action's scan step: picks the commits from the event (a pull request's, a push's, a
# merge queue's; every commit otherwise), runs sfleaks, and hands the exit code on.
# Inputs come as INPUT_* variables (see action.yml); SFLEAKS names the binary.
set -uo pipefail

sfleaks=${SFLEAKS:-sfleaks}
mode=${INPUT_MODE:-auto}
format=${INPUT_FORMAT:-sarif}
output=${INPUT_OUTPUT:-sfleaks.sarif}
fail_on=${INPUT_FAIL_ON:-high}
event=${GITHUB_EVENT_NAME:-}
payload=${GITHUB_EVENT_PATH:-}

# one field of the event payload (dotted path), empty when absent
field() {
  [ -n "$payload" ] && [ -f "$payload" ] || return 0
  python3 - "$payload" "$1" <<'PY' 2>/dev/null || true
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
for key in sys.argv[2].split("."):
    doc = doc.get(key) if isinstance(doc, dict) else None
if isinstance(doc, bool):
    print("true" if doc else "false")
elif doc is not None:
    print(doc)
PY
}

say() { printf 'sfleaks action: %s\n' "$*" >&2; }
finish() {
  local code=$1
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { echo "exit-code=$code"; echo "range=${range:-}"; echo "report=$output"; } >>"$GITHUB_OUTPUT"
  fi
  exit "$code"
}

range=
case "$mode" in
  history) ;;
  range) range=${INPUT_RANGE:?mode range needs the range input (A..B)} ;;
  auto)
    case "$event" in
      pull_request | pull_request_target)
        range="$(field pull_request.base.sha)..$(field pull_request.head.sha)" ;;
      merge_group)
        range="$(field merge_group.base_sha)..$(field merge_group.head_sha)" ;;
      push)
        if [ "$(field deleted)" = "true" ]; then
          say "the branch was deleted: nothing to scan"
          finish 0
        fi
        # forty zeros (a new branch) and a vanished base (a force-push) are sfleaks' to handle
        range="$(field before)..$(field after)" ;;
      *) ;; # schedule, workflow_dispatch, ...: every commit
    esac
    ;;
  *) say "mode must be auto, range or history (got '$mode')"; finish 2 ;;
esac
if [ "$range" = ".." ]; then
  say "the $event event names no commits: scanning every commit"
  range=
fi

args=(history --format "$format" --output "$output" --fail-on "$fail_on")
[ -n "$range" ] && args+=(--range "$range")
[ -n "${INPUT_DEFAULT_BRANCH:-}" ] && args+=(--default-branch "$INPUT_DEFAULT_BRANCH")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<<"$INPUT_ARGS"
  args+=("${extra[@]}")
fi
args+=("${GITHUB_WORKSPACE:-.}")

say "sfleaks ${args[*]}"
"$sfleaks" "${args[@]}"
code=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  case $code in
    0) verdict="no finding at or above $fail_on" ;;
    1) verdict="findings at or above $fail_on: see $output" ;;
    *) verdict="the scan failed (exit $code)" ;;
  esac
  echo "**sfleaks** ${range:-every commit}: $verdict" >>"$GITHUB_STEP_SUMMARY"
fi
finish "$code"
