using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>A warm build of the .NET app is like every other image's: nothing runs again.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class DotnetPublishCacheTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_second_build_of_notes_api_runs_no_dotnet_publish_and_every_step_is_cached()
    {
        var (exit, output, error) = Run("build", "notes-api", "--platform", "linux/amd64");
        Assert.True(exit == 0, output + error);

        var (again, warm, warmError) = Run("build", "notes-api", "--platform", "linux/amd64");

        Assert.True(again == 0, warm + warmError);
        Assert.Contains("[notes-api linux/amd64] dotnet publish for linux-x64 skipped: its inputs are unchanged", warm);
        Assert.DoesNotContain("dotnet publish definitions/", warm);
        Assert.DoesNotContain("published linux-x64", warm);

        // Every build step of every image (BuildKit's "[stage n/m] ..." lines) is a cache hit.
        var steps = warm.Split('\n').Where(l => Regex.IsMatch(l, @"^\[\S+ linux/amd64\] \[[^\]]+ \d+/\d+\] ")).ToList();
        Assert.Contains(steps, l => l.StartsWith("[notes-api linux/amd64] ", System.StringComparison.Ordinal));
        Assert.All(steps.Where(l => !l.Contains(" FROM ", System.StringComparison.Ordinal)), l => Assert.EndsWith("(cached)", l));
        Assert.Matches(@"cached\s+notes-api\s+linux/amd64|built\s+notes-api\s+linux/amd64", warm);
    }
}
