using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The shell commands of a builder stage's package installs and Debian source fetches. Kept apart from the
/// Dockerfile's layout so the emitter only places them.</summary>
public static class StageCommands
{
    /// <summary>One RUN's command: apt's indexes (with deb-src entries when the stage fetches a source package, and the
    /// target architecture when it installs for it) are fetched once for the whole stage. Null when nothing is installed.</summary>
    public static string? Install(BuildStageSpec stage)
    {
        if (stage.Packages.IsEmpty && stage.TargetPackages.IsEmpty && stage.Sources.IsEmpty)
        {
            return null;
        }

        var steps = new List<string>();
        var packages = stage.Packages.ToList();
        if (!stage.TargetPackages.IsEmpty)
        {
            // gcc-TRIPLET is the cross compiler, or on the build platform's own architecture its native gcc by that name.
            steps.Add(TripletCase);
            steps.Add("dpkg --add-architecture \"$TARGETARCH\"");
            packages.Add("gcc-$(echo $triplet | tr _ -)");
            packages.AddRange(stage.TargetPackages.Select(p => p + ":$TARGETARCH"));
        }

        if (!stage.Sources.IsEmpty)
        {
            steps.Add(DebSrcEntries);
        }

        steps.Add("apt-get update -qq && apt-get install -y -qq --no-install-recommends " + string.Join(" ", packages) + " >/dev/null");
        return string.Join(" && ", steps);
    }

    /// <summary>Fetches a source package at its pinned version, checks every file against its pin (naming the file and
    /// both hashes on a mismatch), refuses files that are not pinned, then unpacks it with Debian's patches applied.</summary>
    public static string FetchSource(DebianSourceSpec source)
    {
        var spec = source.Package + "=" + source.Version;
        var work = "/usr/src/debian/" + source.Package;
        var pins = string.Join(" ", source.Checksums.Select(c => c.File + ") want=" + c.Sha256 + " ;;"));
        return "install -d -o _apt " + work + " && cd " + work
               + " && { apt-get source --download-only -qq " + spec + " || { echo \"Debian source " + spec
               + " could not be fetched: the archive keeps only current versions, so pin one that apt-cache showsrc " + source.Package + " lists\" >&2; exit 1; }; }"
               + " && for f in *; do case \"$f\" in " + pins + " *) echo \"" + spec + ": $f is not pinned: add .Sha256(\\\"$f\\\", \\\"$(sha256sum \"$f\" | cut -d' ' -f1)\\\")\" >&2; exit 1 ;; esac"
               + "; got=$(sha256sum \"$f\" | cut -d' ' -f1); [ \"$got\" = \"$want\" ] || { echo \"" + spec + ": sha256 mismatch for $f: pinned $want, got $got\" >&2; exit 1; }; done"
               + " && for f in " + string.Join(" ", source.Checksums.Select(c => c.File)) + "; do [ -f \"$f\" ] || { echo \"" + spec + ": pinned $f is not a file of this source package\" >&2; exit 1; }; done"
               + " && mkdir -p " + Parent(source.Destination) + " && dpkg-source -x " + source.DscFile + " " + source.Destination + " >/dev/null";
    }

    private const string TripletCase =
        "case \"$TARGETARCH\" in amd64) triplet=x86_64-linux-gnu ;; arm64) triplet=aarch64-linux-gnu ;; *) echo \"unsupported TARGETARCH '$TARGETARCH'\" >&2; exit 1 ;; esac";

    // deb-src entries are the builder's own deb entries (one-line or deb822 format), so the source comes from the
    // same archive, suite and keyring as its packages; no archive is named here.
    private const string DebSrcEntries =
        "for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do if [ -f \"$f\" ]; then sed -n 's/^deb /deb-src /p' \"$f\"; fi; done > /tmp/deb-src.list"
        + " && mv /tmp/deb-src.list /etc/apt/sources.list.d/deb-src.list"
        + " && for f in /etc/apt/sources.list.d/*.sources; do if [ -f \"$f\" ]; then sed 's/^Types:.*/Types: deb-src/' \"$f\" > \"${f%.sources}-src.sources\"; fi; done";

    private static string Parent(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed.Substring(0, slash);
    }
}
