using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>The host's cache of locked .deb files, stored by SHA-256 (<c>DIR/sha256/HEX.deb</c>), and of the other
/// verified build inputs (<c>DIR/sha256/HEX</c>: Debian source files, see <see cref="DebianSourceFetcher"/>; release
/// downloads, see <see cref="DownloadFetcher"/>). A package is downloaded
/// once, by apt in a builder container (which knows the archive), checked against the lock's hash, and only then stored.
/// Builds take their packages from here (<see cref="LockedInputs"/>), so a second fetch downloads nothing.</summary>
internal sealed class PackageCache
{
    private static readonly Regex VersionNotFound = new("Version '([^']+)' for '([^']+)' was not found", RegexOptions.CultureInvariant);

    public PackageCache(string directory) => Directory = directory;

    public string Directory { get; }

    public sealed record FetchReport(int Packages, int Downloaded, long DownloadedBytes, int Cached, TimeSpan Elapsed);

    public string PathOf(string sha256) => Path.Combine(Directory, "sha256", sha256 + ".deb");

    /// <summary>Where any other verified input is kept (a Debian source file, a release download): <c>DIR/sha256/HEX</c>.</summary>
    public string PathOfFile(string sha256) => Path.Combine(Directory, "sha256", sha256);

    /// <summary>True when the cache holds a .deb with exactly this hash (see <see cref="HoldsAt"/>).</summary>
    public bool Holds(string sha256) => HoldsAt(PathOf(sha256), sha256);

    /// <summary>True when the cache holds a non-.deb input with exactly this hash (see <see cref="HoldsAt"/>).</summary>
    public bool HoldsFile(string sha256) => HoldsAt(PathOfFile(sha256), sha256);

