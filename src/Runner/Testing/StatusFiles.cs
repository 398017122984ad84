using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>One Debian package an image says it holds: a control file in <c>/var/lib/dpkg/status.d/</c>.</summary>
internal sealed record InstalledPackage(string Name, string Version, string Architecture);

/// <summary>Reads what an image tells scanners about its Debian packages, as Google distroless lays it out:
/// <c>/var/lib/dpkg/status.d/NAME</c> (the package's control fields) and <c>NAME.md5sums</c> (dpkg's format: the
/// package's regular files in the image). The content snapshot, the contract check and the scanner test read it here.</summary>
internal static class StatusFiles
{
    public const string Directory = "/var/lib/dpkg/status.d/";

    public const string FileListSuffix = ".md5sums";

    public static bool IsFileList(string path) => path.EndsWith(FileListSuffix, StringComparison.Ordinal);

    /// <summary>Control files (not file lists) in the status directory.</summary>
    public static IEnumerable<ImageFile> ControlFiles(ExportedFileSystem files) =>
        files.Files.Values.Where(f => f.Path.StartsWith(Directory, StringComparison.Ordinal) && f.Type != TarEntryType.Directory && !IsFileList(f.Path))
            .OrderBy(f => f.Path, StringComparer.Ordinal);

    /// <summary>The control fields of one paragraph, first value of each; continuation lines are left out.</summary>
    public static IReadOnlyDictionary<string, string> Fields(string control) =>
        control.Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l[0] != '\t')
            .Select(l => l.Split(": ", 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    /// <summary>Every package the image's status directory names, by name.</summary>
    public static IReadOnlyList<InstalledPackage> Packages(ExportedFileSystem files) =>
        ControlFiles(files).Select(f => Fields(files.Text(f.Path) ?? ""))
            .Where(f => f.ContainsKey("Package") && f.ContainsKey("Version"))
            .Select(f => new InstalledPackage(f["Package"], f["Version"], f.TryGetValue("Architecture", out var a) ? a : ""))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    /// <summary>The absolute paths a <c>.md5sums</c> file lists ("HASH  relative/path" a line).</summary>
    public static IEnumerable<string> ListedPaths(string md5sums) =>
        md5sums.Split('\n').Where(l => l.Length > 34).Select(l => "/" + l.Substring(34).TrimStart('/'));

    /// <summary>Which packages each regular file came from, by the file lists the image holds.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Owners(ExportedFileSystem files)
    {
        var owners = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var list in files.Files.Values.Where(f => f.Path.StartsWith(Directory, StringComparison.Ordinal) && IsFileList(f.Path)))
        {
            var package = Path.GetFileName(list.Path);
            package = package.Substring(0, package.Length - FileListSuffix.Length);
            foreach (var path in ListedPaths(files.Text(list.Path) ?? ""))
            {
                if (!owners.TryGetValue(path, out var set))
                {
                    owners[path] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(package);
            }
        }

        return owners.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Value.ToList(), StringComparer.Ordinal);
    }
}
