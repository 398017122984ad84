using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Catalog;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>What the definitions need that a lock lacks, without the network: every needed package by name for every
/// platform and role (their dependencies are apt's business at lock time), and every download for every platform.</summary>
internal static class LockCheck
{
    /// <param name="Ships">Whether the missing entry is a package that ships (what every rootfs stage unpacks from the lock).</param>
    public sealed record Gap(string Image, string What, bool Ships = false)
    {
        public override string ToString() => Image + " needs " + What;
    }

    public static IReadOnlyList<Gap> Gaps(IEnumerable<CatalogEntry> images, PackageLock lockFile)
    {
        var packages = new HashSet<(string, string, string, string)>(lockFile.Packages.Select(p => (p.Image, p.Arch, p.RoleName, p.Name)));
        var downloads = new HashSet<(string, string, string)>(lockFile.Downloads.Select(d => (d.Image, d.Arch, d.Url)));
        var gaps = new List<Gap>();
        foreach (var entry in images)
        {
            var needs = PackageResolver.NeedsOf(entry);
            foreach (var arch in needs.TargetArchitectures)
            {
                gaps.AddRange(needs.Target.Where(p => !packages.Contains((entry.Name, arch, "target", p)))
                    .Select(p => new Gap(entry.Name, "the package " + p + " for " + arch, Ships: true)));
                gaps.AddRange((entry.Definition.Downloads ?? default).Select(d => d.Url(arch)).Where(u => !downloads.Contains((entry.Name, arch, u)))
                    .Select(u => new Gap(entry.Name, "the download " + u)));
            }

            foreach (var arch in LockFileFormat.Architectures)
            {
                gaps.AddRange(needs.Builder.Where(p => !packages.Contains((entry.Name, arch, "build", p)))
                    .Select(p => new Gap(entry.Name, "the builder package " + p + " on an " + arch + " build platform")));
                foreach (var target in needs.TargetArchitectures)
                {
                    var role = "build-for-" + target;
                    gaps.AddRange(needs.ForTarget(arch, target).Where(p => !packages.Contains((entry.Name, arch, role, p.Name)))
                        .Select(p => new Gap(entry.Name, "the builder package " + p.Name + (p.Arch == arch ? "" : ":" + p.Arch) + " on an " + arch + " build platform building for " + target)));
                }
            }
        }

        return gaps;
    }

    /// <summary>Images that hold entries in the lock but are no longer defined.</summary>
    public static IReadOnlyList<string> Stale(IEnumerable<CatalogEntry> images, PackageLock lockFile)
    {
        var defined = new HashSet<string>(images.Select(i => i.Name));
        return lockFile.Images.Where(i => !defined.Contains(i)).OrderBy(i => i, System.StringComparer.Ordinal).ToList();
    }
}
