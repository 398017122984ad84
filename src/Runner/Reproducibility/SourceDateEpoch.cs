using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;

namespace Distroless.Dsl.Runner.Reproducibility;

/// <summary>The one timestamp every image carries (file mtimes in its layers, the config's <c>created</c>, its history):
/// <c>SOURCE_DATE_EPOCH</c> when set, else the committer time of the last commit that touched <c>definitions/</c>
/// (the definitions and the lock), else 0. The same checkout therefore gives the same images on any day.</summary>
internal static class SourceDateEpoch
{
    public const string Variable = Distroless.Dsl.Rendering.DockerfileEmitter.SourceDateEpochArgument;

    private static readonly Lazy<long> Resolved = new(Resolve);

    /// <summary>Seconds since 1970 for this run (resolved once per process).</summary>
    public static long Current => Resolved.Value;

    public static string Text => Current.ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 3339, UTC, whole seconds: how the config's <c>created</c> and history read it.</summary>
    public static string Rfc3339(long epoch) =>
        DateTimeOffset.FromUnixTimeSeconds(epoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset AsDate(long epoch) => DateTimeOffset.FromUnixTimeSeconds(epoch);

    private static long Resolve()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(configured))
        {
            if (!long.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new RunnerException(Variable + " must be whole seconds since 1970, not '" + configured + "'");
            }

            return value;
        }

        return LastCommitOf(Path.GetDirectoryName(Path.GetFullPath(LockPaths.DefaultLock()))!) ?? 0;
    }

    /// <summary>The committer time of the newest commit that touched <paramref name="directory"/>, or null outside a git checkout.</summary>
    internal static long? LastCommitOf(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
            foreach (var argument in new[] { "log", "-1", "--format=%ct", "--", "." })
            {
                start.ArgumentList.Add(argument);
            }

            using var git = Process.Start(start);
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.StandardError.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 && long.TryParse(output, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on PATH
        }
    }
}
