using System;
using System.Collections.Generic;
using System.Linq;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Whether a locked package ships in the image (fetched for the target architecture) or is installed in a
/// builder stage on the build platform.</summary>
internal enum PackageRole
{
    Target,
    Build,
}

/// <summary>One Debian package of one image: for <see cref="Arch"/> (the target architecture for
/// <see cref="PackageRole.Target"/>, the build platform's for <see cref="PackageRole.Build"/>). A builder package with
/// <see cref="ForTarget"/> is installed only when building for that target architecture (e.g. its cross compiler, or a
/// library of the target's to link against, whose <see cref="PackageArch"/> is then the target's).</summary>
internal sealed record LockedPackage(
    string Image, string Arch, PackageRole Role, string Name, string Version, string PackageArch, string ArchivePath, string Sha256, string? ForTarget = null)
{
    /// <summary>The lock's role field: target, build, or build-for-ARCH.</summary>
    public string RoleName => Role == PackageRole.Target ? "target" : ForTarget is null ? "build" : "build-for-" + ForTarget;

    /// <summary>The archive's file name: pool files leave out a version's epoch.</summary>
    public string FileName => ArchivePath.Substring(ArchivePath.LastIndexOf('/') + 1);

    /// <summary>How apt names this exact package (what <c>apt-get download</c> takes).</summary>
    public string AptSpecifier => Name + (PackageArch == "all" ? "" : ":" + PackageArch) + "=" + Version;

    public string Describe() => Name + " " + Version + " (" + PackageArch + ")";
}

/// <summary>A release file an image downloads, for one target architecture.</summary>
internal sealed record LockedDownload(string Image, string Arch, string Url, string Sha256);

/// <summary>The whole lock: every package and download of every image and platform, in the file's order.</summary>
internal sealed record PackageLock(IReadOnlyList<LockedPackage> Packages, IReadOnlyList<LockedDownload> Downloads)
{
    public static PackageLock Empty => new(Array.Empty<LockedPackage>(), Array.Empty<LockedDownload>());

    public IEnumerable<string> Images => Packages.Select(p => p.Image).Concat(Downloads.Select(d => d.Image)).Distinct();

    /// <summary>The lock with <paramref name="images"/>' entries replaced by <paramref name="replacement"/>'s entries for them.</summary>
    public PackageLock Replace(IReadOnlyCollection<string> images, PackageLock replacement) => new(
        Packages.Where(p => !images.Contains(p.Image)).Concat(replacement.Packages.Where(p => images.Contains(p.Image))).ToList(),
        Downloads.Where(d => !images.Contains(d.Image)).Concat(replacement.Downloads.Where(d => images.Contains(d.Image))).ToList());

    /// <summary>What building <paramref name="image"/> for <paramref name="targetArch"/> on a <paramref name="buildArch"/> build
    /// platform takes: the packages that ship for the target, and the builder stages' packages for the build platform.</summary>
    public IReadOnlyList<LockedPackage> For(string image, string targetArch, string buildArch) =>
        Packages.Where(p => p.Image == image && (p.Role == PackageRole.Target ? p.Arch == targetArch : p.Arch == buildArch && (p.ForTarget is null || p.ForTarget == targetArch))).ToList();
}
