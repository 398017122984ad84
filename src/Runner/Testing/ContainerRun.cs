using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>Runs a command in a container of an image, as the image's user, with no network, and returns its exit code and output.</summary>
internal static class ContainerRun
{
    public static async Task<(long ExitCode, string Output)> RunAsync(
        EngineConnection engine, string image, IReadOnlyList<string> command, CancellationToken cancellation, TimeSpan? timeout = null,
        Func<string, CancellationToken, Task>? beforeStart = null)
    {
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = new List<string>(command),
            Cmd = new List<string>(),
            HostConfig = new HostConfig { NetworkMode = "none", CapDrop = new List<string> { "ALL" }, SecurityOpt = new List<string> { "no-new-privileges" } },
        }, cancellation).ConfigureAwait(false);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
            if (beforeStart is not null)
            {
                await beforeStart(container.ID, limit.Token).ConfigureAwait(false);
            }

            await engine.Client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), limit.Token).ConfigureAwait(false);
            var exit = await engine.Client.Containers.WaitContainerAsync(container.ID, limit.Token).ConfigureAwait(false);
            using var logs = await engine.Client.Containers.GetContainerLogsAsync(container.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, cancellation).ConfigureAwait(false);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellation).ConfigureAwait(false);
            return (exit.StatusCode, (stdout + stderr).Trim());
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
