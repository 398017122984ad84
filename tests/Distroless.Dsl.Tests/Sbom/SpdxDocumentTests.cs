using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Distroless.Dsl.Runner.Sbom;
using Xunit;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary>The SPDX 2.3 document's shape (the fields the specification requires of a document and of a package),
/// purls, checksums, relationships, and byte-for-byte determinism.</summary>
public class SpdxDocumentTests
{
    private const string Created = "2026-11-01T12:00:00Z";

    private static readonly SbomSubject Subject = new("distroless-dsl/jq:1.7.1-amd64", "jq", "1.7.1",
        PackageUrl.Oci("jq", null, "amd64", null, "1.7.1"), "sha256:" + new string('c', 64), "jq, the JSON processor");

    internal static List<SbomComponent> Components() => new()
    {
        new(ComponentKind.DebianPackage, "libstdc++6", "14.2.0-19", PackageUrl.Debian("libstdc++6", "14.2.0-19", "amd64")) { Sha256 = new string('a', 64), License = "MIT" },
        new(ComponentKind.DebianPackage, "zlib1g", "1:1.3.dfsg+really1.3.1-1+deb13u1", PackageUrl.Debian("zlib1g", "1:1.3.dfsg+really1.3.1-1+deb13u1", "amd64")) { Sha256 = new string('b', 64) },
        new(ComponentKind.DebianSourceBuild, "curl", "8.14.1-2+deb13u5", PackageUrl.Debian("curl", "8.14.1-2+deb13u5", "source")),
        new(ComponentKind.StaticallyLinked, "libssl-dev", "3.5.9-1~deb13u1", PackageUrl.Debian("libssl-dev", "3.5.9-1~deb13u1", "amd64")) { LinkedInto = "curl" },
        new(ComponentKind.NuGetPackage, "Npgsql", "10.0.0", PackageUrl.NuGet("Npgsql", "10.0.0")) { Sha512 = new string('d', 128) },
    };

    [Fact]
    public void Has_every_field_SPDX_2_3_requires_of_a_document_and_its_packages()
    {
        using var document = JsonDocument.Parse(SpdxDocument.Write(Subject, Components(), Created));
        var root = document.RootElement;
        Assert.Equal("SPDX-2.3", root.GetProperty("spdxVersion").GetString());
        Assert.Equal("CC0-1.0", root.GetProperty("dataLicense").GetString());
        Assert.Equal("SPDXRef-DOCUMENT", root.GetProperty("SPDXID").GetString());
        Assert.Equal(Subject.DocumentName, root.GetProperty("name").GetString());
        Assert.Matches("^https://[^#]+-[0-9a-f]{64}$", root.GetProperty("documentNamespace").GetString());
        Assert.Equal(Created, root.GetProperty("creationInfo").GetProperty("created").GetString());
        Assert.All(root.GetProperty("creationInfo").GetProperty("creators").EnumerateArray(), c => Assert.Matches("^(Tool|Organization|Person): .+", c.GetString()));

        var packages = root.GetProperty("packages").EnumerateArray().ToList();
        Assert.Equal(Components().Count + 1, packages.Count);
        var ids = new HashSet<string>();
        foreach (var package in packages)
        {
            var id = package.GetProperty("SPDXID").GetString()!;
            Assert.Matches("^SPDXRef-[A-Za-z0-9.-]+$", id);
            Assert.True(ids.Add(id), "duplicate " + id);
            Assert.False(string.IsNullOrEmpty(package.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrEmpty(package.GetProperty("downloadLocation").GetString()));
            Assert.False(package.GetProperty("filesAnalyzed").GetBoolean());
            var purls = package.GetProperty("externalRefs").EnumerateArray().Where(r => r.GetProperty("referenceType").GetString() == "purl").ToList();
            Assert.Single(purls);
            Assert.Equal("PACKAGE-MANAGER", purls[0].GetProperty("referenceCategory").GetString());
            foreach (var checksum in package.TryGetProperty("checksums", out var c) ? c.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                var algorithm = checksum.GetProperty("algorithm").GetString();
                Assert.Matches(algorithm == "SHA256" ? "^[0-9a-f]{64}$" : "^[0-9a-f]{128}$", checksum.GetProperty("checksumValue").GetString());
            }
        }

        var relationships = root.GetProperty("relationships").EnumerateArray()
            .Select(r => r.GetProperty("spdxElementId").GetString() + " " + r.GetProperty("relationshipType").GetString() + " " + r.GetProperty("relatedSpdxElement").GetString()).ToList();
        Assert.Contains("SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image", relationships);
        Assert.All(ids.Where(i => i != "SPDXRef-Image"), id => Assert.Contains("SPDXRef-Image CONTAINS " + id, relationships));
        Assert.Contains(relationships, r => r.StartsWith("SPDXRef-debsrc-curl-", StringComparison.Ordinal) && r.Contains(" STATIC_LINK SPDXRef-static-libssl-dev-", StringComparison.Ordinal));
        Assert.All(relationships.SelectMany(r => new[] { r.Split(' ')[0], r.Split(' ')[2] }), id => Assert.True(id == "SPDXRef-DOCUMENT" || ids.Contains(id), id));
    }

    [Fact]
    public void Debian_packages_carry_the_lock_sha256_and_a_debian_13_purl()
    {
        using var document = JsonDocument.Parse(SpdxDocument.Write(Subject, Components(), Created));
        var zlib = document.RootElement.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "zlib1g");
        Assert.Equal("1:1.3.dfsg+really1.3.1-1+deb13u1", zlib.GetProperty("versionInfo").GetString());
        Assert.Equal("pkg:deb/debian/zlib1g@1%3A1.3.dfsg%2Breally1.3.1-1%2Bdeb13u1?arch=amd64&distro=debian-13",
            zlib.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString());
        Assert.Equal(new string('b', 64), zlib.GetProperty("checksums")[0].GetProperty("checksumValue").GetString());
        Assert.Equal("NOASSERTION", zlib.GetProperty("licenseDeclared").GetString());
    }

