using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;
using Xunit;

namespace Distroless.Dsl.Tests.Locking;

/// <summary>Release downloads in the lock: sums from the upstream checksum file, or from a copy of it placed where the
/// offline error says. The real HTTP client is used; the checksum URL points at a closed local port, so this is offline.</summary>
public sealed class DownloadLockTests : IDisposable
{
    private const string Amd64 = "da32b4e7bc8ba817ae2cee6e62634834bf234965fa237d25ab38fc3bec58ef48";
    private const string Arm64 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string Unreachable = "https://127.0.0.1:9/releases/download/v2.14.0/checksums.txt";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "download-lock-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static DownloadSpec Release(params ArchChecksum[] pins) =>
        new DownloadSpec("https://127.0.0.1:9/releases/download/v2.14.0/pocket-id_linux_{arch}", "/app/pocket-id", pins.ToEquatableArray()) { ChecksumsUrl = Unreachable };

    private Task<System.Collections.Generic.IReadOnlyList<LockedDownload>> Lock(DownloadSpec download, StringWriter output) =>
        new DownloadLocker(_directory, output).LockAsync("pocket-id", new[] { "amd64", "arm64" }, new[] { download }, CancellationToken.None);

    [Fact]
    public async Task Offline_the_error_says_which_file_to_put_where_and_that_file_then_serves_every_platform()
    {
        var output = new StringWriter();
        var local = Path.Combine(_directory, "pocket-id", "checksums.txt");

        var offline = await Assert.ThrowsAsync<RunnerException>(() => Lock(Release(new ArchChecksum("amd64", Amd64)), output));

        Assert.StartsWith("cannot read " + Unreachable + " (", offline.Message);
        Assert.EndsWith("): download it elsewhere and save it as " + local + ", then run lock again", offline.Message);

        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await File.WriteAllTextAsync(local, Arm64 + "  pocket-id_linux_arm64\n" + Amd64 + "  pocket-id_linux_amd64\n" + new string('1', 64) + "  pocket-id_darwin_arm64\n");

        var locked = await Lock(Release(new ArchChecksum("amd64", Amd64)), output);

        Assert.Equal(new[]
        {
            new LockedDownload("pocket-id", "amd64", "https://127.0.0.1:9/releases/download/v2.14.0/pocket-id_linux_amd64", Amd64),
            new LockedDownload("pocket-id", "arm64", "https://127.0.0.1:9/releases/download/v2.14.0/pocket-id_linux_arm64", Arm64),
        }, locked);
    }

    [Fact]
    public async Task A_pin_that_disagrees_with_the_checksum_file_is_an_error_naming_both()
    {
        var local = Path.Combine(_directory, "pocket-id", "checksums.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await File.WriteAllTextAsync(local, Arm64 + "  pocket-id_linux_arm64\n" + Amd64 + "  pocket-id_linux_amd64\n");

        var e = await Assert.ThrowsAsync<RunnerException>(() => Lock(Release(new ArchChecksum("arm64", new string('f', 64))), new StringWriter()));

        Assert.Contains("pins sha256 " + new string('f', 64), e.Message);
        Assert.Contains("says " + Arm64, e.Message);
    }

    [Fact]
    public async Task Offline_with_every_platform_pinned_the_pins_are_locked_with_a_warning()
    {
        var output = new StringWriter();

        var locked = await Lock(Release(new ArchChecksum("amd64", Amd64), new ArchChecksum("arm64", Arm64)), output);

        Assert.Equal(new[] { Amd64, Arm64 }, locked.Select(d => d.Sha256));
        Assert.Contains("save that file as " + Path.Combine(_directory, "pocket-id", "checksums.txt"), output.ToString());
    }

    [Fact]
    public void A_malformed_checksum_file_names_its_line()
    {
        var e = Assert.Throws<RunnerException>(() => DownloadLocker.Parse(Amd64 + "  a\nnot a checksum line\n", "checksums.txt"));
        Assert.Equal("checksums.txt line 2: expected 'SHA256  FILENAME'", e.Message);
    }
}
