using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Building;

/// <summary>The runner moves a tag only when the engine holds nothing under it, or an image this project made (it
/// carries <see cref="ImageNames.OwnerLabel"/>). A user who points the names at, say, an empty namespace can
/// therefore never lose Docker Hub's <c>postgres:latest</c> to a build.</summary>
internal static class TagOwnership
{
    /// <summary>Why <paramref name="tag"/> must not be moved, or null when it may.</summary>
    public static async Task<string?> ForeignImageAsync(EngineConnection engine, string tag, CancellationToken cancellation) =>
        (await CurrentAsync(engine, tag, cancellation).ConfigureAwait(false)).Foreign;

    /// <summary>Tags <paramref name="source"/> as each of <paramref name="tags"/>, refusing (before moving any) when one
    /// of them names an image this project did not make. With <paramref name="sourceId"/> (the source's image ID) a tag
    /// that already names that image is left as it is: an unchanged rebuild moves nothing.</summary>
    public static async Task TagAsync(EngineConnection engine, string source, IEnumerable<string> tags, CancellationToken cancellation, string? sourceId = null)
    {
        var moves = new List<string>();
        foreach (var tag in tags)
        {
            var (id, foreign) = await CurrentAsync(engine, tag, cancellation).ConfigureAwait(false);
            if (foreign is not null)
            {
                throw new RunnerException(foreign);
            }

            if (sourceId is null || id != sourceId)
            {
                moves.Add(tag);
            }
        }

        foreach (var tag in moves)
        {
            await engine.TagImageAsync(source, tag, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The image ID <paramref name="tag"/> names now (null: none), and why it must not be moved (null: it may).</summary>
    private static async Task<(string? Id, string? Foreign)> CurrentAsync(EngineConnection engine, string tag, CancellationToken cancellation)
    {
        var image = await engine.InspectImageAsync(tag, cancellation).ConfigureAwait(false);
        return image is null || image.Labels.ContainsKey(ImageNames.OwnerLabel)
            ? (image?.Id, null)
            : (image.Id, "refusing to overwrite " + tag + ": the engine holds an image of that name that Distroless.Dsl did not make; choose another --namespace or --registry");
    }
}
