using System;
using System.IO;
using System.Linq;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Locking;

/// <summary>The lock file's format: stable, reviewable, and strict about lines a program did not write. No engine.</summary>
public class LockFileFormatTests
{
    private const string ShaA = "c10585ac22c7f617a73d394eea29ba71d0356f350ae973b19043d1b017f80f54";
    private const string ShaB = "b59b0625cd1a791375d40dab23a4d5d3d0641e3d0a773501becdc3725b7f99cf";

    private static LockedPackage Libc(string image, string arch, string version = "2.41-12+deb13u5", string sha = ShaB) =>
        new(image, arch, PackageRole.Target, "libc6", version, arch, "pool/main/g/glibc/libc6_" + version + "_" + arch + ".deb", sha);

    private static readonly LockedPackage Ca = new("base", "amd64", PackageRole.Target, "ca-certificates", "20250419+deb13u1", "all",
        "pool/main/c/ca-certificates/ca-certificates_20250419+deb13u1_all.deb", ShaA);

    private static readonly LockedPackage Zlib = new("jq", "arm64", PackageRole.Build, "zlib1g", "1:1.3.dfsg+really1.3.1-1+deb13u1", "arm64",
        "pool/main/z/zlib/zlib1g_1.3.dfsg+really1.3.1-1+deb13u1_arm64.deb", ShaA);

    private static readonly LockedDownload PocketId = new("pocket-id", "amd64", "https://github.com/pocket-id/pocket-id/releases/download/v2.14.0/pocket-id_linux_amd64", ShaA);

    [Fact]
    public void Writing_sorts_entries_so_the_text_does_not_depend_on_resolution_order()
    {
        var one = new PackageLock(new[] { Zlib, Libc("jq", "amd64"), Ca, Libc("base", "arm64") }, new[] { PocketId });
        var other = new PackageLock(new[] { Libc("base", "arm64"), Ca, Libc("jq", "amd64"), Zlib }, new[] { PocketId });

        var text = LockFileFormat.Write(one);

        Assert.Equal(text, LockFileFormat.Write(other));
        Assert.DoesNotContain("\r", text);
        var entries = text.Split('\n').Where(l => l.StartsWith("deb ", StringComparison.Ordinal) || l.StartsWith("download ", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "deb base amd64 target ca-certificates", "deb base arm64 target libc6", "deb jq amd64 target libc6", "deb jq arm64 build zlib1g", "download pocket-id amd64" },
            entries.Select(e => string.Join(" ", e.Split(' ').Take(e.StartsWith("deb", StringComparison.Ordinal) ? 5 : 3))));
        Assert.Equal(one.Packages.OrderBy(p => p.Image).ThenBy(p => p.Name), LockFileFormat.Parse(text, "packages.lock").Packages.OrderBy(p => p.Image).ThenBy(p => p.Name));
        Assert.Equal(new[] { PocketId }, LockFileFormat.Parse(text, "packages.lock").Downloads);
    }

    [Fact]
    public void Builder_packages_for_one_target_architecture_round_trip_and_sort_after_the_others()
    {
        var cross = new LockedPackage("curl", "amd64", PackageRole.Build, "gcc-aarch64-linux-gnu", "4:14.2.0-1", "amd64",
            "pool/main/g/gcc-defaults/gcc-aarch64-linux-gnu_14.2.0-1_amd64.deb", ShaA, ForTarget: "arm64");
        var library = new LockedPackage("curl", "amd64", PackageRole.Build, "libssl-dev", "3.5.9-1~deb13u1", "arm64",
            "pool/main/o/openssl/libssl-dev_3.5.9-1~deb13u1_arm64.deb", ShaB, ForTarget: "arm64");
        var native = new LockedPackage("curl", "amd64", PackageRole.Build, "libssl-dev", "3.5.9-1~deb13u1", "amd64",
            "pool/main/o/openssl/libssl-dev_3.5.9-1~deb13u1_amd64.deb", ShaB, ForTarget: "amd64");
        var plain = new LockedPackage("curl", "amd64", PackageRole.Build, "make", "4.4.1-2", "amd64", "pool/main/m/make-dfsg/make_4.4.1-2_amd64.deb", ShaA);

        var text = LockFileFormat.Write(new PackageLock(new[] { library, cross, native, plain }, Array.Empty<LockedDownload>()));
        var parsed = LockFileFormat.Parse(text, "packages.lock");

        Assert.Equal(new[] { "build make", "build-for-amd64 libssl-dev", "build-for-arm64 gcc-aarch64-linux-gnu", "build-for-arm64 libssl-dev" },
            text.Split('\n').Where(l => l.StartsWith("deb ", StringComparison.Ordinal)).Select(l => string.Join(" ", l.Split(' ').Skip(3).Take(2))));
        Assert.Equal(new[] { plain, native, cross, library }, parsed.Packages);
        // Building for arm64 on amd64 takes the plain builder packages and the arm64 ones, never those for amd64.
        Assert.Equal(new[] { plain, cross, library }, parsed.For("curl", "arm64", "amd64"));
        Assert.Equal(new[] { plain, native }, parsed.For("curl", "amd64", "amd64"));
    }

