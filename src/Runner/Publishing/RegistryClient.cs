using System;
using Distroless.Dsl.Runner.Catalog;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>A manifest as the registry holds it: what a manifest list points at.</summary>
internal sealed record ManifestDescriptor(string MediaType, string Digest, long Size);

/// <summary>The Docker Registry HTTP API v2 calls publish needs: check credentials, read a manifest's descriptor,
/// list tags and put a manifest. Authenticates on the registry's <c>401</c> challenge, with Basic auth or a Bearer
/// token fetched from the challenge's realm, then retries once. Plain http for loopback registries, https otherwise.
/// Every message it raises has passed through the <see cref="SecretScrubber"/>.</summary>
internal sealed partial class RegistryClient : IDisposable
{
    public static readonly string[] ManifestMediaTypes =
    {
        MediaTypes.DockerManifest, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.OciIndex,
    };

    private readonly HttpClient _http;
    private readonly RegistryCredentials? _credentials;
    private readonly SecretScrubber _scrubber;
    private readonly Dictionary<string, AuthenticationHeaderValue> _authorizations = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public RegistryClient(string registry, RegistryCredentials? credentials, SecretScrubber scrubber, HttpMessageHandler? handler = null)
    {
        Registry = registry;
        _credentials = credentials;
        _scrubber = scrubber;
        if (credentials is not null)
        {
            scrubber.Add(credentials.Password);
            scrubber.Add(credentials.BasicHeaderValue);
        }

        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromMinutes(2);
        _http.BaseAddress = new Uri((IsLoopback(registry) ? "http://" : "https://") + registry + "/");
    }

    public string Registry { get; }

