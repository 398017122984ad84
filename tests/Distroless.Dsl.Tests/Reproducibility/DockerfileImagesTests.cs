using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Reproducibility;
using Xunit;

namespace Distroless.Dsl.Tests.Reproducibility;

/// <summary>The images a Dockerfile reads, which an unchanged build's inputs name by ID; anything this reader cannot
/// expand for sure gives null (then the build runs as usual).</summary>
public class DockerfileImagesTests
{
    private static readonly Dictionary<string, string> Arguments = new()
    {
        ["BUILDPLATFORM"] = "linux/amd64",
        ["TARGETARCH"] = "amd64",
        ["IMAGE_PREFIX"] = "registry.example/team/",
    };

    [Fact]
    public void A_generated_Dockerfile_reads_its_parent_and_the_builder_under_the_given_prefix()
    {
        var images = DockerfileImages.Of(GeneratedCatalog.Catalog.FindImage("jq")!.Dockerfile!, Arguments);

        Assert.Equal(new[] { "registry.example/team/base:0.1.0-amd64", "registry.example/team/builder-debian:trixie" }, images);
    }

    [Fact]
    public void Stages_and_scratch_are_not_images_but_an_outside_copy_source_is()
    {
        const string Dockerfile = "ARG V=1\nFROM scratch AS empty\nFROM other/tool:${V} AS tool\nFROM empty\nCOPY --from=tool /a /a\nCOPY --from=0 /b /b\n"
                                  + "COPY --from=elsewhere/files:2 /c /c\nRUN --mount=type=bind,from=mounted/img:3,target=/m true\n";

        Assert.Equal(new[] { "other/tool:1", "elsewhere/files:2", "mounted/img:3" }, DockerfileImages.Of(Dockerfile, new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData("# syntax=docker/dockerfile:1\nFROM scratch\n")]
    [InlineData("FROM ${UNDECLARED}base\n")]
    [InlineData("ARG NO_DEFAULT\nFROM x/${NO_DEFAULT}\n")]
    [InlineData("ARG V=1\nFROM x:${V:-2}\n")]
    [InlineData("FROM scratch\nCOPY --from=${SOURCE} /a /a\n")]
    [InlineData("FROM scratch\nADD https://example.org/file.tar /f\n")]
    public void What_it_cannot_expand_for_sure_gives_no_answer(string dockerfile)
    {
        Assert.Null(DockerfileImages.Of(dockerfile, new Dictionary<string, string>()));
    }

    [Fact]
    public void A_build_argument_overrides_a_global_default_and_continuation_lines_are_joined()
    {
        var images = DockerfileImages.Of("# a comment\nARG P=a/\nFROM \\\n  ${P}img:1\n", new Dictionary<string, string> { ["P"] = "b/" });

        Assert.Equal(new[] { "b/img:1" }, images);
    }
}
