using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Bootstrap;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Runs a shell script in a container of the builder image with the engine's default network: apt there
/// already knows the Debian archive, so the runner never names one.</summary>
internal static class BuilderContainer
{
    public sealed record Result(long ExitCode, string Output, string Error);

    /// <param name="collect">Read before the container is removed: e.g. copying a directory out of it.</param>
    public static async Task<Result> RunAsync(
        EngineConnection engine, string script, TextWriter progress, CancellationToken cancellation, Func<string, CancellationToken, Task>? collect = null)
    {
        var naming = ImageNaming.FromEnvironment();
        await new BuilderImageBootstrap(engine, progress).EnsureAsync(naming, cancellation).ConfigureAwait(false);
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = naming.Builder,
            Entrypoint = new List<string> { "sh", "-c", script },
            Cmd = new List<string>(),
            Env = new List<string> { "DEBIAN_FRONTEND=noninteractive" },
        }, cancellation).ConfigureAwait(false);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(TimeSpan.FromMinutes(30));
            await engine.Client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), limit.Token).ConfigureAwait(false);
            var exit = await engine.Client.Containers.WaitContainerAsync(container.ID, limit.Token).ConfigureAwait(false);
            using var logs = await engine.Client.Containers.GetContainerLogsAsync(container.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, limit.Token).ConfigureAwait(false);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(limit.Token).ConfigureAwait(false);
            if (collect is not null && exit.StatusCode == 0)
            {
                await collect(container.ID, limit.Token).ConfigureAwait(false);
            }

            return new Result(exit.StatusCode, stdout, stderr);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the regular files under <paramref name="path"/> of a container, one by one: <paramref name="each"/>
    /// gets each file's path in the archive (relative to the directory's parent, e.g. <c>debs/NAME</c>) and its data.</summary>
    public static async Task ReadFilesAsync(
        EngineConnection engine, string container, string path, string spoolDirectory, Func<string, Stream, CancellationToken, Task> each, CancellationToken cancellation)
    {
        var archive = await engine.Client.Containers.GetArchiveFromContainerAsync(container, new ContainerPathStatParameters { Path = path }, false, cancellation).ConfigureAwait(false);
        var spool = Path.Combine(spoolDirectory, Guid.NewGuid().ToString("N") + ".tar");
        Directory.CreateDirectory(spoolDirectory);
        try
        {
            // Spooled to a file first: TarReader over the engine's chunked HTTP stream stops short.
            await using (var file = File.Create(spool))
            {
                await archive.Stream!.CopyToAsync(file, cancellation).ConfigureAwait(false);
            }

            await using var input = File.OpenRead(spool);
            using var reader = new TarReader(input);
            while (await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is not null)
                {
                    await each(entry.Name, entry.DataStream, cancellation).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>Turns the builder's own deb entries (one-line or deb822 format) into deb-src entries, so a source package
    /// comes from the same archive, suite and keyring as its packages; no archive is named here.</summary>
    public const string DebSrcEntries =
        "for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do if [ -f \"$f\" ]; then sed -n 's/^deb /deb-src /p' \"$f\"; fi; done > /tmp/deb-src.list"
        + " && mv /tmp/deb-src.list /etc/apt/sources.list.d/deb-src.list"
        + " && for f in /etc/apt/sources.list.d/*.sources; do if [ -f \"$f\" ]; then sed 's/^Types:.*/Types: deb-src/' \"$f\" > \"${f%.sources}-src.sources\"; fi; done\n";

    /// <summary>The script's first lines: every architecture the lock knows is enabled, and apt's lists are read once.</summary>
    public static string AptPrelude(IEnumerable<string> architectures) =>
        "set -eu\n"
        + "native=$(dpkg --print-architecture)\n"
        + "for a in " + string.Join(" ", architectures) + "; do [ \"$a\" = \"$native\" ] || dpkg --add-architecture \"$a\"; done\n"
        + "apt-get update -qq\n";

    /// <summary>The last non-empty line of a failed step's output, for a one-line error.</summary>
    public static string LastLine(string text)
    {
        var lines = text.Trim().Split('\n');
        return lines[^1].Trim();
    }
}
