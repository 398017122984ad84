using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>The local registry that tests/infra/registry.sh starts (127.0.0.1:5000, htpasswd user 'distroless',
/// password in its state directory), the runner's publish run as a process against it (credentials from its
/// environment, as a user's would be), and a client of the tests' own to check what the registry holds.</summary>
internal static class TestRegistry
{
    public const string Address = "127.0.0.1:5000";
    public const string User = "distroless";
    public const string ManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string Manifest = "application/vnd.docker.distribution.manifest.v2+json";

    public static string Password()
    {
        var file = Path.Combine(Environment.GetEnvironmentVariable("DISTROLESS_REGISTRY_DIR") ?? "/var/lib/distroless-registry", "password");
        Assert.True(File.Exists(file), "No test registry password at " + file + ": run 'bash tests/infra/registry.sh' (tests/run-all.sh does)");
        return File.ReadAllText(file).Trim();
    }

    /// <summary>A namespace no earlier run used, so the tags and the date tag start from nothing.</summary>
    public static string FreshNamespace(string purpose) => "test-" + purpose + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);

    public static (int Exit, string Output, string Error) Publish(string password, params string[] args) => Runner(password, new[] { "publish" }.Concat(args).ToArray());

    /// <summary>The runner as a process with only the environment's credentials: no docker config, no GitHub token.</summary>
    public static (int Exit, string Output, string Error) Runner(string password, params string[] args)
    {
        var emptyConfig = Directory.CreateTempSubdirectory("distroless-docker-config").FullName;
        try
        {
            return RunRunner(environment =>
            {
                environment["DOCKER_CONFIG"] = emptyConfig;
                environment["DISTROLESS_REGISTRY_USERNAME"] = User;
                environment["DISTROLESS_REGISTRY_PASSWORD"] = password;
            }, args);
        }
        finally
        {
            Directory.Delete(emptyConfig, recursive: true);
        }
    }

    public static (int Exit, string Output, string Error) RunRunner(Action<IDictionary<string, string?>> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet");
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "Distroless.Dsl.Runner.dll") }.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "GITHUB_TOKEN", "DISTROLESS_REGISTRY_USERNAME", "DISTROLESS_REGISTRY_PASSWORD" })
        {
            start.Environment.Remove(name);
        }

        environment(start.Environment);
        return ProgramRun.Run(start);
    }

    public static HttpClient Api(string password, string address = Address)
    {
        var http = new HttpClient { BaseAddress = new Uri("http://" + address + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + password)));
        return http;
    }

    public static async Task<HttpResponseMessage> GetManifestAsync(HttpClient http, HttpMethod method, string repository, string reference, string accept)
    {
        var request = new HttpRequestMessage(method, "v2/" + repository + "/manifests/" + reference);
        request.Headers.Accept.ParseAdd(accept);
        return await http.SendAsync(request);
    }

    /// <summary>The digest <paramref name="tag"/> points at, or null when there is no such tag.</summary>
    public static async Task<string?> TagDigestAsync(HttpClient http, string repository, string tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Head, "v2/" + repository + "/manifests/" + tag);
        request.Headers.Accept.ParseAdd(ManifestList);
        request.Headers.Accept.ParseAdd(Manifest);
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode ? response.Headers.GetValues("Docker-Content-Digest").Single() : null;
    }

    /// <summary>The repository's tags, sorted; none when the registry does not know it.</summary>
    public static async Task<IReadOnlyList<string>> TagsAsync(HttpClient http, string repository)
    {
        using var response = await http.GetAsync("v2/" + repository + "/tags/list");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return Array.Empty<string>();
        }

        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).OrderBy(t => t, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every manifest list a tag of <paramref name="repository"/> points at names only manifests the registry holds.</summary>
    public static async Task AssertNoListPointsAtAMissingManifestAsync(HttpClient http, string repository)
    {
        foreach (var tag in await TagsAsync(http, repository))
        {
            using var list = await GetManifestAsync(http, HttpMethod.Get, repository, tag, ManifestList + ", " + Manifest);
            Assert.True(list.IsSuccessStatusCode, repository + ":" + tag + " " + list.StatusCode);
            using var json = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            if (!json.RootElement.TryGetProperty("manifests", out var children))
            {
                continue;
            }

            foreach (var child in children.EnumerateArray())
            {
                using var head = await GetManifestAsync(http, HttpMethod.Head, repository, child.GetProperty("digest").GetString()!, Manifest);
                Assert.True(head.IsSuccessStatusCode, repository + ":" + tag + " names the missing manifest " + child.GetProperty("digest").GetString());
            }
        }
    }
}
