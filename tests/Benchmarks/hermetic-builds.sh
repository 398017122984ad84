#!/usr/bin/env bash
# Cold jq builds per platform (amd64/arm64 pairs, --no-cache; base is rebuilt too, as 'build jq' builds what jq builds
# on) and jq's no-change rebuild, timed end to end from built runners. Several runners (e.g. before and after a change)
# are interleaved pair by pair, so a machine shared with other jobs loads each alike.
# Usage: bash tests/Benchmarks/hermetic-builds.sh [PAIRS] [REBUILDS]
#   RUNNERS="before=/tmp/before/Distroless.Dsl.Runner.dll after=src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll"
#   (default: this checkout's Release build only). Needs the engine: bash tests/infra/engine.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3} rebuilds=${2:-5}
source tests/Benchmarks/runners.sh

echo "engine: $(docker version --format '{{.Server.Version}}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in "${runners[@]}"; do # warm-up: builder image, base, package cache
  dotnet "${r#*=}" build jq --platform linux/amd64 linux/arm64 "${ns[@]}" >/dev/null
done
echo "cold jq (--no-cache, with base), pairs interleaved across runners:"
for i in $(seq "$pairs"); do
  for r in "${runners[@]}"; do
    a=$(seconds dotnet "${r#*=}" build jq --platform linux/amd64 --no-cache "${ns[@]}")
    b=$(seconds dotnet "${r#*=}" build jq --platform linux/arm64 --no-cache "${ns[@]}")
    echo "  ${r%%=*} pair $i: amd64 $a s, arm64 $b s, arm64/amd64 $(awk "BEGIN { printf \"%.2f\", $b / $a }")"
  done
done
echo "no-change rebuild of jq (linux/amd64):"
for i in $(seq "$rebuilds"); do
  for r in "${runners[@]}"; do
    dotnet "${r#*=}" build jq --platform linux/amd64 "${ns[@]}" >/dev/null # the same state for each runner
    echo "  ${r%%=*}: $(seconds dotnet "${r#*=}" build jq --platform linux/amd64 "${ns[@]}") s"
  done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
