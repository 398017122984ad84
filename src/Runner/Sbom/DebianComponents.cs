using System;
using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Runner.Testing;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>The Debian packages of an image: those its status.d names (inherited ones included, since a child holds
/// its parents' status.d entries), each matched to the lock entry that pinned it for the image or an image it builds on.</summary>
internal static class DebianComponents
{
    public const string Supplier = "Organization: Debian";

    /// <summary>Every installed package with its lock entry. A package the lock does not pin at that version, for this image's
    /// chain and architecture, fails: the image was built from another lock, and an SBOM of it would not be this checkout's.</summary>
    public static IReadOnlyList<(InstalledPackage Installed, LockedPackage Locked)> Match(
        IReadOnlyList<InstalledPackage> installed, PackageLock lockFile, IReadOnlyList<string> chain, string arch, string imageName)
    {
        var matched = new List<(InstalledPackage, LockedPackage)>();
        foreach (var package in installed)
        {
            var locked = chain.SelectMany(image => lockFile.Packages.Where(p => p.Image == image && p.Arch == arch && p.Role == PackageRole.Target))
                .FirstOrDefault(p => p.Name == package.Name && p.Version == package.Version && p.PackageArch == package.Architecture);
            if (locked is null)
            {
                throw new RunnerException("the built image " + imageName + " (" + arch + ") holds " + package.Name + " " + package.Version + " (" + package.Architecture
                                          + "), which the lock does not pin for it: rebuild it ('build " + imageName + " --platform linux/" + arch + "')");
            }

            matched.Add((package, locked));
        }

        return matched;
    }

    public static SbomComponent Component(LockedPackage locked, string? license) =>
        new(ComponentKind.DebianPackage, locked.Name, locked.Version, PackageUrl.Debian(locked.Name, locked.Version, locked.PackageArch))
        {
            Sha256 = locked.Sha256,
            License = license ?? SbomComponent.NoAssertion,
            FileName = locked.FileName,
            Supplier = Supplier,
            Comment = "Debian archive file " + locked.ArchivePath + ", pinned in the package lock",
        };
}
