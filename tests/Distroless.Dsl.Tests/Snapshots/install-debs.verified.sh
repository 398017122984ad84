#!/bin/sh
# Installs Debian packages in a builder stage from the build context's .deb files, with dpkg: no apt, no network.
# The runner fetched those files from the package lock and checked each against its SHA-256 (see README, Hermetic builds).
# Usage: install-debs.sh DIR PACKAGE[:ARCH]...
# Each package and, transitively, the dependencies the builder image lacks are taken from DIR (the lock lists exactly
# these); one dpkg run installs them all, in the order dpkg derives from their dependencies.
set -eu
dir=$1; shift
native=$(dpkg --print-architecture)
work=$(mktemp -d)
export DEBIAN_FRONTEND=noninteractive

installed() { dpkg-query -W -f '${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'; }

# NAME[:ARCH] -> its .deb in DIR (NAME_VERSION_ARCH.deb, or _all.deb); ARCH defaults to the builder's own.
local_deb() {
  n=${1%%:*} a=${1#*:}
  [ "$a" != "$1" ] || a=$native
  for f in "$dir/$n"_*_"$a".deb "$dir/$n"_*_all.deb; do
    if [ -e "$f" ]; then echo "$f"; return 0; fi
  done
  return 1
}

# One dependency group per line, each alternative qualified with the depending package's architecture (a foreign
# package's libraries are that architecture's; 'NAME:any' and architecture-independent packages take any).
dependencies() {
  dpkg-deb -f "$1" Pre-Depends Depends | sed 's/^[A-Za-z-]*: //' | tr -d ' ' | tr ',' '\n' | sed 's/([^)]*)//g; s/\[[^]]*\]//g' \
    | awk -v a="$(dpkg-deb -f "$1" Architecture)" -v n="$native" -F'|' '
        NF { out = ""; for (i = 1; i <= NF; i++) { alt = $i; sub(/:any$/, "", alt)
               if (alt !~ /:/ && a != "all" && a != n) alt = alt ":" a
               out = out (i > 1 ? "|" : "") alt }
             print out }'
}

# NAME:ARCH of another architecture -> NAME when the builder's own NAME is Multi-Arch: foreign (a tool such as
# pkgconf-bin: any architecture's satisfies the dependency, and only the builder's own runs here), as apt resolves it.
native_if_foreign() {
  n=${1%%:*} a=${1#*:}
  if [ "$a" != "$1" ] && [ "$a" != "$native" ]; then
    if [ "$(dpkg-query -W -f '${Multi-Arch}' "$n:$native" 2>/dev/null)" = foreign ]; then echo "$n"; return 0; fi
    if f=$(local_deb "$n") && [ "$(dpkg-deb -f "$f" Multi-Arch)" = foreign ]; then echo "$n"; return 0; fi
  fi
  echo "$1"
}

want() {
  grep -Fqx "$1" "$work/seen" 2>/dev/null && return 0
  echo "$1" >> "$work/seen"
  deb=$(local_deb "$1") || {
    installed "$1" && return 0
    echo "install-debs: $1 is not among the fetched packages in $dir: the lock lacks it (run 'lock --update IMAGE', then build with the runner or 'fetch IMAGE --into DIR')" >&2
    exit 1
  }
  echo "$deb" >> "$work/debs"
  for group in $(dependencies "$deb"); do
    pick=""
    for alt in $(echo "$group" | tr '|' ' '); do
      alt=$(native_if_foreign "$alt")
      if installed "$alt"; then pick=-; break; fi
      if [ -z "$pick" ] && local_deb "$alt" >/dev/null; then pick=$alt; fi
    done
    [ -z "$pick" ] || [ "$pick" = - ] || want "$pick"
  done
}

for package in "$@"; do
  installed "$package" || want "$package"
done
[ -s "$work/debs" ] || { rm -rf "$work"; exit 0; }
for deb in $(cat "$work/debs"); do dpkg-deb -f "$deb" Architecture; done | sort -u | while read -r a; do
  [ "$a" = all ] || [ "$a" = "$native" ] || dpkg --add-architecture "$a"
done
xargs dpkg -i < "$work/debs" >/dev/null
rm -rf "$work"
