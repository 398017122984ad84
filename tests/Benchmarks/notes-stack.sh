#!/usr/bin/env bash
# Measures the .NET app tier: dotnet publish time per RID and the notes-api image size per platform (from the
# runner's build), the same published app on a full Debian base (debian:trixie-slim + OpenSSL; a throwaway image,
# deleted afterwards; amd64 only, since its RUN step would need emulation for arm64), and the time from 'up notes'
# to healthy. Needs the engine (tests/infra/engine.sh) and a compose implementation (tests/infra/compose.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Runner -c Release -nologo -clp:ErrorsOnly >/dev/null
runner() { dotnet run --project src/Runner -c Release --no-build -- "$@"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

echo "== publish and build notes-api (both platforms)"
runner build notes-api | grep -E '\] published |^built +notes-api'
for arch in amd64 arm64; do
  echo "notes-api:0.1.0-$arch on base-cc: $(mb "$(docker image inspect --format '{{.Size}}' "notes-api:0.1.0-$arch")")"
done

echo "== the same published app on debian:trixie-slim (amd64)"
context=$(mktemp -d)
trap 'rm -rf "$context"; docker rmi --force notes-api-on-debian:benchmark >/dev/null 2>&1 || true' EXIT
cp -r "${TMPDIR:-/tmp}/distroless-publish/notes-api-0.1.0-amd64/publish" "$context/"
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM debian:trixie-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libssl3t64 >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY publish/amd64/ /app/
USER 1000:1000
ENTRYPOINT ["/app/notes-api"]
DOCKERFILE
docker build -q -t notes-api-on-debian:benchmark "$context" >/dev/null
echo "debian:trixie-slim alone:            $(mb "$(docker image inspect --format '{{.Size}}' debian:trixie-slim)")"
echo "notes-api on debian:trixie-slim:     $(mb "$(docker image inspect --format '{{.Size}}' notes-api-on-debian:benchmark)")"

echo "== up notes -> healthy (images present)"
deploy=$(mktemp -d)
runner compose notes --out "$deploy" >/dev/null
printf postgres > "$deploy/secrets/db_password" && chmod 0644 "$deploy/secrets/db_password"
runner down notes --out "$deploy" --volumes >/dev/null 2>&1 || true
for round in 1 2; do
  runner up notes --out "$deploy" | grep -E 'is healthy'
  runner down notes --out "$deploy" --volumes >/dev/null
done
rm -rf "$deploy"
