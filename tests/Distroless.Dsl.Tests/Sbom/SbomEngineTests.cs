using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Tests.Content;
using Distroless.Dsl.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary><c>sbom</c> on every image and platform built here (the base tiers, the tools, the .NET app; not Pocket ID,
/// whose binary cannot be downloaded here): its package set is what the real Trivy reads from the same saved image,
/// exceptions named.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class SbomEngineTests
{
    private readonly ITestOutputHelper _output;

    public SbomEngineTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string> BuiltHere()
    {
        var data = new TheoryData<string, string>();
        foreach (var (image, platform) in BuiltImages.Covered())
        {
            data.Add(image.Name, platform);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltHere))]
    public async Task The_SBOM_lists_exactly_what_Trivy_reads_from_the_same_image(string name, string platform)
    {
        var tag = BuiltImages.Build(name, platform);
        using var sbom = JsonDocument.Parse(Sbom(name, platform));
        using var trivy = await TrivyScan.ImageAsync(tag);
        var result = TrivyComparison.Compare(sbom, trivy);
        var packages = sbom.RootElement.GetProperty("packages").GetArrayLength() - 1;
        _output.WriteLine(name + " " + platform + ": SBOM " + packages + " packages (" + result.SbomCount + " comparable), Trivy " + result.TrivyCount
                          + "; set aside: " + (result.Excepted.Count == 0 ? "nothing" : string.Join("; ", result.Excepted
                              .GroupBy(e => e.Substring(0, e.IndexOf(':'))).Select(g => g.Count() + " " + g.Key + " (" + string.Join(", ", g.Take(3).Select(e => e.Substring(e.IndexOf(':') + 2))) + (g.Count() > 3 ? ", ..." : "") + ")"))));
        Assert.True(result.OnlyInSbom.Count == 0, "only in the SBOM: " + string.Join(", ", result.OnlyInSbom));
        Assert.True(result.OnlyInTrivy.Count == 0, "only Trivy sees: " + string.Join(", ", result.OnlyInTrivy));

        // Each exception applies where, and only where, the image has what it names.
        Assert.Equal(name == "curl", result.Excepted.Any(e => e.StartsWith(TrivyComparison.SourceBuild.Name + ":", StringComparison.Ordinal)));
        Assert.Equal(name == "curl", result.Excepted.Any(e => e.StartsWith(TrivyComparison.StaticLibrary.Name + ":", StringComparison.Ordinal)));
        Assert.Equal(name == "notes-api", result.Excepted.Any(e => e.StartsWith(TrivyComparison.RuntimePack.Name + ":", StringComparison.Ordinal)));
        Assert.Equal(name == "go", result.Excepted.Any(e => e.StartsWith(TrivyComparison.GoSourceTreeModules.Name + ":", StringComparison.Ordinal)));

        // The image's own package: its ID as the engine has it, described by the document.
        var image = sbom.RootElement.GetProperty("packages")[0];
        Assert.Equal("SPDXRef-Image", image.GetProperty("SPDXID").GetString());
        Assert.StartsWith("pkg:oci/" + name + "?arch=" + platform.Split('/')[1], image.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString());
    }

    [Fact]
    public void The_same_image_gives_the_same_bytes_on_stdout_and_in_the_out_file()
    {
        BuiltImages.Build("jq", "linux/arm64");
        var first = Sbom("jq", "linux/arm64");
        var directory = Directory.CreateTempSubdirectory("distroless-sbom-out-");
        try
        {
            var path = Path.Combine(directory.FullName, "jq-arm64.spdx.json");
            var (exit, _, error) = Run("sbom", "jq", "--platform", "linux/arm64", "--namespace", BuiltImages.Namespace, "--out", path);
            Assert.True(exit == 0, error);
            Assert.Equal(first, File.ReadAllBytes(path));
            Assert.Equal(first, Sbom("jq", "linux/arm64"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_image_that_is_not_built_is_one_line_and_exit_1()
    {
        var (exit, output, error) = Run("sbom", "jq", "--platform", "linux/amd64", "--namespace", "sbom-never-built");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("is not built", error);
    }

    private static byte[] Sbom(string name, string platform)
    {
        var (exit, output, error) = Run("sbom", name, "--platform", platform, "--namespace", BuiltImages.Namespace);
        Assert.True(exit == 0, "sbom " + name + " " + platform + ": " + error);
        return Encoding.UTF8.GetBytes(output);
    }

    internal static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
