using Distroless.Dsl;

namespace Distroless.Definitions;

/// <summary>The tool tier: single programs from Debian 13 packages with exactly the libraries they load. Tools build
/// on the static base, so the C library comes with the closure too and only the parts a tool loads ship.
/// Size budgets are what each image measured (amd64, the larger) plus a little room; the seed's figure is beside
/// each. git and go beat the seed's and jq matches it; curl, node and postgres link far more libraries in Debian's
/// builds (the README's image table says what each leaves out and what is left to gain).</summary>
public static class Tools
{
    /// <summary>curl built from Debian 13's source package (Debian's patches applied), pinned by the SHA-256 of every
    /// file, with only HTTP/1.1, HTTP/2 (nghttp2), TLS through OpenSSL, and zlib, zstd and brotli decoding (OpenSSL links
    /// zstd already; brotli's decoder adds about 170 kB). Linked statically against Debian's static libraries for the
    /// target, cross-compiled on the build platform: no emulation and no shared library, so it runs on the static base.
    /// Debian's own curl loads GnuTLS, RTMP, LDAP, Kerberos and SSH libraries (24 MB). It lives under /usr/local: it is
    /// not Debian's binary package, so no dpkg status record claims it; /usr/local/share/doc/curl/BUILDINFO says what it
    /// was built from.</summary>
    [Image("curl", Version = "8.14.1")]
    public static ToolImage Curl => Tool.On(Bases.Static)
        .Describe("curl, the HTTPS-enabled HTTP client (HTTP/1.1 and HTTP/2, OpenSSL), static")
        .Stage(BuildStage.OnDebian("curl")
            .InstallForTarget("libssl-dev", "libnghttp2-dev", "zlib1g-dev", "libzstd-dev", "libbrotli-dev")
            .Install("autoconf", "automake", "libtool", "make", "pkgconf")
            .DebianSource("curl", "8.14.1-2+deb13u5", "/src/curl")
            .Sha256("curl_8.14.1-2+deb13u5.dsc", "9a9a2c95cdc8b5d76892c70858f25eaf2dc0b0a475a1e43e0b4ad428414752df")
            .Sha256("curl_8.14.1.orig.tar.gz", "6766ada7101d292b42b8b15681120acd68effa4a9660935853cf6d61f0d984d4")
            .Sha256("curl_8.14.1.orig.tar.gz.asc", "39cc2ec8ddc39d04e3e7101bbed46d858d0875cbb297a6bfa20959fa2bc7d5c7")
            .Sha256("curl_8.14.1-2+deb13u5.debian.tar.xz", "ebdfcfab1c2001c7a539fe2a4044dbf666a544393f191bedce9ee2d07c4ea925")
            // As Debian's rules do: its patches touch configure.ac and Makefile.am.
            .Run("cd /src/curl && autoreconf -fi >/dev/null 2>&1")
            // Every protocol but HTTP(S) off; the CA bundle at the base image's path. Only libcurl.la and curl are made
            // (not the unit-test library), then linked fully static with unused sections dropped.
            .Run("host=$(dpkg-architecture -a\"$TARGETARCH\" -qDEB_HOST_GNU_TYPE 2>/dev/null) && cd /src/curl"
                 + " && PKG_CONFIG_LIBDIR=/usr/lib/$host/pkgconfig:/usr/share/pkgconfig PKG_CONFIG='pkg-config --static'"
                 + " ./configure --build=$(dpkg-architecture -qDEB_BUILD_GNU_TYPE 2>/dev/null) --host=$host CC=$host-gcc"
                 + " --disable-shared --enable-static --disable-dependency-tracking --disable-docs --disable-manual"
                 + " --with-openssl --with-nghttp2 --with-zlib --with-zstd --with-brotli --without-libpsl --without-libidn2"
                 + " --without-librtmp --without-libssh2 --without-libssh --without-gssapi --without-nghttp3 --without-ngtcp2"
                 + " --disable-ldap --disable-ldaps --disable-dict --disable-file --disable-ftp --disable-gopher --disable-imap"
                 + " --disable-mqtt --disable-pop3 --disable-rtsp --disable-smb --disable-smtp --disable-telnet --disable-tftp"
                 + " --disable-ipfs --disable-websockets --enable-threaded-resolver"
                 + " --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --without-ca-path"
                 + " CFLAGS='-Os -ffunction-sections -fdata-sections' LDFLAGS='-static -Wl,--gc-sections' >/tmp/configure.log 2>&1"
                 + " || { tail -n 30 /tmp/configure.log >&2; exit 1; }")
            .Run("host=$(dpkg-architecture -a\"$TARGETARCH\" -qDEB_HOST_GNU_TYPE 2>/dev/null) && cd /src/curl"
                 + " && make -j\"$(nproc)\" -C lib libcurl.la >/dev/null && make -j\"$(nproc)\" -C src curl LDFLAGS='-all-static -Wl,--gc-sections' >/dev/null"
                 + " && install -D -m 0755 src/curl /out/bin/curl && $host-strip /out/bin/curl && mkdir -p /out/share/doc/curl"
                 + " && { echo 'curl from Debian source package curl 8.14.1-2+deb13u5, configured with:'; grep -E '^  (Protocols|Features):' /tmp/configure.log;"
                 + " echo 'statically linked with these Debian packages:'; dpkg-query -W -f '${Package} ${Version}\\n' libc6-dev:$TARGETARCH libssl-dev:$TARGETARCH libnghttp2-dev:$TARGETARCH zlib1g-dev:$TARGETARCH libzstd-dev:$TARGETARCH libbrotli-dev:$TARGETARCH; }"
                 + " > /out/share/doc/curl/BUILDINFO"))
        .CopyFromStage("curl", "/out/", "/usr/local/")
        .Entrypoint("/usr/local/bin/curl")
        .SmokeTest("--version")
        .SizeBudgetMegabytes(12); // seed 001: ~8 MB

