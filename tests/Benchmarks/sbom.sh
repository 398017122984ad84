#!/usr/bin/env bash
# The SBOM of every built catalog image per platform beside what the real Trivy reads from the same saved image, and
# how long `sbom` takes (wall time of the runner process, the .deb cache warm: the first run fetches what it lacks).
# Build first (images not built are listed as such). Needs Trivy (tests/infra/trivy.sh) and jq on the host.
# Usage: bash tests/Benchmarks/sbom.sh [--namespace NS] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/../.."

namespace=distroless-dsl
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--namespace NS] [--runs N]" >&2; exit 2 ;;
  esac
done

trivy=${DISTROLESS_TRIVY:-/opt/distroless-trivy/trivy}
runner=(dotnet src/Runner/bin/Release/net10.0/Distroless.Dsl.Runner.dll)
dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '%-12s %-8s %6s %6s %6s %8s %8s  %s\n' image arch sbom deb nuget trivy-os trivy-lang 'other SBOM components'
"${runner[@]}" list | awk 'NR > 1 && $2 != "stack" { print $1, $4 }' | while read -r name platforms; do
  for platform in ${platforms//,/ }; do
    arch=${platform#linux/}
    if ! "${runner[@]}" sbom "$name" --platform "$platform" --namespace "$namespace" --out "$work/sbom.json" 2>"$work/err"; then
      printf '%-12s %-8s %s\n' "$name" "$arch" "$(tail -1 "$work/err")"
      continue
    fi
    docker save "$namespace/$name:$(jq -r '.packages[0].versionInfo' "$work/sbom.json")-$arch" -o "$work/saved.tar"
    "$trivy" image --input "$work/saved.tar" --cache-dir "$work/cache" --skip-db-update --skip-java-db-update --offline-scan \
      --scanners license --list-all-pkgs -f json -q >"$work/trivy.json"
    printf '%-12s %-8s %6s %6s %6s %8s %8s  %s\n' "$name" "$arch" \
      "$(jq '.packages | length - 1' "$work/sbom.json")" \
      "$(jq '[.packages[] | select(.SPDXID | startswith("SPDXRef-deb-"))] | length' "$work/sbom.json")" \
      "$(jq '[.packages[] | select(.SPDXID | startswith("SPDXRef-nuget-"))] | length' "$work/sbom.json")" \
      "$(jq '[.Results[]? | select(.Class == "os-pkgs") | .Packages[]?] | length' "$work/trivy.json")" \
      "$(jq '[.Results[]? | select(.Class == "lang-pkgs") | .Packages[]?] | length' "$work/trivy.json")" \
      "$(jq -r '[.packages[] | select((.SPDXID | test("^SPDXRef-(deb-|nuget-|Image$)")) | not) | .name] | join(" ")' "$work/sbom.json")"
  done
done

echo
echo "sbom jq, $runs runs per platform (seconds, wall time of the runner process):"
for platform in linux/amd64 linux/arm64; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "${runner[@]}" sbom jq --platform "$platform" --namespace "$namespace" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  printf '%-12s %s\n' "$platform" "${times[*]}"
done
