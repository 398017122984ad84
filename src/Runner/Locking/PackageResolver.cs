using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Resolves images' package needs to exact packages with apt itself, in one builder container for the lot:
/// each needed package's dependency closure (Depends and Pre-Depends, no recommends; the same query the rootfs stage
/// makes), then each package's candidate version, archive path and SHA-256 from apt's lists.</summary>
internal static class PackageResolver
{
    /// <summary>One image's needs, as the lock sees them. <see cref="BuilderForTarget"/> and <see cref="BuilderWhenCross"/>
    /// hold names with <c>{arch}</c>/<c>{triplet}</c> (see <see cref="Model.PackageNeeds"/>).</summary>
    public sealed record ImageNeeds(string Image, IReadOnlyList<string> TargetArchitectures, IReadOnlyList<string> Target, IReadOnlyList<string> Builder)
    {
        public IReadOnlyList<string> BuilderForTarget { get; init; } = Array.Empty<string>();

        public IReadOnlyList<string> BuilderWhenCross { get; init; } = Array.Empty<string>();

        /// <summary>The builder packages an <paramref name="buildArch"/> build platform installs only when it builds for
        /// <paramref name="targetArch"/>: each name and the architecture apt resolves it for.</summary>
        public IReadOnlyList<(string Arch, string Name)> ForTarget(string buildArch, string targetArch) =>
            BuilderForTarget.Concat(buildArch == targetArch ? Array.Empty<string>() : BuilderWhenCross)
                .Select(template =>
                {
                    var name = StageCommands.ExpandCross(template, targetArch, StageCommands.Triplet(targetArch));
                    return name.EndsWith(":" + targetArch, StringComparison.Ordinal)
                        ? (targetArch, name.Substring(0, name.Length - targetArch.Length - 1))
                        : (buildArch, name);
                })
                .Distinct().OrderBy(p => p.Item2, StringComparer.Ordinal).ToList();
    }

    public static ImageNeeds NeedsOf(CatalogEntry entry) => new(
        entry.Name,
        entry.Platforms.Select(p => p.Substring(p.IndexOf('/') + 1)).ToList(),
        entry.Definition.Packages?.Target.ToList() ?? new List<string>(),
        entry.Definition.Packages?.Builder.ToList() ?? new List<string>())
    {
        BuilderForTarget = entry.Definition.Packages?.BuilderForTarget.ToList() ?? new List<string>(),
        BuilderWhenCross = entry.Definition.Packages?.BuilderWhenCross.ToList() ?? new List<string>(),
    };

    public static async Task<IReadOnlyList<LockedPackage>> ResolveAsync(
        EngineConnection engine, IReadOnlyList<ImageNeeds> images, TextWriter progress, CancellationToken cancellation)
    {
        var roots = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            foreach (var arch in image.TargetArchitectures)
            {
                roots.UnionWith(image.Target.Select(p => arch + " " + p));
            }

            foreach (var arch in LockFileFormat.Architectures)
            {
                roots.UnionWith(image.Builder.Select(p => arch + " " + p));
                foreach (var target in image.TargetArchitectures)
                {
                    roots.UnionWith(image.ForTarget(arch, target).Select(p => p.Arch + " " + p.Name));
                }
            }
        }

        if (roots.Count == 0)
        {
            return Array.Empty<LockedPackage>();
        }

