using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Building;

/// <summary>The runner moves a tag only when the engine holds nothing under it, or an image this project made (it
/// carries <see cref="ImageNames.OwnerLabel"/>). A user who points the names at, say, an empty namespace can
/// therefore never lose Docker Hub's <c>postgres:latest</c> to a build.</summary>
internal static class TagOwnership
{
    /// <summary>Why <paramref name="tag"/> must not be moved, or null when it may.</summary>
    public static async Task<string?> ForeignImageAsync(EngineConnection engine, string tag, CancellationToken cancellation)
    {
        try
        {
            var image = await engine.Client.Images.InspectImageAsync(tag, cancellation).ConfigureAwait(false);
            return image.Config?.Labels is { } labels && labels.ContainsKey(ImageNames.OwnerLabel)
                ? null
                : "refusing to overwrite " + tag + ": the engine holds an image of that name that Distroless.Dsl did not make; choose another --namespace or --registry";
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Tags <paramref name="source"/> as each of <paramref name="tags"/>, refusing (before moving any) when one
    /// of them names an image this project did not make.</summary>
    public static async Task TagAsync(EngineConnection engine, string source, IEnumerable<string> tags, CancellationToken cancellation)
    {
        var all = new List<string>(tags);
        foreach (var tag in all)
        {
            if (await ForeignImageAsync(engine, tag, cancellation).ConfigureAwait(false) is { } foreign)
            {
                throw new RunnerException(foreign);
            }
        }

        foreach (var tag in all)
        {
            var colon = tag.LastIndexOf(':');
            await engine.Client.Images.TagImageAsync(source,
                new Docker.DotNet.Models.ImageTagParameters { RepositoryName = tag.Substring(0, colon), Tag = tag.Substring(colon + 1) },
                cancellation).ConfigureAwait(false);
        }
    }
}
