using System;
using System.IO;
using System.Linq;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Locking;

/// <summary>What each definition needs from the lock, and <c>lock --check</c> against the committed lock. No engine.</summary>
public class LockCheckTests
{
    private static (int Exit, string Output, string Error) Run(DefinitionCatalog catalog, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string CommittedLock()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "definitions", LockPaths.LockFileName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("definitions/packages.lock");
    }

    private static PackageNeeds Needs(string image) => GeneratedCatalog.Catalog.FindImage(image)!.Definition.Packages!;

    [Fact]
    public void Needs_include_the_packages_the_build_implies()
    {
        Assert.Equal(new[] { "base-files", "ca-certificates", "tzdata" }, Needs("base").Target); // base-files for /etc/debian_version
        Assert.Equal(new[] { "ca-certificates" }, Needs("base").Builder); // the bundle is made by the build platform's update-ca-certificates
        Assert.Equal(new[] { "busybox-static" }, Needs("base-debug").Target);
        Assert.Equal(new[] { "busybox-static" }, Needs("base-debug").Builder);
        Assert.Equal(new[] { "jq" }, Needs("jq").Target);
        Assert.Equal(new[] { "binutils" }, Needs("jq").Builder);
        Assert.Equal(new[] { "binutils", "faketime", "gcc", "libc6-dev", "postgresql-17" }, Needs("postgres").Builder);
        Assert.Empty(Needs("pocket-id").Builder); // its release file is fetched on the host: no curl in a builder stage
        // Builder packages that depend on the target: curl links the target's libraries with its cross compiler; postgres
        // cross-compiles its init program only when the target is not the build platform.
        Assert.Equal(new[] { "gcc-{triplet}", "libbrotli-dev:{arch}", "libnghttp2-dev:{arch}", "libssl-dev:{arch}", "libzstd-dev:{arch}", "zlib1g-dev:{arch}" },
            Needs("curl").BuilderForTarget);
        Assert.Equal(new[] { "gcc-{triplet}", "libc6-dev-{arch}-cross" }, Needs("postgres").BuilderWhenCross);
        // The Debian source curl's stage unpacks travels with its definition (pinned file by file), for the host to fetch.
        var source = Assert.Single(GeneratedCatalog.Catalog.FindImage("curl")!.Definition.Sources!.Value);
        Assert.Equal(("curl", "8.14.1-2+deb13u5", 4), (source.Package, source.Version, source.Checksums.Count()));
        Assert.Empty(GeneratedCatalog.Catalog.FindImage("jq")!.Definition.Sources!.Value);
        Assert.Equal("https://github.com/pocket-id/pocket-id/releases/download/v2.14.0/checksums.txt",
            Assert.Single(GeneratedCatalog.Catalog.FindImage("pocket-id")!.Definition.Downloads!.Value).ChecksumsUrl);
    }

    [Fact]
    public void The_committed_lock_covers_every_definition()
    {
        var (exit, output, error) = Run(GeneratedCatalog.Catalog, "lock", "--check", "--lock", CommittedLock());

        Assert.True(exit == 0, error);
        Assert.Matches(@"^packages\.lock covers every image: \d+ package entries, 1 downloads\n$", output);
    }

