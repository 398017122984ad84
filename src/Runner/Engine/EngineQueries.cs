using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Engine;

/// <summary>What the runner reads of an image: its ID, size, labels and tags.</summary>
internal sealed record ImageFacts(string Id, long Size, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> RepoTags)
{
    /// <summary>Whether the image carries ONBUILD triggers, which run in (and read for) every build FROM it.</summary>
    public bool HasOnBuild { get; init; }
}

/// <summary>The small engine calls every build makes (version, image inspect, tag), over the framework's own HTTP
/// client. Docker.DotNet's first call costs about 0.15 s of start-up (its HTTP stack and serializers are compiled on
/// first use), more than an unchanged build's every other step together; these calls parse only the fields the runner
/// reads. Endpoints other than unix:// and tcp:// (http) return null from <see cref="Create"/>: callers then use
/// Docker.DotNet.</summary>
internal sealed class EngineQueries : IDisposable
{
    private const string ApiVersion = "/v1.41";
    private readonly HttpClient _http;

    private EngineQueries(HttpClient http) => _http = http;

    public static EngineQueries? Create(EngineEndpoint endpoint)
    {
        if (endpoint.Uri.Scheme == "unix")
        {
            var path = endpoint.Uri.LocalPath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellation) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellation).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new EngineQueries(new HttpClient(handler) { BaseAddress = new Uri("http://localhost") });
        }

        return endpoint.Uri.Scheme == "http" ? new EngineQueries(new HttpClient { BaseAddress = endpoint.Uri }) : null;
    }

    /// <summary>The engine's version and architecture (GET /version).</summary>
    public async Task<(string Version, string Architecture)> VersionAsync(CancellationToken cancellation)
    {
        using var document = await GetJsonAsync("/version", cancellation).ConfigureAwait(false)
                             ?? throw new DockerApiException(HttpStatusCode.NotFound, "the engine has no /version");
        return (document.RootElement.GetProperty("Version").GetString() ?? "", document.RootElement.GetProperty("Arch").GetString() ?? "");
    }

    /// <summary>The image a name or ID refers to, or null when the engine holds none.</summary>
    public async Task<ImageFacts?> InspectImageAsync(string name, CancellationToken cancellation)
    {
        using var document = await GetJsonAsync("/images/" + PathOf(name) + "/json", cancellation).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        var root = document.RootElement;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("Labels", out var found) && found.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in found.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? "";
            }
        }

        var tags = root.TryGetProperty("RepoTags", out var repoTags) && repoTags.ValueKind == JsonValueKind.Array
            ? repoTags.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : new List<string>();
        var onBuild = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("OnBuild", out var triggers)
                      && triggers.ValueKind == JsonValueKind.Array && triggers.GetArrayLength() > 0;
        return new ImageFacts(root.GetProperty("Id").GetString() ?? "", root.TryGetProperty("Size", out var size) ? size.GetInt64() : 0, labels, tags)
        {
            HasOnBuild = onBuild,
        };
    }

    /// <summary>Names <paramref name="source"/> <paramref name="repository"/>:<paramref name="tag"/> (POST /images/{name}/tag).</summary>
    public async Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellation)
    {
        using var response = await _http.PostAsync(ApiVersion + "/images/" + PathOf(source) + "/tag?repo=" + Uri.EscapeDataString(repository)
                                                   + "&tag=" + Uri.EscapeDataString(tag), null, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument?> GetJsonAsync(string path, CancellationToken cancellation)
    {
        using var response = await _http.GetAsync(ApiVersion + path, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellation).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellation).ConfigureAwait(false);
    }

    /// <summary>A failed call throws what Docker.DotNet would, so callers handle both alike.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
            throw new DockerApiException(response.StatusCode, body);
        }
    }

    /// <summary>An image reference as the docker CLI writes it in a path: slashes and the tag's colon stay.</summary>
    private static string PathOf(string name) =>
        Uri.EscapeDataString(name).Replace("%2F", "/", StringComparison.Ordinal).Replace("%3A", ":", StringComparison.Ordinal);
}
