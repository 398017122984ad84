using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Testing;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Content;

/// <summary>Each image and platform's content, recorded from the built image, is a committed snapshot
/// (Snapshots/content/NAME.linux-ARCH.verified.txt): any difference between a build and it fails, and
/// ACCEPT_SNAPSHOTS=1 records it, like the generated files' snapshots.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class ContentSnapshotTests
{
    public static TheoryData<string, string> Covered()
    {
        var data = new TheoryData<string, string>();
        foreach (var (image, platform) in BuiltImages.WithContentSnapshot())
        {
            data.Add(image.Name, platform);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Covered))]
    public async Task Built_image_content_matches_its_snapshot(string name, string platform)
    {
        BuiltImages.Build(name, platform);
        var files = await BuiltImages.ReadAsync(name, platform);

        var content = ImageContent.Render(name + " " + platform, files);

        Snapshot.Verify(BuiltImages.SnapshotName(BuiltImages.Image(name), platform), "txt", content);
    }
}

/// <summary>What the content snapshots cover and how a listing reads; no engine needed.</summary>
public class ContentListingTests
{
    [Fact]
    public void Every_image_and_platform_is_covered_or_its_reason_is_stated()
    {
        var covered = BuiltImages.WithContentSnapshot().Select(c => c.Image.Name).Distinct().ToList();
        var excluded = GeneratedCatalog.Catalog.Images.Where(i => BuiltImages.NotBuiltHere(i) is not null).Select(i => i.Name).ToList();

        Assert.Equal(GeneratedCatalog.Catalog.Images.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal),
            covered.Concat(excluded).OrderBy(n => n, StringComparer.Ordinal));
        // pocket-id: its release binary, no GitHub here (README, "Scanners and image content").
        Assert.Equal(new[] { "pocket-id" }, excluded.OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(BuiltImages.Covered(), c => Assert.Contains(c.Platform, c.Image.Platforms));
    }

    [Fact]
    public void A_listing_names_every_path_with_its_type_mode_owner_size_hash_and_package()
    {
        var listing = ImageContent.Render("demo linux/amd64", Sample());

        Assert.Equal(
            "# demo linux/amd64: 8 paths (4 files, 1 links, 3 directories), " + (5 + 3 + Control.Length + Sums("jq-v1").Length) + " bytes in files, 1 Debian packages\n"
            + "# Recorded from the built image. package NAME VERSION ARCH: what /var/lib/dpkg/status.d says it holds.\n"
            + "package jq 1.7.1-6+deb13u4 amd64\n"
            + "# PATH TYPE MODE UID:GID, then SIZE SHA256 [PACKAGES] for a file, -> TARGET for a link, => PATH for a hard link\n"
            + "/etc dir 0755 0:0\n"
            + "/etc/odd\\x20name file 0644 0:0 3 " + Sha("abc") + "\n"
            + "/home/app dir 0700 1000:1000\n"
            + "/usr/bin/jq file 4755 0:0 5 " + Sha("jq-v1") + " [jq]\n"
            + "/usr/bin/jq-link link 0777 0:0 -> jq\n"
            + "/var/lib/dpkg/status.d dir 0755 0:0\n",
            listing.Replace(StatusLines(), ""));
    }

    [Fact]
    public void A_changed_file_changes_exactly_its_own_line()
    {
        var before = ImageContent.Render("demo linux/amd64", Sample()).Split('\n');
        var after = ImageContent.Render("demo linux/amd64", Sample("jq-v2")).Split('\n');

        var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
        Assert.Equal(before.Length, after.Length);
        Assert.Single(changed);
        Assert.StartsWith("/usr/bin/jq file", changed[0].Second);
        Assert.Contains(Sha("jq-v2"), changed[0].Second);
    }

    [Fact]
    public void The_contract_check_fails_on_a_file_list_naming_a_file_the_image_lacks()
    {
        var expectation = new Expectation(false, false, false, Array.Empty<Distroless.Dsl.Model.EnvVar>(), null, null, Array.Empty<string>(), "1000:1000", Array.Empty<string>());
        var config = new Docker.DotNet.Models.ImageInspectResponse { Architecture = "amd64", Config = new() { User = "1000:1000" } };

        var whole = ContractCheck.Check(expectation, config, Sample()).Where(f => f.StartsWith("/var/lib/dpkg/", StringComparison.Ordinal));
        var failures = ContractCheck.Check(expectation, config, Sample(withJq: false)).Where(f => f.StartsWith("/var/lib/dpkg/", StringComparison.Ordinal));

        Assert.Empty(whole);
        Assert.Equal(new[] { "/var/lib/dpkg/status.d/jq.md5sums: lists /usr/bin/jq, which the image does not hold" }, failures);
    }

    private static string Control => "Package: jq\nVersion: 1.7.1-6+deb13u4\nArchitecture: amd64\n";

    private static string Sums(string jq) => Md5(jq) + "  usr/bin/jq\n";

    /// <summary>The status.d files themselves are lines of the listing too; the tests above look at the rest.</summary>
    private static string StatusLines() =>
        "/var/lib/dpkg/status.d/jq file 0644 0:0 " + Control.Length + " " + Sha(Control) + "\n"
        + "/var/lib/dpkg/status.d/jq.md5sums file 0644 0:0 " + Sums("jq-v1").Length + " " + Sha(Sums("jq-v1")) + "\n";

    private static ExportedFileSystem Sample(string jq = "jq-v1", bool withJq = true)
    {
        const UnixFileMode rw = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode rwx = rw | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
        var tar = new Distroless.Dsl.Tests.Support.ImageTar();
        if (withJq)
        {
            tar.File("/usr/bin/jq", Bytes(jq), rwx | UnixFileMode.SetUser);
        }

        tar.Symlink("/usr/bin/jq-link", "jq")
            .Directory("/etc", rwx)
            .File("/etc/odd name", Bytes("abc"), rw)
            .Directory("/home/app", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, uid: 1000)
            .Directory("/var/lib/dpkg/status.d", rwx)
            .File("/var/lib/dpkg/status.d/jq", Bytes(Control), rw)
            .File("/var/lib/dpkg/status.d/jq.md5sums", Bytes(Sums("jq-v1")), rw)
            .Directory("/proc", rwx) // the engine's, not the image's
            .File("/etc/hostname", Array.Empty<byte>(), rw);
        using var stream = tar.ToStream();
        return ExportedFileSystem.ReadAsync(stream, System.Threading.CancellationToken.None).GetAwaiter().GetResult();
    }

    private static string Sha(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    private static string Md5(string text) =>
        Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