    [Fact]
    public void A_definition_that_needs_a_package_the_lock_lacks_fails_the_check_in_one_line()
    {
        var jq = Tool.On(Distroless.Definitions.Bases.Static).FromDebian("jq", "libjq1").Binary("/usr/bin/jq").Entrypoint("/usr/bin/jq");
        var needsMore = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("jq", "1.7.1", ImageTier.Tool),
            jq.Spec with { Parent = new ImageRef("base", "0.1.0", ImageTier.Base) }, "Tests.Jq"));
        var catalog = new DefinitionCatalog(GeneratedCatalog.Catalog.Entries.Where(e => e.Name != "jq").Append(needsMore));
        var copy = Path.Combine(Path.GetTempPath(), "lock-check-" + Guid.NewGuid().ToString("N") + ".lock");
        var lines = File.ReadAllLines(CommittedLock()).Where(l => !l.StartsWith("deb jq arm64 target libjq1 ", StringComparison.Ordinal));
        File.WriteAllText(copy, string.Join("\n", lines) + "\n");
        try
        {
            Assert.Equal(0, Run(GeneratedCatalog.Catalog, "lock", "--check", "--lock", CommittedLock()).Exit);

            var (exit, output, error) = Run(catalog, "lock", "--check", "--lock", copy);

            Assert.Equal(1, exit);
            Assert.Equal("", output);
            Assert.Equal("error: jq needs the package libjq1 for arm64, which " + Path.GetFileName(copy) + " lacks: run 'lock --update jq'\n", error);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void A_cross_compiler_the_lock_lacks_fails_the_check_naming_both_platforms()
    {
        var copy = Path.Combine(Path.GetTempPath(), "lock-check-" + Guid.NewGuid().ToString("N") + ".lock");
        var lines = File.ReadAllLines(CommittedLock()).Where(l => !l.StartsWith("deb postgres amd64 build-for-arm64 gcc-aarch64-linux-gnu ", StringComparison.Ordinal));
        File.WriteAllText(copy, string.Join("\n", lines) + "\n");
        try
        {
            var (exit, _, error) = Run(GeneratedCatalog.Catalog, "lock", "--check", "--lock", copy);

            Assert.Equal(1, exit);
            Assert.Equal("error: postgres needs the builder package gcc-aarch64-linux-gnu on an amd64 build platform building for arm64, which "
                         + Path.GetFileName(copy) + " lacks: run 'lock --update postgres'\n", error);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Theory]
    [InlineData("jq", "base", "--platform", "linux/amd64")]
    [InlineData("jq", "--platform", "linux/amd64", "linux/arm64")]
    [InlineData("jq")]
    public void Fetch_into_a_folder_takes_one_image_and_one_platform(params string[] args)
    {
        var (exit, output, error) = Run(GeneratedCatalog.Catalog, new[] { "fetch" }.Concat(args).Concat(new[] { "--into", Path.GetTempPath() }).ToArray());

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal("error: --into takes the packages of one image for one platform: fetch NAME --platform linux/ARCH --into DIR\n", error);
    }

    [Fact]
    public void A_damaged_lock_fails_the_check_naming_the_line()
    {
        var copy = Path.Combine(Path.GetTempPath(), "lock-damaged-" + Guid.NewGuid().ToString("N") + ".lock");
        var lines = File.ReadAllLines(CommittedLock());
        var at = Array.FindIndex(lines, l => l.StartsWith("deb jq amd64 target jq ", StringComparison.Ordinal));
        lines[at] = lines[at].Replace("/jq_", "/jq-edited_"); // a hand edit of the archive path only
        File.WriteAllText(copy, string.Join("\n", lines) + "\n");
        try
        {
            var (exit, _, error) = Run(GeneratedCatalog.Catalog, "lock", "--check", "--lock", copy);

            Assert.Equal(1, exit);
            Assert.StartsWith("error: " + Path.GetFileName(copy) + " line " + (at + 1) + ": archive path ", error);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Lock_drops_the_entries_of_images_no_longer_defined_and_resolves_nothing_when_nothing_is_missing()
    {
        var baseOnly = new DefinitionCatalog(new[] { GeneratedCatalog.Catalog.FindImage("base")! });
        var copy = Path.Combine(Path.GetTempPath(), "lock-stale-" + Guid.NewGuid().ToString("N") + ".lock");
        var kept = File.ReadAllLines(CommittedLock()).Where(l => !l.StartsWith("deb ", StringComparison.Ordinal) && !l.StartsWith("download ", StringComparison.Ordinal)
                                                                 || l.StartsWith("deb base ", StringComparison.Ordinal) || l.StartsWith("deb jq ", StringComparison.Ordinal)).ToList();
        File.WriteAllText(copy, string.Join("\n", kept) + "\n");
        try
        {
            Assert.Contains("entries of images no longer defined: jq", Run(baseOnly, "lock", "--check", "--lock", copy).Output);

            var (exit, output, error) = Run(baseOnly, "lock", "--lock", copy);

            Assert.True(exit == 0, error);
            Assert.Contains("0 entries added, 0 moved, " + kept.Count(l => l.StartsWith("deb jq ", StringComparison.Ordinal)) + " removed", output);
            Assert.Equal(kept.Where(l => !l.StartsWith("deb jq ", StringComparison.Ordinal)), File.ReadAllLines(copy));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Resolver_output_becomes_entries_without_what_the_builder_image_holds()
    {
        static string Stanza(string name, string version, string arch, char sha) =>
            "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch + "\nFilename: pool/main/x/" + name + "/" + name + "_" + version + "_" + arch + ".deb\nSHA256: " + new string(sha, 64) + "\n\n";
        var output = "installed libc6\ninstalled ca-certificates\n"
                     + string.Concat(new[] { "amd64", "arm64" }.Select(a => "closure " + a + " binutils binutils libbinutils libc6\nclosure " + a + " ca-certificates ca-certificates openssl\n"))
                     + string.Concat(new[] { "amd64", "arm64" }.Select(a => "packages " + a + "\n" + Stanza("binutils", "2.44-3", a, 'a') + Stanza("libbinutils", "2.44-3", a, 'b')
                                                                        + Stanza("ca-certificates", "1", "all", 'c') + Stanza("openssl", "3", a, 'd') + Stanza("libc6", "2.41", a, 'e')));
        var needs = new PackageResolver.ImageNeeds("x", Array.Empty<string>(), Array.Empty<string>(), new[] { "binutils", "ca-certificates" });

        var entries = PackageResolver.FromOutput(output, new[] { needs });

        // libc6 is in the builder image, so apt installs none; ca-certificates is too, but it is a need, so it stays.
        Assert.Equal(new[] { "binutils", "ca-certificates", "libbinutils", "openssl" }, entries.Where(e => e.Arch == "arm64").Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal(PackageRole.Build, e.Role));
        Assert.Equal("pool/main/x/openssl/openssl_3_arm64.deb", entries.Single(e => e.Arch == "arm64" && e.Name == "openssl").ArchivePath);
        var missing = Assert.Throws<Distroless.Dsl.Runner.Catalog.RunnerException>(() => PackageResolver.FromOutput(
            "missing amd64 no-such-package\n", new[] { new PackageResolver.ImageNeeds("x", new[] { "amd64" }, new[] { "no-such-package" }, Array.Empty<string>()) }));
        Assert.Equal("x needs the Debian package no-such-package for amd64, which the archive does not have", missing.Message);
    }
}
