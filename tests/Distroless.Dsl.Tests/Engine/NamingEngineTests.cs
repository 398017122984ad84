using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>On a real engine: the tags a build makes all carry the prefix, an image the project did not make is never
/// overwritten, and test refuses a platform that was not built.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class NamingEngineTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_build_tags_only_prefixed_names_and_never_overwrites_an_image_it_did_not_make()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var ns = "clobber-" + Guid.NewGuid().ToString("N")[..8];
        var naming = new ImageNaming(null, ns);

        // Someone else's image under the very name the build would give base: an empty image imported from a tar.
        var foreign = naming.PlatformTag(baseImage, "linux/amd64");
        using (var tar = new MemoryStream())
        {
            using (var writer = new System.Formats.Tar.TarWriter(tar, leaveOpen: true))
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "theirs.txt") { DataStream = new MemoryStream("not ours"u8.ToArray()) });
            }

            tar.Position = 0;
            var colon = foreign.LastIndexOf(':');
            await engine.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = foreign[..colon], Tag = foreign[(colon + 1)..] }, tar, null, new Progress<JSONMessage>());
        }

        var before = (await engine.Client.Images.InspectImageAsync(foreign)).ID;
        try
        {
            var (exit, output, error) = Run("build", "base", "--namespace", ns, "--platform", "linux/amd64");

            Assert.Equal(1, exit);
            Assert.Contains("refusing to overwrite " + foreign + ": the engine holds an image of that name that Distroless.Dsl did not make", output + error);
            Assert.Equal(before, (await engine.Client.Images.InspectImageAsync(foreign)).ID);

            // The default names: every tag the build made starts with the project's prefix.
            Assert.Equal(0, Run("build", "base", "--platform", "linux/amd64").Exit);
            var made = (await engine.Client.Images.InspectImageAsync(ImageNaming.Default.PlatformTag(baseImage, "linux/amd64"))).RepoTags;
            // The image may carry other namespaces' tags too (the same content has the same ID), but never a bare name.
            Assert.Contains("distroless-dsl/base:latest", made);
            Assert.Contains("distroless-dsl/base:" + baseImage.Version, made);
            Assert.DoesNotContain(made, t => !t.Contains('/'));
            Assert.Contains((await engine.Client.Images.InspectImageAsync(ImageNaming.Default.Builder)).Config!.Labels!, l => l.Key == Distroless.Dsl.Rules.ImageNames.OwnerLabel);
        }
        finally
        {
            await engine.Client.Images.DeleteImageAsync(foreign, new ImageDeleteParameters { Force = true });
        }
    }

    [Fact]
    public void Test_refuses_a_platform_that_was_not_built_with_one_line()
    {
        var ns = "never-built-" + Guid.NewGuid().ToString("N")[..8];

        var (exit, output, error) = Run("test", "base", "--namespace", ns, "--platform", "linux/arm64");

        Assert.Equal(1, exit);
        Assert.Equal("error: Image " + ns + "/base:" + GeneratedCatalog.Catalog.FindImage("base")!.Version + "-arm64 is not built for linux/arm64: run 'build base --platform linux/arm64' first\n", error);
    }
}