        var result = await BuilderContainer.RunAsync(engine, Script(roots), progress, cancellation).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new RunnerException("resolving packages with apt failed (exit " + result.ExitCode + "): " + BuilderContainer.LastLine(result.Error + "\n" + result.Output));
        }

        return FromOutput(result.Output, images);
    }

    private static string Script(IEnumerable<string> roots) =>
        BuilderContainer.AptPrelude(LockFileFormat.Architectures) + """
depends() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$1" 2>/dev/null \
    | grep -v '^ ' | grep -v '^<' | sed 's/:.*//' | sort -u
}
dpkg-query -W -f 'installed ${Package}\n'
: > /tmp/all
while read -r arch root; do
  names=$(depends "$root:$arch")
  [ -n "$names" ] || names=$(depends "$root")
  if [ -z "$names" ]; then echo "missing $arch $root"; continue; fi
  echo "closure $arch $root" $names
  for n in $names; do echo "$arch $n"; done >> /tmp/all
done <<'ROOTS'

""" + string.Join("\n", roots) + """

ROOTS
for arch in amd64 arm64; do
  names=$(sed -n "s/^$arch //p" /tmp/all | sort -u)
  [ -n "$names" ] || continue
  # Architecture-independent packages keep their plain name; the others are asked for the architecture itself.
  wanted=$(apt-cache show --no-all-versions $names 2>/dev/null \
    | awk -v a="$arch" '/^Package: /{p=$2} /^Architecture: /{ if ($2=="all") print p; else print p ":" a }' | sort -u)
  echo "packages $arch"
  apt-cache show --no-all-versions $wanted | grep -E '^(Package|Version|Architecture|Filename|SHA256): |^$' || true
done
""";

    /// <summary>Turns the script's output into lock entries: per image, architecture and role, the union of the closures
    /// of its needed packages; builder packages the builder image already holds are left out, as apt installs none of them.</summary>
    internal static IReadOnlyList<LockedPackage> FromOutput(string output, IReadOnlyList<ImageNeeds> images)
    {
        var installed = new HashSet<string>(StringComparer.Ordinal);
        var closures = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var missing = new List<string>();
        var records = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        string? section = null;
        Dictionary<string, string>? stanza = null;

        void EndStanza()
        {
            if (section is not null && stanza is not null && stanza.TryGetValue("Package", out var package))
            {
                records.TryAdd(section + " " + package, stanza);
            }

            stanza = null;
        }

        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (section is null)
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    continue;
                }

                switch (parts[0])
                {
                    case "installed" when parts.Length == 2:
                        installed.Add(parts[1]);
                        break;
                    case "closure" when parts.Length >= 3:
                        closures[parts[1] + " " + parts[2]] = parts.Skip(3).ToArray();
                        break;
                    case "missing" when parts.Length == 3:
                        missing.Add(parts[1] + " " + parts[2]);
                        break;
                    case "packages" when parts.Length == 2:
                        section = parts[1];
                        break;
                }

                continue;
            }

            if (line.StartsWith("packages ", StringComparison.Ordinal))
            {
                EndStanza();
                section = line.Substring("packages ".Length).Trim();
                continue;
            }

            if (line.Length == 0)
            {
                EndStanza();
                continue;
            }

            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                stanza ??= new Dictionary<string, string>(StringComparer.Ordinal);
                stanza[line.Substring(0, colon)] = line.Substring(colon + 2).Trim();
            }
        }

        EndStanza();

        var entries = new List<LockedPackage>();
        // Each group is one role of one image on one architecture: its needed packages, each with the architecture apt
        // resolves it for (a build-for-TARGET group mixes the build platform's cross tools and the target's libraries).
        var groups = new List<(PackageRole Role, string Arch, string? ForTarget, IReadOnlyList<(string Arch, string Name)> Needed)>();
        foreach (var image in images)
        {
            groups.Clear();
            groups.AddRange(image.TargetArchitectures.Select(a => (PackageRole.Target, a, (string?)null, (IReadOnlyList<(string, string)>)image.Target.Select(n => (a, n)).ToList())));
            foreach (var arch in LockFileFormat.Architectures)
            {
                groups.Add((PackageRole.Build, arch, null, image.Builder.Select(n => (arch, n)).ToList()));
                groups.AddRange(image.TargetArchitectures.Select(t => (PackageRole.Build, arch, (string?)t, image.ForTarget(arch, t))));
            }

            foreach (var (role, arch, forTarget, needed) in groups)
            {
                var names = new SortedSet<(string Arch, string Name)>();
                foreach (var (rootArch, root) in needed)
                {
                    if (missing.Contains(rootArch + " " + root) || !closures.TryGetValue(rootArch + " " + root, out var closure))
                    {
                        throw new RunnerException(image.Image + " needs the Debian package " + root + " for " + rootArch + ", which the archive does not have");
                    }

                    names.UnionWith(closure.Select(n => (rootArch, n)));
                }

                foreach (var (nameArch, name) in names)
                {
                    var isNeeded = needed.Contains((nameArch, name));
                    // The builder image holds these already, so apt installs none of them; needed ones stay, so that
                    // 'lock --check' sees every need without apt. (A target architecture's libraries are never installed there.)
                    if (role == PackageRole.Build && nameArch == arch && installed.Contains(name) && !isNeeded)
                    {
                        continue;
                    }

                    if (!records.TryGetValue(nameArch + " " + name, out var record))
                    {
                        // A dependency alternative that does not exist for this architecture (e.g. a cross compiler's
                        // own-architecture variant): apt can never pick it there. A needed package must exist.
                        if (isNeeded)
                        {
                            throw new RunnerException("apt gave no record of " + name + " for " + nameArch + " (needed by " + image.Image + ")");
                        }

                        continue;
                    }

                    var entry = new LockedPackage(image.Image, arch, role, name, Field(record, "Version"), Field(record, "Architecture"), Field(record, "Filename"), Field(record, "SHA256"), forTarget);
                    if (!entries.Any(e => e.Image == entry.Image && e.Arch == entry.Arch && e.RoleName == entry.RoleName && e.Name == entry.Name && e.PackageArch == entry.PackageArch))
                    {
                        entries.Add(entry);
                    }
                }
            }
        }

        return entries;
    }

    private static string Field(Dictionary<string, string> record, string name) =>
        record.TryGetValue(name, out var value) ? value : throw new RunnerException("apt's record of " + record["Package"] + " has no " + name + " field");
}
