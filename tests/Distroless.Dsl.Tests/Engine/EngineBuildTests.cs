using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Builds on a real Docker engine (started by tests/infra/engine.sh). Without an engine these tests fail
/// with the runner's one-line error; filter them out with <c>--filter Category!=Engine</c>.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class EngineBuildTests
{
    private static (int Exit, string Output, string Error) Run(DefinitionCatalog catalog, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Builds_base_and_a_tool_for_both_platforms_then_hits_the_cache()
    {
        var (exit, output, error) = Run(GeneratedCatalog.Catalog, "build", "jq");
        Assert.True(exit == 0, output + error);
        foreach (var line in new[] { @"built\s+base\s+linux/amd64", @"built\s+base\s+linux/arm64", @"built\s+jq\s+linux/amd64", @"built\s+jq\s+linux/arm64" })
        {
            Assert.Matches(line, output);
        }

        var (again, warm, _) = Run(GeneratedCatalog.Catalog, "build", "jq");
        Assert.Equal(0, again);
        // Nothing changed, so no image needs even a BuildKit solve (every input is what its tag's image was built from).
        Assert.Matches(@"\[jq linux/arm64\] inputs unchanged since [0-9a-f]{12} was built from them", warm);
        Assert.DoesNotMatch(@"\[jq linux/arm64\] \[rootfs 4/4\] RUN ", warm);
    }

    [Fact]
    public void A_failed_step_shows_its_log_and_skips_the_images_that_depend_on_it()
    {
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var dependent = App.On(Distroless.Definitions.Bases.Static).Entrypoint("/app");
        DefinitionCatalog Catalog(ToolImage broken) => new(new[]
        {
            baseImage,
            new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("broken", "0.0.1", ImageTier.Tool),
                broken.Spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "Tests.Broken")),
            new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("needs-broken", "0.0.1", ImageTier.App),
                dependent.Spec with { Parent = new ImageRef("broken", "0.0.1", ImageTier.Tool) }, "Tests.Dependent")),
        });

        // A package the lock lacks stops the build before any image builds, in one line.
        var unknown = Tool.On(Distroless.Definitions.Bases.Static).FromDebian("no-such-package-distroless").Binary("/usr/bin/nothing").Entrypoint("/usr/bin/nothing");
        var (lacking, _, lackingError) = Run(Catalog(unknown), "build", "needs-broken", "--platform", "linux/amd64");
        Assert.Equal(1, lacking);
        Assert.StartsWith("error: broken needs the package no-such-package-distroless for amd64, which packages.lock lacks: run 'lock --update broken", lackingError);

        // A step that fails: jq's locked packages (a copy of the lock gives them to 'broken') hold no /usr/bin/nothing.
        var lockCopy = Path.Combine(Path.GetTempPath(), "broken-" + Guid.NewGuid().ToString("N") + ".lock");
        var committed = Distroless.Dsl.Runner.Locking.LockPaths.Read(Distroless.Dsl.Runner.Locking.LockPaths.DefaultLock());
        Distroless.Dsl.Runner.Locking.LockPaths.Write(lockCopy, committed with
        {
            Packages = committed.Packages.Concat(committed.Packages.Where(p => p.Image == "jq").Select(p => p with { Image = "broken" })).ToList(),
        });
        try
        {
            var missingBinary = Tool.On(Distroless.Definitions.Bases.Static).FromDebian("jq").Binary("/usr/bin/nothing").Entrypoint("/usr/bin/nothing");
            var (exit, output, error) = Run(Catalog(missingBinary), "build", "needs-broken", "--platform", "linux/amd64", "--lock", lockCopy);

            Assert.Equal(1, exit);
            Assert.Contains("--- broken linux/amd64: [rootfs 6/6] RUN sh /build/assemble-rootfs.sh", error);
            Assert.Contains("assemble-rootfs: /usr/bin/nothing is in none of the fetched packages", error);
            Assert.Matches(@"skipped\s+needs-broken\s+linux/amd64\s+depends on broken, which did not build", output);
            Assert.StartsWith("error: broken linux/amd64 failed", error.Split('\n').Last(l => l.Length > 0));
        }
        finally
        {
            File.Delete(lockCopy);
        }
    }

    // A Debian source file that differs from its pin or has none: Hermetic/HostFetchTests (the host fetches them now).

    // Pocket ID's pinned download: Engine/DownloadTests (a release served by the test, so every outcome is certain).

    [Fact]
    public void The_classic_builder_builds_the_native_platform()
    {
        var (exit, output, error) = Run(GeneratedCatalog.Catalog, "build", "base", "--builder", "classic", "--platform", "linux/amd64");
        Assert.True(exit == 0, output + error);
        Assert.Contains("(classic,", output);
        Assert.Contains("Step 1/", output);
    }

    [Fact]
    public async Task Clean_removes_every_tag_build_made_and_keeps_an_image_a_container_uses()
    {
        // A throwaway catalog entry whose tags point at the cached base image: clean must untag only its own names.
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var spare = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("clean-me", "0.0.1", ImageTier.App),
            App.On(Distroless.Definitions.Bases.Static).Entrypoint("/app").Spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "Tests.CleanMe"));
        var catalog = new DefinitionCatalog(new[] { baseImage, spare });
        Assert.Equal(0, Run(GeneratedCatalog.Catalog, "build", "base").Exit);
        using var engine = await Distroless.Dsl.Runner.Engine.EngineConnection.ConnectAsync(default);
        foreach (var tag in new[] { "0.0.1", "latest", "0.0.1-amd64" })
        {
            await engine.Client.Images.TagImageAsync(Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(baseImage, "linux/amd64"), new Docker.DotNet.Models.ImageTagParameters { RepositoryName = "distroless-dsl/clean-me", Tag = tag });
        }

        // The arm64 tag is the only name of its own image (a commit with a label), and a container uses it: removing
        // it would orphan that container's image, so the engine refuses and clean reports it instead of forcing.
        var source = await engine.Client.Containers.CreateContainerAsync(new Docker.DotNet.Models.CreateContainerParameters { Image = Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(baseImage, "linux/amd64"), Entrypoint = new[] { "/never-started" } });
        await engine.Client.Images.CommitContainerChangesAsync(new Docker.DotNet.Models.CommitContainerChangesParameters
        {
            ContainerID = source.ID, RepositoryName = "distroless-dsl/clean-me", Tag = "0.0.1-arm64", Labels = new System.Collections.Generic.Dictionary<string, string> { ["test"] = "clean" },
        });
        await engine.Client.Containers.RemoveContainerAsync(source.ID, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        var container = await engine.Client.Containers.CreateContainerAsync(new Docker.DotNet.Models.CreateContainerParameters { Image = "distroless-dsl/clean-me:0.0.1-arm64", Entrypoint = new[] { "/never-started" } });
        try
        {
            var (exit, output, error) = Run(catalog, "clean", "clean-me");

            Assert.Equal(1, exit);
            Assert.Contains("removed distroless-dsl/clean-me:0.0.1\nremoved distroless-dsl/clean-me:latest\nremoved distroless-dsl/clean-me:0.0.1-amd64\n", output);
            Assert.Contains("kept    distroless-dsl/clean-me:0.0.1-arm64: a container uses it", error);
            Assert.Contains("clean: removed 3 tags, kept 1 in use", output);
            Assert.NotNull(await engine.Client.Images.InspectImageAsync(Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(baseImage, "linux/amd64")));
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }

        var (secondExit, secondOutput, _) = Run(catalog, "clean", "clean-me");
        Assert.Equal((0, "removed distroless-dsl/clean-me:0.0.1-arm64\nclean: removed 1 tag\n"), (secondExit, secondOutput));
    }
}

/// <summary>Runner failures that need no engine.</summary>
public class EngineUnreachableTests
{
    [Fact]
    public void An_unreachable_engine_gives_one_line_and_a_non_zero_exit()
    {
        var runner = Path.Combine(AppContext.BaseDirectory, "Distroless.Dsl.Runner.dll");
        var start = new ProcessStartInfo("dotnet");
        foreach (var argument in new[] { "exec", runner, "build", "base" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";
        var (exit, stdout, stderr) = ProgramRun.Run(start);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal("error: No Docker engine answered at unix:///nonexistent/docker.sock (from DOCKER_HOST): start one (e.g. 'sudo dockerd' or 'bash tests/infra/engine.sh') or point DOCKER_HOST at one", line);
    }
}
