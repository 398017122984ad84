#!/usr/bin/env bash
# publish jq to the local test registry (127.0.0.1:5000): a first release into an empty repository, with the publish
# caches cold (every layer saved from the engine and compressed) and warm (compressed before), then
# `publish jq --if-changed` with nothing changed, RUNS times (default 5). Each time includes the build that publish
# runs first (a cache hit); `build jq` alone is timed too, so the publish's own share can be read off.
# Usage: bash tests/Benchmarks/publish.sh   (needs bash tests/infra/engine.sh and tests/infra/registry.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."

dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
runner=(dotnet src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll)
registry=127.0.0.1:5000
export DISTROLESS_REGISTRY_USERNAME=distroless
DISTROLESS_REGISTRY_PASSWORD=$(cat "${DISTROLESS_REGISTRY_DIR:-/var/lib/distroless-registry}/password")
export DISTROLESS_REGISTRY_PASSWORD
DOCKER_CONFIG=$(mktemp -d)  # credentials from the environment only
export DOCKER_CONFIG
runs=${RUNS:-5}
stamp=$(date +%s)

# A user cache whose publish caches are empty and whose other caches (packages, timestamps) are the real ones.
real_cache=${XDG_CACHE_HOME:-$HOME/.cache}/distroless-dsl
cold_root=$(mktemp -d)
mkdir -p "$cold_root/distroless-dsl" "$real_cache"
for entry in "$real_cache"/*; do
  case $(basename "$entry") in publish-*) ;; *) ln -s "$entry" "$cold_root/distroless-dsl/" ;; esac
done

namespaces=()
cleanup() {
  for ns in "${namespaces[@]}"; do
    "${runner[@]}" clean jq base --registry "$registry" --namespace "$ns" >/dev/null 2>&1 || true
    docker image rm "$registry/$ns/builder-debian:trixie" >/dev/null 2>&1 || true
  done
  rm -rf "$cold_root" "$DOCKER_CONFIG"
}
trap cleanup EXIT

measure() { # label, environment assignments (or -), runner arguments...
  local label=$1 env=$2; shift 2
  local log start end
  log=$(mktemp)
  start=$(date +%s%N)
  if ! env ${env/#-/} "${runner[@]}" "$@" >"$log" 2>&1; then
    echo "failed ($label):" >&2; tail -n 20 "$log" >&2; exit 1
  fi
  end=$(date +%s%N)
  printf '%-52s %7.2f s   %s\n' "$label" "$(awk "BEGIN { print ($end - $start) / 1e9 }")" "$(grep -E 'unchanged|^published' "$log" | cut -c1-60 || true)"
  rm -f "$log"
}

cold_ns=bench-cold-$stamp warm_ns=bench-first-$stamp
namespaces+=("$cold_ns" "$warm_ns")
# Built under each name first, so the first publish times the push, not the first tagging.
"${runner[@]}" build jq --registry "$registry" --namespace "$cold_ns" >/dev/null
"${runner[@]}" build jq --registry "$registry" --namespace "$warm_ns" >/dev/null

measure "build jq (nothing changed)" - build jq --registry "$registry" --namespace "$warm_ns"
measure "first publish jq, publish caches cold" "XDG_CACHE_HOME=$cold_root" publish jq --registry "$registry" --namespace "$cold_ns" --if-changed
measure "first publish jq, layers compressed before" - publish jq --registry "$registry" --namespace "$warm_ns" --if-changed
for i in $(seq "$runs"); do
  measure "publish jq --if-changed, nothing changed ($i/$runs)" - publish jq --registry "$registry" --namespace "$warm_ns" --if-changed
done
