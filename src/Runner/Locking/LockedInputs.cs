using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>The locked packages of the images one run builds: fetched into the verified host cache once, before any
/// image builds (one builder container for everything missing, nothing when all is cached), then handed to each
/// image and platform build as its context's <c>debs/</c> folder: <c>debs/target/</c> the packages that ship for the
/// target architecture, <c>debs/build/</c> the builder packages for the engine's own architecture.</summary>
internal sealed class LockedInputs
{
    public const string ContextFolder = "debs";

    private readonly PackageLock _lock;
    private readonly PackageCache _cache;
    private readonly string _buildArch;

    private LockedInputs(PackageLock lockFile, PackageCache cache, string buildArch)
    {
        _lock = lockFile;
        _cache = cache;
        _buildArch = buildArch;
    }

    /// <summary>What the last <see cref="PrepareAsync"/> downloaded (0 when the cache held everything).</summary>
    public PackageCache.FetchReport Fetched { get; private set; } = new(0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Checks that the lock covers <paramref name="images"/> (one line naming the first gap and the
    /// <c>lock --update</c> to run), then fetches what the cache lacks of their packages for the given platforms.</summary>
    public static async Task<LockedInputs> PrepareAsync(
        EngineConnection engine, IReadOnlyList<CatalogEntry> images, PlatformSelection platforms, TextWriter output, CancellationToken cancellation,
        string? lockPath = null, string? cacheDirectory = null)
    {
        var path = lockPath ?? LockPaths.DefaultLock();
        var lockFile = LockPaths.Read(path);
        // An image with a stage that installs with apt from the archive (a Debian source package, a release download)
        // gets its builder packages there; what ships always comes from the lock.
        var gaps = LockCheck.Gaps(images, lockFile).Where(g => g.Ships || images.Any(i => i.Name == g.Image && BuildsOffline(i))).ToList();
        if (gaps.Count > 0)
        {
            throw new RunnerException(gaps[0] + ", which " + Path.GetFileName(path) + " lacks: run 'lock --update " + string.Join(" ", gaps.Select(g => g.Image).Distinct()) + "'");
        }

        var inputs = new LockedInputs(lockFile, new PackageCache(cacheDirectory ?? LockPaths.DefaultCache()), engine.HostArchitecture);
        var wanted = images.Where(UsesPackages).SelectMany(i => platforms.Of(i).SelectMany(p => inputs.PackagesOf(i, p))).ToList();
        if (wanted.Count > 0)
        {
            inputs.Fetched = await inputs._cache.FetchAsync(engine, wanted, output, cancellation).ConfigureAwait(false);
            if (inputs.Fetched.Downloaded > 0)
            {
                output.WriteLine("fetched " + inputs.Fetched.Downloaded + " locked packages (" + (inputs.Fetched.DownloadedBytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)
                                 + " MB) into " + inputs._cache.Directory + ", each checked against the lock's SHA-256");
            }
        }

        return inputs;
    }

    /// <summary>Whether the image's Dockerfile assembles a root filesystem from packages (its rootfs stage reads <c>debs/</c>).</summary>
    public static bool UsesPackages(CatalogEntry image) => image.Definition.Packages is { Target.IsEmpty: false };

    /// <summary>Whether every builder stage of the image works from its context alone, so the engine builds it with no network.</summary>
    public static bool BuildsOffline(CatalogEntry image) => image.Definition.Packages?.NetworkStages.IsEmpty ?? true;

    /// <summary>The context files of one image and platform: context path and the verified cache file that fills it, sorted.</summary>
    public IReadOnlyList<(string ContextPath, string File)> ContextFiles(CatalogEntry image, string platform)
    {
        if (!UsesPackages(image))
        {
            return Array.Empty<(string, string)>();
        }

        return PackagesOf(image, platform)
            .Select(p => (ContextFolder + "/" + Folder(p) + "/" + p.FileName, _cache.PathOf(p.Sha256)))
            .Distinct()
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Copies one image and platform's packages into <paramref name="directory"/>'s <c>debs/</c>, for a plain <c>docker build</c>.</summary>
    public IReadOnlyList<string> CopyInto(CatalogEntry image, string platform, string directory)
    {
        var copied = new List<string>();
        foreach (var (contextPath, file) in ContextFiles(image, platform))
        {
            var destination = Path.Combine(directory, contextPath);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
            copied.Add(contextPath);
        }

        return copied;
    }

    /// <summary>The context's folders: what ships, what every builder stage may install, what only stages that see the target install.</summary>
    public static readonly string[] Folders = { "target", "build", "build-for-target" };

    private static string Folder(LockedPackage package) =>
        package.Role == PackageRole.Target ? Folders[0] : package.ForTarget is null ? Folders[1] : Folders[2];

    private IReadOnlyList<LockedPackage> PackagesOf(CatalogEntry image, string platform) =>
        _lock.For(image.Name, ImageNaming.Architecture(platform), _buildArch);
}
