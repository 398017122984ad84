using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Processes;

namespace Distroless.Dsl.Runner.Building;

/// <summary>Runs <c>dotnet publish</c> on the host for an image that publishes a .NET project, one runtime identifier per
/// target architecture, into a folder whose layout is the build context's <c>publish/ARCH/</c>.</summary>
internal sealed class DotnetPublisher
{
    /// <summary>Thrown when <c>dotnet publish</c> fails; <see cref="Log"/> holds its last output lines.</summary>
    public sealed class PublishFailed : RunnerException
    {
        public PublishFailed(string message, IReadOnlyList<string> log)
            : base(message) => Log = log;

        public IReadOnlyList<string> Log { get; }
    }

    private const int LogLinesShown = 30;

    private static readonly Dictionary<string, string> SdkEnvironment = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    // Publishes of one project for two RIDs would race on its obj/ folder: one at a time.
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private readonly BuildProgress _progress;

    public DotnetPublisher(BuildProgress progress) => _progress = progress;

    /// <summary>Publishes <paramref name="image"/>'s project for <paramref name="arch"/>; returns the folder to add to the
    /// build context. When the project's inputs are unchanged since a publish whose output is still cached, nothing runs:
    /// the same files go into the context, so the image build is all cache hits.</summary>
    public async Task<string> PublishAsync(CatalogEntry image, DotnetPublishSpec publish, string arch, CancellationToken cancellation)
    {
        var project = FindProject(publish.Project, Environment.CurrentDirectory);
        var platform = "linux/" + arch;
        var rid = DotnetPublishSpec.RuntimeIdentifier(arch);
        await Gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var sdk = await ExternalProgram.RunAsync(new ProgramInvocation("dotnet", new[] { "--version" }) { Environment = SdkEnvironment, Timeout = TimeSpan.FromMinutes(2) }, cancellation)
                .ConfigureAwait(false);
            var key = PublishInputs.Hash(project, publish.PublishArguments(arch, "{output}"), sdk.StandardOutput.Trim());
            var cache = PublishInputs.CacheDirectory();
            var entry = Path.Combine(cache, image.Name + "-" + rid + "-" + key.Substring(0, 32));
            if (File.Exists(Path.Combine(entry, CompleteMarker)))
            {
                _progress.Line(image.Name, platform, "dotnet publish for " + rid + " skipped: its inputs are unchanged (" + key.Substring(0, 12) + ")");
                return entry;
            }

            // A private folder of this run (mode 0700, random name) in the same file system as the cache, moved into place when complete.
            var work = PublishInputs.CreateWorkFolder(cache);
            try
            {
                var output = Path.Combine(work, DotnetPublishSpec.ContextDirectory(arch));
                Directory.CreateDirectory(output);
                var arguments = publish.PublishArguments(arch, output);
                arguments[1] = project;
                _progress.Line(image.Name, platform, "dotnet " + string.Join(" ", arguments.Select(a => a == project ? publish.Project : a == output ? "publish/" + arch : a)));
                var clock = Stopwatch.StartNew();
                var (exitCode, log, _, _) = await ExternalProgram.RunAsync(new ProgramInvocation("dotnet", arguments) { Environment = SdkEnvironment }, cancellation).ConfigureAwait(false);
                if (exitCode != 0)
                {
                    throw new PublishFailed("dotnet publish of " + publish.Project + " for " + rid + " failed (exit " + exitCode + ")", log.TakeLast(LogLinesShown).ToList());
                }

                var bytes = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                _progress.Line(image.Name, platform, "published " + rid + " in "
                    + clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s ("
                    + (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB)");
                await File.WriteAllTextAsync(Path.Combine(work, CompleteMarker), key + "\n", cancellation).ConfigureAwait(false);
                PublishInputs.Install(work, entry);
                PublishInputs.RemoveStale(cache, image.Name + "-" + rid + "-", keep: entry);
                return entry;
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Written last into a cache entry: an entry without it is an interrupted publish and is never used.</summary>
    private const string CompleteMarker = ".complete";

    /// <summary>The project path is relative to the repository root: the first folder at or above <paramref name="start"/> that holds it.</summary>
    public static string FindProject(string relativePath, string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new RunnerException("cannot find " + relativePath + " in " + start + " or above it: run the runner inside the repository that holds it");
    }
}
