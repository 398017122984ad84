using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Bootstrap;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Compose;

/// <summary>Makes sure a stack's images exist on the engine for its platform: builds the missing ones (and what they
/// build on, which the build cache makes cheap) through the same build pipeline as <c>build</c>. With
/// <paramref name="rebuild"/> it builds them all, so a changed definition or app source reaches the stack; the
/// unchanged ones are cache hits.</summary>
internal static class StackImages
{
    public static async Task EnsureAsync(
        EngineConnection engine, DefinitionCatalog catalog, CatalogEntry stack, bool rebuild, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var missing = new List<string>();
        foreach (var name in stack.DependsOn)
        {
            if (rebuild)
            {
                missing.Add(name);
                continue;
            }

            var image = catalog.FindImage(name)!;
            try
            {
                await engine.Client.Images.InspectImageAsync(image.Reference, cancellation).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
                missing.Add(name);
            }
        }

        if (missing.Count == 0)
        {
            output.WriteLine("Images of " + stack.Name + " are present: " + string.Join(", ", stack.DependsOn));
            return;
        }

        output.WriteLine((rebuild ? "Building the images of " : "Building what ") + stack.Name + (rebuild ? " for " : " misses for ")
            + engine.HostPlatform + ": " + string.Join(", ", missing));
        await new BuilderImageBootstrap(engine, output).EnsureAsync(BuildStage.DebianBuilderImage, cancellation).ConfigureAwait(false);
        var plan = new BuildPlan(catalog);
        var progress = new BuildProgress(output);
        var results = await plan.RunAsync(engine, new ImageBuilder(engine, BuilderKind.Auto, progress), progress, plan.Resolve(missing),
            new[] { engine.HostPlatform }, noCache: false, parallelism: Math.Max(2, Environment.ProcessorCount), cancellation).ConfigureAwait(false);
        var failed = results.Where(r => r.Status != "built").ToList();
        foreach (var failure in failed.Where(f => f.Outcome is not null))
        {
            error.WriteLine("--- " + failure.Image + " " + failure.Platform + ": " + failure.Outcome!.FailedStep);
            foreach (var line in failure.Outcome.FailedLog)
            {
                error.WriteLine("    " + line);
            }
        }

        if (failed.Count > 0)
        {
            throw new RunnerException("could not build the images of " + stack.Name + ": "
                + string.Join("; ", failed.Select(f => f.Image + " " + f.Platform + " " + f.Status + ": " + f.Reason)));
        }
    }
}
