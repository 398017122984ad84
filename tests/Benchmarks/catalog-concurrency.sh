#!/usr/bin/env bash
# Whole catalog, cold: concurrent (the runner's default --parallel) against serial (--parallel 1), in interleaved
# pairs (the order alternates, so a load change on a shared machine hits both sides alike), with the load average
# at the start and end of every run; prints each run, the medians and the ratio concurrent/serial.
# Usage: PAIRS=3 bash tests/Benchmarks/catalog-concurrency.sh   (needs the engine: bash tests/infra/engine.sh)
# RUNNER=path/to/Distroless.Dsl.Runner.dll measures that build of the runner (e.g. a copy of an older one) instead.
# WIDER="3 4" also runs those --parallel values in each pair, to see whether more builds at once than cores overlap
# more of the engine's waiting (layer export, context transfer). Builds go to their own namespace
# (BENCH_NAMESPACE, default distroless-dsl-bench), so no test or user tag is moved.
# Each cold run rebuilds every offline image for both platforms (--no-cache): minutes per run.
set -euo pipefail
cd "$(dirname "$0")/../.."

pairs=${PAIRS:-1}
namespace=${BENCH_NAMESPACE:-distroless-dsl-bench}
read -r -a wider <<<"${WIDER:-}"
runner=(dotnet "${RUNNER:-src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll}")
[ -n "${RUNNER:-}" ] || dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
if [ -n "${BENCH_IMAGES:-}" ]; then
  read -r -a images <<<"$BENCH_IMAGES"
else
  # Every image of the catalog except those that need the internet (pocket-id's release binary is on GitHub).
  mapfile -t images < <("${runner[@]}" list | awk 'NR > 1 && $2 != "stack" && $1 != "pocket-id" { print $1 }')
fi
"${runner[@]}" bootstrap --namespace "$namespace" >/dev/null

load() { cut -d' ' -f1 /proc/loadavg; }
concurrent=(); serial=(); declare -A widerTimes=()
run() { # label, build arguments...; appends the seconds to the array named by the label
  local label=$1; shift
  local log start end seconds load0
  log=$(mktemp); load0=$(load); start=$(date +%s.%N)
  if ! "${runner[@]}" build "${images[@]}" --no-cache --namespace "$namespace" "$@" >"$log" 2>&1; then
    echo "build failed ($label); last lines:" >&2; tail -n 20 "$log" >&2; exit 1
  fi
  end=$(date +%s.%N); seconds=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
  printf '%-11s %7s s   %2d image-platform builds   load %s -> %s\n' "$label" "$seconds" "$(grep -c '^built ' "$log")" "$load0" "$(load)"
  rm -f "$log"
  case "$label" in
    concurrent) concurrent+=("$seconds") ;;
    serial) serial+=("$seconds") ;;
    *) widerTimes[$label]="${widerTimes[$label]:-} $seconds" ;;
  esac
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "images: ${images[*]}"
echo "engine $(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'), $(nproc) cores, default parallelism: the runner's"
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then run concurrent; run serial --parallel 1; else run serial --parallel 1; run concurrent; fi
  for n in "${wider[@]}"; do run "parallel-$n" --parallel "$n"; done
done
c=$(median "${concurrent[@]}"); s=$(median "${serial[@]}")
echo "median concurrent $c s, serial $s s, ratio $(awk "BEGIN { printf \"%.2f\", $c / $s }") (goal <= 0.70)"
for n in "${wider[@]}"; do
  read -r -a times <<<"${widerTimes[parallel-$n]}"
  w=$(median "${times[@]}")
  echo "median --parallel $n: $w s, ratio to serial $(awk "BEGIN { printf \"%.2f\", $w / $s }")"
done
