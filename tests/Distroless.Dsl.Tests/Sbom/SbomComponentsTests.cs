using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Runner.Sbom;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary>What the SBOM takes from an image's files and the lock, on file systems written here: never a component
/// the image does not hold, and a clear failure where the image and the lock disagree.</summary>
public class SbomComponentsTests
{
    private static readonly string JqSha = new('1', 64);
    private static readonly byte[] Binary = Encoding.UTF8.GetBytes("pocket-id binary");
    private static readonly string BinarySha = Convert.ToHexString(SHA256.HashData(Binary)).ToLowerInvariant();

    private static readonly DownloadSpec PocketId = new("https://github.com/pocket-id/pocket-id/releases/download/v2.14.0/pocket-id_linux_{arch}", "/app/pocket-id",
        EquatableArray<ArchChecksum>.Empty);

    private static PackageLock Lock(string downloadSha) => new(
        new[]
        {
            new LockedPackage("base", "amd64", PackageRole.Target, "libc6", "2.41-12", "amd64", "pool/main/g/glibc/libc6_2.41-12_amd64.deb", new string('2', 64)),
            new LockedPackage("jq", "amd64", PackageRole.Target, "jq", "1.7.1-6", "amd64", "pool/main/j/jq/jq_1.7.1-6_amd64.deb", JqSha),
            new LockedPackage("jq", "amd64", PackageRole.Target, "libjq1", "1.7.1-6", "amd64", "pool/main/j/jq/libjq1_1.7.1-6_amd64.deb", new string('3', 64)),
            new LockedPackage("jq", "amd64", PackageRole.Build, "binutils", "2.44-3", "amd64", "pool/main/b/binutils/binutils_2.44-3_amd64.deb", new string('4', 64)),
        },
        new[] { new LockedDownload("app", "amd64", PocketId.Url("amd64"), downloadSha) });

    private static ImageEvidence Read(ImageTar tar) =>
        ImageEvidence.ReadAsync(tar.ToStream(), new[] { "/app/pocket-id" }, CancellationToken.None).GetAwaiter().GetResult();

    private static ImageTar Image() => new ImageTar()
        .File("var/lib/dpkg/status.d/jq", "Package: jq\nVersion: 1.7.1-6\nArchitecture: amd64\nDescription: x\n more\n")
        .File("var/lib/dpkg/status.d/jq.md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/jq\n")
        .File("var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.41-12\nArchitecture: amd64\n")
        .File("app/pocket-id", Binary)
        .File("app/notes-api.deps.json", """
            {"libraries": {
              "notes-api/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
              "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.12": {"type": "runtimepack", "serviceable": false, "sha512": ""},
              "Npgsql/10.0.0": {"type": "package", "serviceable": true, "sha512": "sha512-AAEC", "path": "npgsql/10.0.0"}
            }}
            """)
        .File("usr/local/share/doc/curl/BUILDINFO", "curl from Debian source package curl 8.14.1-2+deb13u5, configured with:\n  Protocols: http https\n"
                                                   + "statically linked with these Debian packages:\nlibssl-dev 3.5.9-1~deb13u1\nzlib1g-dev 1:1.3.dfsg-1\n");

    [Fact]
    public void Status_d_packages_inherited_ones_too_take_the_lock_entry_of_the_image_or_its_parent()
    {
        var evidence = Read(Image());
        Assert.Equal(new[] { "jq 1.7.1-6 amd64", "libc6 2.41-12 amd64" }, evidence.DebianPackages.Select(p => p.Name + " " + p.Version + " " + p.Architecture));
        var matched = DebianComponents.Match(evidence.DebianPackages, Lock(BinarySha), new[] { "jq", "base" }, "amd64", "jq");
        Assert.Equal(new[] { "jq:jq", "libc6:base" }, matched.Select(m => m.Locked.Name + ":" + m.Locked.Image));
        var component = DebianComponents.Component(matched[0].Locked, "MIT");
        Assert.Equal(JqSha, component.Sha256);
        Assert.Equal("jq_1.7.1-6_amd64.deb", component.FileName);
        Assert.Equal("MIT", component.License);
    }

    [Fact]
    public void A_package_the_lock_does_not_pin_at_that_version_fails_naming_it()
    {
        var evidence = Read(new ImageTar().File("var/lib/dpkg/status.d/jq", "Package: jq\nVersion: 1.7.1-7\nArchitecture: amd64\n"));
        var error = Assert.Throws<RunnerException>(() => DebianComponents.Match(evidence.DebianPackages, Lock(BinarySha), new[] { "jq", "base" }, "amd64", "jq"));
        Assert.Contains("jq 1.7.1-7 (amd64)", error.Message);
        Assert.Contains("build jq", error.Message);

        // A package the lock has only as a build tool is not one the image may hold.
        var tool = Read(new ImageTar().File("var/lib/dpkg/status.d/binutils", "Package: binutils\nVersion: 2.44-3\nArchitecture: amd64\n"));
        Assert.Throws<RunnerException>(() => DebianComponents.Match(tool.DebianPackages, Lock(BinarySha), new[] { "jq" }, "amd64", "jq"));
    }

