using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary>Compares an SBOM's package set with what Trivy reads from the same image, as "TYPE NAME VERSION"
/// (deb, dotnet-core). What one side cannot see is set aside only by a named exception with its reason; anything
/// else on one side only is a difference.</summary>
internal static class TrivyComparison
{
    /// <summary>A component Trivy cannot see, or a Trivy finding that is not a component of the image.</summary>
    internal sealed record Exception(string Name, string Reason);

    public static readonly Exception SourceBuild = new("built from Debian source",
        "a program built in the builder stage from a Debian source package (BUILDINFO) has no dpkg record, so Trivy's dpkg analyzer cannot see it");

    public static readonly Exception StaticLibrary = new("static library",
        "a Debian -dev package whose static library is linked into a program built from source: its code is inside that binary, with no dpkg record");

    public static readonly Exception RuntimePack = new(".NET runtime pack",
        "Trivy's dotnet-core analyzer reads only deps.json libraries of type 'package'; a 'runtimepack' is the self-contained .NET runtime the image holds");

    public static readonly Exception GoSourceTreeModules = new("go.mod requirements in the Go source tree",
        "Trivy lists the requirements of go.mod files inside golang-1.24-src (Debian's Go sources) as packages; the image holds no such modules "
        + "(the _asm generators' requirements are absent; src/vendor's are source inside golang-1.24-src, which the SBOM lists)");

    public sealed record Result(IReadOnlyList<string> OnlyInSbom, IReadOnlyList<string> OnlyInTrivy, IReadOnlyList<string> Excepted, int SbomCount, int TrivyCount);

    public static Result Compare(JsonDocument sbom, JsonDocument trivy)
    {
        var excepted = new List<string>();
        var fromSbom = new SortedSet<string>(StringComparer.Ordinal);
        var packages = sbom.RootElement.GetProperty("packages").EnumerateArray().ToList();
        var staticTargets = sbom.RootElement.GetProperty("relationships").EnumerateArray()
            .Where(r => r.GetProperty("relationshipType").GetString() == "STATIC_LINK")
            .Select(r => r.GetProperty("relatedSpdxElement").GetString()).ToHashSet();
        foreach (var package in packages.Where(p => p.GetProperty("SPDXID").GetString() != "SPDXRef-Image"))
        {
            var name = package.GetProperty("name").GetString()!;
            var version = package.TryGetProperty("versionInfo", out var v) ? v.GetString() : null;
            var purl = package.GetProperty("externalRefs").EnumerateArray().Single(r => r.GetProperty("referenceType").GetString() == "purl")
                .GetProperty("referenceLocator").GetString()!;
            var purpose = package.TryGetProperty("primaryPackagePurpose", out var p) ? p.GetString() : null;
            var shown = name + " " + version;
            if (purl.StartsWith("pkg:deb/", StringComparison.Ordinal) && purl.Contains("arch=source", StringComparison.Ordinal))
            {
                excepted.Add(SourceBuild.Name + ": " + shown);
            }
            else if (staticTargets.Contains(package.GetProperty("SPDXID").GetString()))
            {
                excepted.Add(StaticLibrary.Name + ": " + shown);
            }
            else if (purl.StartsWith("pkg:deb/", StringComparison.Ordinal))
            {
                fromSbom.Add("deb " + shown);
            }
            else if (purl.StartsWith("pkg:nuget/", StringComparison.Ordinal) && purpose == "FRAMEWORK")
            {
                excepted.Add(RuntimePack.Name + ": " + shown);
            }
            else if (purl.StartsWith("pkg:nuget/", StringComparison.Ordinal))
            {
                fromSbom.Add("dotnet-core " + shown);
            }
            else
            {
                fromSbom.Add(purl.Substring(4, purl.IndexOf('/') - 4) + " " + shown);
            }
        }

        var fromTrivy = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var result in trivy.RootElement.TryGetProperty("Results", out var results) ? results.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            if (!result.TryGetProperty("Packages", out var found) || found.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var type = result.TryGetProperty("Type", out var t) ? t.GetString() : null;
            var target = result.GetProperty("Target").GetString() ?? "";
            foreach (var package in found.EnumerateArray())
            {
                string Field(string key) => package.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
                if (result.GetProperty("Class").GetString() == "os-pkgs")
                {
                    var epoch = package.TryGetProperty("Epoch", out var e) && e.ValueKind == JsonValueKind.Number && e.GetInt32() > 0 ? e.GetInt32() + ":" : "";
                    var release = Field("Release");
                    fromTrivy.Add("deb " + Field("Name") + " " + epoch + Field("Version") + (release.Length > 0 ? "-" + release : ""));
                }
                else if (type == "gomod" && target.StartsWith("usr/share/go-", StringComparison.Ordinal) && target.Contains("/src/", StringComparison.Ordinal))
                {
                    excepted.Add(GoSourceTreeModules.Name + ": " + target + " " + Field("Name") + " " + Field("Version"));
                }
                else
                {
                    fromTrivy.Add(type + " " + Field("Name") + " " + Field("Version"));
                }
            }
        }

        return new Result(fromSbom.Except(fromTrivy).ToList(), fromTrivy.Except(fromSbom).ToList(), excepted, fromSbom.Count, fromTrivy.Count);
    }
}
