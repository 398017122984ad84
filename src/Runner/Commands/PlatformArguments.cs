using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Commands;

/// <summary>The <c>--platform</c> values of a command.</summary>
internal static class PlatformArguments
{
    /// <summary>The platforms asked for, or null for "each image's own"; an unsupported one is an error.</summary>
    public static IReadOnlyCollection<string>? Check(string[]? given)
    {
        if (given is not { Length: > 0 })
        {
            return null;
        }

        foreach (var platform in given)
        {
            if (!Validate.SupportedPlatforms.Contains(platform))
            {
                throw new RunnerException("Unknown platform '" + platform + "': use " + string.Join(" or ", Validate.SupportedPlatforms));
            }
        }

        return given;
    }
}
