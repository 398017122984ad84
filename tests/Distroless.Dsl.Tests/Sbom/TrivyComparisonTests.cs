using System.Text.Json;
using Xunit;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary>The comparison the engine test relies on can fail: a package on one side only is a difference, and only
/// the named exceptions are set aside.</summary>
public class TrivyComparisonTests
{
    private const string Sbom = """
        {"packages": [
          {"SPDXID": "SPDXRef-Image", "name": "jq", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:oci/jq?tag=1"}]},
          {"SPDXID": "SPDXRef-a", "name": "zlib1g", "versionInfo": "1:1.3-1", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:deb/debian/zlib1g@1%3A1.3-1?arch=amd64&distro=debian-13"}]},
          {"SPDXID": "SPDXRef-b", "name": "curl", "versionInfo": "8.14.1-2", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:deb/debian/curl@8.14.1-2?arch=source&distro=debian-13"}]},
          {"SPDXID": "SPDXRef-c", "name": "libssl-dev", "versionInfo": "3.5", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:deb/debian/libssl-dev@3.5?arch=amd64&distro=debian-13"}]},
          {"SPDXID": "SPDXRef-d", "name": "Npgsql", "versionInfo": "10.0.0", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:nuget/Npgsql@10.0.0"}]}
        ],
        "relationships": [{"spdxElementId": "SPDXRef-b", "relationshipType": "STATIC_LINK", "relatedSpdxElement": "SPDXRef-c"}]}
        """;

    private static string Trivy(string extra) => """
        {"Results": [
          {"Target": "x (debian 13.8)", "Class": "os-pkgs", "Type": "debian", "Packages": [{"Name": "zlib1g", "Epoch": 1, "Version": "1.3", "Release": "1"}EXTRA]},
          {"Target": "app/notes-api.deps.json", "Class": "lang-pkgs", "Type": "dotnet-core", "Packages": [{"Name": "Npgsql", "Version": "10.0.0"}]}
        ]}
        """.Replace("EXTRA", extra);

    [Fact]
    public void Equal_sets_with_the_named_exceptions_set_aside()
    {
        var result = TrivyComparison.Compare(JsonDocument.Parse(Sbom), JsonDocument.Parse(Trivy("")));
        Assert.Empty(result.OnlyInSbom);
        Assert.Empty(result.OnlyInTrivy);
        Assert.Equal(new[] { "built from Debian source: curl 8.14.1-2", "static library: libssl-dev 3.5" }, result.Excepted);
    }

    [Fact]
    public void A_package_only_trivy_sees_is_a_difference()
    {
        var result = TrivyComparison.Compare(JsonDocument.Parse(Sbom), JsonDocument.Parse(Trivy(""", {"Name": "libc6", "Version": "2.41", "Release": "12"}""")));
        Assert.Equal(new[] { "deb libc6 2.41-12" }, result.OnlyInTrivy);
    }

    [Fact]
    public void A_package_only_the_sbom_lists_or_another_version_is_a_difference()
    {
        var sbom = Sbom.Replace("\"1:1.3-1\"", "\"1:1.3-2\"");
        var result = TrivyComparison.Compare(JsonDocument.Parse(sbom), JsonDocument.Parse(Trivy("")));
        Assert.Equal(new[] { "deb zlib1g 1:1.3-2" }, result.OnlyInSbom);
        Assert.Equal(new[] { "deb zlib1g 1:1.3-1" }, result.OnlyInTrivy);
    }
}
