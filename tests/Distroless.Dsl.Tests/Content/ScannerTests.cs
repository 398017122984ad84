using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Runner.Testing;
using Distroless.Dsl.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Distroless.Dsl.Tests.Content;

/// <summary>The real Trivy (tests/infra/trivy.sh installs it), offline, on images saved through the Engine API: it must
/// see Debian 13.N and exactly the packages the image's status.d names, at the versions the lock pins.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class ScannerTests
{
    private readonly ITestOutputHelper _output;

    public ScannerTests(ITestOutputHelper output) => _output = output;

    /// <summary>Every image and platform the content snapshots cover: bases from scratch, children (inherited
    /// packages), the debug base (busybox), both architectures.</summary>
    [Theory]
    [MemberData(nameof(ContentSnapshotTests.Covered), MemberType = typeof(ContentSnapshotTests))]
    public async Task Trivy_sees_Debian_13_and_exactly_the_packages_the_image_holds(string name, string platform)
    {
        var tag = BuiltImages.Build(name, platform);
        var files = await BuiltImages.ReadAsync(name, platform);
        var report = await TrivyScan.ImageAsync(tag);

        var os = report.RootElement.GetProperty("Metadata").GetProperty("OS");
        var debianVersion = (files.Text(SystemFiles.DebianVersionPath) ?? "").Trim();
        Assert.Equal("debian", os.GetProperty("Family").GetString());
        Assert.Matches(@"^" + SystemFiles.DebianVersionId + @"\.\d+$", debianVersion);
        Assert.Equal(debianVersion, os.GetProperty("Name").GetString());

        var scanned = OsPackages(report).OrderBy(p => p, StringComparer.Ordinal).ToList();
        var declared = StatusFiles.Packages(files).Select(p => p.Name + " " + p.Version + " " + p.Architecture).ToList();
        _output.WriteLine(name + " " + platform + ": Trivy lists " + scanned.Count + " packages: " + string.Join(", ", scanned));
        Assert.Equal(declared, scanned);
        Assert.Contains(declared, p => p.StartsWith(SystemFiles.BaseFilesPackage + " ", StringComparison.Ordinal));

        // Every package the image names is one the lock pins for it or an image it builds on, at that version.
        var arch = platform.Substring(platform.IndexOf('/') + 1);
        var image = BuiltImages.Image(name);
        var chain = BuiltImages.Chain(image).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var locked = LockPaths.Read(LockPaths.DefaultLock()).Packages
            .Where(p => chain.Contains(p.Image) && p.Role == PackageRole.Target && p.Arch == arch)
            .Select(p => p.Name + " " + p.Version + " " + p.PackageArch).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(declared, p => !locked.Contains(p));

        // What a parent holds stays visible in the child: its status.d entries are in the parent's layers.
        if (image.DependsOn.Count > 0)
        {
            var parent = StatusFiles.Packages(await BuiltImages.ReadAsync(image.DependsOn[0], platform)).Select(p => p.Name + " " + p.Version + " " + p.Architecture);
            Assert.DoesNotContain(parent, p => !declared.Contains(p));
        }
    }

    /// <summary>Trivy's OS packages as "NAME VERSION ARCH", the version put back together from its epoch, version and release.</summary>
    private static IEnumerable<string> OsPackages(JsonDocument report)
    {
        foreach (var result in report.RootElement.TryGetProperty("Results", out var results) ? results.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            if (result.GetProperty("Class").GetString() != "os-pkgs" || !result.TryGetProperty("Packages", out var packages))
            {
                continue;
            }

            foreach (var package in packages.EnumerateArray())
            {
                string Field(string key) => package.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
                var epoch = package.TryGetProperty("Epoch", out var e) && e.ValueKind == JsonValueKind.Number && e.GetInt32() > 0 ? e.GetInt32() + ":" : "";
                var release = Field("Release");
                yield return Field("Name") + " " + epoch + Field("Version") + (release.Length > 0 ? "-" + release : "") + " " + Field("Arch");
            }
        }
    }
}
