using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>Release files an image downloads (e.g. Pocket ID's binary): the lock's entry for the architecture, listed
/// only when the file the definition puts in the image has exactly the lock's SHA-256.</summary>
internal static class DownloadComponents
{
    private static readonly Regex GitHubRelease = new(@"^https://github\.com/([^/]+)/([^/]+)/releases/download/([^/]+)/[^/]+$", RegexOptions.CultureInvariant);

    /// <summary>The paths whose hash the image must be read for.</summary>
    public static IEnumerable<string> Destinations(IEnumerable<DownloadSpec> downloads) => downloads.Select(d => d.Destination);

    public static IEnumerable<SbomComponent> From(
        IEnumerable<(string Image, DownloadSpec Spec)> downloads, PackageLock lockFile, string arch, IReadOnlyDictionary<string, string> fileSha256)
    {
        foreach (var (image, spec) in downloads)
        {
            var url = spec.Url(arch);
            var locked = lockFile.Downloads.FirstOrDefault(d => d.Image == image && d.Arch == arch && d.Url == url)
                         ?? throw new RunnerException("the lock has no download entry for " + url + " (" + image + ", " + arch + "): run 'lock --update " + image + "'");
            if (!fileSha256.TryGetValue(spec.Destination, out var actual))
            {
                throw new RunnerException("the built image " + image + " (" + arch + ") has no file " + spec.Destination + ", where " + url + " belongs: rebuild it");
            }

            if (actual != locked.Sha256)
            {
                throw new RunnerException(spec.Destination + " in the built image " + image + " (" + arch + ") has sha256 " + actual + ", the lock says " + locked.Sha256 + ": rebuild it");
            }

            var fileName = url.Substring(url.LastIndexOf('/') + 1);
            var release = GitHubRelease.Match(url);
            var (name, version, purl) = release.Success
                ? (release.Groups[2].Value, release.Groups[3].Value, PackageUrl.GitHub(release.Groups[1].Value, release.Groups[2].Value, release.Groups[3].Value))
                : (fileName, (string?)null, PackageUrl.Generic(fileName, url));
            yield return new SbomComponent(ComponentKind.Download, name, version, purl)
            {
                Sha256 = locked.Sha256,
                DownloadLocation = url,
                FileName = fileName,
                Purpose = "APPLICATION",
                Comment = "release file at " + spec.Destination + ", pinned in the package lock",
            };
        }
    }
}
