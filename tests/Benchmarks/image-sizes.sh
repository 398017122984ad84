#!/usr/bin/env bash
# Size of every built catalog image per platform: uncompressed (as `docker images` shows) and compressed (the saved
# image gzipped, close to what a registry stores and a pull downloads). Build first: images not built are listed as such.
# Usage: bash tests/Benchmarks/image-sizes.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

sock=/var/run/docker.sock
runner=(dotnet run --project src/Runner -c Release --no-build --)
dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null

printf '%-12s %-8s %-12s %14s %14s\n' image arch version uncompressed gzipped
"${runner[@]}" list | awk 'NR > 1 && $2 != "stack" { print $1, $3, $4 }' | while read -r name version platforms; do
  for platform in ${platforms//,/ }; do
    arch=${platform#linux/}
    tag="$name:$version-$arch"
    size=$(curl -fsS --unix-socket "$sock" "http://localhost/images/$tag/json" 2>/dev/null | sed -n 's/.*"Size":\([0-9]*\).*/\1/p' || true)
    if [ -z "$size" ]; then
      printf '%-12s %-8s %-12s %14s %14s\n' "$name" "$arch" "$version" "not built" "-"
      continue
    fi
    gzipped=$(curl -fsS --unix-socket "$sock" "http://localhost/images/$tag/get" | gzip -6 | wc -c)
    printf '%-12s %-8s %-12s %14s %14s\n' "$name" "$arch" "$version" "$size" "$gzipped"
  done
done