    /// <summary>True when <paramref name="path"/> holds exactly this hash (a damaged file is removed, to be fetched again).
    /// A file is hashed once; the length and modification time it had then are kept beside it (<c>PATH.verified</c>),
    /// and any change to either hashes it again, so an unchanged rebuild does not read every package.</summary>
    private static bool HoldsAt(string path, string sha256)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return false;
        }

        var marker = path + VerifiedSuffix;
        var stamp = file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + file.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (File.Exists(marker) && File.ReadAllText(marker) == stamp)
        {
            return true;
        }

        if (HashOf(path) == sha256)
        {
            File.WriteAllText(marker, stamp);
            return true;
        }

        File.Delete(path);
        File.Delete(marker);
        return false;
    }

    private const string VerifiedSuffix = ".verified";

    /// <summary>Downloads every package of <paramref name="packages"/> the cache lacks, in one builder container, and stores
    /// each after checking its SHA-256 against the lock. A hash mismatch or a version the archive no longer serves is a
    /// <see cref="RunnerException"/> naming the package (and both hashes, or the image to re-lock).</summary>
    public async Task<FetchReport> FetchAsync(EngineConnection engine, IReadOnlyList<LockedPackage> packages, TextWriter progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var unique = packages.GroupBy(p => p.AptSpecifier).Select(g => g.First()).OrderBy(p => p.AptSpecifier, StringComparer.Ordinal).ToList();
        var missing = unique.Where(p => !Holds(p.Sha256)).ToList();
        if (missing.Count == 0)
        {
            return new FetchReport(unique.Count, 0, 0, unique.Count, clock.Elapsed);
        }

        var bySpecifier = missing.ToDictionary(p => p.AptSpecifier);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        var script = BuilderContainer.AptPrelude(LockFileFormat.Architectures)
                     + "mkdir -p /debs && cd /debs\n"
                     + "apt-get download -qq " + string.Join(" ", missing.Select(p => p.AptSpecifier)) + "\n";
        var result = await BuilderContainer.RunAsync(engine, script, progress, cancellation, (container, token) =>
            BuilderContainer.ReadFilesAsync(engine, container, "/debs", Path.Combine(Directory, "tmp"), async (name, data, inner) =>
            {
                var package = Identify(Path.GetFileName(name), bySpecifier);
                if (package is not null)
                {
                    bytes += await StoreAsync(package, data, inner).ConfigureAwait(false);
                    stored.Add(package.AptSpecifier);
                }
            }, token)).ConfigureAwait(false);

        if (result.ExitCode != 0)
        {
            var text = result.Error + "\n" + result.Output;
            var gone = VersionNotFound.Match(text);
            if (gone.Success)
            {
                var specifier = gone.Groups[2].Value + "=" + gone.Groups[1].Value;
                var package = missing.FirstOrDefault(p => p.AptSpecifier == specifier);
                var images = package is null ? "IMAGE" : string.Join(" ", packages.Where(p => p.AptSpecifier == specifier).Select(p => p.Image).Distinct().OrderBy(i => i, StringComparer.Ordinal));
                throw new RunnerException("the archive no longer serves " + (package?.Describe() ?? specifier) + ", which the lock pins: run 'lock --update " + images + "'");
            }

            throw new RunnerException("downloading packages with apt failed (exit " + result.ExitCode + "): " + BuilderContainer.LastLine(text));
        }

        var absent = missing.FirstOrDefault(p => !stored.Contains(p.AptSpecifier));
        if (absent is not null)
        {
            throw new RunnerException("apt downloaded no file for " + absent.Describe());
        }

        return new FetchReport(unique.Count, missing.Count, bytes, unique.Count - missing.Count, clock.Elapsed);
    }

    /// <summary>Copies the verified .deb files of <paramref name="packages"/> into <paramref name="directory"/> under their archive
    /// file names, e.g. an image's packages for one architecture, for a build context. Returns the file names, sorted.</summary>
    public IReadOnlyList<string> Materialize(IEnumerable<LockedPackage> packages, string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var package in packages.GroupBy(p => p.AptSpecifier).Select(g => g.First()))
        {
            if (!Holds(package.Sha256))
            {
                throw new RunnerException(package.Describe() + " is not in the package cache " + Directory + ": run 'fetch " + package.Image + "'");
            }

            File.Copy(PathOf(package.Sha256), Path.Combine(directory, package.FileName), overwrite: true);
            names.Add(package.FileName);
        }

        return names.ToList();
    }

    /// <summary>Which wanted package apt's file is: apt names downloads NAME_VERSION_ARCH.deb, with an epoch's ':' as %3a.</summary>
    private static LockedPackage? Identify(string fileName, IReadOnlyDictionary<string, LockedPackage> wanted)
    {
        var parts = fileName.EndsWith(".deb", StringComparison.Ordinal) ? fileName.Substring(0, fileName.Length - 4).Split('_') : Array.Empty<string>();
        if (parts.Length != 3)
        {
            return null;
        }

        var specifier = parts[0] + (parts[2] == "all" ? "" : ":" + parts[2]) + "=" + Uri.UnescapeDataString(parts[1]);
        return wanted.TryGetValue(specifier, out var package) ? package : null;
    }

    private Task<long> StoreAsync(LockedPackage package, Stream data, CancellationToken cancellation) =>
        StoreVerifiedAsync(data, package.Sha256, PathOf(package.Sha256),
            actual => package.Describe() + " does not match the lock: the lock says sha256 " + package.Sha256 + ", the archive served " + actual, cancellation);

    /// <summary>Stores <paramref name="data"/> at <paramref name="destination"/> only when its SHA-256 is
    /// <paramref name="sha256"/>; otherwise nothing is stored and the error is <paramref name="mismatch"/> of the hash it
    /// had (one line naming the file and both hashes). Returns the length stored.</summary>
    public async Task<long> StoreVerifiedAsync(Stream data, string sha256, string destination, Func<string, string> mismatch, CancellationToken cancellation)
    {
        var temporary = Path.Combine(Directory, "tmp", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
        try
        {
            string actual;
            long length;
            await using (var file = File.Create(temporary))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await data.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
                }

                actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
                length = file.Length;
            }

            if (actual != sha256)
            {
                throw new RunnerException(mismatch(actual));
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Move(temporary, destination, overwrite: true);
            return length;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    internal static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
