using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Publishing;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>The publish command's small parts that need no registry: challenge parsing, credential lookup, tags,
/// manifest list bytes. The whole flow runs against the real registry in Engine/PublishTests.</summary>
public class PublishingTests
{
    [Fact]
    public void A_bearer_challenge_gives_realm_service_and_a_scope_with_commas()
    {
        var challenge = AuthChallenge.Parse("Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:acme/base:pull,push\"")!;

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://ghcr.io/token", challenge.Realm);
        Assert.Equal("ghcr.io", challenge.Service);
        Assert.Equal("repository:acme/base:pull,push", challenge.Scope);
    }

    [Fact]
    public void A_basic_challenge_and_unquoted_values_parse_and_an_empty_header_is_none()
    {
        var basic = AuthChallenge.Parse("Basic realm=\"distroless-test\"")!;
        Assert.True(basic.IsBasic);
        Assert.Equal("distroless-test", basic.Realm);
        Assert.Equal("example", AuthChallenge.Parse("bearer realm=https://x/token, service=example")!.Service);
        Assert.Null(AuthChallenge.Parse(" "));
    }

    private static RegistryCredentials? Find(string registry, Func<string, string?> environment) =>
        CredentialLookup.FindAsync(registry, environment).GetAwaiter().GetResult();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    private static string ConfigDirectory(string json)
    {
        var directory = Directory.CreateTempSubdirectory("distroless-docker-config").FullName;
        File.WriteAllText(Path.Combine(directory, "config.json"), json);
        return directory;
    }

    private static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    [Fact]
    public void The_environment_comes_before_the_docker_config()
    {
        var config = ConfigDirectory("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + Auth("fromconfig", "secret-config") + "\"}}}");
        var found = Find("127.0.0.1:5000", Env(("DOCKER_CONFIG", config),
            ("DISTROLESS_REGISTRY_USERNAME", "ci"), ("DISTROLESS_REGISTRY_PASSWORD", "secret-env")))!;

        Assert.Equal(("ci", "secret-env"), (found.Username, found.Password));
        Assert.Equal("ci (from DISTROLESS_REGISTRY_USERNAME/DISTROLESS_REGISTRY_PASSWORD)", found.ToString());
        var fromConfig = Find("127.0.0.1:5000", Env(("DOCKER_CONFIG", config)))!;
        Assert.Equal(("fromconfig", "secret-config"), (fromConfig.Username, fromConfig.Password));
        Assert.DoesNotContain("secret", fromConfig.ToString());
        Assert.Null(Find("other.example:5000", Env(("DOCKER_CONFIG", config))));
        Directory.Delete(config, true);
    }

    [Fact]
    public void A_password_without_a_user_name_is_an_error_that_does_not_show_it()
    {
        var e = Assert.Throws<RunnerException>(() => Find("ghcr.io", Env(("DISTROLESS_REGISTRY_PASSWORD", "hunter22"))));
        Assert.Equal("DISTROLESS_REGISTRY_PASSWORD is set but DISTROLESS_REGISTRY_USERNAME is not: set both", e.Message);
    }

    [Fact]
    public void Ghcr_takes_the_github_token_and_actor_and_other_registries_do_not()
    {
        var empty = ConfigDirectory("{}");
        var env = Env(("DOCKER_CONFIG", empty), ("GITHUB_TOKEN", "ghs_token"), ("GITHUB_ACTOR", "octocat"));
        var found = Find("ghcr.io", env)!;
        Assert.Equal(("octocat", "ghs_token", "GITHUB_ACTOR/GITHUB_TOKEN"), (found.Username, found.Password, found.Source));
        Assert.Null(Find("registry.example", env));
        Directory.Delete(empty, true);
    }

