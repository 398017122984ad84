using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The builder stage that places an image's release downloads. The runner fetches each file on the host (checked
/// against the lock's SHA-256) into the build context's <see cref="InContext"/> folder at its destination path; the stage
/// checks it against the definition's pin again, lays it out as the image's own tree under <see cref="StageOutputTree.Root"/>
/// with every path stamped with SOURCE_DATE_EPOCH, and the image copies that tree onto <c>/</c> (see StageOutputTree why).</summary>
public static class DownloadStage
{
    public const string Name = "download";

    /// <summary>The build context's folder of downloaded files: <c>downloads/DESTINATION</c>, for the platform being built.</summary>
    public const string InContext = "downloads";

    /// <summary>Where the stage sees the context's downloads.</summary>
    public const string InStage = "/download";

    /// <summary>A download's path in the build context (its destination under <see cref="InContext"/>).</summary>
    public static string ContextPath(DownloadSpec download) => InContext + download.Destination;

    /// <summary>The stage's one command: for each download, its pin for the target architecture, the check, the copy into
    /// the tree (mode 0755, as a release binary runs); the image user's own directories among the parents get its owner,
    /// as the rootfs made them; then every path gets the epoch.</summary>
    public static string Command(ImageSpec spec, string epochVariable)
    {
        var owned = spec.User is { IsRoot: false } user ? RootfsManifest.OwnedDirectories(spec) : new List<string>();
        var steps = new List<string>();
        foreach (var download in spec.Downloads)
        {
            var file = InStage + download.Destination;
            var placed = StageOutputTree.Root + download.Destination;
            var pins = string.Join(" ", download.Checksums.Select(c => c.Arch + ") sum=" + c.Sha256 + " ;;"));
            steps.Add("case \"$TARGETARCH\" in " + pins + " *) echo \"no SHA-256 pinned for $TARGETARCH\" >&2; exit 1 ;; esac");
            steps.Add("got=$(sha256sum " + file + " | cut -d' ' -f1) && { [ \"$got\" = \"$sum\" ] || { echo \"" + download.Url("$TARGETARCH")
                      + ": sha256 mismatch: pinned $sum, got $got\" >&2; exit 1; }; }");
            steps.Add("mkdir -p " + placed.Substring(0, placed.LastIndexOf('/')) + " && cp " + file + " " + placed + " && chmod 0755 " + placed);
            foreach (var parent in Parents(download.Destination).Where(owned.Contains))
            {
                steps.Add("chown " + spec.User!.Uid.ToString(CultureInfo.InvariantCulture) + ":" + spec.User.Gid.ToString(CultureInfo.InvariantCulture) + " " + StageOutputTree.Root + parent);
            }
        }

        steps.Add(StageOutputTree.Stamp(epochVariable));
        return string.Join(" && ", steps);
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            yield return path.Substring(0, slash);
        }
    }
}
