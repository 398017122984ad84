using Xunit;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary>Bad input to <c>sbom</c>: one line on stderr, nothing on stdout, exit 1, before any engine work.</summary>
public class SbomCommandTests
{
    [Theory]
    [InlineData("No image named 'jqq'. Did you mean 'jq'?", "sbom", "jqq")]
    [InlineData("Unknown platform 'linux/s390x'", "sbom", "jq", "--platform", "linux/s390x")]
    [InlineData("pocket-id targets only linux/amd64, not linux/arm64", "sbom", "pocket-id", "--platform", "linux/arm64")]
    [InlineData("sbom writes one platform's document", "sbom", "jq", "--platform", "linux/amd64,linux/arm64")]
    public void Bad_input_is_one_line_and_exit_1(string message, params string[] args)
    {
        var (exit, output, error) = SbomEngineTests.Run(args);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", error);
        Assert.Contains(message, error);
    }
}