    [Fact]
    public void Docker_config_keys_with_a_scheme_and_plain_user_fields_match_the_host()
    {
        var config = ConfigDirectory("{\"auths\":{\"https://ghcr.io/v1/\":{\"auth\":\"" + Auth("octocat", "p:with:colons") + "\"},"
                                     + "\"registry.example\":{\"username\":\"u\",\"password\":\"pw-field\"}}}");
        var ghcr = Find("ghcr.io", Env(("DOCKER_CONFIG", config)))!;
        Assert.Equal(("octocat", "p:with:colons"), (ghcr.Username, ghcr.Password));
        Assert.Equal(Path.Combine(config, "config.json"), ghcr.Source);
        Assert.Equal("pw-field", Find("registry.example", Env(("DOCKER_CONFIG", config)))!.Password);
        Directory.Delete(config, true);
    }

    [Fact]
    public void Home_docker_config_is_the_default_and_a_missing_credential_helper_is_named()
    {
        var home = Directory.CreateTempSubdirectory("distroless-home").FullName;
        Directory.CreateDirectory(Path.Combine(home, ".docker"));
        File.WriteAllText(Path.Combine(home, ".docker", "config.json"), "{\"auths\":{\"ghcr.io\":{}},\"credsStore\":\"no-such-helper\"}");

        var e = Assert.Throws<RunnerException>(() => Find("ghcr.io", Env(("HOME", home))));
        Assert.Equal("the docker config keeps the credentials for ghcr.io in the credential helper 'no-such-helper', but "
                     + "docker-credential-no-such-helper is not installed: install it or add its folder to PATH, or set DISTROLESS_REGISTRY_USERNAME and DISTROLESS_REGISTRY_PASSWORD", e.Message);
        Directory.Delete(home, true);
    }

    [Fact]
    public void A_credential_helper_answer_gives_credentials_and_never_echoes_what_it_could_not_read()
    {
        var found = CredentialHelper.Parse("{\"ServerURL\":\"ghcr.io\",\"Username\":\"octocat\",\"Secret\":\"s3cret\"}", "docker-credential-pass", "ghcr.io")!;
        Assert.Equal(("octocat", "s3cret", "docker-credential-pass"), (found.Username, found.Password, found.Source));
        Assert.Null(CredentialHelper.Parse("{\"ServerURL\":\"ghcr.io\",\"Username\":\"\",\"Secret\":\"\"}", "docker-credential-pass", "ghcr.io"));

        var token = Assert.Throws<RunnerException>(() => CredentialHelper.Parse("{\"Username\":\"<token>\",\"Secret\":\"refresh-s3cret\"}", "docker-credential-x", "ghcr.io"));
        Assert.Contains("identity token", token.Message);
        Assert.DoesNotContain("refresh-s3cret", token.Message);
        var garbled = Assert.Throws<RunnerException>(() => CredentialHelper.Parse("s3cret-not-json", "docker-credential-x", "ghcr.io"));
        Assert.DoesNotContain("s3cret", garbled.Message);
    }