    [Fact]
    public void A_download_is_listed_only_when_the_image_holds_the_locked_file()
    {
        var evidence = Read(Image());
        var listed = DownloadComponents.From(new[] { ("app", PocketId) }, Lock(BinarySha), "amd64", evidence.FileSha256).Single();
        Assert.Equal(("pocket-id", "v2.14.0", "pkg:github/pocket-id/pocket-id@v2.14.0"), (listed.Name, listed.Version, listed.Purl));
        Assert.Equal(BinarySha, listed.Sha256);
        Assert.Equal(PocketId.Url("amd64"), listed.DownloadLocation);

        var other = new string('9', 64);
        var mismatch = Assert.Throws<RunnerException>(() => DownloadComponents.From(new[] { ("app", PocketId) }, Lock(other), "amd64", evidence.FileSha256).ToList());
        Assert.Contains(BinarySha, mismatch.Message);
        Assert.Contains(other, mismatch.Message);

        var missing = Read(new ImageTar().File("etc/x", "y"));
        Assert.Throws<RunnerException>(() => DownloadComponents.From(new[] { ("app", PocketId) }, Lock(BinarySha), "amd64", missing.FileSha256).ToList());
    }

    [Fact]
    public void A_dotnet_app_lists_its_nuget_packages_and_runtime_but_not_itself()
    {
        var components = DotnetComponents.From(Read(Image()).DepsFiles).ToList();
        Assert.Equal(new[] { "DotnetRuntimePack Microsoft.NETCore.App.Runtime.linux-x64 10.0.12 pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.12", "NuGetPackage Npgsql 10.0.0 pkg:nuget/Npgsql@10.0.0" },
            components.Select(c => c.Kind + " " + c.Name + " " + c.Version + " " + c.Purl));
        Assert.Equal("000102", components[1].Sha512);
    }

    [Fact]
    public void A_program_built_from_source_lists_its_source_package_and_the_static_libraries_linked_in()
    {
        var components = SourceBuildComponents.From(Read(Image()).BuildInfoFiles, "arm64").ToList();
        Assert.Equal(new[]
        {
            "DebianSourceBuild curl 8.14.1-2+deb13u5 pkg:deb/debian/curl@8.14.1-2%2Bdeb13u5?arch=source&distro=debian-13 ",
            "StaticallyLinked libssl-dev 3.5.9-1~deb13u1 pkg:deb/debian/libssl-dev@3.5.9-1~deb13u1?arch=arm64&distro=debian-13 curl",
            "StaticallyLinked zlib1g-dev 1:1.3.dfsg-1 pkg:deb/debian/zlib1g-dev@1%3A1.3.dfsg-1?arch=arm64&distro=debian-13 curl",
        }, components.Select(c => c.Kind + " " + c.Name + " " + c.Version + " " + c.Purl + " " + c.LinkedInto));

        var bad = Read(new ImageTar().File("usr/local/share/doc/x/BUILDINFO", "built somehow\n"));
        Assert.Throws<RunnerException>(() => SourceBuildComponents.From(bad.BuildInfoFiles, "amd64").ToList());
    }

    [Fact]
    public void The_copyright_file_is_read_out_of_a_deb()
    {
        var directory = Directory.CreateTempSubdirectory("distroless-sbom-deb-");
        try
        {
            var deb = Path.Combine(directory.FullName, "x.deb");
            WriteDeb(deb, "./usr/share/doc/x/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: ISC\n");
            Assert.Equal("ISC", DebianCopyright.License(DebianArchive.ReadText(deb, "usr/share/doc/x/copyright")));
            Assert.Null(DebianArchive.ReadText(deb, "usr/share/doc/y/copyright"));

            File.WriteAllText(deb, "not an archive");
            Assert.Throws<RunnerException>(() => DebianArchive.ReadText(deb, "usr/share/doc/x/copyright"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>An ar archive as dpkg-deb writes it (debian-binary, control.tar, data.tar.gz), an odd-length member padded.</summary>
    private static void WriteDeb(string path, string file, string text)
    {
        var data = new MemoryStream();
        using (var gzip = new GZipStream(data, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true))
        {
            tar.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "./usr/"));
            tar.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, file) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }

        using var deb = File.Create(path);
        deb.Write(Encoding.ASCII.GetBytes("!<arch>\n"));
        foreach (var (name, content) in new[] { ("debian-binary", Encoding.ASCII.GetBytes("2.0\n")), ("control.tar", new byte[] { 1, 2, 3 }), ("data.tar.gz", data.ToArray()) })
        {
            deb.Write(Encoding.ASCII.GetBytes((name + "/").PadRight(16) + "0".PadRight(12) + "0".PadRight(6) + "0".PadRight(6) + "100644".PadRight(8)
                                              + content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(10) + "`\n"));
            deb.Write(content);
            if (content.Length % 2 == 1)
            {
                deb.WriteByte((byte)'\n');
            }
        }
    }
}
