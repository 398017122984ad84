using System;
using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl.Runner.Catalog;

/// <summary>The platforms a command works on: the <c>--platform</c> values given (repeated, or comma lists as
/// <c>docker buildx</c> takes them), or each image's own. Every command selects platforms through this one type.</summary>
internal sealed class PlatformSelection
{
    private readonly IReadOnlyList<string>? _wanted;

    private PlatformSelection(IReadOnlyList<string>? wanted) => _wanted = wanted;

    /// <summary>Every image's own platforms.</summary>
    public static PlatformSelection Own { get; } = new(null);

    /// <summary>The platforms asked for, or null when none were: each image's own.</summary>
    public IReadOnlyList<string>? Wanted => _wanted;

    /// <summary>Reads <c>--platform</c> values: <c>linux/amd64,linux/arm64</c> and repeated options alike. An unsupported
    /// or empty one is an error.</summary>
    public static PlatformSelection Parse(IEnumerable<string>? given)
    {
        var wanted = new List<string>();
        foreach (var value in given ?? Array.Empty<string>())
        {
            foreach (var part in value.Split(','))
            {
                var platform = part.Trim();
                if (!Validate.SupportedPlatforms.Contains(platform))
                {
                    throw new RunnerException("Unknown platform '" + platform + "' in --platform " + value + ": use "
                                              + string.Join(" or ", Validate.SupportedPlatforms) + ", or both separated by a comma");
                }

                if (!wanted.Contains(platform))
                {
                    wanted.Add(platform);
                }
            }
        }

        return wanted.Count == 0 ? Own : new PlatformSelection(wanted);
    }

    /// <summary>The image's platforms that were asked for, in the image's order; those it does not target are left out.</summary>
    public IReadOnlyList<string> Of(CatalogEntry image) =>
        image.Platforms.Where(p => _wanted is null || _wanted.Contains(p)).ToList();

    /// <summary>Like <see cref="Of"/>, but a platform asked for that the image does not target is an error, for
    /// commands that must not quietly do less than asked (test, publish).</summary>
    public IReadOnlyList<string> Require(CatalogEntry image)
    {
        var missing = (_wanted ?? Array.Empty<string>()).Where(p => !image.Platforms.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            throw new RunnerException(image.Name + " targets only " + string.Join(", ", image.Platforms) + ", not " + string.Join(", ", missing));
        }

        return Of(image);
    }

    public override string ToString() => _wanted is null ? "each image's own platforms" : string.Join(",", _wanted);
}
