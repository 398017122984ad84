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
}
