#!/usr/bin/env bash
# The whole test suite, as CI runs it: start the Docker engine (installing Debian's docker.io and mmdebstrap if
# missing), the local registry the publish tests push to, a compose implementation and Trivy for the scanner
# tests, build (the generator runs; bad definitions fail here), then every test, engine tests included.
# Needs the .NET 10 SDK, root and apt. Snapshot mismatches leave *.received.* files beside the *.verified.* ones.
set -euo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

bash tests/infra/engine.sh
bash tests/infra/registry.sh
bash tests/infra/compose.sh
bash tests/infra/trivy.sh
bash tests/infra/cosign.sh   # the real cosign the signature tests verify with
dotnet build Distroless.Dsl.sln -c Release -nologo -clp:ErrorsOnly
status=0
dotnet test tests/Distroless.Dsl.Tests/Distroless.Dsl.Tests.csproj -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=tests.trx" --results-directory "$results" || status=$?

# One closing line in the plain 'N passed, N failed' form, from the test results file.
counters=$(grep -o '<Counters [^>]*>' "$results"/*.trx 2>/dev/null || true)
count() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
echo "tests: $(count passed) passed, $(count failed) failed, $(( $(count total) - $(count executed) )) skipped"
exit "$status"
