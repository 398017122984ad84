using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text;
using Distroless.Dsl.Catalog;

namespace Distroless.Dsl.Runner.Building;

/// <summary>The tar build context the engine receives: the Dockerfile and the catalog's context files, with fixed
/// timestamps and modes so an unchanged image sends identical bytes (and hits the cache). An image's own context
/// carries SOURCE_DATE_EPOCH, which a COPY from the context keeps as the files' mtime in the layer.</summary>
internal static class BuildContextArchive
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(0);

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <param name="packages">The locked inputs for this platform (context path, verified cache file): .deb files under
    /// <c>debs/</c> (whose folders are always there, so a rootfs stage's <c>COPY debs/</c> never misses them), Debian
    /// source files under <c>sources/</c>, release files under <c>downloads/</c>.</param>
    public static MemoryStream Create(CatalogEntry image, string? extraContextDirectory, DateTimeOffset modified,
        IReadOnlyList<(string ContextPath, string File)>? packages = null)
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            Add(tar, "Dockerfile", image.Dockerfile!, modified);
            foreach (var file in image.ContextFiles)
            {
                Add(tar, file.Path, file.Content, modified);
            }

            foreach (var folder in new[] { Locking.LockedInputs.ContextFolder }.Concat(Locking.LockedInputs.Folders.Select(f => Locking.LockedInputs.ContextFolder + "/" + f)).Select(f => f + "/"))
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, folder) { Mode = DirectoryMode, ModificationTime = modified });
            }

            foreach (var (contextPath, file) in packages ?? Array.Empty<(string, string)>())
            {
                using var data = File.OpenRead(file);
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, contextPath) { DataStream = data, Mode = FileMode, ModificationTime = modified });
            }

            if (extraContextDirectory is not null && Directory.Exists(extraContextDirectory))
            {
                // Its folders too, with the same time and a fixed mode: left out, the engine would make them at its own
                // time with its own mode when it unpacks the context.
                foreach (var directory in Directory.EnumerateDirectories(extraContextDirectory, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
                {
                    var name = Path.GetRelativePath(extraContextDirectory, directory).Replace('\\', '/') + "/";
                    tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, name) { Mode = DirectoryMode, ModificationTime = modified });
                }

                foreach (var path in Directory.EnumerateFiles(extraContextDirectory, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
                {
                    var name = Path.GetRelativePath(extraContextDirectory, path).Replace('\\', '/');
                    var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                    {
                        DataStream = File.OpenRead(path),
                        Mode = OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : File.GetUnixFileMode(path),
                        ModificationTime = modified,
                    };
                    tar.WriteEntry(entry);
                    entry.DataStream.Dispose();
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
                Add(tar, path, content, Epoch);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static void Add(TarWriter tar, string path, string content, DateTimeOffset modified)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, path)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = modified,
        };
        tar.WriteEntry(entry);
    }
}
