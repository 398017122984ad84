using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Compose;

/// <summary>One service's container state as the engine reports it.</summary>
internal sealed record ServiceState(string Service, string ContainerId, string State, string Health, string LastProbeOutput, long RestartCount)
{
    /// <summary>State and health as one would say them, e.g. "running, healthy" or "exited".</summary>
    public string Condition => State + (Health.Length > 0 ? ", " + Health : "");

    public bool IsReady => State == "running" && Health is "" or "healthy";
}

/// <summary>Waits, through the Engine API, until every container of a compose project that has a health check is
/// healthy (and the others run). A container that stops, or a timeout, ends the wait with the culprits named.</summary>
internal static class HealthWait
{
    public const string ProjectLabel = "com.docker.compose.project";
    private const string ServiceLabel = "com.docker.compose.service";
    private const int CrashLoopRestarts = 3;

    public static async Task<(bool Healthy, IReadOnlyList<ServiceState> States)> WaitAsync(
        EngineConnection engine, string project, TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<ServiceState> states = Array.Empty<ServiceState>();
        while (clock.Elapsed < timeout)
        {
            states = await StatesAsync(engine, project, cancellation).ConfigureAwait(false);
            if (states.Count > 0 && states.All(s => s.IsReady))
            {
                return (true, states);
            }

            if (states.Any(s => s.State is "exited" or "dead" || s.RestartCount >= CrashLoopRestarts))
            {
                return (false, states); // stopped or crash-looping: waiting longer cannot help
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation).ConfigureAwait(false);
        }

        return (false, states);
    }

    /// <summary>Every container of the project (running or not), by service name.</summary>
    public static async Task<IReadOnlyList<ServiceState>> StatesAsync(EngineConnection engine, string project, CancellationToken cancellation)
    {
        var containers = await ContainersAsync(engine, project, cancellation).ConfigureAwait(false);
        var states = new List<ServiceState>();
        foreach (var container in containers)
        {
            var inspected = await engine.Client.Containers.InspectContainerAsync(container.ID, cancellation).ConfigureAwait(false);
            var health = inspected.State?.Health;
            states.Add(new ServiceState(
                container.Labels.TryGetValue(ServiceLabel, out var service) ? service : container.Names.FirstOrDefault() ?? container.ID,
                container.ID,
                inspected.State?.Status ?? "unknown",
                health?.Status ?? "",
                health?.Log?.LastOrDefault()?.Output?.Trim() ?? "",
                inspected.RestartCount));
        }

        return states.OrderBy(s => s.Service, StringComparer.Ordinal).ToList();
    }

    public static async Task<IList<ContainerListResponse>> ContainersAsync(EngineConnection engine, string project, CancellationToken cancellation) =>
        await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [ProjectLabel + "=" + project] = true } },
        }, cancellation).ConfigureAwait(false);

    /// <summary>The last <paramref name="lines"/> lines a container logged.</summary>
    public static async Task<string[]> LastLogLinesAsync(EngineConnection engine, string containerId, int lines, CancellationToken cancellation)
    {
        using var logs = await engine.Client.Containers.GetContainerLogsAsync(containerId,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lines.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            cancellation).ConfigureAwait(false);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellation).ConfigureAwait(false);
        return (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
