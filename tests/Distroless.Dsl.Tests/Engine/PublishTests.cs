using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
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

/// <summary>Publishes to the local registry (<see cref="TestRegistry"/>) and checks the result through the registry API
/// with a client of the test's own. The runner runs as a process, so its credentials come from its environment as a
/// user's would. Releases (<c>--if-changed</c>, refused pushes) are in <see cref="ReleaseTests"/>.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // engine tests run on Linux
public class PublishTests
{
    private const string Registry = TestRegistry.Address;
    private const string User = TestRegistry.User;
    private const string ManifestList = TestRegistry.ManifestList;
    private const string Manifest = TestRegistry.Manifest;

    private static string Password() => TestRegistry.Password();

    private static string FreshNamespace(string purpose) => TestRegistry.FreshNamespace(purpose);

    private static (int Exit, string Output, string Error) Publish(string password, params string[] args) => TestRegistry.Publish(password, args);

    private static (int Exit, string Output, string Error) RunPublish(Action<System.Collections.Generic.IDictionary<string, string?>> environment, params string[] args) =>
        TestRegistry.RunRunner(environment, new[] { "publish" }.Concat(args).ToArray());

    private static HttpClient RegistryApi(string password) => TestRegistry.Api(password);

    private static Task<HttpResponseMessage> GetManifestAsync(HttpClient http, HttpMethod method, string repository, string reference, string accept) =>
        TestRegistry.GetManifestAsync(http, method, repository, reference, accept);