    [Image("jq", Version = "1.7.1")]
    public static ToolImage Jq => Tool.On(Bases.Static)
        .Describe("jq, the JSON processor")
        .FromDebian("jq")
        .Binary("/usr/bin/jq")
        .Entrypoint("/usr/bin/jq")
        .SmokeTest("--version")
        .SizeBudgetMegabytes(6); // seed 001: ~5 MB

    /// <summary>Git's core commands that need no shell: clone over HTTPS, log, diff.</summary>
    [Image("git", Version = "2.47.3")]
    public static ToolImage Git => Tool.On(Bases.Static)
        .Describe("git's core commands (clone over HTTPS, log, diff), no shell or Perl subcommands")
        .FromDebian("git")
        .Binary("/usr/bin/git", "/usr/lib/git-core/git-remote-http", "/usr/lib/git-core/git-remote-https")
        .DataFiles("/usr/share/git-core/templates")
        .Symlink("/usr/lib/git-core/git", "../../bin/git") // git runs its remote helpers as 'git remote-http' from its exec path
        .Env("GIT_EXEC_PATH", "/usr/lib/git-core")
        .Env("GIT_TEMPLATE_DIR", "/usr/share/git-core/templates")
        .Entrypoint("/usr/bin/git")
        .SmokeTest("--version")
        .SizeBudgetMegabytes(32); // seed 001: ~45 MB

