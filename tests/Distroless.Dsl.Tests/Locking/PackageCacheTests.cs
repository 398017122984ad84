using System;
using System.IO;
using System.Security.Cryptography;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Locking;

/// <summary>The host package cache's own check of what it holds. No engine.</summary>
public class PackageCacheTests
{
    [Fact]
    public void A_cached_file_is_hashed_once_and_again_after_any_change_which_drops_a_damaged_one()
    {
        var directory = Directory.CreateTempSubdirectory("package-cache-").FullName;
        try
        {
            var cache = new PackageCache(directory);
            var content = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
            var sha = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
            var path = cache.PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);

            Assert.True(cache.Holds(sha));
            Assert.True(File.Exists(path + ".verified"));
            Assert.True(cache.Holds(sha)); // from the record, not hashed again

            // Same length, other bytes, a later time: hashed again, found damaged, removed to be fetched again.
            File.WriteAllBytes(path, new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 });
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            Assert.False(cache.Holds(sha));
            Assert.False(File.Exists(path));
            Assert.False(File.Exists(path + ".verified"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task A_Debian_source_file_that_is_not_its_pin_is_refused_in_one_line_naming_the_file_and_both_hashes()
    {
        var directory = Directory.CreateTempSubdirectory("source-cache-").FullName;
        try
        {
            var cache = new PackageCache(directory);
            var served = new byte[] { 1, 2, 3 };
            var pin = new Distroless.Dsl.Model.FileChecksum("hello_2.10-3.dsc", new string('a', 64));
            var source = new Distroless.Dsl.Model.DebianSourceSpec("hello", "2.10-3", "/src/hello", Distroless.Dsl.Model.EquatableArray.Of(pin));
            var error = await Assert.ThrowsAsync<Distroless.Dsl.Runner.Catalog.RunnerException>(() =>
                DebianSourceFetcher.StoreAsync(cache, source, pin, new MemoryStream(served), System.Threading.CancellationToken.None));
            Assert.Equal("Debian source hello=2.10-3: hello_2.10-3.dsc does not match its pin: the definition says sha256 " + pin.Sha256
                         + ", the archive served " + Convert.ToHexString(SHA256.HashData(served)).ToLowerInvariant(), error.Message);
            Assert.False(cache.HoldsFile(pin.Sha256));

            // The pinned bytes are stored by their hash.
            var good = new Distroless.Dsl.Model.FileChecksum(pin.File, Convert.ToHexString(SHA256.HashData(served)).ToLowerInvariant());
            Assert.Equal(3, await DebianSourceFetcher.StoreAsync(cache, source, good, new MemoryStream(served), System.Threading.CancellationToken.None));
            Assert.True(cache.HoldsFile(good.Sha256));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
