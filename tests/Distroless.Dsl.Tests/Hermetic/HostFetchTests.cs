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

    [Fact]
    public async Task A_source_file_that_is_not_its_pin_is_refused_naming_the_file_and_both_hashes()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var dsc = Curl.Checksums.Single(c => c.File.EndsWith(".dsc", StringComparison.Ordinal));
        var wrong = new string('0', 64);
        var tampered = Curl with { Checksums = Curl.Checksums.Select(c => c == dsc ? c with { Sha256 = wrong } : c).ToEquatableArray() };

        var error = await Assert.ThrowsAsync<RunnerException>(() => DebianSourceFetcher.FetchAsync(engine, new PackageCache(_cache), new[] { tampered }, TextWriter.Null, CancellationToken.None));
        Assert.Equal("Debian source curl=" + Curl.Version + ": " + dsc.File + " does not match its pin: the definition says sha256 " + wrong + ", the archive served " + dsc.Sha256, error.Message);
        Assert.False(new PackageCache(_cache).HoldsFile(wrong));
    }
}
