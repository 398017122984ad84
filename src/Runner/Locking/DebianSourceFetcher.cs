using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Fetches the pinned files of Debian source packages into the host cache, once: apt in one builder container
/// (with deb-src entries made from its own deb entries, so no archive is named) downloads what the cache lacks, and each
/// file is stored only when its SHA-256 is the definition's pin. The definition is the one source of truth for these
/// files: it pins every file of the source package, so the lock does not repeat them.</summary>
internal static class DebianSourceFetcher
{
    public static async Task<PackageCache.FetchReport> FetchAsync(
        EngineConnection engine, PackageCache cache, IEnumerable<DebianSourceSpec> sources, TextWriter progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var unique = sources.Distinct().OrderBy(s => s.Package, StringComparer.Ordinal).ThenBy(s => s.Version, StringComparer.Ordinal).ToList();
        var files = unique.Sum(s => s.Checksums.Count());
        var missing = unique.Where(s => s.Checksums.Any(c => !cache.HoldsFile(c.Sha256))).ToList();
        if (missing.Count == 0)
        {
            return new PackageCache.FetchReport(files, 0, 0, files, clock.Elapsed);
        }

        var script = "set -eu\n" + BuilderContainer.DebSrcEntries + "apt-get update -qq\n"
                     + string.Concat(missing.Select(s =>
                         "install -d -o _apt /sources/" + s.Package + " && cd /sources/" + s.Package
                         + " && { apt-get source --download-only -qq " + Specifier(s) + " || { echo \"Debian source " + Specifier(s)
                         + " could not be fetched: the archive keeps only current versions, so pin one that apt-cache showsrc " + s.Package + " lists\" >&2; exit 1; }; }\n"));
        long bytes = 0;
        var stored = new HashSet<(DebianSourceSpec, string)>();
        var result = await BuilderContainer.RunAsync(engine, script, progress, cancellation, (container, token) =>
            BuilderContainer.ReadFilesAsync(engine, container, "/sources", Path.Combine(cache.Directory, "tmp"), async (name, data, inner) =>
            {
                var parts = name.Split('/');
                var source = parts.Length == 3 ? missing.FirstOrDefault(s => s.Package == parts[1]) : null;
                if (source is null)
                {
                    return;
                }

                var file = parts[2];
                var pin = source.Checksums.FirstOrDefault(c => c.File == file);
                if (pin is null)
                {
                    var copy = new MemoryStream();
                    await data.CopyToAsync(copy, inner).ConfigureAwait(false);
                    throw new RunnerException("Debian source " + Specifier(source) + ": " + file + " is not pinned: add .Sha256(\"" + file + "\", \""
                                              + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(copy.ToArray())).ToLowerInvariant() + "\")");
                }

                bytes += await StoreAsync(cache, source, pin, data, inner).ConfigureAwait(false);
                stored.Add((source, file));
            }, token)).ConfigureAwait(false);

        if (result.ExitCode != 0)
        {
            throw new RunnerException("fetching Debian sources failed (exit " + result.ExitCode + "): " + BuilderContainer.LastLine(result.Error + "\n" + result.Output));
        }

        foreach (var source in missing)
        {
            if (source.Checksums.FirstOrDefault(c => !stored.Contains((source, c.File))) is { } absent)
            {
                throw new RunnerException("Debian source " + Specifier(source) + ": pinned " + absent.File + " is not a file of this source package");
            }
        }

        var downloaded = missing.Sum(s => s.Checksums.Count());
        return new PackageCache.FetchReport(files, downloaded, bytes, files - downloaded, clock.Elapsed);
    }

    /// <summary>Stores one fetched file only when it is its pin; else one line naming the file and both hashes.</summary>
    internal static Task<long> StoreAsync(PackageCache cache, DebianSourceSpec source, FileChecksum pin, Stream data, CancellationToken cancellation) =>
        cache.StoreVerifiedAsync(data, pin.Sha256, cache.PathOfFile(pin.Sha256),
            actual => "Debian source " + Specifier(source) + ": " + pin.File + " does not match its pin: the definition says sha256 " + pin.Sha256 + ", the archive served " + actual,
            cancellation);

    private static string Specifier(DebianSourceSpec source) => source.Package + "=" + source.Version;
}
