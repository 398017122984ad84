#!/bin/sh
# Assembles one image's root filesystem for a target architecture from Debian 13 packages.
# Runs in a builder stage on the build platform: it reads the target's ELF files and never runs them,
# so every architecture builds natively. Usage: assemble-rootfs.sh ARCH MANIFEST OUT [UID:GID]
# (UID:GID owns the manifest's 'owned' directories: made here, so no COPY creates them with the build's time).
# Hermetic: every package comes from the .deb files beside the manifest (debs/target: the lock's packages for ARCH;
# debs/build: the lock's builder packages for the build platform), which the runner fetched and verified. No apt, no network.
set -eu
arch=$1 manifest=$2 out=$3 owner=${4:-}
: "${SOURCE_DATE_EPOCH:?assemble-rootfs: SOURCE_DATE_EPOCH is not set: pass --build-arg SOURCE_DATE_EPOCH=SECONDS (see README, Reproducible images)}"
build=$(dirname "$manifest")
work=/var/cache/rootfs
staging=$work/staging lists=$work/lists control=$work/control owned=$work/owned
mkdir -p "$out" "$staging" "$lists" "$control"
export DEBIAN_FRONTEND=noninteractive

case "$arch" in
  amd64) triplet=x86_64-linux-gnu ;;
  arm64) triplet=aarch64-linux-gnu ;;
  *) echo "assemble-rootfs: unsupported architecture $arch" >&2; exit 1 ;;
esac

directives() { grep -v '^#' "$manifest" | grep -v '^[[:space:]]*$'; }
has() { directives | grep -q "^$1\( \|\$\)"; }
say() { echo "rootfs[$arch]: $*"; }