    [Fact]
    public void The_date_tag_takes_the_next_free_number_on_the_same_day()
    {
        var now = new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.FromHours(-5)); // 04:30 UTC the next day
        Assert.Equal("v2026.11.24", ImagePublisher.DateTag(now, Array.Empty<string>()));
        Assert.Equal("v2026.11.24.2", ImagePublisher.DateTag(now, new[] { "v2026.11.24", "v2026.11.24.1", "v2026.11.23.2" }));
    }

    [Fact]
    public void Loopback_registries_use_http()
    {
        Assert.True(RegistryClient.IsLoopback("127.0.0.1:5000"));
        Assert.True(RegistryClient.IsLoopback("localhost"));
        Assert.True(RegistryClient.IsLoopback("[::1]:5000"));
        Assert.False(RegistryClient.IsLoopback("ghcr.io"));
        Assert.False(RegistryClient.IsLoopback("127.example.com"));
    }

    [Fact]
    public void A_manifest_list_over_docker_manifests_is_a_docker_list_in_platform_order_and_over_oci_manifests_an_oci_index()
    {
        var arm = new PlatformManifest("linux", "arm64", null, new ManifestDescriptor(MediaTypes.DockerManifest, "sha256:" + new string('b', 64), 734));
        var amd = new PlatformManifest("linux", "amd64", null, new ManifestDescriptor(MediaTypes.DockerManifest, "sha256:" + new string('a', 64), 735));
        var text = Encoding.UTF8.GetString(ManifestList.Create(new[] { arm, amd }));

        Assert.Equal(text, Encoding.UTF8.GetString(ManifestList.Create(new[] { amd, arm })));
        Assert.StartsWith("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.docker.distribution.manifest.list.v2+json\",", text);
        Assert.True(text.IndexOf("amd64", StringComparison.Ordinal) < text.IndexOf("arm64", StringComparison.Ordinal));
        Assert.Contains("\"size\": 735,\n      \"digest\": \"sha256:aaaa", text);
        Assert.Equal(MediaTypes.OciIndex, ManifestList.MediaTypeFor(new[] { arm with { Manifest = arm.Manifest with { MediaType = MediaTypes.OciManifest } } }));
    }

    private static byte[] LayerBytes()
    {
        var bytes = new byte[300_000];
        new Random(12).NextBytes(bytes.AsSpan(0, 100_000)); // the rest compresses well
        return bytes;
    }

    [Fact]
    public async Task A_layer_compresses_to_the_same_gzip_bytes_with_a_header_free_of_time_name_and_host()
    {
        var tar = LayerBytes();
        using var first = new MemoryStream();
        using var second = new MemoryStream();
        var layer = await LayerCompression.CompressAsync(new MemoryStream(tar), first, CancellationToken.None);
        await LayerCompression.CompressAsync(new MemoryStream(tar), second, CancellationToken.None);

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, first.ToArray().Take(10));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(tar)), layer.DiffId);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(first.ToArray())), layer.Digest);
        Assert.Equal(first.Length, layer.Size);
        using var unzipped = new MemoryStream();
        await new System.IO.Compression.GZipStream(new MemoryStream(first.ToArray()), System.IO.Compression.CompressionMode.Decompress).CopyToAsync(unzipped);
        Assert.Equal(tar, unzipped.ToArray());
    }

    [Fact]
    public async Task The_layer_cache_keeps_a_compressed_layer_by_diff_id_and_refuses_a_layer_that_is_not_its_diff_id()
    {
        var directory = Directory.CreateTempSubdirectory("distroless-layer-cache").FullName;
        try
        {
            var cache = new LayerCache(directory);
            var tar = LayerBytes();
            var diffId = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(tar));
            Assert.Null(cache.Find(diffId));

            var added = await cache.AddAsync(diffId, new MemoryStream(tar), CancellationToken.None);
            Assert.Equal(added, cache.Find(diffId));
            Assert.Equal(added.Size, new FileInfo(added.Path).Length);

            // A blob cut short is no cache hit.
            File.WriteAllBytes(added.Path, File.ReadAllBytes(added.Path).Take(10).ToArray());
            Assert.Null(cache.Find(diffId));

            var wrong = "sha256:" + new string('0', 64);
            var e = await Assert.ThrowsAsync<RunnerException>(() => cache.AddAsync(wrong, new MemoryStream(tar), CancellationToken.None));
            Assert.Equal("the engine's saved layer " + wrong + " hashes to " + diffId, e.Message);
            Assert.Null(cache.Find(wrong));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_platform_manifest_is_a_docker_v2_manifest_over_the_config_and_the_layers_in_order()
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"arm64\",\"os\":\"linux\"}");
        var layers = new[]
        {
            new CachedLayer("sha256:" + new string('1', 64), "sha256:" + new string('b', 64), 20, "unused"),
            new CachedLayer("sha256:" + new string('2', 64), "sha256:" + new string('a', 64), 10, "unused"),
        };
        var image = new PlatformImage("linux", "arm64", null, config, layers);
        var text = Encoding.UTF8.GetString(image.Manifest);

        Assert.Equal(image.Manifest, new PlatformImage("linux", "arm64", null, config, layers).Manifest);
        Assert.StartsWith("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n  \"config\": {\n"
                          + "    \"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n    \"size\": " + config.Length + ",\n    \"digest\": \"" + image.ConfigDigest + "\"", text);
        Assert.True(text.IndexOf("bbbb", StringComparison.Ordinal) < text.IndexOf("aaaa", StringComparison.Ordinal));
        Assert.Equal(2, text.Split("application/vnd.docker.image.rootfs.diff.tar.gzip").Length - 1);
        Assert.Equal(new ManifestDescriptor(MediaTypes.DockerManifest, ImageManifest.Digest(image.Manifest), image.Manifest.Length), image.Descriptor);
        Assert.Equal("linux/arm64", image.Platform);
    }

    [Fact]
    public void If_changed_implies_the_date_tag()
    {
        Assert.True(new PublishOptions(IfChanged: true).WantsDateTag);
        Assert.True(new PublishOptions(DateTag: true).WantsDateTag);
        Assert.False(new PublishOptions().WantsDateTag);
    }

    [Fact]
    public void The_scrubber_masks_every_secret_it_was_given()
    {
        var scrubber = new SecretScrubber();
        scrubber.Add("s3cret-token");
        scrubber.Add("s3cret");
        Assert.Equal("token *** and ***!", scrubber.Scrub("token s3cret-token and s3cret!"));
    }

    [Theory]
    [InlineData("q")]
    [InlineData("pw")]
    [InlineData("Zx9")]
    public void The_scrubber_masks_secrets_of_every_length(string secret)
    {
        var scrubber = new SecretScrubber();
        scrubber.Add(secret);
        scrubber.Add(""); // nothing to mask, and no error

        var scrubbed = scrubber.Scrub("registry answered 401 for " + secret + " at /v2/?pw=" + secret);
        Assert.DoesNotContain(secret, scrubbed);
        Assert.Contains("***", scrubbed);
    }

    /// <summary>Answers like ghcr.io: /v2/ challenges with Bearer, the realm trades Basic credentials for a token.</summary>
    private sealed class TokenRegistry : HttpMessageHandler
    {
        public List<string> Requests { get; } = new();

        public string AcceptedPassword { get; init; } = "right";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.Method + " " + request.RequestUri + " " + request.Headers.Authorization?.Scheme);
            HttpResponseMessage response;
            if (request.RequestUri!.AbsolutePath == "/token")
            {
                response = request.Headers.Authorization?.Parameter == Convert.ToBase64String(Encoding.UTF8.GetBytes("octocat:" + AcceptedPassword))
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"token\":\"issued-token-123\"}") }
                    : new HttpResponseMessage(HttpStatusCode.Unauthorized);
            }
            else if (request.Headers.Authorization is { Scheme: "Bearer", Parameter: "issued-token-123" })
            {
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
            }
            else
            {
                response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                response.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.example/token\",service=\"registry.example\"");
            }

            return Task.FromResult(response);
        }
    }

    [Fact]
    public async Task The_bearer_flow_trades_the_credentials_for_a_token_scoped_to_the_repository()
    {
        var handler = new TokenRegistry();
        using var client = new RegistryClient("registry.example", new RegistryCredentials("octocat", "right", "test"), new SecretScrubber(), handler);

        await client.CheckAccessAsync("acme/base", CancellationToken.None);
        await client.CheckAccessAsync("acme/base", CancellationToken.None);

        Assert.Equal(new[]
        {
            "GET https://registry.example/v2/ ",
            "GET https://auth.example/token?service=registry.example&scope=repository%3Aacme%2Fbase%3Apull%2Cpush Basic",
            "GET https://registry.example/v2/ Bearer",
            "GET https://registry.example/v2/ Bearer", // the token is reused
        }, handler.Requests);
    }

    [Fact]
    public async Task A_token_service_refusing_the_credentials_is_one_clear_error()
    {
        using var client = new RegistryClient("registry.example", new RegistryCredentials("octocat", "wrong-pw", "test"), new SecretScrubber(),
            new TokenRegistry());

        var e = await Assert.ThrowsAsync<RunnerException>(() => client.CheckAccessAsync("acme/base", CancellationToken.None));
        Assert.Equal("registry registry.example refused the credentials for octocat (401 Unauthorized)", e.Message);
    }
}
