#!/usr/bin/env bash
# Installs a real compose implementation for the stack tests when none is there: Debian's docker-compose
# (Compose v1 1.29, python). A `docker compose` v2 plugin, where present, is used instead and nothing is installed.
# Needs root and apt. Idempotent.
set -euo pipefail

if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; then
  echo "compose.sh: $( (docker compose version 2>/dev/null || docker-compose version --short) | head -n 1) is present"
  exit 0
fi

echo "compose.sh: installing docker-compose"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
echo "compose.sh: docker-compose $(docker-compose version --short) installed"