    [Fact]
    public async Task Publishes_base_for_both_platforms_as_a_manifest_list_tagged_version_latest_and_date()
    {
        var password = Password();
        var ns = FreshNamespace("publish");
        var repository = ns + "/base";
        var version = GeneratedCatalog.Catalog.FindImage("base")!.Version;

        var (exit, output, error) = Publish(password, "base", "--registry", Registry, "--namespace", ns, "--date-tag");
        Assert.True(exit == 0, output + error);
        Assert.DoesNotContain(password, output + error);
        var dateTag = "v" + DateTime.UtcNow.ToString("yyyy.MM.dd", System.Globalization.CultureInfo.InvariantCulture);
        // Tags move last, latest after the others.
        Assert.Contains("published " + Registry + "/" + repository + ":" + version + ", :" + dateTag + ", :latest -> sha256:", output);

        using var http = RegistryApi(password);
        using var list = await GetManifestAsync(http, HttpMethod.Get, repository, version, ManifestList);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(ManifestList, list.Content.Headers.ContentType!.MediaType);
        var listDigest = list.Headers.GetValues("Docker-Content-Digest").Single();
        using var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal(ManifestList, json.RootElement.GetProperty("mediaType").GetString());
        var children = json.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(new[] { "linux/amd64", "linux/arm64" },
            children.Select(c => c.GetProperty("platform").GetProperty("os").GetString() + "/" + c.GetProperty("platform").GetProperty("architecture").GetString()).OrderBy(p => p));

        foreach (var child in children)
        {
            var digest = child.GetProperty("digest").GetString()!;
            Assert.Equal(Manifest, child.GetProperty("mediaType").GetString());
            using var head = await GetManifestAsync(http, HttpMethod.Head, repository, digest, Manifest);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(digest, head.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(child.GetProperty("size").GetInt64(), head.Content.Headers.ContentLength);
        }

        foreach (var tag in new[] { "latest", dateTag })
        {
            using var tagged = await GetManifestAsync(http, HttpMethod.Head, repository, tag, ManifestList);
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
            Assert.Equal(listDigest, tagged.Headers.GetValues("Docker-Content-Digest").Single());
        }

        // The same day again: the date tag moves on to .1 and the list is byte-identical (unchanged images).
        var (again, warm, warmError) = Publish(password, "base", "--registry", Registry, "--namespace", ns, "--date-tag");
        Assert.True(again == 0, warm + warmError);
        Assert.Contains(":" + dateTag + ".1, :latest -> " + listDigest, warm);
        Assert.Contains(" already exists", warm);
        Assert.DoesNotContain(" pushed (", warm);
        Assert.DoesNotContain("from the engine", warm); // the layers were compressed and cached the first time
        using var tags = JsonDocument.Parse(await http.GetStringAsync("v2/" + repository + "/tags/list"));
        Assert.Equal(new[] { version, version + "-amd64", version + "-arm64", "latest", dateTag, dateTag + ".1" },
            tags.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).OrderBy(t => t, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_wrong_password_fails_with_one_line_and_writes_nothing()
    {
        var password = Password();
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var ns = FreshNamespace("refused");

        var (exit, output, error) = Publish(wrong, "base", "--registry", Registry, "--namespace", ns, "--date-tag");

        Assert.Equal(1, exit);
        Assert.Equal("error: registry " + Registry + " refused the credentials for " + User + " (401 Unauthorized)", Assert.Single(error.TrimEnd('\n').Split('\n')));
        Assert.DoesNotContain(wrong, output + error);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + wrong)), output + error);
        using var http = RegistryApi(password);
        using var list = await GetManifestAsync(http, HttpMethod.Get, ns + "/base", GeneratedCatalog.Catalog.FindImage("base")!.Version, ManifestList);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        using var tags = await http.GetAsync("v2/" + ns + "/base/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, tags.StatusCode);
    }

    [Fact]
    public async Task Reads_the_password_from_the_docker_credential_helper_the_docker_config_names()
    {
        // A real helper (Debian's docker-credential-pass over pass and gpg, installed by tests/infra/registry.sh) in a
        // private GNUPGHOME and password store, with the config 'docker login' leaves when a credsStore is set.
        var password = Password();
        var home = Directory.CreateTempSubdirectory("distroless-credential-helper").FullName;
        var gnupg = Directory.CreateDirectory(Path.Combine(home, "gnupg")).FullName;
        File.SetUnixFileMode(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dockerConfig = Directory.CreateDirectory(Path.Combine(home, "docker")).FullName;
        File.WriteAllText(Path.Combine(dockerConfig, "config.json"), "{\"auths\":{\"" + Registry + "\":{}},\"credsStore\":\"pass\"}");
        void Isolated(System.Collections.Generic.IDictionary<string, string?> environment)
        {
            environment["GNUPGHOME"] = gnupg;
            environment["PASSWORD_STORE_DIR"] = Path.Combine(home, "password-store");
        }

        (int Exit, string Output, string Error) Step(string program, string? stdin, params string[] args)
        {
            var start = new ProcessStartInfo(program);
            foreach (var argument in args)
            {
                start.ArgumentList.Add(argument);
            }

            Isolated(start.Environment);
            var result = ProgramRun.Run(start, stdin);
            Assert.True(result.Exit == 0, program + " " + string.Join(" ", args) + " failed: " + result.Error);
            return result;
        }

        try
        {
            Step("gpg", null, "--batch", "--passphrase", "", "--quick-gen-key", "distroless test <test@localhost>", "default", "default", "never");
            Step("pass", null, "init", "test@localhost");
            Step("docker-credential-pass", JsonSerializer.Serialize(new { ServerURL = Registry, Username = User, Secret = password }), "store");
            var ns = FreshNamespace("helper");

            var (exit, output, error) = RunPublish(environment =>
            {
                Isolated(environment);
                environment["DOCKER_CONFIG"] = dockerConfig;
            }, "base", "--registry", Registry, "--namespace", ns);

            Assert.True(exit == 0, output + error);
            Assert.Contains("Registry " + Registry + " accepts " + User + " (from docker-credential-pass)", output);
            Assert.DoesNotContain(password, output + error);
            using var http = RegistryApi(password);
            using var list = await GetManifestAsync(http, HttpMethod.Get, ns + "/base", GeneratedCatalog.Catalog.FindImage("base")!.Version, ManifestList);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }
        finally
        {
            var stopAgent = new ProcessStartInfo("gpgconf", "--kill gpg-agent");
            Isolated(stopAgent.Environment);
            ProgramRun.Run(stopAgent);
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Publishes_through_the_bearer_token_flow_that_ghcr_io_uses()
    {
        var password = "token-" + Guid.NewGuid().ToString("N");
        using var registry = new TokenAuthRegistry(User, password);
        Assert.StartsWith("Bearer realm=\"" + registry.RealmUri + "\",service=\"" + TokenAuthRegistry.Service + "\"", registry.LastChallenge);
        var ns = FreshNamespace("bearer");
        var version = GeneratedCatalog.Catalog.FindImage("base")!.Version;

        var (exit, output, error) = Publish(password, "base", "--registry", registry.Address, "--namespace", ns);
        Assert.True(exit == 0, output + error);
        Assert.DoesNotContain(password, output + error);

        using var http = new HttpClient { BaseAddress = new Uri("http://" + registry.Address + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registry.Token("repository:" + ns + "/base:pull"));
        using var list = await GetManifestAsync(http, HttpMethod.Get, ns + "/base", version, ManifestList);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal(2, json.RootElement.GetProperty("manifests").GetArrayLength());

        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var (refused, refusedOutput, refusedError) = Publish(wrong, "base", "--registry", registry.Address, "--namespace", FreshNamespace("bearer-refused"));
        Assert.Equal(1, refused);
        Assert.Equal("error: registry " + registry.Address + " refused the credentials for " + User + " (401 Unauthorized)", Assert.Single(refusedError.TrimEnd('\n').Split('\n')));
        Assert.DoesNotContain(wrong, refusedOutput + refusedError);
    }

    [Fact]
    public async Task When_one_platform_is_wrong_nothing_is_pushed()
    {
        // An image whose arm64 tag holds the amd64 image: every platform is read before the first write, so nothing is sent.
        var password = Password();
        var ns = FreshNamespace("partial");
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var entry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("publish-partial", "0.0.1", ImageTier.Base),
            Distroless.Definitions.Bases.Static.Spec, "Tests.PublishPartial"));
        var naming = new ImageNaming(Registry, ns);
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        Assert.Equal(0, Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build", "base", "--platform", "linux/amd64" }, GeneratedCatalog.Catalog, TextWriter.Null, TextWriter.Null));
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            await engine.Client.Images.TagImageAsync(ImageNaming.Default.PlatformTag(baseImage, "linux/amd64"), new ImageTagParameters { RepositoryName = naming.Repository(entry), Tag = "0.0.1-" + arch });
        }

        var scrubber = new SecretScrubber();
        using var registry = new RegistryClient(Registry, new RegistryCredentials(User, password, "test"), scrubber);
        var publisher = new ImagePublisher(engine, registry, scrubber, TextWriter.Null, naming);
        try
        {
            var e = await Assert.ThrowsAsync<RunnerException>(() => publisher.PublishAsync(
                new[] { new PublishTarget(entry, new[] { "linux/amd64", "linux/arm64" }) }, new PublishOptions(DateTag: true), DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.Equal("push of publish-partial linux/arm64 failed: " + naming.Repository(entry) + ":0.0.1-arm64 is linux/amd64, not linux/arm64; nothing was pushed", e.Message);
        }
        finally
        {
            foreach (var arch in new[] { "amd64", "arm64" })
            {
                await engine.Client.Images.DeleteImageAsync(naming.Repository(entry) + ":0.0.1-" + arch, new ImageDeleteParameters { NoPrune = true });
            }
        }

        using var http = RegistryApi(password);
        Assert.Empty(await TestRegistry.TagsAsync(http, ns + "/publish-partial"));
    }
}
