using System;
using System.IO;
using System.Linq;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Locking;

/// <summary>Resolves <c>base</c> against the real Debian archive with apt in the builder image (once, in the fixture),
/// then fetches its packages into a fresh host cache through the real engine.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class LockEngineTests : IClassFixture<LockEngineTests.BaseLock>
{
    private readonly BaseLock _lock;

    public LockEngineTests(BaseLock baseLock) => _lock = baseLock;

    internal static (int Exit, string Output, string Error) Run(DefinitionCatalog catalog, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static DefinitionCatalog BaseOnly => new(new[] { GeneratedCatalog.Catalog.FindImage("base")! });

    /// <summary>A lock of <c>base</c> only, resolved by the real <c>lock --update base</c>.</summary>
    public sealed class BaseLock : IDisposable
    {
        public BaseLock()
        {
            Path = System.IO.Path.Combine(Directory, "packages.lock");
            Result = Run(BaseOnly, "lock", "--update", "base", "--lock", Path);
        }

        public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lock-engine-" + Guid.NewGuid().ToString("N"));

        public string Path { get; }

        public (int Exit, string Output, string Error) Result { get; }

        public string Scratch(string name) => System.IO.Path.Combine(Directory, name);

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    [Fact]
    public void Lock_resolves_every_package_of_base_for_both_platforms()
    {
        Assert.True(_lock.Result.Exit == 0, _lock.Result.Output + _lock.Result.Error);
        var packages = LockPaths.Read(_lock.Path).Packages;
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var target = packages.Where(p => p.Arch == arch && p.Role == PackageRole.Target).ToList();
            Assert.Contains(target, p => p.Name == "tzdata" && p.PackageArch == "all");
            Assert.Contains(target, p => p.Name == "ca-certificates");
            Assert.Contains(target, p => p.Name == "base-files" && p.PackageArch == arch); // its /etc/debian_version ships
            Assert.Contains(target, p => p.Name == "openssl" && p.PackageArch == arch && p.ArchivePath.StartsWith("pool/", StringComparison.Ordinal)); // a dependency of ca-certificates
            Assert.Contains(packages, p => p.Arch == arch && p.Role == PackageRole.Build && p.Name == "ca-certificates");
        }

        Assert.All(packages, p => Assert.Equal("base", p.Image));
        Assert.Matches(@"^Locked 1 image in [0-9.]+ s: \d+ entries added, 0 moved, 0 removed; packages\.lock holds \d+ package entries", _lock.Result.Output.Split('\n')[^2]);

        var (exit, output, _) = Run(BaseOnly, "lock", "--lock", _lock.Path);
        Assert.Equal(0, exit);
        Assert.StartsWith("packages.lock is up to date", output);
    }

    [Fact]
    public void Fetch_downloads_each_locked_package_once_verified_and_stores_it_by_hash()
    {
        var cache = _lock.Scratch("cache-ok");
        var wanted = LockPaths.Read(_lock.Path).For("base", "amd64", "amd64"); // this engine is amd64

        var (exit, output, error) = Run(BaseOnly, "fetch", "base", "--platform", "linux/amd64", "--lock", _lock.Path, "--cache", cache);

        Assert.True(exit == 0, output + error);
        var distinct = wanted.Select(p => p.Sha256).Distinct().ToList();
        Assert.Contains("fetch: " + distinct.Count + " packages for amd64 (builder packages for amd64): downloaded " + distinct.Count + " (", output);
        var stored = new PackageCache(cache);
        Assert.All(distinct, sha => Assert.Equal(sha, PackageCache.HashOf(stored.PathOf(sha))));

        var (again, warm, _) = Run(BaseOnly, "fetch", "base", "--platform", "linux/amd64", "--lock", _lock.Path, "--cache", cache);
        Assert.Equal(0, again);
        Assert.Contains("downloaded 0 (0.0 MB), " + distinct.Count + " already cached", warm);

        var files = stored.Materialize(wanted, _lock.Scratch("debs-amd64"));
        Assert.Equal(wanted.Select(p => p.FileName).Distinct().OrderBy(f => f, StringComparer.Ordinal), files);
        Assert.Contains(files, f => f.StartsWith("tzdata_", StringComparison.Ordinal) && f.EndsWith("_all.deb", StringComparison.Ordinal));
    }

    [Fact]
    public void A_lock_entry_whose_hash_does_not_match_the_download_names_the_package_and_both_hashes()
    {
        var lines = File.ReadAllLines(_lock.Path);
        var at = Array.FindIndex(lines, l => l.StartsWith("deb base amd64 target tzdata ", StringComparison.Ordinal));
        var fields = lines[at].Split(' ');
        var real = fields[8];
        var wrong = new string(real.Reverse().ToArray());
        fields[8] = wrong;
        lines[at] = string.Join(" ", fields);
        var edited = _lock.Scratch("wrong-hash.lock");
        File.WriteAllText(edited, string.Join("\n", lines) + "\n");

        var (exit, _, error) = Run(BaseOnly, "fetch", "base", "--platform", "linux/amd64", "--lock", edited, "--cache", _lock.Scratch("cache-wrong-hash"));

        Assert.Equal(1, exit);
        Assert.Equal("error: tzdata " + fields[5] + " (all) does not match the lock: the lock says sha256 " + wrong + ", the archive served " + real + "\n", error);
        Assert.False(File.Exists(new PackageCache(_lock.Scratch("cache-wrong-hash")).PathOf(wrong)));
    }

    [Fact]
    public void A_locked_version_the_archive_no_longer_serves_says_to_update_the_image()
    {
        var lines = File.ReadAllLines(_lock.Path);
        var at = Array.FindIndex(lines, l => l.StartsWith("deb base amd64 target tzdata ", StringComparison.Ordinal));
        var fields = lines[at].Split(' ');
        var gone = "2000a-0+gone1";
        lines[at] = string.Join(" ", fields[0], fields[1], fields[2], fields[3], fields[4], gone, fields[6],
            fields[7].Substring(0, fields[7].LastIndexOf('/') + 1) + "tzdata_" + gone + "_all.deb", fields[8]);
        var edited = _lock.Scratch("gone.lock");
        File.WriteAllText(edited, string.Join("\n", lines) + "\n");

        var (exit, _, error) = Run(BaseOnly, "fetch", "base", "--platform", "linux/amd64", "--lock", edited, "--cache", _lock.Scratch("cache-gone"));

        Assert.Equal(1, exit);
        Assert.Equal("error: the archive no longer serves tzdata " + gone + " (all), which the lock pins: run 'lock --update base'\n", error);
    }
}
