#!/usr/bin/env bash
# Installs and starts the registry the publish tests push to, when it is not there yet: Debian's docker-registry
# (the CNCF distribution registry) on 127.0.0.1:5000 with htpasswd (bcrypt) auth, storage under $state/storage.
# The test user is 'distroless'; its password is generated once into $state/password, where the tests read it.
# Also installs docker-credential-pass (with pass and gpg), the credential helper the publish tests read from.
# Needs root and apt. Idempotent: a registry already answering on 127.0.0.1:5000 is left as it is.
# The engine treats 127.0.0.0/8 registries as insecure by default, so it pushes there over plain http.
set -euo pipefail

state=${DISTROLESS_REGISTRY_DIR:-/var/lib/distroless-registry}
address=127.0.0.1:5000
user=distroless

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$address/v2/" 2>/dev/null || true; }

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# A real docker credential helper for the publish test that reads credentials the way 'docker login' stores them.
command -v docker-credential-pass >/dev/null 2>&1 || missing+=(golang-docker-credential-helpers)
command -v pass >/dev/null 2>&1 || missing+=(pass)
command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "registry.sh: installing ${missing[*]}"
  # The package's init script would start a registry on every interface with its own config: keep it from starting.
  added_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && added_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$added_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

if [ "$(status)" != 401 ]; then
  mkdir -p "$state/storage"
  chmod 700 "$state"
  [ -s "$state/password" ] || (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$state/password")
  htpasswd -B -b -c "$state/htpasswd" "$user" "$(cat "$state/password")" 2>/dev/null
  cat >"$state/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/storage
  delete:
    enabled: true
http:
  addr: $address
auth:
  htpasswd:
    realm: distroless-test
    path: $state/htpasswd
EOF
  echo "registry.sh: starting docker-registry on $address (log: $state/registry.log)"
  setsid nohup docker-registry serve "$state/config.yml" >"$state/registry.log" 2>&1 </dev/null &
  for _ in $(seq 1 30); do [ "$(status)" = 401 ] && break; sleep 1; done
  [ "$(status)" = 401 ] || { echo "registry.sh: the registry did not answer 401 on http://$address/v2/; last log lines:" >&2; tail -n 20 "$state/registry.log" >&2; exit 1; }
fi
echo "registry.sh: registry on http://$address (user $user, password in $state/password)"
