#!/usr/bin/env bash
# A no-change rebuild: `build jq --platform linux/amd64` from the built runner against a bare `docker build` of the
# same generated context with Debian's default (classic) builder, both cache hits, in interleaved runs (the order
# alternates). Prints every run, the medians, the ratio runner/docker (goal <= 3) and the load average.
# Usage: RUNS=15 bash tests/Benchmarks/rebuild-vs-docker.sh   (needs the engine and a built runner:
#   dotnet build src/Runner -c Release). BASELINE=path/to/an/older/Distroless.Dsl.Runner.dll times that one too, in
#   the same interleaving, for a before/after figure. IMAGE=jq by default.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${RUNS:-10}
image=${IMAGE:-jq}
runner=src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll
[ -f "$runner" ] || { echo "build the runner first: dotnet build src/Runner -c Release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

dotnet "$runner" generate --out "$work/out" >/dev/null
context="$work/out/images/$image"
[ -f "$context/Dockerfile" ] || { echo "no generated context for $image in $work/out" >&2; exit 1; }
# Builds are hermetic: the context carries the image's locked .debs, as the runner's own build context does.
dotnet "$runner" fetch "$image" --platform linux/amd64 --into "$context" >/dev/null
epoch=$(git log -1 --format=%ct -- definitions 2>/dev/null || echo 0)
# The build arguments the runner passes (ImageBuilder), so the classic builder runs the same Dockerfile; no tag, so no
# name the runner owns is moved (a cache hit gives back the same image ID every time).
docker_build=(docker build -q --platform linux/amd64 --build-arg BUILDPLATFORM=linux/amd64 --build-arg TARGETPLATFORM=linux/amd64
  --build-arg TARGETARCH=amd64 --build-arg IMAGE_PREFIX=distroless-dsl/ --build-arg SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$epoch}" "$context")

now() { date +%s%N; }
declare -A times=()
time_one() { # label, command...
  local label=$1; shift
  local start; start=$(now)
  "$@" >"$work/log" 2>&1 || { echo "$label failed:" >&2; tail -n 20 "$work/log" >&2; exit 1; }
  local ms=$(( ($(now) - start) / 1000000 ))
  times[$label]+="$ms "
  printf '%s %5d ms  ' "$label" "$ms"
}
median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "warming up (the first builds may run steps)"
dotnet "$runner" build "$image" --platform linux/amd64 >/dev/null
DOCKER_BUILDKIT=0 "${docker_build[@]}" >/dev/null
[ -z "${BASELINE:-}" ] || dotnet "$BASELINE" build "$image" --platform linux/amd64 >/dev/null

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= runs; i++)); do
  printf 'run %2d: ' "$i"
  sides=(runner docker); [ -z "${BASELINE:-}" ] || sides+=(baseline)
  ((i % 2)) || sides=("${sides[@]:1}" "${sides[0]}")
  for side in "${sides[@]}"; do
    case $side in
      runner) time_one runner dotnet "$runner" build "$image" --platform linux/amd64 ;;
      docker) time_one docker env DOCKER_BUILDKIT=0 "${docker_build[@]}" ;;
      baseline) time_one baseline dotnet "$BASELINE" build "$image" --platform linux/amd64 ;;
    esac
  done
  echo
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
r=$(median "${times[runner]}"); d=$(median "${times[docker]}")
echo "median: runner $r ms, docker build (classic) $d ms, ratio $(awk "BEGIN { printf \"%.2f\", $r / $d }") (goal <= 3)"
if [ -n "${BASELINE:-}" ]; then
  b=$(median "${times[baseline]}")
  echo "median: baseline runner $b ms, ratio $(awk "BEGIN { printf \"%.2f\", $b / $d }")"
fi
