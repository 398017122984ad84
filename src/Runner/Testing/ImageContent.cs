using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>An image's content as reviewers read it: one line per path the image holds (the engine's own runtime
/// paths left out), sorted by path, with type, mode, owner, size and SHA-256 (link targets for links), and the
/// packages a file came from by the image's own <c>status.d</c> file lists. Read from the built image, never derived.</summary>
internal static class ImageContent
{
    public static string Render(string title, ExportedFileSystem files)
    {
        var entries = files.Files.Values.Where(f => !files.IsRuntimePath(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var owners = StatusFiles.Owners(files);
        var packages = StatusFiles.Packages(files);
        var regular = entries.Where(IsRegular).ToList();
        var text = new StringBuilder();
        text.Append("# ").Append(title).Append(": ")
            .Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append(" paths (")
            .Append(regular.Count.ToString(CultureInfo.InvariantCulture)).Append(" files, ")
            .Append(entries.Count(f => f.Type == TarEntryType.SymbolicLink).ToString(CultureInfo.InvariantCulture)).Append(" links, ")
            .Append(entries.Count(f => f.Type == TarEntryType.Directory).ToString(CultureInfo.InvariantCulture)).Append(" directories), ")
            .Append(regular.Sum(f => f.Size).ToString(CultureInfo.InvariantCulture)).Append(" bytes in files, ")
            .Append(packages.Count.ToString(CultureInfo.InvariantCulture)).Append(" Debian packages\n");
        text.Append("# Recorded from the built image. package NAME VERSION ARCH: what /var/lib/dpkg/status.d says it holds.\n");
        foreach (var package in packages)
        {
            text.Append("package ").Append(package.Name).Append(' ').Append(package.Version).Append(' ').Append(package.Architecture).Append('\n');
        }

        text.Append("# PATH TYPE MODE UID:GID, then SIZE SHA256 [PACKAGES] for a file, -> TARGET for a link, => PATH for a hard link\n");
        foreach (var file in entries)
        {
            text.Append(Escape(file.Path)).Append(' ').Append(TypeName(file.Type)).Append(' ')
                .Append(Convert.ToString((int)file.Mode & 0xFFF, 8).PadLeft(4, '0')).Append(' ')
                .Append(file.Uid.ToString(CultureInfo.InvariantCulture)).Append(':').Append(file.Gid.ToString(CultureInfo.InvariantCulture));
            if (IsRegular(file))
            {
                text.Append(' ').Append(file.Size.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(file.Sha256);
                if (owners.TryGetValue(file.Path, out var from))
                {
                    text.Append(" [").Append(string.Join(' ', from)).Append(']');
                }
            }
            else if (file.Type == TarEntryType.SymbolicLink)
            {
                text.Append(" -> ").Append(Escape(file.LinkTarget ?? ""));
            }
            else if (file.Type == TarEntryType.HardLink)
            {
                text.Append(" => ").Append(Escape(file.LinkTarget ?? ""));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static bool IsRegular(ImageFile file) => file.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    private static string TypeName(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile => "file",
        TarEntryType.Directory => "dir",
        TarEntryType.SymbolicLink => "link",
        TarEntryType.HardLink => "hardlink",
        TarEntryType.CharacterDevice => "chardev",
        TarEntryType.BlockDevice => "blockdev",
        TarEntryType.Fifo => "fifo",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>One line per path whatever its name: blanks, control characters and backslashes as \xHH.</summary>
    private static string Escape(string path)
    {
        var text = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c <= ' ' || c == '\\' || c == 0x7f)
            {
                text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
