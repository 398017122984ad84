using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Hermetic;

/// <summary>Debian source files fetched on the host with the real engine and archive: once into an empty cache, then
/// nothing; a file that is not its pin is refused in one line naming the file and both hashes.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class HostFetchTests : IDisposable
{
    private static readonly DebianSourceSpec Curl = GeneratedCatalog.Catalog.FindImage("curl")!.Definition.Sources!.Value.Single();

    private readonly string _cache = Directory.CreateTempSubdirectory("host-fetch-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public async Task Curls_source_is_fetched_once_into_an_empty_cache_and_a_second_fetch_downloads_nothing()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var cache = new PackageCache(_cache);
        var first = await DebianSourceFetcher.FetchAsync(engine, cache, new[] { Curl }, TextWriter.Null, CancellationToken.None);
        Assert.Equal((4, 4, 0), (first.Packages, first.Downloaded, first.Cached));
        Assert.True(first.DownloadedBytes > 4_000_000, first.DownloadedBytes + " bytes");
        Assert.All(Curl.Checksums, c => Assert.True(cache.HoldsFile(c.Sha256), c.File));

        var again = await DebianSourceFetcher.FetchAsync(engine, cache, new[] { Curl }, TextWriter.Null, CancellationToken.None);
        Assert.Equal((4, 0, 0L, 4), (again.Packages, again.Downloaded, again.DownloadedBytes, again.Cached));
    }

    /// <summary>curl's source with its signature file pinned wrong, or not pinned: the fetch fails in one line, and
    /// nothing of that file is stored.</summary>
    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000",
        "Debian source curl=8.14.1-2+deb13u5: curl_8.14.1.orig.tar.gz.asc does not match its pin: the definition says sha256 0000000000000000000000000000000000000000000000000000000000000000, the archive served 39cc2ec8ddc39d04e3e7101bbed46d858d0875cbb297a6bfa20959fa2bc7d5c7")]
    [InlineData(null,
        "Debian source curl=8.14.1-2+deb13u5: curl_8.14.1.orig.tar.gz.asc is not pinned: add .Sha256(\"curl_8.14.1.orig.tar.gz.asc\", \"39cc2ec8ddc39d04e3e7101bbed46d858d0875cbb297a6bfa20959fa2bc7d5c7\")")]
    public async Task A_source_file_that_differs_from_its_pin_or_has_none_is_refused_in_one_line(string? signaturePin, string expected)
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var signature = Curl.Checksums.Single(c => c.File.EndsWith(".asc", StringComparison.Ordinal));
        var pins = Curl.Checksums.Where(c => c != signature).ToList();
        if (signaturePin is not null)
        {
            pins.Add(signature with { Sha256 = signaturePin });
        }

        var cache = new PackageCache(_cache);
        var error = await Assert.ThrowsAsync<RunnerException>(() =>
            DebianSourceFetcher.FetchAsync(engine, cache, new[] { Curl with { Checksums = pins.ToEquatableArray() } }, TextWriter.Null, CancellationToken.None));
        Assert.Equal(expected, error.Message);
        Assert.False(cache.HoldsFile(signature.Sha256));
    }
}