    [Image("go", Version = "1.24.0")]
    public static ToolImage Go => Tool.On(Bases.Static)
        .Describe("The Go 1.24 toolchain, building static binaries (CGO_ENABLED=0)")
        .FromDebian("golang-1.24-go", "golang-1.24-src")
        .Binary("/usr/lib/go-1.24/bin/go", "/usr/lib/go-1.24/bin/gofmt")
        .DataFiles("/usr/lib/go-1.24", "/usr/share/go-1.24")
        // GOROOT pruned to what go build, go test, go vet and cross-compiling read: the standard library's sources
        // (not its tests), pkg/include for assembly, and the tools a build runs (compile, link, asm, vet, cover, covdata,
        // preprofile). The tools' own sources, Go's test suite, API lists and the debugging/profiling tools go.
        .Without(
            "/usr/share/go-1.24/src/cmd", "/usr/share/go-1.24/api", "/usr/share/go-1.24/test", "/usr/share/go-1.24/misc",
            "/usr/lib/go-1.24/api", "/usr/lib/go-1.24/test", "/usr/lib/go-1.24/misc", // their symlinks
            "/usr/share/go-1.24/src/**/testdata", "/usr/share/go-1.24/src/**/*_test.go")
        // Prebuilt objects for the race detector and BoringCrypto (11 MB): both need cgo and a C toolchain, which this
        // image does not have, so `go build -race` is refused either way ("-race requires cgo").
        .Without("/usr/share/go-1.24/src/runtime/race/**/*.syso", "/usr/share/go-1.24/src/crypto/internal/boring/syso/*.syso")
        .Without(
            "/usr/lib/go-1.24/pkg/tool/*/addr2line", "/usr/lib/go-1.24/pkg/tool/*/buildid", "/usr/lib/go-1.24/pkg/tool/*/cgo",
            "/usr/lib/go-1.24/pkg/tool/*/dist", "/usr/lib/go-1.24/pkg/tool/*/distpack", "/usr/lib/go-1.24/pkg/tool/*/doc",
            "/usr/lib/go-1.24/pkg/tool/*/fix", "/usr/lib/go-1.24/pkg/tool/*/nm", "/usr/lib/go-1.24/pkg/tool/*/objdump",
            "/usr/lib/go-1.24/pkg/tool/*/pack", "/usr/lib/go-1.24/pkg/tool/*/pprof", "/usr/lib/go-1.24/pkg/tool/*/test2json",
            "/usr/lib/go-1.24/pkg/tool/*/trace")
        .Env("GOROOT", "/usr/lib/go-1.24")
        .Env("PATH", "/usr/lib/go-1.24/bin:/usr/local/bin:/usr/bin:/bin")
        .Env("CGO_ENABLED", "0")
        .Env("GOTOOLCHAIN", "local")
        .Env("GOCACHE", "/tmp/go-cache")
        .Env("GOPATH", "/tmp/go")
        .Entrypoint("/usr/lib/go-1.24/bin/go")
        .SmokeTest("version")
        .SizeBudgetMegabytes(102); // measured 99.2 MB; seed 001: ~120 MB

    [Image("node", Version = "20.19.2")]
    public static ToolImage Node => Tool.On(Bases.Static)
        .Describe("The Node.js 20 runtime with the data files it loads at start")
        .FromDebian("nodejs", "node-cjs-module-lexer", "node-undici", "node-acorn", "node-minimatch")
        .Binary("/usr/bin/node")
        // Debian's node loads these six files by compiled-in path at start, and aborts if one is missing.
        .DataFiles(
            "/usr/share/nodejs/cjs-module-lexer/lexer.js",
            "/usr/share/nodejs/cjs-module-lexer/dist/lexer.js",
            "/usr/share/nodejs/undici/undici-fetch.js",
            "/usr/share/nodejs/acorn/dist/acorn.js",
            "/usr/share/nodejs/acorn-walk/dist/walk.js",
            "/usr/share/nodejs/minimatch/dist/cjs/index.bundle.js")
        // Nothing to prune: the rest is libnode (55 MB) and the libraries it needs, among them the system ICU with full
        // data (libicudata, 31.9 MB), so every locale and time zone works. A small-ICU node build is the way below 85 MB.
        .Entrypoint("/usr/bin/node")
        .SmokeTest("--version")
        .SizeBudgetMegabytes(112); // measured 110.9 MB, full ICU (a small-ICU build would save ~30 MB); seed 001: ~85 MB

