using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>What the SBOM reads from a built image: the same records a scanner reads (status.d, .NET deps.json files,
/// the BUILDINFO of programs built from Debian source) and the SHA-256 of the files the lock pins as downloads.
/// Reading the image itself is what keeps the SBOM from listing anything the image does not hold.</summary>
internal sealed record ImageEvidence(
    IReadOnlyList<InstalledPackage> DebianPackages,
    IReadOnlyDictionary<string, string> DepsFiles,
    IReadOnlyDictionary<string, string> BuildInfoFiles,
    IReadOnlyDictionary<string, string> FileSha256)
{
    public const string DepsSuffix = ".deps.json";

    /// <summary>Where a program built from source says what it was built from: <c>PREFIX/share/doc/NAME/BUILDINFO</c>.</summary>
    public static bool IsBuildInfo(string path) =>
        path.EndsWith("/BUILDINFO", StringComparison.Ordinal) && path.Contains("/share/doc/", StringComparison.Ordinal);

    /// <summary>Reads an image's file system as a container export gives it (created, never started, so any platform works).</summary>
    public static async Task<ImageEvidence> ReadAsync(EngineConnection engine, string tag, string platform, IReadOnlyCollection<string> hashed, CancellationToken cancellation)
    {
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = tag,
            Entrypoint = new List<string> { "/nonexistent" },
            Platform = platform,
        }, cancellation).ConfigureAwait(false);
        try
        {
            using var export = await engine.Client.Containers.ExportContainerAsync(container.ID, cancellation).ConfigureAwait(false);

            // Spooled first: TarReader over the engine's chunked HTTP stream stops short (see ExportedFileSystem).
            await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await export.CopyToAsync(spool, cancellation).ConfigureAwait(false);
            spool.Position = 0;
            return await ReadAsync(spool, hashed, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a tar of a file system; <paramref name="hashed"/> are absolute paths whose SHA-256 is wanted.</summary>
    public static async Task<ImageEvidence> ReadAsync(Stream tar, IReadOnlyCollection<string> hashed, CancellationToken cancellation)
    {
        var controls = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var deps = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var buildInfo = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var reader = new TarReader(tar, leaveOpen: true);
        TarEntry? entry;
        while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false)) is not null)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile) || entry.DataStream is not { } data)
            {
                continue;
            }

            var path = "/" + entry.Name.TrimStart('.').TrimStart('/');
            if (path.StartsWith(StatusFiles.Directory, StringComparison.Ordinal) && !StatusFiles.IsFileList(path))
            {
                controls[path] = await TextAsync(data, cancellation).ConfigureAwait(false);
            }
            else if (path.EndsWith(DepsSuffix, StringComparison.Ordinal))
            {
                deps[path] = await TextAsync(data, cancellation).ConfigureAwait(false);
            }
            else if (IsBuildInfo(path))
            {
                buildInfo[path] = await TextAsync(data, cancellation).ConfigureAwait(false);
            }
            else if (hashed.Contains(path))
            {
                hashes[path] = Convert.ToHexString(await SHA256.HashDataAsync(data, cancellation).ConfigureAwait(false)).ToLowerInvariant();
            }
        }

        var packages = controls.Values.Select(StatusFiles.Fields)
            .Where(f => f.ContainsKey("Package") && f.ContainsKey("Version"))
            .Select(f => new InstalledPackage(f["Package"], f["Version"], f.TryGetValue("Architecture", out var a) ? a : ""))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal).ToList();
        return new ImageEvidence(packages, deps, buildInfo, hashes);
    }

    private static async Task<string> TextAsync(Stream data, CancellationToken cancellation)
    {
        using var text = new StreamReader(data, Encoding.UTF8, false, 4096, leaveOpen: true);
        return await text.ReadToEndAsync(cancellation).ConfigureAwait(false);
    }
}
