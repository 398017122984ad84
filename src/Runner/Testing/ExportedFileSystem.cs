using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Security.Cryptography;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing.Content;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>One file of an image as its exported tar shows it, with what its content is (regular files; a hard link
/// shares its target's).</summary>
/// <param name="Sha256">Lowercase hex of a regular file's content (a hard link's is its target's); null for other types.</param>
internal sealed record ImageFile(string Path, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, long Size, string? LinkTarget, FileContent Content, string? Sha256 = null)
{
    public bool IsRegular => Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.HardLink;
}

/// <summary>An image's files, read from a tar of its file system: <c>docker export</c> of a container that is created
/// and never started (so every platform works without emulation), or any tar stream (tests write their own).
/// Reading streams: each file is classified from the few bytes it needs, and only the small text files the contract
/// reads (<see cref="KeepsText"/>) are held in memory.</summary>
internal sealed class ExportedFileSystem
{
    private const long TextKept = 1 << 20;
    private const int MaxLinkHops = 40;
    private readonly Dictionary<string, string> _texts;

    private ExportedFileSystem(Dictionary<string, ImageFile> files, Dictionary<string, string> texts)
    {
        Files = files;
        _texts = texts;
    }

    public IReadOnlyDictionary<string, ImageFile> Files { get; }

    /// <summary>Files the engine adds to every container; they are not the image's.</summary>
    public static readonly string[] RuntimePaths = { "/.dockerenv", "/dev", "/proc", "/sys", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab" };

    /// <summary>The files whose text is read: accounts, the CA bundle, the OS release files and the scanners' package records.</summary>
    public static bool KeepsText(string path) =>
        path is "/etc/passwd" or "/etc/group" or "/etc/ssl/certs/ca-certificates.crt" or "/etc/debian_version" or "/etc/os-release"
        || path.StartsWith(StatusFiles.Directory, StringComparison.Ordinal);

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
            using var export = await engine.Client.Containers.ExportContainerAsync(container.ID, cancellation).ConfigureAwait(false);
            return await ReadAsync(export, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a tar of a file system. A stream that cannot seek (the engine's) is spooled to a temporary file
    /// first: classifying an ELF seeks within it, and TarReader over the engine's chunked HTTP stream stops short.</summary>
    public static async Task<ExportedFileSystem> ReadAsync(Stream tar, CancellationToken cancellation)
    {
        if (!tar.CanSeek)
        {
            await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await tar.CopyToAsync(spool, cancellation).ConfigureAwait(false);
            spool.Position = 0;
            return await ReadAsync(spool, cancellation).ConfigureAwait(false);
        }

        var files = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = new TarReader(tar, leaveOpen: true);
        TarEntry? entry;
        while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false)) is not null)
        {
            cancellation.ThrowIfCancellationRequested();
            var path = Normalize(entry.Name);
            var content = FileContent.Data;
            string? link = null;
            string? sha256 = null;
            if (entry.EntryType is TarEntryType.SymbolicLink)
            {
                link = entry.LinkName;
            }
            else if (entry.EntryType is TarEntryType.HardLink)
            {
                // A hard link's name is the path of a file earlier in the archive; it is that file.
                link = Normalize(entry.LinkName);
                content = files.TryGetValue(link, out var first) ? first.Content : FileContent.Data;
                sha256 = first?.Sha256;
            }
            else if (entry.DataStream is { } data && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
            {
                content = ContentClassifier.Classify(data);
                data.Position = 0;
                sha256 = await HashAsync(data, cancellation).ConfigureAwait(false);

                // status.d is kept whole: a large package's file list (golang's sources) passes the limit.
                if (KeepsText(path) && (entry.Length <= TextKept || path.StartsWith(StatusFiles.Directory, StringComparison.Ordinal)))
                {
                    data.Position = 0;
                    using var text = new StreamReader(data, Encoding.UTF8, false, 4096, leaveOpen: true);
                    texts[path] = await text.ReadToEndAsync(cancellation).ConfigureAwait(false);
                }
            }

            else if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
            {
                sha256 = EmptySha256;
            }

            files[path] = new ImageFile(path, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, entry.Length, link, content, sha256);
        }

        return new ExportedFileSystem(files, texts);
    }

    private static readonly string EmptySha256 = Convert.ToHexString(SHA256.HashData(Array.Empty<byte>())).ToLowerInvariant();

    /// <summary>The SHA-256 of a stream read to its end in fixed-size chunks: memory stays flat for any file size.</summary>
    private static async Task<string> HashAsync(Stream data, CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await data.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>An archive member's name as an absolute path: <c>./.profile</c> is <c>/.profile</c>, <c>usr/bin/</c> is
    /// <c>/usr/bin</c>; <c>.</c> and <c>..</c> segments are resolved and never climb above the root.</summary>
    public static string Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(segment);
        }

        return "/" + string.Join("/", parts);
    }

    /// <summary>Where <paramref name="path"/> leads inside this file system, following symbolic links in every
    /// component the way the kernel would if this tree were the root (an absolute target starts again at the
    /// image's root, never the host's). Null for a loop or too many links; a missing target is returned as is.</summary>
    public string? Resolve(string path)
    {
        var pending = new Stack<string>(Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join("/", resolved.Append(segment));
            if (Files.TryGetValue(candidate, out var file) && file.Type == TarEntryType.SymbolicLink && file.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(part);
                }

                continue;
            }

            resolved.Add(segment);
        }

        return "/" + string.Join("/", resolved);
    }

    /// <summary>The file <paramref name="path"/> finally is, links followed; null when it leads nowhere.</summary>
    public ImageFile? Target(string path) => Resolve(path) is { } real && Files.TryGetValue(real, out var file) ? file : null;

    public string? Text(string path) => _texts.TryGetValue(path, out var text) ? text : null;

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
