#!/usr/bin/env bash
# Cold curl builds per platform (--no-cache; base is rebuilt too, as 'build curl' builds what curl builds on), timed end
# to end from built runners, with the image ID each gives. Several runners (e.g. before and after a change) are
# interleaved build by build, so a machine shared with other jobs loads each alike. The host cache is warm (one fetch
# before the first build), so a build's time is the build's own; the fetch from an empty cache is timed apart.
# Usage: bash tests/Benchmarks/offline-curl.sh [ROUNDS]
#   RUNNERS="before=/tmp/before/Distroless.Dsl.Runner.dll after=src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll"
#   (default: this checkout's Release build only). Needs the engine: bash tests/infra/engine.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-1}
source tests/Benchmarks/runners.sh

id() { docker image inspect --format '{{.Id}}' "distroless-dsl-bench/curl:8.14.1-$1" | cut -c8-19; }

echo "engine: $(docker version --format '{{.Server.Version}}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
last=${runners[-1]}
empty=$(mktemp -d)
echo "fetch curl into an empty cache ($(basename "${last#*=}")): $(seconds env DISTROLESS_PACKAGE_CACHE="$empty" dotnet "${last#*=}" fetch curl) s," \
  "source files $(find "$empty/sha256" -type f ! -name '*.deb' ! -name '*.verified' -printf '%s\n' | awk '{ s += $1 } END { print s }') bytes;" \
  "again: $(seconds env DISTROLESS_PACKAGE_CACHE="$empty" dotnet "${last#*=}" fetch curl) s"
rm -rf "$empty"
dotnet "${last#*=}" fetch curl >/dev/null # the default cache, warm for every runner's builds
echo "cold curl (--no-cache, with base), interleaved across runners:"
for i in $(seq "$rounds"); do
  for r in "${runners[@]}"; do
    for p in amd64 arm64; do
      t=$(seconds dotnet "${r#*=}" build curl --platform "linux/$p" --no-cache "${ns[@]}")
      echo "  ${r%%=*} round $i: $p $t s, image $(id "$p")"
    done
  done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
