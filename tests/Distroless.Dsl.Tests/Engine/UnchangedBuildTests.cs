using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>A build whose inputs are those the tag's image was made from skips the BuildKit solve; any other input,
/// or a tag that names another image now, builds as usual.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class UnchangedBuildTests
{
    private const string Tag = "distroless-dsl/test-unchanged-build:1";
    private const string Skipped = "inputs unchanged since";

    // Labelled as the runner's own, or the second build would refuse to move the tag.
    private static readonly string Dockerfile = "FROM scratch\nLABEL " + Distroless.Dsl.Rules.ImageNames.OwnerLabel + "=test\nCOPY a.txt /a.txt\n";

    private static async Task<(BuildOutcome Outcome, string Log)> BuildAsync(EngineConnection engine, string content)
    {
        var log = new StringWriter();
        var builder = new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(log), ImageNaming.Default);
        var outcome = await builder.BuildAsync("unchanged", engine.HostPlatform, Tag,
            () => BuildContextArchive.FromFiles(("Dockerfile", Dockerfile), ("a.txt", content)), noCache: false, CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.Error);
        return (outcome, log.ToString());
    }

    [Fact]
    public async Task The_same_inputs_skip_the_solve_and_anything_else_builds()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        await RemoveAsync(engine);
        var (first, _) = await BuildAsync(engine, "one");

        var (again, againLog) = await BuildAsync(engine, "one");
        Assert.Contains(Skipped, againLog);
        Assert.Equal(first.ImageId, again.ImageId);

        var (changed, changedLog) = await BuildAsync(engine, "two");
        Assert.DoesNotContain(Skipped, changedLog);
        Assert.NotEqual(first.ImageId, changed.ImageId);

        // "one" was built before, but the tag names "two"'s image now: the solve runs (a cache hit) and gives "one"'s image.
        var (back, backLog) = await BuildAsync(engine, "one");
        Assert.DoesNotContain(Skipped, backLog);
        Assert.Equal(first.ImageId, back.ImageId);

        // A build with --no-cache never skips.
        var log = new StringWriter();
        var noCache = await new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(log), ImageNaming.Default).BuildAsync("unchanged", engine.HostPlatform, Tag,
            () => BuildContextArchive.FromFiles(("Dockerfile", Dockerfile), ("a.txt", "one")), noCache: true, CancellationToken.None);
        Assert.True(noCache.Succeeded, noCache.Error);
        Assert.DoesNotContain(Skipped, log.ToString());

        await RemoveAsync(engine);
    }

    private static async Task RemoveAsync(EngineConnection engine)
    {
        if (await engine.InspectImageAsync(Tag, CancellationToken.None) is not null)
        {
            await engine.Client.Images.DeleteImageAsync(Tag, new Docker.DotNet.Models.ImageDeleteParameters { Force = true }, CancellationToken.None);
        }
    }
}
