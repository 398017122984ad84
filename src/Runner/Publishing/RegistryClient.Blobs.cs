using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>The blob half of the registry API: what a push writes before any manifest names it.</summary>
internal sealed partial class RegistryClient
{
    /// <summary><c>HEAD /v2/REPO/blobs/DIGEST</c>: whether the registry holds the blob in this repository already.</summary>
    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellation)
    {
        var path = "v2/" + repository + "/blobs/" + digest;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, path), repository, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, "HEAD /" + path, cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>Uploads one blob monolithically (<c>POST</c> an upload, then <c>PUT</c> its bytes with <c>?digest=</c>),
    /// unless the repository holds it already. <paramref name="open"/> may be called more than once (a retry after
    /// the registry's authentication challenge sends the bytes again). Returns whether bytes were sent.</summary>
    public async Task<bool> UploadBlobAsync(string repository, string digest, long size, Func<Stream> open, CancellationToken cancellation)
    {
        if (await BlobExistsAsync(repository, digest, cancellation).ConfigureAwait(false))
        {
            return false;
        }

        var start = "v2/" + repository + "/blobs/uploads/";
        Uri location;
        using (var started = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, start), repository, cancellation).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(started, "POST /" + start, cancellation).ConfigureAwait(false);
            location = started.Headers.Location
                       ?? throw new RunnerException("registry " + Registry + " started an upload to " + repository + " without a Location");
        }

        var target = location.IsAbsoluteUri ? location : new Uri(_http.BaseAddress!, location);
        var put = new UriBuilder(target);
        put.Query = (string.IsNullOrEmpty(put.Query) ? "" : put.Query.TrimStart('?') + "&") + "digest=" + Uri.EscapeDataString(digest);
        using var response = await SendAsync(() =>
        {
            var content = new StreamContent(open());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = size;
            return new HttpRequestMessage(HttpMethod.Put, put.Uri) { Content = content };
        }, repository, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "PUT blob " + digest + " to " + repository, cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary><c>GET /v2/REPO/blobs/DIGEST</c>, checked against the digest; for small blobs (signature payloads).</summary>
    public async Task<byte[]> GetBlobAsync(string repository, string digest, CancellationToken cancellation)
    {
        var path = "v2/" + repository + "/blobs/" + digest;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), repository, cancellation).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "GET /" + path, cancellation).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        var actual = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        return actual == digest ? bytes : throw new RunnerException("registry " + Registry + " served blob " + digest + " of " + repository + " with bytes that hash to " + actual);
    }

    /// <summary>The bytes of the manifest <paramref name="reference"/> points at, or null if there is none.</summary>
    public async Task<byte[]?> GetManifestBytesAsync(string repository, string reference, CancellationToken cancellation)
    {
        var path = "v2/" + repository + "/manifests/" + reference;
        using var response = await SendAsync(() => ManifestRequest(path), repository, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "GET /" + path, cancellation).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
    }
}
