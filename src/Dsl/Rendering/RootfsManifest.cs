using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>Writes <c>rootfs.list</c>: what an image's root filesystem holds, one directive a line, read by
/// <c>assemble-rootfs.sh</c> in the builder stage. A reviewer reads this file to see what ships.</summary>
public static class RootfsManifest
{
    public const string FileName = "rootfs.list";

    /// <summary>Build-context files under <c>etc/</c> that the manifest ships, by image path.</summary>
    public static IReadOnlyList<GeneratedFile> EtcFiles(ImageRef identity, ImageSpec spec)
    {
        var files = new List<GeneratedFile>();
        if (spec.User is not null)
        {
            files.Add(new GeneratedFile("etc/group", SystemFiles.Group(spec.User, spec.Groups)));
        }

        if (spec.Parent is null)
        {
            files.Add(new GeneratedFile("etc/nsswitch.conf", SystemFiles.NsSwitch()));
            files.Add(new GeneratedFile("etc/os-release", SystemFiles.OsRelease()));
        }

        if (spec.User is not null)
        {
            files.Add(new GeneratedFile("etc/passwd", SystemFiles.Passwd(spec.User)));
        }

        return files;
    }

    /// <summary>Directories the runtime user owns: assemble-rootfs.sh makes them in the root filesystem, owned by the user
    /// (a COPY that made them would stamp them with the build's time).</summary>
    public static IReadOnlyList<string> OwnedDirectories(ImageSpec spec)
    {
        var owned = new List<string>();
        if (spec.User is { IsRoot: false })
        {
            owned.Add(spec.User.Home);
        }

        owned.AddRange(spec.WritableDirectories.Where(d => !owned.Contains(d)));
        return owned;
    }

    /// <summary>True when the image needs the rootfs builder stage at all.</summary>
    public static bool IsNeeded(ImageSpec spec) =>
        spec.Parent is null || spec.User is not null || spec.CaCertificates || spec.TimezoneData
        || !spec.Packages.IsEmpty || !spec.WritableDirectories.IsEmpty || !spec.Symlinks.IsEmpty || spec.Copies.Any(c => c.Owner is not null);

    public static string Render(ImageRef identity, ImageSpec spec)
    {
        var lines = new List<string>
        {
            "# Root filesystem of " + identity.Reference + " for one target architecture. Generated: change the definition instead.",
            "# Everything listed ships root-owned and not world-writable; 'owned' directories belong to the image's user.",
        };

        if (spec.Parent is null)
        {
            lines.Add("usr-merge");
            lines.Add("dir /etc 0755");
            lines.Add("dir /tmp 1777");
        }

        foreach (var file in EtcFiles(identity, spec))
        {
            lines.Add("context " + file.Path + " /" + file.Path + " 0644");
        }

        foreach (var owned in OwnedDirectories(spec))
        {
            lines.Add("owned " + owned + " 0755");
        }

        // Made here, root-owned, so that a chowned COPY into them does not create them owned by the user.
        foreach (var copy in spec.Copies.Where(c => c.Owner is not null))
        {
            lines.Add("dir " + copy.To.TrimEnd('/') + " 0755");
        }

        if (spec.CaCertificates)
        {
            lines.Add("ca-certificates");
        }

        if (spec.TimezoneData)
        {
            lines.Add("tzdata");
            if (spec.TimezoneLegacyAliases)
            {
                lines.Add("tzdata-legacy");
            }
        }

        if (spec.Parent is null)
        {
            lines.Add("fetch " + SystemFiles.BaseFilesPackage);
            lines.Add("data " + SystemFiles.DebianVersionPath);
        }

        foreach (var package in spec.Packages)
        {
            lines.Add("fetch " + package);
        }

        if (spec.Tier == ImageTier.Base)
        {
            // A base ships its packages' shared libraries whole; tools and apps ship only the closure of their binaries.
            foreach (var package in spec.Packages.Where(p => p != BusyboxPackage))
            {
                lines.Add("libraries " + package);
            }
        }

        if (spec.Variant == BaseVariant.Debug)
        {
            lines.Add("busybox");
        }

        foreach (var binary in spec.Binaries)
        {
            lines.Add("binary " + binary);
        }

        foreach (var data in spec.DataPaths)
        {
            lines.Add("data " + data);
        }

        foreach (var link in spec.Symlinks)
        {
            lines.Add("link " + link.Path + " " + link.Target);
        }

        // Last, so a pattern sees everything the lines above shipped.
        foreach (var pattern in spec.Exclusions)
        {
            lines.Add("without " + pattern);
        }

        return string.Join("\n", lines) + "\n";
    }

    private const string BusyboxPackage = "busybox-static";
}
