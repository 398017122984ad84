#!/usr/bin/env bash
# Installs and starts what the engine tests need, when it is not there yet: Debian's docker.io engine
# (API 1.41, BuildKit built in) and mmdebstrap (to make builder images when nothing can be pulled).
# Needs root and apt. Idempotent: a running engine is left as it is.
set -euo pipefail

ping_engine() { curl -fsS --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "engine.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! ping_engine; then
  echo "engine.sh: starting dockerd (log: /var/log/distroless-dockerd.log)"
  setsid nohup dockerd >/var/log/distroless-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do ping_engine && break; sleep 1; done
  ping_engine || { echo "engine.sh: dockerd did not start; last log lines:" >&2; tail -n 20 /var/log/distroless-dockerd.log >&2; exit 1; }
fi
echo "engine.sh: engine $(curl -fsS --unix-socket /var/run/docker.sock http://localhost/version | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -n 1) is up"
