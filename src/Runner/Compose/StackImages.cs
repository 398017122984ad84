using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
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
        EngineConnection engine, DefinitionCatalog catalog, ImageNaming naming, CatalogEntry stack, bool rebuild, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var toBuild = rebuild ? stack.DependsOn.ToList() : await MissingAsync(engine, catalog, naming, stack, cancellation).ConfigureAwait(false);
        if (toBuild.Count == 0)
        {
            output.WriteLine("Images of " + stack.Name + " are present: " + string.Join(", ", stack.DependsOn));
            return;
        }

        output.WriteLine((rebuild ? "Building the images of " + stack.Name + " for " : "Building what " + stack.Name + " misses for ")
            + engine.HostPlatform + ": " + string.Join(", ", toBuild));
        await BuildBeforeUse.RunAsync(engine, catalog, naming, toBuild, PlatformSelection.Parse(new[] { engine.HostPlatform }), "could not build the images of " + stack.Name,
            output, error, cancellation).ConfigureAwait(false);
    }

    private static async Task<List<string>> MissingAsync(EngineConnection engine, DefinitionCatalog catalog, ImageNaming naming, CatalogEntry stack, CancellationToken cancellation)
    {
        var missing = new List<string>();
        foreach (var name in stack.DependsOn)
        {
            try
            {
                await engine.Client.Images.InspectImageAsync(naming.HostTags(catalog.FindImage(name)!)[0], cancellation).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
                missing.Add(name);
            }
        }

        return missing;
    }
}
