using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>The locked inputs of the images one run builds: their packages, the Debian source files their builder stages
/// unpack, and their release downloads. All are fetched into the verified host cache once, before any image builds
/// (nothing is fetched when all is cached), then handed to each image and platform build in its context, so every build
/// runs with no network: <c>debs/target/</c> the packages that ship for the target architecture, <c>debs/build/</c> the
/// builder packages for the engine's own architecture, <c>sources/</c> the source files, <c>downloads/DESTINATION</c>
/// the target architecture's release files.</summary>
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

    /// <summary>What the last <see cref="PrepareAsync"/> downloaded (0 when the cache held everything): packages.</summary>
    public PackageCache.FetchReport Fetched { get; private set; } = new(0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The same for source files and release downloads.</summary>
    public PackageCache.FetchReport FetchedFiles { get; private set; } = new(0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Checks that the lock covers <paramref name="images"/> (one line naming the first gap and the
    /// <c>lock --update</c> to run), then fetches what the cache lacks of their inputs for the given platforms.</summary>
    public static async Task<LockedInputs> PrepareAsync(
        EngineConnection engine, IReadOnlyList<CatalogEntry> images, PlatformSelection platforms, TextWriter output, CancellationToken cancellation,
        string? lockPath = null, string? cacheDirectory = null)
    {
        var path = lockPath ?? LockPaths.DefaultLock();
        var lockFile = LockPaths.Read(path);
        var gaps = LockCheck.Gaps(images, lockFile);
        if (gaps.Count > 0)
        {
            throw new RunnerException(gaps[0] + ", which " + Path.GetFileName(path) + " lacks: run 'lock --update " + string.Join(" ", gaps.Select(g => g.Image).Distinct()) + "'");
        }

        var inputs = new LockedInputs(lockFile, new PackageCache(cacheDirectory ?? LockPaths.DefaultCache()), engine.HostArchitecture);
        var wanted = images.SelectMany(i => platforms.Of(i).SelectMany(p => inputs.PackagesOf(i, p))).ToList();
        if (wanted.Count > 0)
        {
            inputs.Fetched = await inputs._cache.FetchAsync(engine, wanted, output, cancellation).ConfigureAwait(false);
            if (inputs.Fetched.Downloaded > 0)
            {
                output.WriteLine("fetched " + inputs.Fetched.Downloaded + " locked packages (" + Megabytes(inputs.Fetched.DownloadedBytes) + " MB) into "
                                 + inputs._cache.Directory + ", each checked against the lock's SHA-256");
            }
        }

        inputs.FetchedFiles = await FetchFilesAsync(engine, images, platforms, lockFile, inputs._cache, LockPaths.LocalDownloads(path), output, cancellation).ConfigureAwait(false);
        if (inputs.FetchedFiles.Downloaded > 0)
        {
            output.WriteLine("fetched " + inputs.FetchedFiles.Downloaded + " source and release files (" + Megabytes(inputs.FetchedFiles.DownloadedBytes) + " MB) into "
                             + inputs._cache.Directory + ", each checked against its pin");
        }

        return inputs;
    }

    /// <summary>Fetches what the cache lacks of the images' Debian source files (pinned in their definitions) and release
    /// downloads (pinned in the lock) for the given platforms; one report for both.</summary>
    public static async Task<PackageCache.FetchReport> FetchFilesAsync(
        EngineConnection engine, IReadOnlyList<CatalogEntry> images, PlatformSelection platforms, PackageLock lockFile, PackageCache cache, string localDownloads,
        TextWriter output, CancellationToken cancellation)
    {
        var sources = await DebianSourceFetcher.FetchAsync(engine, cache, images.SelectMany(SourcesOf), output, cancellation).ConfigureAwait(false);
        var downloads = await new DownloadFetcher(cache, localDownloads)
            .FetchAsync(images.SelectMany(i => platforms.Of(i).SelectMany(p => DownloadsOf(lockFile, i, p).Select(d => d.Locked))), cancellation).ConfigureAwait(false);
        return new PackageCache.FetchReport(sources.Packages + downloads.Packages, sources.Downloaded + downloads.Downloaded, sources.DownloadedBytes + downloads.DownloadedBytes,
            sources.Cached + downloads.Cached, sources.Elapsed + downloads.Elapsed);
    }

    /// <summary>Whether building the image needs any locked input (packages, source files or downloads) in its context.</summary>
    public static bool NeedsInputs(CatalogEntry image) =>
        image.Definition.Packages is { IsEmpty: false } || image.Definition.Downloads is { IsEmpty: false } || image.Definition.Sources is { IsEmpty: false };

    /// <summary>The context files of one image and platform: context path and the verified cache file that fills it, sorted.</summary>
    public IReadOnlyList<(string ContextPath, string File)> ContextFiles(CatalogEntry image, string platform)
    {
        var packages = PackagesOf(image, platform).Select(p => (ContextFolder + "/" + Folder(p) + "/" + p.FileName, _cache.PathOf(p.Sha256)));
        var sources = SourcesOf(image).SelectMany(s => s.Checksums).Select(c => (StageCommands.SourcesInContext + "/" + c.File, _cache.PathOfFile(c.Sha256)));
        var downloads = DownloadsOf(_lock, image, platform).Select(d => (DownloadStage.ContextPath(d.Spec), _cache.PathOfFile(d.Locked.Sha256)));
        return packages.Concat(sources).Concat(downloads).Distinct().OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>Copies one image and platform's inputs into <paramref name="directory"/> (its <c>debs/</c>, <c>sources/</c> and
    /// <c>downloads/</c>), for a plain <c>docker build</c>.</summary>
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

    /// <summary>The context folders <see cref="CopyInto"/> fills, each only with what the lock says for one platform.</summary>
    public static readonly string[] ContextFolders = { ContextFolder, StageCommands.SourcesInContext, DownloadStage.InContext };

    /// <summary>The context's folders: what ships, what every builder stage may install, what only stages that see the target install.</summary>
    public static readonly string[] Folders = { "target", "build", "build-for-target" };

    private static string Folder(LockedPackage package) =>
        package.Role == PackageRole.Target ? Folders[0] : package.ForTarget is null ? Folders[1] : Folders[2];

    private IReadOnlyList<LockedPackage> PackagesOf(CatalogEntry image, string platform) =>
        _lock.For(image.Name, ImageNaming.Architecture(platform), _buildArch);

    private static IEnumerable<DebianSourceSpec> SourcesOf(CatalogEntry image) => image.Definition.Sources ?? EquatableArray<DebianSourceSpec>.Empty;

    /// <summary>The image's downloads for one platform with the lock's entry for each (LockCheck made sure there is one).</summary>
    private static IEnumerable<(DownloadSpec Spec, LockedDownload Locked)> DownloadsOf(PackageLock lockFile, CatalogEntry image, string platform)
    {
        var arch = ImageNaming.Architecture(platform);
        foreach (var download in image.Definition.Downloads ?? EquatableArray<DownloadSpec>.Empty)
        {
            var url = download.Url(arch);
            var locked = lockFile.Downloads.FirstOrDefault(d => d.Image == image.Name && d.Arch == arch && d.Url == url)
                         ?? throw new RunnerException(image.Name + " for " + platform + " downloads " + url + ", which the lock lacks: run 'lock --update " + image.Name + "'");
            yield return (download, locked);
        }
    }

    /// <summary>A byte count as the fetch lines print it: MB (MiB), one decimal.</summary>
    public static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
