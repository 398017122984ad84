using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing;
using Xunit;

namespace Distroless.Dsl.Tests.Content;

/// <summary>The images the scanner and content tests read: built by the runner from this checkout, right before use,
/// under a namespace of their own so that no other build of the shared default names can slip in between.</summary>
internal static class BuiltImages
{
    public const string Namespace = "distroless-dsl-scan";

    public static ImageNaming Naming { get; } = new(null, Namespace);

    /// <summary>Why an image has no content snapshot and is not scanned: anything not built here is named, never dropped.</summary>
    public static string? NotBuiltHere(CatalogEntry image) =>
        image.Definition.Downloads is { IsEmpty: false }
            ? "downloads a release file from outside Debian's archive, which this machine and CI cannot reach"
            : null;

    /// <summary>Every image and platform whose content is a committed snapshot: every one built here, as each is
    /// reproducible (postgres since its cluster is made so, by definitions/context/postgres-initdb.sh).</summary>
    public static IEnumerable<(CatalogEntry Image, string Platform)> WithContentSnapshot() => Covered();

    /// <summary>Every image and platform that is built here, in catalog order.</summary>
    public static IEnumerable<(CatalogEntry Image, string Platform)> Covered() =>
        GeneratedCatalog.Catalog.Images.Where(i => NotBuiltHere(i) is null).SelectMany(i => i.Platforms.Select(p => (i, p)));

    public static CatalogEntry Image(string name) => GeneratedCatalog.Catalog.FindImage(name) ?? throw new ArgumentException(name);

    /// <summary>Builds the image (and what it builds on) for one platform; cached when unchanged.</summary>
    public static string Build(string name, string platform)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build", name, "--platform", platform, "--namespace", Namespace },
            GeneratedCatalog.Catalog, output, error);
        Assert.True(exit == 0, "build " + name + " " + platform + ":\n" + output + error);
        return Naming.PlatformTag(Image(name), platform);
    }

    public static async Task<ExportedFileSystem> ReadAsync(string name, string platform)
    {
        var tag = Naming.PlatformTag(Image(name), platform);
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        return await ExportedFileSystem.ReadAsync(engine, tag, platform, CancellationToken.None);
    }

    /// <summary>The image and the images it builds on, itself first.</summary>
    public static IReadOnlyList<CatalogEntry> Chain(CatalogEntry image)
    {
        var chain = new List<CatalogEntry>();
        for (var entry = image; entry is not null && chain.Count < 32; entry = entry.DependsOn.Count == 0 ? null : GeneratedCatalog.Catalog.FindImage(entry.DependsOn[0]))
        {
            chain.Add(entry);
        }

        return chain;
    }

    /// <summary>Snapshots/content/NAME.linux-ARCH.verified.txt, without the extension parts.</summary>
    public static string SnapshotName(CatalogEntry image, string platform) => "content/" + image.Name + "." + platform.Replace('/', '-');
}
