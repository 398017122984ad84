#!/usr/bin/env bash
# Whole-catalog build times on the real engine: cold concurrent (--no-cache, the runner's default parallelism), warm
# (nothing changed: every step a cache hit), and cold serial (--parallel 1), for every image that can be built offline
# (pocket-id downloads from GitHub, so it is left out unless BENCH_IMAGES names it).
# Usage: bash tests/Benchmarks/build-catalog.sh   (needs the engine: bash tests/infra/engine.sh)
# Runs take minutes each; run it on an otherwise idle machine, as build time is CPU- and network-bound.
set -euo pipefail
cd "$(dirname "$0")/../.."

runner=(dotnet run --project src/Runner -c Release --no-build --)
dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
if [ -n "${BENCH_IMAGES:-}" ]; then
  read -r -a images <<<"$BENCH_IMAGES"
else
  # Every image of the catalog except those that need the internet.
  mapfile -t images < <("${runner[@]}" list | awk 'NR > 1 && $2 != "stack" && $1 != "pocket-id" { print $1 }')
fi
"${runner[@]}" bootstrap >/dev/null

measure() { # label, build arguments...
  local label=$1; shift
  local log; log=$(mktemp)
  local start end
  start=$(date +%s.%N)
  if ! "${runner[@]}" build "${images[@]}" "$@" >"$log" 2>&1; then
    echo "build failed ($label); last lines:" >&2; tail -n 20 "$log" >&2; exit 1
  fi
  end=$(date +%s.%N)
  printf '%-34s %8.1f s   (%d image-platform builds)\n' "$label" "$(awk "BEGIN { print $end - $start }")" "$(grep -c '^built ' "$log")"
  rm -f "$log"
}

echo "images: ${images[*]}"
echo "engine: $(curl -fsS --unix-socket /var/run/docker.sock http://localhost/version | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -n 1), $(nproc) cores"
measure "cold, concurrent (default)" --no-cache
measure "warm, no change" 
measure "cold, serial (--parallel 1)" --no-cache --parallel 1