    [Fact]
    public void A_moved_package_is_a_one_line_diff_per_image_and_platform()
    {
        var before = LockFileFormat.Write(new PackageLock(new[] { Ca, Libc("base", "amd64"), Libc("base", "arm64"), Zlib }, Array.Empty<LockedDownload>())).Split('\n');
        var after = LockFileFormat.Write(new PackageLock(new[] { Ca, Libc("base", "amd64", "2.41-13", ShaA), Libc("base", "arm64"), Zlib }, Array.Empty<LockedDownload>())).Split('\n');

        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
        Assert.Single(changed);
        Assert.StartsWith("deb base amd64 target libc6 2.41-13 amd64 pool/main/g/glibc/libc6_2.41-13_amd64.deb ", changed[0].Second);
    }

    [Theory]
    [InlineData("deb base amd64 target libc6 2.41-12+deb13u5 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb", "9 fields")]
    [InlineData("deb base amd64 target libc6 2.41-12+deb13u5 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb " + "B59B0625cd1a791375d40dab23a4d5d3d0641e3d0a773501becdc3725b7f99cf", "is not a SHA-256")]
    [InlineData("deb base amd64 target libc6 2.41-13 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb " + ShaB, "is not pool/.../libc6_2.41-13_amd64.deb")]
    [InlineData("deb base amd64 ship libc6 2.41-12+deb13u5 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb " + ShaB, "role 'ship'")]
    [InlineData("deb base riscv64 target libc6 2.41-12+deb13u5 riscv64 pool/main/g/glibc/libc6_2.41-12+deb13u5_riscv64.deb " + ShaB, "architecture 'riscv64'")]
    [InlineData("deb base amd64 target libc6 2.41-12+deb13u5 arm64 pool/main/g/glibc/libc6_2.41-12+deb13u5_arm64.deb " + ShaB, "neither all nor amd64")]
    [InlineData("rpm base amd64 target libc6", "unknown entry 'rpm'")]
    [InlineData("deb base amd64 build-for-riscv64 libc6 2.41-12+deb13u5 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb " + ShaB, "role 'build-for-riscv64'")]
    [InlineData("deb base amd64 build libc6 2.41-12+deb13u5 arm64 pool/main/g/glibc/libc6_2.41-12+deb13u5_arm64.deb " + ShaB, "neither all nor amd64")]
    [InlineData("download pocket-id amd64 http://example.invalid/pocket-id " + ShaA, "not https://")]
    [InlineData("deb base amd64 target libc6 2.41-12+deb13u5 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb " + ShaB + " ", "stray whitespace")]
    [InlineData("deb base amd64 target libc6 2.41-12+deb13u5 amd64 pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb " + ShaB + "\r", "stray whitespace")]
    public void A_damaged_or_hand_edited_line_is_named(string badLine, string why)
    {
        var lines = LockFileFormat.Write(new PackageLock(new[] { Ca, Libc("jq", "amd64") }, Array.Empty<LockedDownload>())).TrimEnd('\n').Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith("deb jq", StringComparison.Ordinal));
        lines.Insert(at, badLine);

        var e = Assert.Throws<RunnerException>(() => LockFileFormat.Parse(string.Join("\n", lines) + "\n", "packages.lock"));

        Assert.StartsWith("packages.lock line " + (at + 1) + ": ", e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Repeated_and_reordered_entries_are_named()
    {
        var text = LockFileFormat.Write(new PackageLock(new[] { Ca, Libc("jq", "amd64") }, Array.Empty<LockedDownload>()));
        var lines = text.TrimEnd('\n').Split('\n').ToList();
        var last = lines.Count;

        var repeated = Assert.Throws<RunnerException>(() => LockFileFormat.Parse(text + lines[^1] + "\n", "packages.lock"));
        Assert.StartsWith("packages.lock line " + (last + 1) + ": repeats the entry of line " + last, repeated.Message);

        (lines[^1], lines[^2]) = (lines[^2], lines[^1]);
        var reordered = Assert.Throws<RunnerException>(() => LockFileFormat.Parse(string.Join("\n", lines) + "\n", "packages.lock"));
        Assert.StartsWith("packages.lock line " + last + ": is out of order", reordered.Message);
    }

    [Fact]
    public void A_file_without_the_format_line_is_not_a_lock()
    {
        var e = Assert.Throws<RunnerException>(() => LockFileFormat.Parse("# just a comment\ndeb base amd64 target libc6\n", "packages.lock"));
        Assert.StartsWith("packages.lock line 2: expected 'lock-format 1'", e.Message);
    }
}
