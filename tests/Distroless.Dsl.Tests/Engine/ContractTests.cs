using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>The test command on real images: every contract check on both platforms, and the runtime probe on the
/// native one. Builds base and jq first (cached when EngineBuildTests ran).</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class ContractTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Base_and_a_tool_pass_their_contract_on_both_platforms()
    {
        var (built, buildOutput, buildError) = Run("build", "jq");
        Assert.True(built == 0, buildOutput + buildError);

        var (exit, output, error) = Run("test", "base", "jq");

        Assert.True(exit == 0, output + error);
        Assert.Matches(@"pass  distroless-dsl/base:0\.1\.0-amd64 +linux/amd64 +\d+ bytes, \d+ files, runtime probe \(timezone, ca-certificates\)", output);
        Assert.Matches(@"pass  distroless-dsl/base:0\.1\.0-arm64 +linux/arm64 +\d+ bytes, \d+ files\n", output);
        Assert.Matches(@"pass  distroless-dsl/jq:[0-9.]+-amd64 +linux/amd64 +\d+ bytes, \d+ files, smoke test, runtime probe \(timezone, ca-certificates\)", output);
        Assert.Matches(@"pass  distroless-dsl/jq:[0-9.]+-arm64 +linux/arm64 +\d+ bytes, \d+ files\n", output);
    }

    [Fact]
    public async Task The_runtime_probe_fails_on_an_image_without_zoneinfo_or_a_CA_bundle()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var probe = await RuntimeProbe.PrepareAsync(engine, Distroless.Dsl.Runner.Catalog.ImageNaming.Default, new BuildProgress(TextWriter.Null), CancellationToken.None);

        // The probe's own image is FROM scratch with only the binary: both checks must fail, each naming its cause.
        var problems = await probe.RunAsync(engine, probe.ImageTag, new[] { "timezone", "ca-certificates" }, CancellationToken.None);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("runtime probe: timezone ") && p.Contains("America/New_York"));
        Assert.Contains(problems, p => p.StartsWith("runtime probe: ca-certificates ") && p.Contains("SSL_CERT_FILE"));
    }
}