    [Theory]
    [InlineData("pkg:deb/debian/libstdc%2B%2B6@14.2.0-19?arch=arm64&distro=debian-13", "deb", "libstdc++6", "14.2.0-19", "arm64")]
    [InlineData("pkg:deb/debian/curl@8.14.1-2%2Bdeb13u5?arch=source&distro=debian-13", "deb", "curl", "8.14.1-2+deb13u5", "source")]
    public void Debian_purls_encode_what_purl_reserves(string expected, string type, string name, string version, string arch)
    {
        Assert.Equal("deb", type);
        Assert.Equal(expected, PackageUrl.Debian(name, version, arch));
    }

    [Fact]
    public void Other_purls()
    {
        Assert.Equal("pkg:nuget/Npgsql@10.0.0", PackageUrl.NuGet("Npgsql", "10.0.0"));
        Assert.Equal("pkg:github/pocket-id/pocket-id@v2.14.0", PackageUrl.GitHub("pocket-id", "pocket-id", "v2.14.0"));
        Assert.Equal("pkg:oci/jq@sha256%3Aabc?arch=arm64&repository_url=ghcr.io%2Facme%2Fjq&tag=1.7.1", PackageUrl.Oci("jq", "sha256:abc", "arm64", "ghcr.io/acme/jq", "1.7.1"));
    }

    [Fact]
    public void The_same_content_gives_the_same_bytes_in_any_input_order_and_other_content_another_namespace()
    {
        var first = SpdxDocument.Write(Subject, Components(), Created);
        var shuffled = Components();
        shuffled.Reverse();
        Assert.Equal(first, SpdxDocument.Write(Subject, shuffled, Created));

        var text = Encoding.UTF8.GetString(first);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);

        var changed = Components();
        changed[0] = changed[0] with { Version = "14.2.0-20" };
        var other = SpdxDocument.Write(Subject, changed, Created);
        Assert.NotEqual(Namespace(first), Namespace(other));
        Assert.NotEqual(Namespace(first), Namespace(SpdxDocument.Write(Subject, Components(), "2026-11-02T12:00:00Z")));
    }

    [Fact]
    public void Clashing_spdx_ids_get_a_counter()
    {
        var components = new List<SbomComponent>
        {
            new(ComponentKind.DebianPackage, "a+b", "1", PackageUrl.Debian("a+b", "1", "amd64")),
            new(ComponentKind.DebianPackage, "a~b", "1", PackageUrl.Debian("a~b", "1", "amd64")),
        };
        using var document = JsonDocument.Parse(SpdxDocument.Write(Subject, components, Created));
        var ids = document.RootElement.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("SPDXID").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("SPDXRef-deb-a-b-1-2", ids);
    }

    private static string Namespace(byte[] document) =>
        JsonDocument.Parse(document).RootElement.GetProperty("documentNamespace").GetString()!;
}
