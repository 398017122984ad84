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
    public void A_second_build_of_notes_api_runs_no_dotnet_publish_and_no_build_step()
    {
        var (exit, output, error) = Run("build", "notes-api", "--platform", "linux/amd64");
        Assert.True(exit == 0, output + error);

        var (again, warm, warmError) = Run("build", "notes-api", "--platform", "linux/amd64");

        Assert.True(again == 0, warm + warmError);
        Assert.Contains("[notes-api linux/amd64] dotnet publish for linux-x64 skipped: its inputs are unchanged", warm);
        Assert.DoesNotContain("dotnet publish definitions/", warm);
        Assert.DoesNotContain("published linux-x64", warm);

        // The published files are byte-identical, so the whole build context is: the build needs no BuildKit solve at
        // all (UnchangedBuild: every input is what the tag's image was made from), for notes-api and what it builds on.
        var skipped = warm.Split('\n').Where(l => l.Contains("inputs unchanged since", System.StringComparison.Ordinal)).ToList();
        Assert.Contains(skipped, l => l.StartsWith("[notes-api linux/amd64] ", System.StringComparison.Ordinal));
        Assert.DoesNotContain(warm.Split('\n'), l => Regex.IsMatch(l, @"^\[\S+ linux/amd64\] \[stage-\d+ \d+/\d+\] "));
    }
}
