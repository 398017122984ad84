using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The shell commands of a builder stage's package installs and Debian source fetches. Kept apart from the
/// Dockerfile's layout so the emitter only places them.</summary>
public static class StageCommands
{
    /// <summary>Where a stage's builder packages are in its filesystem: the context's <c>debs/build/</c> (and
    /// <c>debs/build-for-target/</c>, copied into the same folder), with <see cref="InstallDebsScript"/> beside it.</summary>
    public const string DebsInStage = "/build/debs/build";

    /// <summary>The cross compiler a stage that installs for the target gets: <c>TRIPLET-gcc</c>, or on the build platform's
    /// own architecture its native gcc by that name.</summary>
    public const string CrossCompiler = "gcc-{triplet}";

    /// <summary>Marks a builder package as the target architecture's (multiarch).</summary>
    public const string ForTargetSuffix = ":{arch}";

    /// <summary>Whether the stage installs any package.</summary>
    public static bool Installs(BuildStageSpec stage) => !stage.Packages.IsEmpty || !stage.TargetPackages.IsEmpty || !stage.CrossPackages.IsEmpty;

    /// <summary>Whether the stage installs from the build context's locked .deb files with no network: every stage but one
    /// that fetches a Debian source package (apt fetches that from the archive, so that stage keeps apt's indexes).</summary>
    public static bool FromDebs(BuildStageSpec stage) => Installs(stage) && stage.Sources.IsEmpty;

    /// <summary>The GNU triplet of a Debian architecture this project builds for (what <see cref="TripletCase"/> sets).</summary>
    public static string Triplet(string arch) => arch switch
    {
        "amd64" => "x86_64-linux-gnu",
        "arm64" => "aarch64-linux-gnu",
        _ => throw new System.ArgumentException("unsupported architecture " + arch, nameof(arch)),
    };

    /// <summary>A package name with <c>{arch}</c> and <c>{triplet}</c> filled in (the triplet in package-name form: '_' as '-').</summary>
    public static string ExpandCross(string name, string arch, string triplet) =>
        name.Replace("{arch}", arch).Replace("{triplet}", triplet.Replace('_', '-'));

    /// <summary>One RUN's command: from the context's .deb files with dpkg (<see cref="FromDebs"/>), or with apt, whose
    /// indexes (with deb-src entries when the stage fetches a source package, and the target architecture when it installs
    /// for it) are fetched once for the whole stage. Null when nothing is installed.</summary>
    public static string? Install(BuildStageSpec stage)
    {
        if (!Installs(stage) && stage.Sources.IsEmpty)
        {
            return null;
        }

        var steps = new List<string>();
        var packages = stage.Packages.ToList();
        if (!stage.TargetPackages.IsEmpty || stage.CrossPackages.Any(p => p.Contains("{triplet}")))
        {
            steps.Add(TripletCase);
        }

        if (!stage.TargetPackages.IsEmpty)
        {
            packages.Add(InShell(CrossCompiler));
            packages.AddRange(stage.TargetPackages.Select(p => InShell(p + ForTargetSuffix)));
        }

        var cross = string.Join(" ", stage.CrossPackages.Select(InShell));
        var whenCross = "if [ \"$(dpkg --print-architecture)\" != \"$TARGETARCH\" ]; then ";
        if (FromDebs(stage))
        {
            if (packages.Count > 0)
            {
                steps.Add("sh /build/" + InstallDebsScript.FileName + " " + DebsInStage + " " + string.Join(" ", packages));
            }

            if (cross.Length > 0)
            {
                steps.Add(whenCross + "sh /build/" + InstallDebsScript.FileName + " " + DebsInStage + " " + cross + "; fi");
            }

            return string.Join(" && ", steps);
        }

        if (!stage.TargetPackages.IsEmpty)
        {
            steps.Add("dpkg --add-architecture \"$TARGETARCH\"");
        }

        if (!stage.Sources.IsEmpty)
        {
            steps.Add(DebSrcEntries);
        }

        steps.Add("apt-get update -qq && apt-get install -y -qq --no-install-recommends " + string.Join(" ", packages) + " >/dev/null");
        if (cross.Length > 0)
        {
            steps.Add(whenCross + "apt-get install -y -qq --no-install-recommends " + cross + " >/dev/null; fi");
        }

        return string.Join(" && ", steps);
    }

    /// <summary>A package name as the stage's shell spells it: <c>{arch}</c> is <c>$TARGETARCH</c>, <c>{triplet}</c> the
    /// triplet <see cref="TripletCase"/> set, in package-name form.</summary>
    private static string InShell(string name) =>
        name.Replace("{arch}", "$TARGETARCH").Replace("{triplet}", "$(echo $triplet | tr _ -)");

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
