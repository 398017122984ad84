#!/usr/bin/env bash
# Cold jq builds per platform (interleaved amd64/arm64 pairs, --no-cache; base is rebuilt too, as 'build jq' builds
# what jq builds on) and jq's no-change rebuild, timed end to end from the built runner. Run it before and after a
# change with RUNNER=/path/to/Distroless.Dsl.Runner.dll pointing at each build (default: this checkout's Release build).
# Usage: bash tests/Benchmarks/hermetic-builds.sh [PAIRS] [REBUILDS]   (needs the engine: bash tests/infra/engine.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3} rebuilds=${2:-5}
runner=${RUNNER:-src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll}
[ -n "${RUNNER:-}" ] || dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
run() { dotnet "$runner" "$@"; }

seconds() { # command... -> elapsed seconds on stdout; the command's output goes to a log, shown on failure
  local log; log=$(mktemp)
  local start end
  start=$(date +%s.%N)
  if ! "$@" >"$log" 2>&1; then echo "failed: $*" >&2; tail -n 20 "$log" >&2; rm -f "$log"; exit 1; fi
  end=$(date +%s.%N)
  rm -f "$log"
  awk "BEGIN { printf \"%.2f\", $end - $start }"
}

# Warm-up: the builder image, base and the package cache exist, so every pair starts from the same state.
run build jq --platform linux/amd64 linux/arm64 >/dev/null
echo "runner: $runner"
echo "cold jq (--no-cache, with base), interleaved pairs:"
for i in $(seq "$pairs"); do
  a=$(seconds run build jq --platform linux/amd64 --no-cache)
  b=$(seconds run build jq --platform linux/arm64 --no-cache)
  echo "  pair $i: amd64 $a s, arm64 $b s, arm64/amd64 $(awk "BEGIN { printf \"%.2f\", $b / $a }")"
done
echo "no-change rebuild of jq (linux/amd64):"
for i in $(seq "$rebuilds"); do
  echo "  $(seconds run build jq --platform linux/amd64) s"
done
