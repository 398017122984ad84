using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Publishing;
using Distroless.Dsl.Tests.Support;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Releases on digest change (<c>publish --if-changed</c>) and failed pushes, against the real local registry,
/// reached directly or through <see cref="RecordingRegistryProxy"/>, which records what the runner sent and refuses
/// what a test tells it to.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // engine tests run on Linux
public class ReleaseTests
{
    private static readonly CatalogEntry Base = GeneratedCatalog.Catalog.FindImage("base")!;
    private static readonly CatalogEntry Jq = GeneratedCatalog.Catalog.FindImage("jq")!;

    private static string Today => "v" + DateTime.UtcNow.ToString("yyyy.MM.dd", System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsBlobUploadStart(string method, string path) => method == "POST" && path.Contains("/blobs/uploads/", StringComparison.Ordinal);

    [Fact]
    public async Task A_first_release_gets_the_date_tag_and_an_unchanged_one_sends_the_registry_no_write()
    {
        var password = TestRegistry.Password();
        var ns = TestRegistry.FreshNamespace("release");
        using var proxy = new RecordingRegistryProxy();
        var repository = ns + "/base";
        try
        {
            // A repository with no latest yet is a first release, not an error.
            var (exit, output, error) = TestRegistry.Publish(password, "base", "--registry", proxy.Address, "--namespace", ns, "--if-changed");
            Assert.True(exit == 0, output + error);
            var published = System.Text.RegularExpressions.Regex.Match(output,
                "published " + proxy.Address + "/" + repository + ":" + Base.Version + ", :" + Today + ", :latest -> (sha256:[0-9a-f]{64})");
            Assert.True(published.Success, output);
            var digest = published.Groups[1].Value;

            // latest was read before the first write; all content by digest before the first tag; latest last.
            var requests = proxy.Requests;
            var manifests = "/v2/" + repository + "/manifests/";
            int Index(Func<string, bool> match) => requests.ToList().FindIndex(r => match(r));
            int LastIndex(Func<string, bool> match) => requests.ToList().FindLastIndex(r => match(r));
            var firstWrite = Index(r => !r.StartsWith("GET ", StringComparison.Ordinal) && !r.StartsWith("HEAD ", StringComparison.Ordinal));
            Assert.InRange(Index(r => r == "GET " + manifests + "latest"), 0, firstWrite - 1);
            var firstTag = Index(r => r.StartsWith("PUT " + manifests, StringComparison.Ordinal) && !r.StartsWith("PUT " + manifests + "sha256:", StringComparison.Ordinal));
            Assert.True(LastIndex(r => r.StartsWith("PUT /v2/" + repository + "/blobs/", StringComparison.Ordinal)) < firstTag, string.Join("\n", requests));
            Assert.True(LastIndex(r => r.StartsWith("PUT " + manifests + "sha256:", StringComparison.Ordinal)) < firstTag, string.Join("\n", requests));
            Assert.Equal("PUT " + manifests + "latest", requests.Last(r => r.StartsWith("PUT ", StringComparison.Ordinal)));

            using var http = TestRegistry.Api(password);
            Assert.Equal(digest, await TestRegistry.TagDigestAsync(http, repository, "latest"));
            Assert.Equal(digest, await TestRegistry.TagDigestAsync(http, repository, Today));

            // Nothing changed: one line, exit 0, and not one write request reached the registry.
            proxy.Clear();
            var (again, unchanged, unchangedError) = TestRegistry.Publish(password, "base", "--registry", proxy.Address, "--namespace", ns, "--if-changed");
            Assert.True(again == 0, unchanged + unchangedError);
            Assert.Contains("\nbase unchanged (" + digest + ")\n", "\n" + unchanged);
            Assert.DoesNotContain("published", unchanged);
            Assert.Contains("GET " + manifests + "latest", proxy.Requests);
            Assert.Empty(proxy.Writes);
            Assert.Equal(new[] { Base.Version, Base.Version + "-amd64", Base.Version + "-arm64", "latest", Today }, await TestRegistry.TagsAsync(http, repository));
        }
        finally
        {
            Clean(password, proxy.Address, ns);
        }
    }

    [Fact]
    public async Task A_changed_image_is_released_with_the_next_date_tag_after_its_content_and_signatures_are_in_place()
    {
        var password = TestRegistry.Password();
        var ns = TestRegistry.FreshNamespace("changed");
        var naming = new ImageNaming(TestRegistry.Address, ns);
        var entry = Entry("release-changed");
        var repository = naming.RepositoryPath(entry);
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var local = naming.PlatformTag(entry, "linux/amd64");
        using var registry = new RegistryClient(TestRegistry.Address, new RegistryCredentials(TestRegistry.User, password, "test"), new SecretScrubber());
        using var http = TestRegistry.Api(password);
        var seen = new List<(string Repository, ManifestDescriptor Index, string? LatestThen, bool IndexThere)>();
        var publisher = new ImagePublisher(engine, registry, new SecretScrubber(), TextWriter.Null, naming)
        {
            BeforeTagsMove = async (repo, index, platforms, cancellation) =>
            {
                Assert.Equal(new[] { "linux/amd64" }, platforms.Select(p => p.Platform));
                var there = await TestRegistry.TagDigestAsync(http, repo, index.Digest) == index.Digest
                            && await TestRegistry.TagDigestAsync(http, repo, platforms[0].Manifest.Digest) == platforms[0].Manifest.Digest;
                seen.Add((repo, index, await TestRegistry.TagDigestAsync(http, repo, "latest"), there));
            },
        };
        var target = new[] { new PublishTarget(entry, new[] { "linux/amd64" }) };
        var ifChanged = new PublishOptions(IfChanged: true);
        try
        {
            await TagAsync(engine, Base, local);
            var first = Assert.Single(await publisher.PublishAsync(target, ifChanged, DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.False(first.Unchanged);
            Assert.Equal(new[] { "0.0.1", Today, "latest" }, first.Tags);

            // The real engine pulls what we pushed, by the platform manifest's digest, and gets the very image we built.
            var pulled = naming.Repository(entry) + "@" + first.Children.Single().Manifest.Digest;
            await engine.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = naming.Repository(entry), Tag = first.Children.Single().Manifest.Digest },
                new AuthConfig { Username = TestRegistry.User, Password = password, ServerAddress = TestRegistry.Address }, new Progress<JSONMessage>());
            Assert.Equal((await engine.Client.Images.InspectImageAsync(local)).ID, (await engine.Client.Images.InspectImageAsync(pulled)).ID);
            await engine.Client.Images.DeleteImageAsync(pulled, new ImageDeleteParameters { NoPrune = true });

            // A different image under the same name: a second release the same day, dated .1; latest moves to it.
            await TagAsync(engine, Jq, local);
            var second = Assert.Single(await publisher.PublishAsync(target, ifChanged, DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.False(second.Unchanged);
            Assert.NotEqual(first.Digest, second.Digest);
            Assert.Equal(new[] { "0.0.1", Today + ".1", "latest" }, second.Tags);
            Assert.Equal(second.Digest, await TestRegistry.TagDigestAsync(http, repository, "latest"));
            Assert.Equal(second.Digest, await TestRegistry.TagDigestAsync(http, repository, "0.0.1"));
            Assert.Equal(first.Digest, await TestRegistry.TagDigestAsync(http, repository, Today));

            // The signing seam ran before any tag moved, with the list and its manifest already in the registry.
            Assert.Equal(new[] { (repository, first.Digest, (string?)null, true), (repository, second.Digest, (string?)first.Digest, true) },
                seen.Select(s => (s.Repository, s.Index.Digest, s.LatestThen, s.IndexThere)));

            var third = Assert.Single(await publisher.PublishAsync(target, ifChanged, DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.True(third.Unchanged);
            Assert.Equal(second.Digest, third.Digest);
            Assert.Empty(third.Tags);
            Assert.Equal(2, seen.Count);
        }
        finally
        {
            await UntagAsync(engine, local);
        }
    }

    [Fact]
    public async Task A_registry_refusing_the_third_blob_leaves_latest_and_the_version_where_they_were()
    {
        var password = TestRegistry.Password();
        var ns = TestRegistry.FreshNamespace("third-blob");
        var naming = new ImageNaming(TestRegistry.Address, ns);
        var entry = Entry("release-refused");
        var repository = naming.RepositoryPath(entry);
        var platforms = new[] { "linux/amd64", "linux/arm64" };
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        using var proxy = new RecordingRegistryProxy();
        using var registry = new RegistryClient(proxy.Address, new RegistryCredentials(TestRegistry.User, password, "test"), new SecretScrubber());
        using var http = TestRegistry.Api(password);
        var publisher = new ImagePublisher(engine, registry, new SecretScrubber(), TextWriter.Null, naming);
        var target = new[] { new PublishTarget(entry, platforms) };
        try
        {
            Assert.Equal(0, InProcessRunner.Run(new[] { "build", "base", "jq" }, GeneratedCatalog.Catalog, TextWriter.Null, TextWriter.Null));
            foreach (var platform in platforms)
            {
                await TagAsync(engine, Base, naming.PlatformTag(entry, platform), platform);
            }

            var before = Assert.Single(await publisher.PublishAsync(target, new PublishOptions(DateTag: true), DateTimeOffset.UtcNow, CancellationToken.None));
            var tagsBefore = await TestRegistry.TagsAsync(http, repository);

            foreach (var platform in platforms)
            {
                await TagAsync(engine, Jq, naming.PlatformTag(entry, platform), platform);
            }

            var uploads = 0;
            proxy.Refuse = (method, path) => IsBlobUploadStart(method, path) && Interlocked.Increment(ref uploads) == 3 ? HttpStatusCode.ServiceUnavailable : null;
            proxy.Clear();
            var e = await Assert.ThrowsAsync<RunnerException>(() => publisher.PublishAsync(target, new PublishOptions(DateTag: true, IfChanged: true), DateTimeOffset.UtcNow, CancellationToken.None));

            Assert.Equal("push of release-refused to " + proxy.Address + " failed: registry " + proxy.Address + " answered 503 ServiceUnavailable to POST /v2/"
                         + repository + "/blobs/uploads/: DENIED refused by the test proxy; no tag was moved", e.Message);
            Assert.Equal(3, uploads);
            // amd64's manifest, whose blobs were all in, may be in by digest; the list (after arm64's) and the tags are not.
            Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("PUT /v2/" + repository + "/manifests/", StringComparison.Ordinal)
                                                       && !r.StartsWith("PUT /v2/" + repository + "/manifests/sha256:", StringComparison.Ordinal));
            Assert.InRange(proxy.Requests.Count(r => r.StartsWith("PUT /v2/" + repository + "/manifests/sha256:", StringComparison.Ordinal)), 0, 1);
            Assert.Equal(before.Digest, await TestRegistry.TagDigestAsync(http, repository, "latest"));
            Assert.Equal(before.Digest, await TestRegistry.TagDigestAsync(http, repository, "0.0.1"));
            Assert.Equal(tagsBefore, await TestRegistry.TagsAsync(http, repository));
            await TestRegistry.AssertNoListPointsAtAMissingManifestAsync(http, repository);
        }
        finally
        {
            foreach (var platform in platforms)
            {
                await UntagAsync(engine, naming.PlatformTag(entry, platform));
            }
        }
    }

    [Fact]
    public async Task A_failure_in_the_signing_seam_moves_no_tag()
    {
        var password = TestRegistry.Password();
        var ns = TestRegistry.FreshNamespace("seam");
        var naming = new ImageNaming(TestRegistry.Address, ns);
        var entry = Entry("release-seam");
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        using var registry = new RegistryClient(TestRegistry.Address, new RegistryCredentials(TestRegistry.User, password, "test"), new SecretScrubber());
        using var http = TestRegistry.Api(password);
        var publisher = new ImagePublisher(engine, registry, new SecretScrubber(), TextWriter.Null, naming)
        {
            BeforeTagsMove = (_, _, _, _) => throw new RunnerException("the signing key is not a P-256 PEM"),
        };
        var local = naming.PlatformTag(entry, "linux/amd64");
        try
        {
            await TagAsync(engine, Base, local);
            var e = await Assert.ThrowsAsync<RunnerException>(() => publisher.PublishAsync(new[] { new PublishTarget(entry, new[] { "linux/amd64" }) },
                new PublishOptions(IfChanged: true), DateTimeOffset.UtcNow, CancellationToken.None));

            Assert.Equal("before tagging release-seam: the signing key is not a P-256 PEM; no tag was moved", e.Message);
            Assert.Empty(await TestRegistry.TagsAsync(http, naming.RepositoryPath(entry)));
        }
        finally
        {
            await UntagAsync(engine, local);
        }
    }

    [Theory]
    [InlineData("blob")]
    [InlineData("manifest")]
    public async Task A_registry_refusing_the_push_fails_with_one_line_and_tags_nothing(string refused)
    {
        var password = TestRegistry.Password();
        var ns = TestRegistry.FreshNamespace("refused-" + refused);
        using var proxy = new RecordingRegistryProxy();
        var uploads = 0;
        proxy.Refuse = refused == "blob"
            ? (method, path) => IsBlobUploadStart(method, path) && Interlocked.Increment(ref uploads) == 3 ? HttpStatusCode.InternalServerError : null
            : (method, path) => method == "PUT" && path.Contains("/manifests/", StringComparison.Ordinal) ? HttpStatusCode.Forbidden : null;
        try
        {
            var (exit, output, error) = TestRegistry.Publish(password, "base", "--registry", proxy.Address, "--namespace", ns, "--if-changed");

            Assert.Equal(1, exit);
            var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("error: push of base to " + proxy.Address + " failed: registry " + proxy.Address + (refused == "blob"
                ? " answered 500 InternalServerError to POST /v2/" + ns + "/base/blobs/uploads/"
                : " denied PUT /v2/" + ns + "/base/manifests/sha256:"), line);
            Assert.EndsWith("; no tag was moved", line);
            Assert.DoesNotContain(password, output + error);
            using var http = TestRegistry.Api(password);
            Assert.Empty(await TestRegistry.TagsAsync(http, ns + "/base"));
        }
        finally
        {
            Clean(password, proxy.Address, ns);
        }
    }

    private static CatalogEntry Entry(string name) =>
        new(DefinitionRenderer.RenderImage(new ImageRef(name, "0.0.1", ImageTier.Base), Distroless.Definitions.Bases.Static.Spec, "Tests.Release"));

    /// <summary>Names <paramref name="image"/>'s build for <paramref name="platform"/> <paramref name="tag"/>, building it first (a cache hit).</summary>
    private static async Task TagAsync(EngineConnection engine, CatalogEntry image, string tag, string platform = "linux/amd64")
    {
        Assert.Equal(0, InProcessRunner.Run(new[] { "build", image.Name, "--platform", platform }, GeneratedCatalog.Catalog, TextWriter.Null, TextWriter.Null));
        var colon = tag.LastIndexOf(':');
        await engine.Client.Images.TagImageAsync(ImageNaming.Default.PlatformTag(image, platform),
            new ImageTagParameters { RepositoryName = tag.Substring(0, colon), Tag = tag.Substring(colon + 1) });
    }

    private static async Task UntagAsync(EngineConnection engine, string tag)
    {
        try
        {
            await engine.Client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { NoPrune = true });
        }
        catch (Docker.DotNet.DockerApiException)
        {
        }
    }

    /// <summary>Removes the tags the runner's build made under the proxy's name.</summary>
    private static void Clean(string password, string registry, string ns)
    {
        TestRegistry.Runner(password, "clean", "base", "--registry", registry, "--namespace", ns);
        var builder = new System.Diagnostics.ProcessStartInfo("docker");
        foreach (var argument in new[] { "image", "rm", registry + "/" + ns + "/builder-debian:trixie" })
        {
            builder.ArgumentList.Add(argument);
        }

        ProgramRun.Run(builder);
    }
}
