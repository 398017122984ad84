using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Fetches the lock's release downloads into the host cache, once, on the host: a hand-placed copy
/// (<c>downloads/IMAGE/FILENAME</c> beside the lock, where <see cref="DownloadLocker"/> looks for checksum files) is
/// taken first, else the URL is read. Either way the file is stored only when its SHA-256 is the lock's. Offline with no
/// copy, the error says which file to put where, with its hash.</summary>
internal sealed class DownloadFetcher
{
    private readonly PackageCache _cache;
    private readonly string _localDirectory;
    private readonly Func<string, CancellationToken, Task<Stream>> _get;

    /// <param name="get">Opens a URL's content; the real one is <see cref="HttpOpenAsync"/>.</param>
    public DownloadFetcher(PackageCache cache, string localDirectory, Func<string, CancellationToken, Task<Stream>>? get = null)
    {
        _cache = cache;
        _localDirectory = localDirectory;
        _get = get ?? HttpOpenAsync;
    }

    /// <summary>Where a hand-placed copy of a download is looked for.</summary>
    public string LocalCopy(LockedDownload download) => LockPaths.LocalCopy(_localDirectory, download.Image, download.Url);

    public async Task<PackageCache.FetchReport> FetchAsync(IEnumerable<LockedDownload> downloads, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var unique = downloads.GroupBy(d => d.Sha256).Select(g => g.First()).OrderBy(d => d.Url, StringComparer.Ordinal).ToList();
        var missing = unique.Where(d => !_cache.HoldsFile(d.Sha256)).ToList();
        long bytes = 0;
        foreach (var download in missing)
        {
            var local = LocalCopy(download);
            if (File.Exists(local))
            {
                await using var placed = File.OpenRead(local);
                bytes += await _cache.StoreVerifiedAsync(placed, download.Sha256, _cache.PathOfFile(download.Sha256),
                    actual => local + " is not " + download.Url + ": the lock says sha256 " + download.Sha256 + ", the file has " + actual, cancellation).ConfigureAwait(false);
                continue;
            }

            Stream content;
            try
            {
                content = await _get(download.Url, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellation.IsCancellationRequested)
            {
                var reason = e is TaskCanceledException ? "timed out" : e.Message.TrimEnd('.');
                throw new RunnerException("cannot download " + download.Url + " (" + reason + "): download it elsewhere (sha256 " + download.Sha256 + ") and save it as " + local + ", then build again");
            }

            await using (content)
            {
                bytes += await _cache.StoreVerifiedAsync(content, download.Sha256, _cache.PathOfFile(download.Sha256),
                    actual => download.Url + " does not match the lock: the lock says sha256 " + download.Sha256 + ", the server sent " + actual, cancellation).ConfigureAwait(false);
            }
        }

        return new PackageCache.FetchReport(unique.Count, missing.Count, bytes, unique.Count - missing.Count, clock.Elapsed);
    }

    private static readonly HttpClient Http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(20) }) { Timeout = TimeSpan.FromMinutes(10) };

    private static async Task<Stream> HttpOpenAsync(string url, CancellationToken cancellation)
    {
        var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new HttpRequestException("HTTP " + (int)response.StatusCode + " " + response.ReasonPhrase);
        }

        return await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
    }
}