# Debian 13 is merged-/usr: map old top-level paths onto /usr so a child layer never shadows a parent's symlink.
usr_path() {
  case "$1" in
    /bin/*|/sbin/*|/lib/*|/lib64/*) echo "/usr$1" ;;
    *) echo "$1" ;;
  esac
}

# The builder tools this manifest needs, from debs/build (the lock's builder packages; see install-debs.sh).
tools=""
has binary && tools="$tools binutils"
has ca-certificates && tools="$tools ca-certificates"
has busybox && tools="$tools busybox-static"
[ -z "$tools" ] || sh "$build/install-debs.sh" "$build/debs/build" $tools

# Unpacks every target package (the lock's closure of the manifest's packages, in name order) into the staging tree,
# once; 'fetch NAME' then only checks that NAME is among them.
unpacked=""
fetch() {
  if [ -z "$unpacked" ]; then
    for deb in "$build"/debs/target/*.deb; do
      [ -e "$deb" ] || { echo "assemble-rootfs: no packages in debs/target for $arch: run the runner's fetch (see README, Hermetic builds)" >&2; exit 1; }
      name=$(dpkg-deb -f "$deb" Package)
      dpkg-deb -x "$deb" "$staging"
      dpkg-deb -f "$deb" > "$control/$name"
      dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\.||' | grep -v '/$' > "$lists/$name" || true
    done
    unpacked=1
  fi
  [ -e "$lists/$1" ] || { echo "assemble-rootfs: the Debian package $1 for $arch is not in debs/target: the lock lacks it (run 'lock --update')" >&2; exit 1; }
}

# Where a path is in the staging tree: as written, or under /usr (packages ship merged-/usr paths, while
# ELF interpreters and old links still name /lib64, /lib, /bin).
staged_path() {
  p=$(realpath -m -s "$1")
  if [ -e "$staging$p" ] || [ -L "$staging$p" ]; then echo "$p"; return; fi
  case "$p" in
    /bin/*|/sbin/*|/lib/*|/lib64/*)
      if [ -e "$staging/usr$p" ] || [ -L "$staging/usr$p" ]; then echo "/usr$p"; return; fi ;;
  esac
  echo "$p"
}

# Follows symlinks inside the staging tree (absolute targets are read as staging paths, never the builder's own).
resolve() {
  p=$(staged_path "$1") n=0
  while [ -L "$staging$p" ] && [ "$n" -lt 32 ]; do
    t=$(readlink "$staging$p")
    case "$t" in /*) p=$(staged_path "$t") ;; *) p=$(staged_path "$(dirname "$p")/$t") ;; esac
    n=$((n + 1))
  done
  echo "$p"
}

# Copies one path (file, directory, or symlink and what it points to) from the staging tree into the image.
ship() {
  src=$(staged_path "$1")
  [ -e "$staging$src" ] || [ -L "$staging$src" ] || { echo "assemble-rootfs: $1 is in none of the fetched packages" >&2; exit 1; }
  dst=$(usr_path "$src")
  [ -e "$out$dst" ] && [ ! -d "$out$dst" ] && return 0
  mkdir -p "$out$(dirname "$dst")"
  rm -rf "$out$dst.tmp" && cp -a "$staging$src" "$out$dst.tmp" && rm -rf "$out$dst" && mv "$out$dst.tmp" "$out$dst"
  if [ -L "$staging$src" ]; then
    t=$(readlink "$staging$src")
    case "$t" in /*) ship "$t" ;; *) ship "$(dirname "$src")/$t" ;; esac
  fi
}

# Resolves a soname the way the dynamic loader would, in the staging tree.
find_library() {
  for dir in $2 /usr/lib/$triplet /lib/$triplet /usr/lib /lib; do
    if [ -e "$staging$dir/$1" ]; then echo "$dir/$1"; return 0; fi
  done
  return 1
}

in_parent() {
  for dir in /usr/lib/$triplet /lib/$triplet /usr/lib /lib; do
    [ -e "/parent$dir/$1" ] && return 0
  done
  return 1
}

# Ships a binary and, transitively, the libraries named in its ELF dynamic section (DT_NEEDED) and its interpreter.
closure() {
  queue=$1 seen=" "
  while [ -n "$queue" ]; do
    set -- $queue; file=$1; shift; queue="$*"
    case "$seen" in *" $file "*) continue ;; esac
    seen="$seen$file "
    ship "$file"
    real=$staging$(resolve "$file")
    interp=$(readelf -lW "$real" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    if [ -n "$interp" ] && ! [ -e "/parent$interp" ]; then ship "$interp"; fi
    origin=$(dirname "$file")
    runpath=$(readelf -dW "$real" 2>/dev/null | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p' | tr ':' ' ' | sed "s|\$ORIGIN|$origin|g")
    for soname in $(readelf -dW "$real" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      in_parent "$soname" && continue
      lib=$(find_library "$soname" "$runpath") || { echo "assemble-rootfs: $file needs $soname, found in no fetched package" >&2; exit 1; }
      queue="$queue $lib"
    done
  done
}

# Removes what a 'without' glob matches ('*' within a name, '**/' any directories; symlinks are not followed).
# The DSL allows only [A-Za-z0-9._+@=,:~*/-], so '.' and '+' are the only characters to escape.
leave_out() {
  regex=$(printf '%s\n' "$1" | sed -e 's/[.+]/\\&/g' -e 's|\*\*/|%|g' -e 's|\*|[^/]*|g' -e 's|%|(.*/)?|g')
  case "$1" in /*) ;; *) regex="/$regex" ;; esac
  n=$(cd "$out" && find . -regextype posix-extended -regex "\\.$regex" -prune -print | wc -l)
  [ "$n" -gt 0 ] || { echo "assemble-rootfs: without $1 matches nothing in the image" >&2; exit 1; }
  (cd "$out" && find . -regextype posix-extended -regex "\\.$regex" -prune -exec rm -rf {} +)
  say "without $1 ($n paths)"
}

directives | while read -r verb a b c; do
  case "$verb" in
    usr-merge)
      for d in bin sbin lib; do mkdir -p "$out/usr/$d"; ln -sfn "usr/$d" "$out/$d"; done
      if [ "$arch" = amd64 ]; then mkdir -p "$out/usr/lib64"; ln -sfn usr/lib64 "$out/lib64"; fi ;;
    dir) mkdir -p "$out$a"; chmod "$b" "$out$a" ;;
    owned)
      [ -n "$owner" ] || { echo "assemble-rootfs: owned directory $a needs the image user's UID:GID as the 4th argument" >&2; exit 1; }
      mkdir -p "$out$a"; chmod "$b" "$out$a"; echo "$a" >> "$owned" ;;
    context) install -D -m "$c" "$build/$a" "$out$b" ;;
    fetch) say "fetch $a"; fetch "$a" ;;
    ca-certificates)
      fetch ca-certificates
      install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"
      install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$staging/etc/ssl/certs/ca-certificates.crt"
      echo /etc/ssl/certs/ca-certificates.crt >> "$lists/ca-certificates" ;;
    tzdata|tzdata-legacy) fetch "$verb"; ship /usr/share/zoneinfo ;;
    libraries)
      # Shared libraries only; glibc's gconv charset modules (7 MB) are left out: UTF-8 and ASCII are built in.
      grep -E '\.so(\.[0-9]+)*$' "$lists/$a" | grep -v '/gconv/' | while read -r lib; do ship "$lib"; done ;;
    busybox)
      mkdir -p "$out/busybox"
      cp "$(readlink -f "$staging/usr/bin/busybox" 2>/dev/null || readlink -f "$staging/bin/busybox")" "$out/busybox/busybox"
      for applet in $(busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$out/busybox/$applet"; done
      install -D "$out/busybox/busybox" "$staging/busybox/busybox" && echo /busybox/busybox >> "$lists/busybox-static" ;;
    binary)
      # A '*' pattern names every matching file of the fetched packages, e.g. a program's plugin modules.
      case "$a" in
        *'*'*) for match in $staging$a; do [ -e "$match" ] || { echo "assemble-rootfs: nothing matches $a" >&2; exit 1; }; say "binary ${match#"$staging"}"; closure "${match#"$staging"}"; done ;;
        *) say "binary $a"; closure "$a" ;;
      esac ;;
    data)
      ship "$a"
      # Data ships no runnable script (Go's tree has 37 maintainer scripts): the image has no interpreter for it,
      # and `test` refuses an executable script whose interpreter is not the image's program.
      find "$out$(usr_path "$(staged_path "$a")")" -xdev -type f -perm /111 -exec sh -c 'for f; do [ "$(head -c2 "$f")" != "#!" ] || chmod a-x "$f"; done' sh {} + ;;
    link) mkdir -p "$out$(dirname "$a")"; ln -sfn "$b" "$out$a" ;;
    without) leave_out "$a" ;;
    *) echo "assemble-rootfs: unknown directive '$verb' in $manifest" >&2; exit 1 ;;
  esac
done

# Scanners (Trivy, Grype) identify packages from /var/lib/dpkg/status.d, as in Google distroless: NAME holds the
# control fields of each package files ship from, NAME.md5sums (dpkg's format) the regular files it ships here. A
# file counts only when it is the package's own (same link, same bytes): a generated /etc/os-release is not
# base-files'. A parent's NAME.md5sums is merged in, since this layer's file hides it.
status=$out/var/lib/dpkg/status.d
for list in "$lists"/*; do
  [ -e "$list" ] || continue
  name=$(basename "$list")
  shipped=""
  while read -r path; do
    p=$(usr_path "$path")
    if [ -L "$staging$path" ]; then
      if [ -L "$out$p" ] && [ "$(readlink "$out$p")" = "$(readlink "$staging$path")" ]; then shipped=1; fi
    elif [ -f "$out$p" ] && [ ! -L "$out$p" ] && cmp -s "$staging$path" "$out$p"; then
      shipped=1; echo "${p#/}" >> "$work/sums-of"
    fi
  done < "$list"
  [ -n "$shipped" ] || continue
  install -D -m 0644 "$control/$name" "$status/$name"
  { [ ! -e "$work/sums-of" ] || (cd "$out" && LC_ALL=C sort -u "$work/sums-of" | xargs -r -d '\n' md5sum)
    [ ! -e "/parent/var/lib/dpkg/status.d/$name.md5sums" ] || cat "/parent/var/lib/dpkg/status.d/$name.md5sums"
  } | LC_ALL=C sort -u -k 2 > "$status/$name.md5sums"
  chmod 0644 "$status/$name.md5sums"
  [ -s "$status/$name.md5sums" ] || rm -f "$status/$name.md5sums"
  rm -f "$work/sums-of"
done

# Security defaults: root-owned, nothing world-writable, no setuid/setgid. /tmp keeps its sticky 1777.
chown -R 0:0 "$out"
if [ -e "$owned" ]; then while read -r dir; do chown "$owner" "$out$dir"; done < "$owned"; fi
find "$out" -xdev ! -type l -perm /6000 -exec chmod ug-s {} +
find "$out" -xdev ! -type l -perm -0002 ! -path "$out/tmp" -exec chmod o-w {} +
# Reproducible layers: every file made here carries SOURCE_DATE_EPOCH (the runner passes it; so must a plain docker build).
find "$out" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
say "$(du -sk "$out" | cut -f1) kB in $(find "$out" ! -type d | wc -l) files"
