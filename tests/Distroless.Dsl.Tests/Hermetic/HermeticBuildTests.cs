using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Runner.Reproducibility;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Hermetic;

/// <summary>Hermetic builds on the real engine: packages come only from the lock's fetched .debs, the build request
/// carries network mode none, a second cold build downloads nothing, and a fetched context builds with plain docker.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class HermeticBuildTests
{
    /// <summary>Images of their own: another build of the shared default names (with another checkout's
    /// SOURCE_DATE_EPOCH) must not become the base these builds start from.</summary>
    private static readonly ImageNaming Naming = new(null, "distroless-dsl-hermetic");

    private static (int Exit, string Output, string Error) Build(params string[] args) => Run(args.Concat(new[] { "--namespace", "distroless-dsl-hermetic" }).ToArray());

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string Docker(params string[] args) => DockerWith(null, args);

    private static string DockerWith(string? buildKit, params string[] args)
    {
        var start = new ProcessStartInfo("docker");
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        if (buildKit is not null)
        {
            start.Environment["DOCKER_BUILDKIT"] = buildKit;
        }

        var (exit, output, error) = ProgramRun.Run(start);
        Assert.True(exit == 0, "docker " + string.Join(" ", args) + ":\n" + output + error);
        return output.Trim();
    }

    private static string Scratch() => Directory.CreateTempSubdirectory("hermetic-").FullName;

    private static int CachedFiles(string cache) =>
        Directory.Exists(Path.Combine(cache, "sha256")) ? Directory.GetFiles(Path.Combine(cache, "sha256"), "*.deb").Length : 0;

    [Fact]
    public void After_one_fetch_a_no_cache_build_downloads_nothing_and_gives_the_same_image()
    {
        var cache = Scratch();
        var previous = Environment.GetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE");
        try
        {
            // jq and what it builds on (base), from an empty cache: everything is downloaded once, verified.
            var first = Run("fetch", "base", "jq", "--platform", "linux/amd64", "--cache", cache);
            Assert.True(first.Exit == 0, first.Output + first.Error);
            Assert.Matches(@"downloaded [1-9]\d* \(", first.Output);
            var stored = CachedFiles(cache);
            Assert.True(stored > 0);

            var again = Run("fetch", "base", "jq", "--platform", "linux/amd64", "--cache", cache);
            Assert.True(again.Exit == 0, again.Output + again.Error);
            Assert.Matches(@"downloaded 0 \(0\.0 MB\), [1-9]\d* already cached", again.Output);

            // Two cold builds (no engine cache: every RUN step runs again, with no network) take every package from the
            // cache, fetch nothing, and give the same image byte for byte. (A warm build is not compared: BuildKit's cache
            // matches a COPY by content without timestamps, so it may hand back a layer made under an earlier SOURCE_DATE_EPOCH.)
            Environment.SetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE", cache);
            var tag = Naming.PlatformTag(GeneratedCatalog.Catalog.FindImage("jq")!, "linux/amd64");
            string? id = null;
            foreach (var _ in new[] { "first", "second" })
            {
                var cold = Build("build", "jq", "--platform", "linux/amd64", "--no-cache");
                Assert.True(cold.Exit == 0, cold.Output + cold.Error);
                Assert.DoesNotContain("fetched ", cold.Output);
                Assert.Equal(stored, CachedFiles(cache));
                var built = Docker("image", "inspect", "--format", "{{.Id}}", tag);
                Assert.Equal(id ?? built, built);
                id = built;
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE", previous);
            Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>curl, whose builder stage once ran apt-get update and apt-get source: from an empty host cache its
    /// packages and Debian source files are fetched on the host, and the build (network mode none, as every catalog build
    /// is requested: see the test below) unpacks and compiles it from its context alone.</summary>
    [Fact]
    public void Curl_builds_from_an_empty_cache_with_no_network()
    {
        var cache = Scratch();
        var previous = Environment.GetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE", cache);
            var build = Build("build", "curl", "--platform", "linux/amd64", "--no-cache");
            Assert.True(build.Exit == 0, build.Output + build.Error);
            Assert.Matches(@"fetched 4 source and release files \(4\.\d MB\)", build.Output);
            Assert.DoesNotContain("apt-get", build.Output);
            var tag = Naming.PlatformTag(GeneratedCatalog.Catalog.FindImage("curl")!, "linux/amd64");
            Assert.StartsWith("curl 8.14.1", Docker("run", "--rm", "--network", "none", tag, "--version"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DISTROLESS_PACKAGE_CACHE", previous);
            Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>An image shaped like pocket-id (user, work directory, a writable directory, one release file), whose
    /// release URL is unreachable: the file placed where the offline error says is fetched from there into the cache,
    /// handed to the build in its context, and laid out in the image with the epoch on every path, the user's own
    /// directory kept the user's, with no network. (pocket-id itself cannot be built here: its binary is not reachable.)</summary>
    [Fact]
    public async Task A_release_file_placed_by_hand_builds_with_no_network_and_is_laid_out_with_the_epoch()
    {
        var root = Scratch();
        var tag = "";
        try
        {
            var release = System.Text.Encoding.ASCII.GetBytes("#!/bin/sh\necho stand-in for a release binary\n");
            var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(release)).ToLowerInvariant();
            var spec = App.On(Distroless.Definitions.Bases.Static).Platforms("linux/amd64").User(1000, "app").WorkDir("/app")
                .Download("https://127.0.0.1:9/releases/v1/tool_linux_{arch}", "/app/tool").Sha256("amd64", sha)
                .WritableDirectory("/app/data").Entrypoint("/app/tool").Spec;
            var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
            var entry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("test-download", "1", ImageTier.App),
                spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "test"));
            var lockPath = Path.Combine(root, "packages.lock");
            File.WriteAllText(lockPath, "lock-format 1\ndownload test-download amd64 https://127.0.0.1:9/releases/v1/tool_linux_amd64 " + sha + "\n");
            var placed = Path.Combine(root, "downloads", "test-download", "tool_linux_amd64");
            Directory.CreateDirectory(Path.GetDirectoryName(placed)!);
            File.WriteAllBytes(placed, release);

            var based = Build("build", "base", "--platform", "linux/amd64");
            Assert.True(based.Exit == 0, based.Output + based.Error);
            using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
            var output = new StringWriter();
            var inputs = await LockedInputs.PrepareAsync(engine, new[] { entry }, PlatformSelection.Parse(new[] { "linux/amd64" }), output, CancellationToken.None,
                lockPath, Path.Combine(root, "cache"));
            Assert.Contains("fetched 1 source and release files", output.ToString());
            var outcome = await new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(TextWriter.Null), Naming, inputs)
                .BuildAsync(entry, "linux/amd64", noCache: true, CancellationToken.None);
            Assert.True(outcome.Succeeded, outcome.Error + "\n" + string.Join("\n", outcome.FailedLog));
            tag = outcome.Tag;

            var container = Docker("create", tag);
            var exported = Path.Combine(root, "image.tar");
            try
            {
                Docker("export", "-o", exported, container);
            }
            finally
            {
                Docker("rm", container);
            }

            var entries = new System.Collections.Generic.Dictionary<string, System.Formats.Tar.TarEntry>();
            var tool = Array.Empty<byte>();
            using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(exported)))
            {
                while (reader.GetNextEntry(copyData: true) is { } item)
                {
                    entries[item.Name.TrimEnd('/')] = item;
                    if (item.Name == "app/tool")
                    {
                        using var data = new MemoryStream();
                        item.DataStream!.CopyTo(data);
                        tool = data.ToArray();
                    }
                }
            }

            Assert.Equal(release, tool);
            var epoch = SourceDateEpoch.AsDate(SourceDateEpoch.Current);
            foreach (var path in new[] { "app", "app/tool", "app/data" })
            {
                Assert.True(entries.ContainsKey(path), path + " is not in the image");
                Assert.Equal(epoch, entries[path].ModificationTime);
            }

            Assert.Equal((0, 0), (entries["app"].Uid, entries["app"].Gid));
            Assert.Equal((0, 0, (UnixFileMode)0b111_101_101), (entries["app/tool"].Uid, entries["app/tool"].Gid, entries["app/tool"].Mode));
            Assert.Equal((1000, 1000), (entries["app/data"].Uid, entries["app/data"].Gid));
        }
        finally
        {
            if (tag.Length > 0)
            {
                ProgramRun.Run(new ProcessStartInfo("docker", new[] { "image", "rm", "-f", tag }));
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A catalog image whose only step reaches the archive: the way every catalog build is requested, it fails
    /// (network mode none); the same context built with the engine's default network succeeds, so the probe is sound.</summary>
    [Fact]
    public async Task Every_catalog_build_runs_with_no_network()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var dockerfile = string.Join("\n",
            "FROM " + ImageNaming.Default.Builder,
            "RUN apt-get update --error-on=any -qq",
            "LABEL " + ImageNames.OwnerLabel + "=\"test-hermetic\"",
            "");
        var entry = new CatalogEntry(new RenderedDefinition(
            DefinitionKind.Tool, "test-hermetic", "1", "", "", "test", EquatableArray.Of(engine.HostPlatform), EquatableArray<string>.Empty,
            dockerfile, EquatableArray<GeneratedFile>.Empty, null, null));

        var builder = new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(TextWriter.Null), ImageNaming.Default);
        var offline = await builder.BuildAsync(entry, engine.HostPlatform, noCache: true, CancellationToken.None);
        Assert.False(offline.Succeeded, "apt-get update reached the archive in a build that must have no network");
        Assert.Contains("apt-get update", offline.FailedStep + offline.Error);

        var tag = ImageNaming.Default.PlatformTag(entry, engine.HostPlatform);
        var online = await builder.BuildAsync(entry.Name, engine.HostPlatform, tag, () => BuildContextArchive.FromFiles(("Dockerfile", dockerfile)), noCache: true, CancellationToken.None);
        Assert.True(online.Succeeded, online.Error + "\n" + string.Join("\n", online.FailedLog));
        Docker("image", "rm", online.Tag);
    }

    [Fact]
    public void A_generated_context_with_fetched_packages_builds_with_plain_docker_and_no_network()
    {
        var root = Scratch();
        var tag = Naming.Prefix + "test-plain-build:jq-amd64";
        try
        {
            // base, which jq's Dockerfile starts from, and jq itself from a cold build (see above why not a warm one).
            var build = Build("build", "jq", "--platform", "linux/amd64", "--no-cache");
            Assert.True(build.Exit == 0, build.Output + build.Error);
            var generated = Run("generate", "--out", root);
            Assert.True(generated.Exit == 0, generated.Output + generated.Error);
            var context = Path.Combine(root, "images", "jq");
            var fetched = Run("fetch", "jq", "--platform", "linux/amd64", "--into", context);
            Assert.True(fetched.Exit == 0, fetched.Output + fetched.Error);
            Assert.Contains("packages of jq for linux/amd64", fetched.Output);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(context, "debs", "target"), "*.deb"));

            // The README's command, with Debian's default (classic) builder.
            DockerWith("0", "build", "--no-cache", "--network", "none", "--platform", "linux/amd64",
                "--build-arg", "BUILDPLATFORM=linux/amd64", "--build-arg", "TARGETARCH=amd64", "--build-arg", "IMAGE_PREFIX=" + Naming.Prefix,
                "--build-arg", "SOURCE_DATE_EPOCH=" + SourceDateEpoch.Text, "-t", tag, context);
            Assert.StartsWith("jq-1.7", Docker("run", "--rm", "--network", "none", tag, "--version"));

            // The same files as the runner's build: jq's own layer is byte-identical.
            var runnerLayers = Docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", Naming.PlatformTag(GeneratedCatalog.Catalog.FindImage("jq")!, "linux/amd64"));
            var plainLayers = Docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", tag);
            Assert.Equal(runnerLayers, plainLayers);
        }
        finally
        {
            ProgramRun.Run(new ProcessStartInfo("docker", new[] { "image", "rm", "-f", tag }));
            Directory.Delete(root, recursive: true);
        }
    }
}
