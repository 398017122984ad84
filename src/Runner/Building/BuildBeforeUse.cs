using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Bootstrap;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;

namespace Distroless.Dsl.Runner.Building;

/// <summary>Builds the images a later step uses (publish pushes them, up runs them) through the same pipeline as
/// <c>build</c>, with its defaults; an unchanged image is a cache hit. Any failure prints the failed steps' logs and
/// stops the step that needed the images.</summary>
internal static class BuildBeforeUse
{
    /// <summary>How many image builds run at once unless <c>build --parallel</c> says otherwise.</summary>
    public static int DefaultParallelism => Math.Max(2, Environment.ProcessorCount);

    /// <param name="failure">What the failure means for the caller, e.g. "nothing was pushed".</param>
    public static async Task RunAsync(
        EngineConnection engine, DefinitionCatalog catalog, ImageNaming naming, IEnumerable<string> names, PlatformSelection platforms, string failure,
        TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        await new BuilderImageBootstrap(engine, output).EnsureAsync(naming, cancellation).ConfigureAwait(false);
        var plan = new BuildPlan(catalog);
        var images = plan.Resolve(names);
        var packages = await LockedInputs.PrepareAsync(engine, images, platforms, output, cancellation).ConfigureAwait(false);
        var progress = new BuildProgress(output);
        var results = await plan.RunAsync(engine, new ImageBuilder(engine, BuilderKind.Auto, progress, naming, packages), progress, images,
            platforms, noCache: false, DefaultParallelism, cancellation).ConfigureAwait(false);
        var failed = results.Where(r => r.Status != "built").ToList();
        if (failed.Count == 0)
        {
            return;
        }

        foreach (var result in failed.Where(f => f.Outcome is not null))
        {
            error.WriteLine("--- " + result.Image + " " + result.Platform + ": " + result.Outcome!.FailedStep);
            foreach (var line in result.Outcome.FailedLog)
            {
                error.WriteLine("    " + line);
            }
        }

        throw new RunnerException(failure + ": " + string.Join("; ", failed.Select(f => f.Image + " " + f.Platform + " " + f.Status + ": " + f.Reason)));
    }
}
