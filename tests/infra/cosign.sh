#!/usr/bin/env bash
# Installs the real cosign for the signature tests: Debian 13 (trixie) packages cosign 2.5 as a static Go binary,
# so its .deb unpacks (dpkg-deb -x) and runs on this Debian 12 host. apt fetches it with a private trixie source
# derived from the host's own Debian source (same mirror, suite trixie, the host's archive keyring, which holds the
# trixie keys), in a scratch apt state, so the host's apt configuration is not touched.
# Installs into /opt/distroless-cosign (DISTROLESS_COSIGN_DIR overrides) and links $DIR/cosign, where the tests look
# (DISTROLESS_COSIGN names another binary). Needs apt and dpkg-deb. Idempotent: a binary that answers
# `cosign version` is left as it is.
set -euo pipefail

dir=${DISTROLESS_COSIGN_DIR:-/opt/distroless-cosign}
suite=trixie

if [ -x "$dir/cosign" ] && "$dir/cosign" version >/dev/null 2>&1; then
  echo "cosign.sh: cosign $(cat "$dir/package" 2>/dev/null || echo '(unknown package)') is present in $dir"
  exit 0
fi

# The host's Debian archive URI: the first deb822 stanza or one-line entry that is not the security archive.
mirror=$( { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }')
if [ -z "$mirror" ]; then
  mirror=$( { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
    | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } } }')
fi
[ -n "$mirror" ] || { echo "cosign.sh: found no Debian archive in the host's apt sources to derive a $suite source from" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f /usr/share/keyrings/debian-archive-$suite-stable.gpg ] \
  || { echo "cosign.sh: the host's debian-archive-keyring has no $suite key; upgrade it (apt-get install debian-archive-keyring)" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/lists/partial" "$scratch/cache/archives/partial" "$scratch/parts" "$scratch/deb"
printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' "$mirror" "$suite" "$keyring" >"$scratch/$suite.sources"
apt_options=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$scratch/parts" -o "Dir::State::Lists=$scratch/lists"
  -o "Dir::Cache=$scratch/cache" -o "Dir::State::status=/dev/null" -o "APT::Architecture=$(dpkg --print-architecture)"
  -o "APT::Sandbox::User=root") # the scratch directory is private to this script
cp "$scratch/$suite.sources" "$scratch/parts/"
echo "cosign.sh: fetching cosign from Debian $suite"
apt-get "${apt_options[@]}" update -qq
(cd "$scratch/deb" && apt-get "${apt_options[@]}" download -qq cosign)
deb=$(ls "$scratch"/deb/cosign_*.deb)
mkdir -p "$dir"
rm -rf "$dir/root"
dpkg-deb -x "$deb" "$dir/root"
[ -x "$dir/root/usr/bin/cosign" ] || { echo "cosign.sh: $(basename "$deb") holds no usr/bin/cosign" >&2; exit 1; }
ln -sfn "$dir/root/usr/bin/cosign" "$dir/cosign"
# Debian's build reports GitVersion 'devel', so the package's own name and version say which cosign this is.
basename "$deb" .deb >"$dir/package"
echo "cosign.sh: $(cat "$dir/package") installed as $dir/cosign"
