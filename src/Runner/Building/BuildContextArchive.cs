using System;
using System.Formats.Tar;
using System.IO;
using System.Text;
using Distroless.Dsl.Catalog;

namespace Distroless.Dsl.Runner.Building;

/// <summary>The tar build context the engine receives: the Dockerfile and the catalog's context files, with fixed
/// timestamps and modes so an unchanged image sends identical bytes (and hits the cache).</summary>
internal static class BuildContextArchive
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(0);

    public static MemoryStream Create(CatalogEntry image, string? extraContextDirectory = null)
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            Add(tar, "Dockerfile", image.Dockerfile!);
            foreach (var file in image.ContextFiles)
            {
                Add(tar, file.Path, file.Content);
            }

            if (extraContextDirectory is not null && Directory.Exists(extraContextDirectory))
            {
                foreach (var path in Directory.EnumerateFiles(extraContextDirectory, "*", SearchOption.AllDirectories))
                {
                    var name = Path.GetRelativePath(extraContextDirectory, path).Replace('\\', '/');
                    tar.WriteEntry(path, name);
                }
            }
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>A context of text files only, e.g. the runner's own test helpers.</summary>
    public static MemoryStream FromFiles(params (string Path, string Content)[] files)
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                Add(tar, path, content);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static void Add(TarWriter tar, string path, string content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, path)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = Epoch,
        };
        tar.WriteEntry(entry);
    }
}
