#!/bin/sh
# Makes the PostgreSQL 17 cluster the postgres image ships, the same bytes on every build of the same packages and
# SOURCE_DATE_EPOCH. Runs in the image's initdb builder stage (Debian, with a shell). Usage: postgres-initdb.sh DATA
#
# What initdb would otherwise make differently each time, and what fixes it (each measured by two builds):
# - the clock (system identifier, checkpoint and commit times): frozen at SOURCE_DATE_EPOCH with libfaketime;
# - the default password's random SCRAM salt: the role gets a fixed verifier of the password "postgres" instead
#   (salt = first 16 bytes of SHA-256("distroless-dsl postgres default password"), 4096 iterations; a test checks
#   that it is the verifier of "postgres"). POSTGRES_PASSWORD(_FILE) at start sets a new one with a random salt;
# - the mock authentication nonce (random bytes in global/pg_control): replaced by a hash of SOURCE_DATE_EPOCH.
#   Every container of one image shares the baked nonce anyway, so a derived one reveals nothing new;
# - the system identifier's low 12 bits (initdb's process ID, which moves between builds): cleared;
# - uninitialised bytes that the server writes into WAL records: the WAL is reset after a clean shutdown, which
#   keeps one new segment holding just a checkpoint record (also 4 MB less than initdb leaves).
set -eu
data=$1
bin=/usr/lib/postgresql/17/bin
: "${SOURCE_DATE_EPOCH:?postgres-initdb: SOURCE_DATE_EPOCH is not set}"
verifier='SCRAM-SHA-256$4096:il9A9zDIvW7ONAvkf/40Ww==$s6kGyolA978wmewKb9ZtLfUmU8xRHILiBEB9GVf0c9c=:VoZ7fpYWf40PkwmeTS6NhP0/aEYnXceSIkU0IxHgIwI='

faketime=$(ls /usr/lib/*/faketime/libfaketime.so.1)
as_postgres() {
  FAKETIME="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S')" LD_PRELOAD="$faketime" runuser -u postgres -- "$@"
}

install -d -o postgres -g postgres -m 0700 "$data"
# 1 MB WAL segments, not 16: the cluster ships its current segment.
as_postgres "$bin/initdb" -D "$data" --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
  --locale=C --encoding=UTF8 --wal-segsize=1 >/dev/null
echo "ALTER ROLE postgres PASSWORD '$verifier'" | as_postgres "$bin/postgres" --single -D "$data" postgres >/dev/null

# Refuses unless the cluster was shut down cleanly, so nothing is lost; removes every old WAL segment.
as_postgres "$bin/pg_resetwal" "$data" >/dev/null

# pg_control: the nonce sits right before its CRC-32C, which covers everything before it; the system identifier is its
# first 8 bytes (the frozen clock's seconds and microseconds, then the low 12 bits of initdb's process ID, which
# differ between builds: cleared). The WAL segment's long page header repeats the identifier at byte 24.
nonce=$("$bin/pg_controldata" "$data" | sed -n 's/^Mock authentication nonce: *//p')
fixed=$(printf 'distroless-dsl postgres mock authentication nonce %s' "$SOURCE_DATE_EPOCH" | sha256sum | cut -c1-64)
perl -e '
  my ($control, $old, $new, @wal) = @ARGV;
  local $/; open(my $f, "+<:raw", $control) or die "$control: $!\n"; my $d = <$f>;
  my $at = index($d, pack("H*", $old));
  die "postgres-initdb: the nonce is not once in $control\n" if $at < 0 || index($d, pack("H*", $old), $at + 1) >= 0;
  substr($d, $at, 32) = pack("H*", $new);
  my $id = unpack("Q<", substr($d, 0, 8)); my $fixed_id = $id & ~0xFFF;
  substr($d, 0, 8) = pack("Q<", $fixed_id);
  my @table = map { my $c = $_; $c = $c & 1 ? ($c >> 1) ^ 0x82F63B78 : $c >> 1 for 1 .. 8; $c } 0 .. 255;
  my $crc = 0xFFFFFFFF;
  $crc = $table[($crc ^ ord(substr($d, $_, 1))) & 0xFF] ^ ($crc >> 8) for 0 .. $at + 31;
  substr($d, $at + 32, 4) = pack("V", $crc ^ 0xFFFFFFFF);
  seek($f, 0, 0); print $f $d; close($f) or die "$control: $!\n";
  for my $segment (@wal) {
    open(my $w, "+<:raw", $segment) or die "$segment: $!\n"; read($w, my $header, 32) == 32 or die "$segment: short\n";
    die "postgres-initdb: $segment names another system\n" unless unpack("Q<", substr($header, 24, 8)) == $id;
    seek($w, 24, 0); print $w pack("Q<", $fixed_id); close($w) or die "$segment: $!\n";
  }' "$data/global/pg_control" "$nonce" "$fixed" $(ls "$data"/pg_wal/* | grep -E '/[0-9A-F]{24}$')
# pg_controldata warns when the CRC does not match.
if "$bin/pg_controldata" "$data" 2>&1 | grep -i warning >&2; then exit 1; fi

# TCP only, no Unix socket: the server then writes nothing outside its data directory, so it runs on a read-only
# root with no tmpfs. PGHOST points in-container clients (pg_isready) at TCP.
printf "listen_addresses = '*'\nunix_socket_directories = ''\n" >> "$data/postgresql.conf"
printf 'host all all all scram-sha-256\n' >> "$data/pg_hba.conf"
