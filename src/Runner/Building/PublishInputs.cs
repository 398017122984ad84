using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Distroless.Dsl.Runner.Building;

/// <summary>What a <c>dotnet publish</c> depends on, as one SHA-256, and the private cache of publish outputs keyed by it.</summary>
internal static class PublishInputs
{
    /// <summary>Files above the project that MSBuild and NuGet read for it.</summary>
    private static readonly string[] AncestorFiles =
    {
        "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", "NuGet.Config",
    };

    /// <summary>Folders under the project that are outputs, not inputs.</summary>
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", ".vs", ".git" };

    /// <summary>The hash of the publish arguments, the SDK version, every file under the project's folder (except
    /// bin/ and obj/) and the MSBuild/NuGet files above it: paths and contents, in ordinal order.</summary>
    public static string Hash(string projectFile, IEnumerable<string> arguments, string sdkVersion)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string value) => hash.AppendData(Encoding.UTF8.GetBytes(value + "\0"));

        Text("sdk " + sdkVersion);
        Text("args " + string.Join(" ", arguments.Select(a => a == projectFile ? "{project}" : a)));
        var folder = Path.GetDirectoryName(Path.GetFullPath(projectFile))!;
        foreach (var file in Files(folder).OrderBy(f => f, StringComparer.Ordinal))
        {
            Text("file " + Path.GetRelativePath(folder, file).Replace('\\', '/'));
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(file)));
        }

        for (var directory = new DirectoryInfo(folder).Parent; directory is not null; directory = directory.Parent)
        {
            foreach (var name in AncestorFiles)
            {
                var path = Path.Combine(directory.FullName, name);
                if (File.Exists(path))
                {
                    Text("above " + path);
                    hash.AppendData(SHA256.HashData(File.ReadAllBytes(path)));
                }
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static IEnumerable<string> Files(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Files(sub))
            {
                yield return file;
            }
        }
    }

    /// <summary><c>$XDG_CACHE_HOME/distroless-dsl/dotnet-publish</c> (else <c>~/.cache/…</c>), readable by this user only.</summary>
    public static string CacheDirectory()
    {
        var cache = Output.UserCache.Directory("dotnet-publish");
        CreatePrivate(cache);
        return cache;
    }

    /// <summary>A new folder of this run only: a random name, mode 0700, inside the cache so the finished output moves
    /// into place without a copy.</summary>
    public static string CreateWorkFolder(string cache)
    {
        var work = Path.Combine(cache, "tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant());
        CreatePrivate(work);
        return work;
    }

    private static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Moves a finished publish into place; another runner that finished the same inputs first wins.</summary>
    public static void Install(string work, string entry)
    {
        try
        {
            Directory.Move(work, entry);
        }
        catch (IOException) when (Directory.Exists(entry))
        {
            // Same key, same inputs: its files serve as well.
        }
    }

    /// <summary>Removes this image and RID's earlier outputs, once they are an hour old (another runner may be sending
    /// one to the engine right now), and unfinished folders of runs that died.</summary>
    public static void RemoveStale(string cache, string prefix, string keep)
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
        foreach (var directory in Directory.EnumerateDirectories(cache))
        {
            var name = Path.GetFileName(directory);
            if (directory != keep && (name.StartsWith(prefix, StringComparison.Ordinal) || name.StartsWith("tmp-", StringComparison.Ordinal))
                && Directory.GetLastWriteTimeUtc(directory) < cutoff)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // In use or already gone: the next run tries again.
                }
            }
        }
    }
}
