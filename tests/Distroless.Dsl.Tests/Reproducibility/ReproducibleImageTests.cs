using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Reproducibility;
using Distroless.Dsl.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Distroless.Dsl.Tests.Reproducibility;

/// <summary>The same lock and definitions give the same image ID on every platform across <c>--no-cache</c> rebuilds,
/// and the same index digest when published: every timestamp is SOURCE_DATE_EPOCH. Real engine, real registry.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class ReproducibleImageTests
{
    private const string Registry = "127.0.0.1:5000";
    private readonly ITestOutputHelper _log;

    public ReproducibleImageTests(ITestOutputHelper log) => _log = log;

    /// <summary>The runner as a user runs it (its own process, so SOURCE_DATE_EPOCH is resolved as a user's run would).</summary>
    private static (int Exit, string Output, string Error) Runner(IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet");
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "Distroless.Dsl.Runner.dll") }.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "GITHUB_TOKEN", "DISTROLESS_REGISTRY_USERNAME", "DISTROLESS_REGISTRY_PASSWORD", "SOURCE_DATE_EPOCH" })
        {
            start.Environment.Remove(name);
        }

        foreach (var variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        return ProgramRun.Run(start);
    }

    private static string Docker(params string[] args)
    {
        var start = new ProcessStartInfo("docker");
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        var (exit, output, error) = ProgramRun.Run(start);
        Assert.True(exit == 0, "docker " + string.Join(" ", args) + ": " + error);
        return output.Trim();
    }

    /// <summary>Removes a tag this test made (the builder image it names keeps its other names).</summary>
    private static void Untag(string tag)
    {
        var start = new ProcessStartInfo("docker");
        foreach (var argument in new[] { "image", "rm", tag })
        {
            start.ArgumentList.Add(argument);
        }

        ProgramRun.Run(start);
    }

    private static Dictionary<string, string> Ids(string prefix, params (string Name, string Version)[] images)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, version) in images)
        {
            foreach (var arch in new[] { "amd64", "arm64" })
            {
                ids[name + " " + arch] = Docker("image", "inspect", "--format", "{{.Id}}", prefix + name + ":" + version + "-" + arch);
            }
        }

        return ids;
    }

    /// <summary>The image and every image it builds on, base first.</summary>
    private static string[] WithParents(string name)
    {
        var chain = new List<string> { name };
        while (GeneratedCatalog.Catalog.FindImage(chain[0])!.DependsOn.FirstOrDefault() is { } parent)
        {
            chain.Insert(0, parent);
        }

        return chain.ToArray();
    }

    /// <summary>jq: a root filesystem from packages. postgres: also a builder stage's output (initdb's cluster, with
    /// its clock, salt, nonce and process ID made fixed) and a cross-compiled program, copied as trees. notes-api:
    /// a `dotnet publish` output from the build context, copied into a directory its parents lack (/app).</summary>
    [Theory]
    [InlineData("jq")]
    [InlineData("postgres")]
    [InlineData("notes-api")]
    public void Two_no_cache_builds_give_the_same_image_ids_on_both_platforms(string name)
    {
        // A namespace of its own: the default tags are shared with every other build on this engine.
        var ns = "test-repro-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        var chain = WithParents(name);
        var images = chain.Select(n => (n, GeneratedCatalog.Catalog.FindImage(n)!.Version)).ToArray();
        try
        {
            var (first, firstOutput, firstError) = Runner(null, "build", name, "--no-cache", "--namespace", ns);
            Assert.True(first == 0, firstOutput + firstError);
            var before = Ids(ns + "/", images);

            var (second, secondOutput, secondError) = Runner(null, "build", name, "--no-cache", "--namespace", ns);
            Assert.True(second == 0, secondOutput + secondError);
            Assert.DoesNotMatch(@"\[" + name + @" linux/arm64\] \[rootfs \d+/\d+\] RUN .* \(cached\)", secondOutput);
            Assert.Matches(@"\[" + name + @" linux/arm64\] \[rootfs \d+/\d+\] RUN ", secondOutput);
            var after = Ids(ns + "/", images);

            foreach (var (image, id) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                _log.WriteLine(image + " " + id + (before[image] == id ? "" : " (first build: " + before[image] + ")"));
            }

            Assert.Equal(before.OrderBy(p => p.Key), after.OrderBy(p => p.Key));

            // Every timestamp is SOURCE_DATE_EPOCH: the config's created and each history entry.
            var epoch = SourceDateEpoch.Current;
            var built = ns + "/" + name + ":" + images[^1].Version + "-arm64";
            Assert.Equal(SourceDateEpoch.Rfc3339(epoch), Docker("image", "inspect", "--format", "{{.Created}}", built));
            Assert.All(Docker("image", "history", "--no-trunc", "--format", "{{.CreatedAt}}", built).Split('\n'),
                at => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(epoch), DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            Runner(null, new[] { "clean" }.Concat(chain).Concat(new[] { "--namespace", ns }).ToArray());
            Untag(ns + "/builder-debian:trixie");
        }
    }

    [Fact]
    public void Publishing_after_a_no_cache_rebuild_gives_the_same_index_digest()
    {
        var passwordFile = Path.Combine(Environment.GetEnvironmentVariable("DISTROLESS_REGISTRY_DIR") ?? "/var/lib/distroless-registry", "password");
        Assert.True(File.Exists(passwordFile), "No test registry password at " + passwordFile + ": run 'bash tests/infra/registry.sh' (tests/run-all.sh does)");
        var emptyConfig = Directory.CreateTempSubdirectory("distroless-docker-config").FullName;
        var environment = new Dictionary<string, string>
        {
            ["DOCKER_CONFIG"] = emptyConfig,
            ["DISTROLESS_REGISTRY_USERNAME"] = "distroless",
            ["DISTROLESS_REGISTRY_PASSWORD"] = File.ReadAllText(passwordFile).Trim(),
        };
        var ns = "test-repro-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        try
        {
            var (first, firstOutput, firstError) = Runner(environment, "publish", "base", "--registry", Registry, "--namespace", ns);
            Assert.True(first == 0, firstOutput + firstError);
            var (rebuilt, rebuiltOutput, rebuiltError) = Runner(null, "build", "base", "--no-cache", "--registry", Registry, "--namespace", ns);
            Assert.True(rebuilt == 0, rebuiltOutput + rebuiltError);
            var (second, secondOutput, secondError) = Runner(environment, "publish", "base", "--registry", Registry, "--namespace", ns);
            Assert.True(second == 0, secondOutput + secondError);

            var digest = new Regex(@"published \S+/base:[^\n]* -> (sha256:[0-9a-f]{64})");
            var firstDigest = digest.Match(firstOutput).Groups[1].Value;
            _log.WriteLine("index " + firstDigest);
            Assert.True(firstDigest.StartsWith("sha256:", StringComparison.Ordinal), firstOutput);
            Assert.Equal(firstDigest, digest.Match(secondOutput).Groups[1].Value);
        }
        finally
        {
            Directory.Delete(emptyConfig, recursive: true);
            Runner(null, "clean", "base", "--registry", Registry, "--namespace", ns);
            Untag(Registry + "/" + ns + "/builder-debian:trixie");
        }
    }
}