    /// <summary>127.0.0.0/8, ::1 and localhost, with or without a port: registries the engine also reaches over http.</summary>
    public static bool IsLoopback(string registry)
    {
        var host = registry.StartsWith('[') ? registry.Substring(0, registry.IndexOf(']') + 1) : registry.Split(':')[0];
        return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary><c>GET /v2/</c> with the credentials: fails with one clear line when the registry refuses them.</summary>
    public async Task CheckAccessAsync(string repository, CancellationToken cancellation)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "v2/"), repository, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "GET /v2/", cancellation).ConfigureAwait(false);
    }

    /// <summary>The manifest <paramref name="reference"/> (a tag or digest) points at, or null if there is none. The digest
    /// is computed from the bytes and checked against the registry's <c>Docker-Content-Digest</c>.</summary>
    public async Task<ManifestDescriptor?> GetManifestAsync(string repository, string reference, CancellationToken cancellation)
    {
        var path = "v2/" + repository + "/manifests/" + reference;
        using var response = await SendAsync(() => ManifestRequest(path), repository, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "GET /" + path, cancellation).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var said) && said.FirstOrDefault() is { } header && header != digest)
        {
            throw new RunnerException("registry " + Registry + " said " + repository + ":" + reference + " is " + header + ", but its bytes hash to " + digest);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.IsNullOrEmpty(mediaType) || mediaType == "application/json")
        {
            using var manifest = JsonDocument.Parse(body);
            mediaType = manifest.RootElement.TryGetProperty("mediaType", out var m) ? m.GetString() : null;
        }

        return new ManifestDescriptor(mediaType ?? MediaTypes.DockerManifest, digest, body.LongLength);
    }

    /// <summary>A GET of a manifest that accepts every manifest and index media type publish reads.</summary>
    private static HttpRequestMessage ManifestRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var type in ManifestMediaTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return request;
    }

    /// <summary>The repository's tags; none for a repository the registry does not know yet.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellation)
    {
        var path = "v2/" + repository + "/tags/list";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), repository, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return Array.Empty<string>();
        }

        await EnsureSuccessAsync(response, "GET /" + path, cancellation).ConfigureAwait(false);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        return json.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : Array.Empty<string>();
    }

    /// <summary><c>PUT /v2/REPO/manifests/TAG</c>; returns the digest the registry stored it under.</summary>
    public async Task<string> PutManifestAsync(string repository, string tag, string mediaType, byte[] manifest, CancellationToken cancellation)
    {
        var path = "v2/" + repository + "/manifests/" + tag;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = new ByteArrayContent(manifest) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
        }, repository, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "PUT /" + path, cancellation).ConfigureAwait(false);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest));
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var said) && said.FirstOrDefault() is { } stored && stored != digest)
        {
            throw new RunnerException("registry " + Registry + " stored " + repository + ":" + tag + " as " + stored + ", not " + digest);
        }

        return digest;
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    /// <summary>Sends with the authorization cached for this repository; on a 401, answers the challenge and retries once.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string repository, CancellationToken cancellation)
    {
        var first = await SendOnceAsync(create, Authorization(repository), cancellation).ConfigureAwait(false);
        if (first.StatusCode != HttpStatusCode.Unauthorized)
        {
            return first;
        }

        var challenge = AuthChallenge.Parse(first.Headers.WwwAuthenticate.ToString());
        first.Dispose();
        var authorization = await AnswerAsync(challenge, repository, cancellation).ConfigureAwait(false);
        var second = await SendOnceAsync(create, authorization, cancellation).ConfigureAwait(false);
        if (second.StatusCode == HttpStatusCode.Unauthorized)
        {
            second.Dispose();
            throw Refused(HttpStatusCode.Unauthorized);
        }

        return second;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, AuthenticationHeaderValue? authorization, CancellationToken cancellation)
    {
        using var request = create();
        request.Headers.Authorization = authorization;
        try
        {
            return await _http.SendAsync(request, cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RunnerException(_scrubber.Scrub("registry " + Registry + " is unreachable at " + _http.BaseAddress + ": " + e.Message));
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new RunnerException("registry " + Registry + " did not answer " + request.Method + " " + request.RequestUri + " within " + _http.Timeout.TotalSeconds + " s");
        }
    }

    private AuthenticationHeaderValue? Authorization(string repository)
    {
        lock (_authorizations)
        {
            return _authorizations.TryGetValue(repository, out var value) ? value
                : _authorizations.TryGetValue("", out var basic) ? basic : null;
        }
    }

    private async Task<AuthenticationHeaderValue> AnswerAsync(AuthChallenge? challenge, string repository, CancellationToken cancellation)
    {
        if (challenge is { IsBasic: true })
        {
            var basic = new AuthenticationHeaderValue("Basic", Credentials().BasicHeaderValue);
            lock (_authorizations)
            {
                _authorizations[""] = basic;
            }

            return basic;
        }

        if (challenge is not { IsBearer: true, Realm: { } realm })
        {
            throw new RunnerException("registry " + Registry + " asked for authentication this runner does not speak: '" + challenge?.Scheme + "'");
        }

        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            // Ask for push and pull on the repository at once, so one token serves every call on it.
            var scope = "repository:" + repository + ":pull,push";
            var query = new List<string>();
            if (challenge.Service is { } service)
            {
                query.Add("service=" + Uri.EscapeDataString(service));
            }

            query.Add("scope=" + Uri.EscapeDataString(scope));
            using var request = new HttpRequestMessage(HttpMethod.Get, realm + (realm.Contains('?') ? "&" : "?") + string.Join("&", query));
            if (_credentials is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials.BasicHeaderValue);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellation).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new RunnerException(_scrubber.Scrub("registry " + Registry + "'s token service " + realm + " is unreachable: " + e.Message));
            }

            using (response)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw Refused(response.StatusCode);
                }

                await EnsureSuccessAsync(response, "GET " + realm, cancellation).ConfigureAwait(false);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
                var token = (json.RootElement.TryGetProperty("token", out var t) ? t.GetString() : null)
                            ?? (json.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null)
                            ?? throw new RunnerException("registry " + Registry + "'s token service " + realm + " answered without a token");
                _scrubber.Add(token);
                var bearer = new AuthenticationHeaderValue("Bearer", token);
                lock (_authorizations)
                {
                    _authorizations[repository] = bearer;
                }

                return bearer;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private RegistryCredentials Credentials() => _credentials ?? throw NeedsCredentials();

    private RunnerException NeedsCredentials() =>
        new("registry " + Registry + " requires credentials: set " + CredentialLookup.UsernameVariable + " and "
            + CredentialLookup.PasswordVariable + ", or 'docker login " + Registry + "'");

    private RunnerException Refused(HttpStatusCode status) =>
        _credentials is null
            ? NeedsCredentials()
            : new RunnerException("registry " + Registry + " refused the credentials for " + _credentials.Username + " (" + (int)status + " " + Reason(status) + ")");

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellation)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        var detail = RegistryErrors(body);
        var status = (int)response.StatusCode + " " + Reason(response.StatusCode);
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new RunnerException(_scrubber.Scrub("registry " + Registry + " denied " + what + " to " + (_credentials?.Username ?? "anonymous") + " (" + status + ")" + detail));
        }

        throw new RunnerException(_scrubber.Scrub("registry " + Registry + " answered " + status + " to " + what + detail));
    }

    /// <summary>The registry's <c>{"errors":[{"code","message"}]}</c> body as <c>: CODE message</c>.</summary>
    private static string RegistryErrors(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var messages = errors.EnumerateArray().Select(e =>
                    ((e.TryGetProperty("code", out var c) ? c.GetString() : "") + " " + (e.TryGetProperty("message", out var m) ? m.GetString() : "")).Trim());
                return ": " + string.Join("; ", messages);
            }
        }
        catch (JsonException)
        {
        }

        var line = body.Split('\n').FirstOrDefault()?.Trim() ?? "";
        return line.Length == 0 ? "" : ": " + (line.Length > 200 ? line.Substring(0, 200) : line);
    }

    private static string Reason(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        _ => status.ToString(),
    };
}

/// <summary>The manifest media types of the Docker v2 and OCI formats.</summary>
internal static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
}
