using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
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
        var exit = Distroless.Dsl.Runner.Program.Run(args, catalog, output, error);
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
        Assert.Matches(@"\[jq linux/arm64\] \[rootfs 4/4\] RUN .* \(cached\)", warm);
        Assert.DoesNotMatch(@"\[jq linux/arm64\] \[rootfs 4/4\] RUN [^\n]*[^)]\n", warm);
    }

    [Fact]
    public void A_failed_step_shows_its_log_and_skips_the_images_that_depend_on_it()
    {
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var broken = Tool.On(Distroless.Definitions.Bases.Static).FromDebian("no-such-package-distroless").Binary("/usr/bin/nothing").Entrypoint("/usr/bin/nothing");
        var dependent = App.On(Distroless.Definitions.Bases.Static).Entrypoint("/app");
        var brokenEntry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("broken", "0.0.1", ImageTier.Tool),
            broken.Spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "Tests.Broken"));
        var dependentEntry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("needs-broken", "0.0.1", ImageTier.App),
            dependent.Spec with { Parent = new ImageRef("broken", "0.0.1", ImageTier.Tool) }, "Tests.Dependent"));
        var catalog = new DefinitionCatalog(new[] { baseImage, brokenEntry, dependentEntry });

        var (exit, output, error) = Run(catalog, "build", "needs-broken", "--platform", "linux/amd64");

        Assert.Equal(1, exit);
        Assert.Contains("--- broken linux/amd64: [rootfs 4/4] RUN sh /build/assemble-rootfs.sh", error);
        Assert.Contains("assemble-rootfs: no Debian package no-such-package-distroless for amd64", error);
        Assert.Matches(@"skipped\s+needs-broken\s+linux/amd64\s+depends on broken, which did not build", output);
        Assert.StartsWith("error: broken linux/amd64 failed", error.Split('\n').Last(l => l.Length > 0));
    }

    [Fact]
    public void The_classic_builder_builds_the_native_platform()
    {
        var (exit, output, error) = Run(GeneratedCatalog.Catalog, "build", "base", "--builder", "classic", "--platform", "linux/amd64");
        Assert.True(exit == 0, output + error);
        Assert.Contains("(classic,", output);
        Assert.Contains("Step 1/", output);
    }
}

/// <summary>Runner failures that need no engine.</summary>
public class EngineUnreachableTests
{
    [Fact]
    public void An_unreachable_engine_gives_one_line_and_a_non_zero_exit()
    {
        var runner = Path.Combine(AppContext.BaseDirectory, "Distroless.Dsl.Runner.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", runner, "build", "base" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal("error: No Docker engine answered at unix:///nonexistent/docker.sock (from DOCKER_HOST): start one (e.g. 'sudo dockerd' or 'bash tests/infra/engine.sh') or point DOCKER_HOST at one", line);
    }
}
