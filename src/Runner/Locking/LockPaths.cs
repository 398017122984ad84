using System;
using System.IO;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Where the lock and the package cache are unless a command names them.</summary>
internal static class LockPaths
{
    public const string LockFileName = "packages.lock";

    /// <summary><c>definitions/packages.lock</c> of the repository the current directory is in (found by its solution file).</summary>
    public static string DefaultLock()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Distroless.Dsl.sln")))
            {
                return Path.Combine(directory.FullName, "definitions", LockFileName);
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "definitions", LockFileName);
    }

    /// <summary>Hand-placed copies of upstream files (checksum files, release downloads): <c>downloads/IMAGE/FILE</c> beside the lock.</summary>
    public static string LocalDownloads(string lockPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(lockPath))!, "downloads");

    /// <summary>Where a hand-placed copy of <paramref name="url"/>'s file is looked for: <c>DIR/IMAGE/FILENAME</c>.</summary>
    public static string LocalCopy(string localDownloads, string image, string url) => Path.Combine(localDownloads, image, url.Substring(url.LastIndexOf('/') + 1));

    /// <summary><c>DISTROLESS_PACKAGE_CACHE</c>, else <c>$XDG_CACHE_HOME/distroless-dsl/debs</c>, else <c>~/.cache/distroless-dsl/debs</c>.</summary>
    public static string DefaultCache()
    {
        var configured = Environment.GetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        return Output.UserCache.Directory("debs");
    }

    public static PackageLock Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new Catalog.RunnerException("no package lock at " + path + ": run 'lock' to write one");
        }

        return LockFileFormat.Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    public static void Write(string path, PackageLock lockFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, LockFileFormat.Write(lockFile));
        File.Move(temporary, path, overwrite: true);
    }
}
