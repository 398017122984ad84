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

    /// <summary>Publishes <paramref name="image"/>'s project for <paramref name="arch"/>; returns the folder to add to the build context.</summary>
    public async Task<string> PublishAsync(CatalogEntry image, DotnetPublishSpec publish, string arch, CancellationToken cancellation)
    {
        var project = FindProject(publish.Project, Environment.CurrentDirectory);
        var context = Path.Combine(Path.GetTempPath(), "distroless-publish", image.Name + "-" + image.Version + "-" + arch);
        var output = Path.Combine(context, DotnetPublishSpec.ContextDirectory(arch));
        if (Directory.Exists(context))
        {
            Directory.Delete(context, recursive: true); // stale files of an earlier publish must not ship
        }

        Directory.CreateDirectory(output);
        await Gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var platform = "linux/" + arch;
            var arguments = publish.PublishArguments(arch, output);
            arguments[1] = project;
            _progress.Line(image.Name, platform, "dotnet " + string.Join(" ", arguments.Select(a => a == project ? publish.Project : a == output ? "publish/" + arch : a)));
            var clock = Stopwatch.StartNew();
            var (exitCode, log, _, _) = await ExternalProgram.RunAsync(new ProgramInvocation("dotnet", arguments) { Environment = SdkEnvironment }, cancellation).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new PublishFailed("dotnet publish of " + publish.Project + " for " + DotnetPublishSpec.RuntimeIdentifier(arch) + " failed (exit " + exitCode + ")",
                    log.TakeLast(LogLinesShown).ToList());
            }

            var bytes = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            _progress.Line(image.Name, platform, "published " + DotnetPublishSpec.RuntimeIdentifier(arch) + " in "
                + clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s ("
                + (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB)");
            return context;
        }
        finally
        {
            Gate.Release();
        }
    }

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
