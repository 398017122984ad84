using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>One file of an image as its exported tar shows it.</summary>
/// <param name="Sha256">Lowercase hex of a regular file's content; null for other types.</param>
internal sealed record ImageFile(string Path, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, long Size, string? LinkTarget, byte[]? SmallContent, string? Sha256);

/// <summary>An image's files, read from <c>docker export</c> of a container that is created and never started, so it
/// works for every platform without emulation.</summary>
internal sealed class ExportedFileSystem
{
    private const long ContentKept = 1 << 20;

    internal ExportedFileSystem(Dictionary<string, ImageFile> files) => Files = files;

    public IReadOnlyDictionary<string, ImageFile> Files { get; }

    /// <summary>Files the engine adds to every container; they are not the image's.</summary>
    public static readonly string[] RuntimePaths = { "/.dockerenv", "/dev", "/proc", "/sys", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab" };

    public static async Task<ExportedFileSystem> ReadAsync(EngineConnection engine, string image, string platform, CancellationToken cancellation)
    {
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = new List<string> { "/nonexistent" },
            Platform = platform,
        }, cancellation).ConfigureAwait(false);
        try
        {
            // Spooled to a temporary file first: TarReader over the engine's chunked HTTP stream stops short.
            await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            using (var export = await engine.Client.Containers.ExportContainerAsync(container.ID, cancellation).ConfigureAwait(false))
            {
                await export.CopyToAsync(spool, cancellation).ConfigureAwait(false);
            }

            spool.Position = 0;
            var files = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
            using var reader = new TarReader(spool);
            TarEntry? entry;
            while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false)) is not null)
            {
                var path = ImagePath(entry.Name);
                byte[]? content = null;
                string? sha256 = null;
                if (entry.DataStream is { } data)
                {
                    // status.d is always kept whole: a large package's file list (golang's sources) passes 1 MB.
                    var keep = entry.Length <= ContentKept || path.StartsWith(StatusFiles.Directory, StringComparison.Ordinal);
                    using var buffer = new MemoryStream();
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var chunk = new byte[1 << 16];
                    int read;
                    while ((read = await data.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(chunk, 0, read);
                        if (keep)
                        {
                            buffer.Write(chunk, 0, read);
                        }
                    }

                    sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
                    content = keep ? buffer.ToArray() : null;
                }
                else if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    sha256 = Convert.ToHexString(SHA256.HashData(Array.Empty<byte>())).ToLowerInvariant();
                    content = Array.Empty<byte>();
                }

                files[path] = new ImageFile(path, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, entry.Length,
                    entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink ? entry.LinkName : null, content, sha256);
            }

            return new ExportedFileSystem(files);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>"./etc/x", "etc/x" or "/etc/x" as "/etc/x"; a name's own leading dot (".dockerenv") stays.</summary>
    public static string ImagePath(string name)
    {
        var path = name.StartsWith("./", StringComparison.Ordinal) ? name.Substring(2) : name == "." ? "" : name;
        return "/" + path.TrimStart('/').TrimEnd('/');
    }

    public string? Text(string path) =>
        Files.TryGetValue(path, out var file) && file.SmallContent is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public bool IsRuntimePath(string path)
    {
        foreach (var runtime in RuntimePaths)
        {
            if (path == runtime || path.StartsWith(runtime + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
