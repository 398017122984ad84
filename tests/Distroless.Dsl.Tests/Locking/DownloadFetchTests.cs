using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Locking;

/// <summary>Release downloads fetched on the host into the verified cache, with the real HTTP client: offline (a closed
/// local port) the one-line error says which file to put where; a file placed there is taken when its hash is the lock's
/// and refused, naming both hashes, when it is not; a file a (local) server sends is checked the same way.</summary>
public sealed class DownloadFetchTests : IDisposable
{
    private static readonly byte[] Release = System.Text.Encoding.ASCII.GetBytes("#!/bin/sh\necho a stand-in release binary\n");
    private static readonly string ReleaseSha = Sha(Release);

    private readonly string _root = Directory.CreateTempSubdirectory("download-fetch-").FullName;

    private string Cache => Path.Combine(_root, "cache");

    private string Placed => Path.Combine(_root, "downloads");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private static LockedDownload Offline(string sha) => new("test-app", "amd64", "https://127.0.0.1:9/releases/download/v1/tool_linux_amd64", sha);

    [Fact]
    public async Task Offline_the_error_names_the_file_its_hash_and_where_to_put_it_and_a_placed_file_then_builds()
    {
        var cache = new PackageCache(Cache);
        var fetcher = new DownloadFetcher(cache, Placed);
        var download = Offline(ReleaseSha);

        var error = await Assert.ThrowsAsync<RunnerException>(() => fetcher.FetchAsync(new[] { download }, CancellationToken.None));
        var local = Path.Combine(Placed, "test-app", "tool_linux_amd64");
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("cannot download " + download.Url + " (", error.Message);
        Assert.EndsWith("): download it elsewhere (sha256 " + ReleaseSha + ") and save it as " + local + ", then build again", error.Message);
        Assert.False(cache.HoldsFile(ReleaseSha));

        // Placed where the error said: taken (checked), stored by hash; a second fetch downloads nothing.
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await File.WriteAllBytesAsync(local, Release);
        var first = await fetcher.FetchAsync(new[] { download }, CancellationToken.None);
        Assert.Equal((1, 1, Release.Length, 0), (first.Packages, first.Downloaded, (int)first.DownloadedBytes, first.Cached));
        Assert.Equal(Release, await File.ReadAllBytesAsync(cache.PathOfFile(ReleaseSha)));

        File.Delete(local);
        var again = await fetcher.FetchAsync(new[] { download }, CancellationToken.None);
        Assert.Equal((1, 0, 1), (again.Packages, again.Downloaded, again.Cached));
    }

    [Fact]
    public async Task A_placed_file_with_another_hash_is_refused_naming_both_hashes()
    {
        var cache = new PackageCache(Cache);
        var pinned = new string('a', 64);
        var fetcher = new DownloadFetcher(cache, Placed);
        var local = fetcher.LocalCopy(Offline(pinned));
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await File.WriteAllBytesAsync(local, Release);

        var error = await Assert.ThrowsAsync<RunnerException>(() => fetcher.FetchAsync(new[] { Offline(pinned) }, CancellationToken.None));
        Assert.Equal(local + " is not " + Offline(pinned).Url + ": the lock says sha256 " + pinned + ", the file has " + ReleaseSha, error.Message);
        Assert.False(cache.HoldsFile(pinned));
        Assert.False(Directory.Exists(Path.Combine(Cache, "sha256")), "nothing is stored");
    }

    [Fact]
    public async Task What_a_server_sends_is_stored_only_when_it_is_the_locked_file()
    {
        var port = FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add("http://127.0.0.1:" + port + "/");
        server.Start();
        var serving = Task.Run(async () =>
        {
            while (server.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await server.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                await context.Response.OutputStream.WriteAsync(Release);
                context.Response.Close();
            }
        });

        var cache = new PackageCache(Cache);
        var url = "http://127.0.0.1:" + port + "/v1/tool_linux_amd64";
        var fetcher = new DownloadFetcher(cache, Placed);
        var wrong = new string('b', 64);
        var error = await Assert.ThrowsAsync<RunnerException>(() => fetcher.FetchAsync(new[] { new LockedDownload("test-app", "amd64", url, wrong) }, CancellationToken.None));
        Assert.Equal(url + " does not match the lock: the lock says sha256 " + wrong + ", the server sent " + ReleaseSha, error.Message);
        Assert.False(cache.HoldsFile(wrong));

        var fetched = await fetcher.FetchAsync(new[] { new LockedDownload("test-app", "amd64", url, ReleaseSha) }, CancellationToken.None);
        Assert.Equal(1, fetched.Downloaded);
        Assert.True(cache.HoldsFile(ReleaseSha));
        server.Stop();
        await serving;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
