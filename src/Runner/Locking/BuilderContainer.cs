using System;
using System.Collections.Generic;
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
