using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Compose;

/// <summary>up and down of a stack: images, compose project, the real compose, and the wait for health.</summary>
internal static class StackLifecycle
{
    private const int LogLinesShown = 20;

    public static async Task<TimeSpan> UpAsync(
        DefinitionCatalog catalog, ImageNaming naming, CatalogEntry stack, string directory, bool generateSecrets, bool rebuild, TimeSpan timeout,
        TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        // Secrets first: a missing one is the user's to fix, before any build time is spent.
        var (project, generated) = ComposeProject.Write(stack, directory, generateSecrets);
        Report(project, generated, output);
        var missing = project.MissingSecrets();
        if (missing.Length > 0)
        {
            throw new RunnerException("missing secret files " + string.Join(", ", missing) + " in " + project.Directory
                + ": write them (see secrets/README.md) or pass --generate-secrets");
        }

        // Before any build: a missing compose should not be found out after minutes of building.
        var compose = await ComposeCli.FindAsync(naming, cancellation).ConfigureAwait(false);
        using var engine = await EngineConnection.ConnectAsync(cancellation).ConfigureAwait(false);
        await StackImages.EnsureAsync(engine, catalog, naming, stack, rebuild, output, error, cancellation).ConfigureAwait(false);

        output.WriteLine("Starting " + project.Name + " with " + compose.Description);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await RunAsync(compose, project, new[] { "up", "--detach" }, output, cancellation).ConfigureAwait(false);

        var (healthy, states) = await HealthWait.WaitAsync(engine, project.Name, timeout, cancellation).ConfigureAwait(false);
        foreach (var state in states)
        {
            output.WriteLine("  " + state.Service.PadRight(16) + state.Condition);
        }

        if (!healthy)
        {
            var unready = states.Where(s => !s.IsReady).ToList();
            foreach (var state in unready)
            {
                error.WriteLine("--- " + state.Service + " is " + state.Condition
                    + (state.LastProbeOutput.Length > 0 ? "; last health check: " + state.LastProbeOutput : "") + "; its last log lines:");
                foreach (var line in await HealthWait.LastLogLinesAsync(engine, state.ContainerId, LogLinesShown, cancellation).ConfigureAwait(false))
                {
                    error.WriteLine("    " + line);
                }
            }

            var culprits = unready.Select(s => s.Service + " (" + s.Condition + ")");
            throw new RunnerException(states.Count == 0
                ? "stack " + project.Name + " started no containers"
                : "stack " + project.Name + " is not healthy after " + Seconds(clock.Elapsed) + ": " + string.Join(", ", culprits));
        }

        output.WriteLine("Stack " + project.Name + " is healthy " + Seconds(clock.Elapsed) + " after 'up' (compose project in " + project.Directory + ")");
        return clock.Elapsed;
    }

    public static async Task DownAsync(ImageNaming naming, CatalogEntry stack, string directory, bool volumes, TextWriter output, CancellationToken cancellation)
    {
        var (project, _) = ComposeProject.Write(stack, directory, generateSecrets: false);
        var compose = await ComposeCli.FindAsync(naming, cancellation).ConfigureAwait(false);
        await RunAsync(compose, project, volumes ? new[] { "down", "--volumes", "--remove-orphans" } : new[] { "down", "--remove-orphans" }, output, cancellation).ConfigureAwait(false);
        output.WriteLine("Stack " + project.Name + " is down" + (volumes ? ", its volumes removed" : "; its volumes are kept (--volumes removes them)"));
    }

    public static void Report(ComposeProject project, string[] generated, TextWriter output)
    {
        output.WriteLine("Compose project " + project.Name + " in " + project.Directory);
        foreach (var secret in project.Secrets.Where(s => generated.Contains(s.Name)))
        {
            output.WriteLine(secret.Template is null
                ? "  generated a random secret " + secret.Name + " (its value is not shown)"
                : "  wrote secret " + secret.Name + " from " + string.Join(", ", secret.Inputs().Distinct()) + " (its value is not shown)");
        }

        foreach (var file in project.MissingSecrets())
        {
            output.WriteLine("  secret " + file + " is missing: see secrets/README.md");
        }
    }

    private static async Task RunAsync(ComposeCli compose, ComposeProject project, string[] arguments, TextWriter output, CancellationToken cancellation)
    {
        var (exit, lines) = await compose.RunAsync(project, arguments, cancellation).ConfigureAwait(false);
        foreach (var line in lines)
        {
            output.WriteLine("  " + line);
        }

        if (exit != 0)
        {
            throw new RunnerException("'" + string.Join(" ", arguments) + "' of " + project.Name + " failed (exit " + exit + "): " + lines.LastOrDefault());
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