    /// <summary>Zero-config PostgreSQL: user, password and database "postgres". initdb needs a shell, so the data
    /// directory is made in a builder stage; amd64 and arm64 share its on-disk format (64-bit, little-endian).
    /// The entrypoint is postgres-init (definitions/context/postgres-init.c), a static C program: with
    /// POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD set it sets the role's password in single-user mode, then it
    /// becomes the server with the given arguments. No shell at build's end or at run time.</summary>
    [Image("postgres", Version = "17.12.0")]
    public static ToolImage Postgres => Tool.On(Bases.Static)
        .Describe("PostgreSQL 17 server, initialised at build time (user/password/db postgres), no shell")
        .FromDebian("postgresql-17")
        // No psql (and so no readline): clients connect from outside; pg_isready is the health check.
        .Binary("/usr/lib/postgresql/17/bin/postgres", "/usr/lib/postgresql/17/bin/pg_isready")
        // The server's core modules: PL/pgSQL, text search, replication and the encoding conversions. No JIT (150 MB of LLVM).
        .Binary("/usr/lib/postgresql/17/lib/plpgsql.so", "/usr/lib/postgresql/17/lib/dict_snowball.so",
            "/usr/lib/postgresql/17/lib/libpqwalreceiver.so", "/usr/lib/postgresql/17/lib/pgoutput.so",
            "/usr/lib/postgresql/17/lib/*_and_*.so")
        // What the server reads from its share directory at run time. initdb's inputs (postgres.bki, the catalog SQL)
        // stay in the builder stage that runs it; man pages and the SQL of extensions whose modules are not shipped go.
        .DataFiles("/usr/share/postgresql/17/timezonesets", "/usr/share/postgresql/17/tsearch_data",
            "/usr/share/postgresql/17/extension/plpgsql.control", "/usr/share/postgresql/17/extension/plpgsql--1.0.sql")
        .User(999, "postgres")
        .Stage(BuildStage.OnDebian("initdb")
            .WithSourceDateEpoch()
            .Install("postgresql-17", "faketime")
            // initdb, then what makes its cluster the same bytes on every build (the script says what and why).
            .FromContext("postgres-initdb.sh", "/src/postgres-initdb.sh")
            .Run("sh /src/postgres-initdb.sh /pgroot/data"))
        // Cross-compiled with the target's gcc on the build platform: no emulation. Static, so it needs no library.
        .Stage(BuildStage.OnDebian("init")
            .WithTargetArch()
            .Install("gcc", "libc6-dev")
            .InstallWhenCross("gcc-{triplet}", "libc6-dev-{arch}-cross")
            .FromContext("postgres-init.c", "/src/postgres-init.c")
            .Run("case \"$TARGETARCH\" in amd64) triplet=x86_64-linux-gnu ;; arm64) triplet=aarch64-linux-gnu ;; *) exit 1 ;; esac"
                 + " && if [ \"$(dpkg --print-architecture)\" = \"$TARGETARCH\" ]; then cc=gcc; else cc=$triplet-gcc; fi"
                 + " && mkdir -p /out && $cc -static -Os -s -Wall -Werror -o /out/postgres-init /src/postgres-init.c"))
        // The directory's contents are copied, so data/ keeps the 0700 mode the server insists on. A new named volume
        // mounted on data/ receives this cluster with its owner and mode (the engine copies image content into it).
        .CopyFromStage("initdb", "/pgroot/", "/var/lib/postgresql/", owner: "999:999")
        .CopyFromStage("init", "/out/postgres-init", "/usr/local/bin/postgres-init")
        .Env("PGDATA", "/var/lib/postgresql/data")
        .Env("PGHOST", "127.0.0.1")
        .Port(5432)
        .Volume("/var/lib/postgresql/data")
        .HealthCheck("/usr/lib/postgresql/17/bin/pg_isready", "-h", "127.0.0.1", "-U", "postgres")
        .HealthCheckTiming(intervalSeconds: 10, timeoutSeconds: 5, startPeriodSeconds: 10, retries: 5)
        .StopSignal("SIGINT")
        .Entrypoint("/usr/local/bin/postgres-init") // then execv: the server, finding its data through PGDATA
        .SmokeTest("--version")
        .SizeBudgetMegabytes(100); // measured 98.3 MB; seed 001: ~80 MB (likely without a data directory)
}
