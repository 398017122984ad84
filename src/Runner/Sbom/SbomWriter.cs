using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Runner.Reproducibility;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>Optional inputs of <see cref="SbomWriter.CreateAsync"/>.</summary>
/// <param name="ManifestDigest">The platform manifest's digest (<c>sha256:HEX</c>) once it is known, e.g. right after a
/// push: it becomes the version of the image's <c>pkg:oci</c> purl. Without it the purl names repository and tag only.</param>
/// <param name="LockPath">The package lock; default <c>definitions/packages.lock</c>.</param>
/// <param name="PackageCache">The .deb cache the licenses are read from; default as <c>fetch</c> uses it.</param>
/// <param name="Progress">Where fetching a missing .deb reports (never stdout when the SBOM goes there).</param>
internal sealed record SbomOptions(string? ManifestDigest = null, string? LockPath = null, string? PackageCache = null, TextWriter? Progress = null);

/// <summary>The SBOM of one built image and platform, as SPDX 2.3 JSON bytes. This is the API other commands call
/// (<c>publish --sign-key</c> attaches it as an in-toto attestation with predicate type https://spdx.dev/Document).
/// <para>What it lists comes from the built image itself, checked against the lock: the Debian packages its status.d
/// names (inherited ones included), each with the lock's SHA-256 (a package the lock does not pin fails); programs
/// built from Debian source, by their BUILDINFO; the lock's downloads whose file in the image has the lock's hash;
/// the NuGet packages and .NET runtime of a .NET app's deps.json. Licenses come from each .deb's copyright file in
/// the verified package cache, when it is machine-readable (else NOASSERTION).</para></summary>
internal static class SbomWriter
{
    /// <summary>Reads the image <paramref name="naming"/> gives <paramref name="image"/> for <paramref name="platform"/>
    /// (it must be built) and returns its SBOM. Failures are <see cref="RunnerException"/>s with one line.</summary>
    public static async Task<byte[]> CreateAsync(
        EngineConnection engine, DefinitionCatalog catalog, CatalogEntry image, string platform, ImageNaming naming, SbomOptions? options, CancellationToken cancellation)
    {
        options ??= new SbomOptions();
        PlatformSelection.Parse(new[] { platform }).Require(image);
        var arch = ImageNaming.Architecture(platform);
        var tag = naming.PlatformTag(image, platform);
        string imageId;
        try
        {
            imageId = (await engine.Client.Images.InspectImageAsync(tag, cancellation).ConfigureAwait(false)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            throw new RunnerException("Image " + tag + " is not built for " + platform + ": run 'build " + image.Name + " --platform " + platform + "' first");
        }

        var chain = Chain(catalog, image);
        var downloads = chain.SelectMany(e => (e.Definition.Downloads ?? EquatableArray<DownloadSpec>.Empty).Select(d => (e.Name, d))).ToList();
        var evidence = await ImageEvidence.ReadAsync(engine, tag, platform, downloads.Select(d => d.d.Destination).ToHashSet(StringComparer.Ordinal), cancellation)
            .ConfigureAwait(false);

        var lockFile = LockPaths.Read(options.LockPath ?? LockPaths.DefaultLock());
        var debian = DebianComponents.Match(evidence.DebianPackages, lockFile, chain.Select(c => c.Name).ToList(), arch, image.Name);

        // Licenses are read from the verified .debs: fetch the few the cache may lack (checked against the lock).
        var cache = new PackageCache(options.PackageCache ?? LockPaths.DefaultCache());
        await cache.FetchAsync(engine, debian.Select(d => d.Locked).ToList(), options.Progress ?? TextWriter.Null, cancellation).ConfigureAwait(false);

        var components = new List<SbomComponent>();
        components.AddRange(debian.Select(d => DebianComponents.Component(d.Locked, LicenseOf(cache, d.Locked))));
        components.AddRange(SourceBuildComponents.From(evidence.BuildInfoFiles, arch));
        components.AddRange(DownloadComponents.From(downloads, lockFile, arch, evidence.FileSha256));
        components.AddRange(DotnetComponents.From(evidence.DepsFiles));

        var subject = new SbomSubject(
            tag,
            image.Name,
            image.Version,
            PackageUrl.Oci(image.Name, options.ManifestDigest, arch, naming.Registry is null ? null : naming.Repository(image), image.Version),
            imageId,
            image.Definition.Description);
        return SpdxDocument.Write(subject, components, SourceDateEpoch.Rfc3339(SourceDateEpoch.Current));
    }

    /// <summary>The declared license of a cached, verified .deb, from its <c>usr/share/doc/NAME/copyright</c>.</summary>
    internal static string? LicenseOf(PackageCache cache, LockedPackage package) =>
        DebianCopyright.License(DebianArchive.ReadText(cache.PathOf(package.Sha256), "usr/share/doc/" + package.Name + "/copyright"));

    /// <summary>The image and the images it builds on, itself first.</summary>
    internal static IReadOnlyList<CatalogEntry> Chain(DefinitionCatalog catalog, CatalogEntry image)
    {
        var chain = new List<CatalogEntry>();
        for (var entry = image; entry is not null && chain.Count < 32; entry = entry.DependsOn.Count == 0 ? null : catalog.FindImage(entry.DependsOn[0]))
        {
            chain.Add(entry);
        }

        return chain;
    }
}
