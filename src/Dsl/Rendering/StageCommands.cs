using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The shell commands of a builder stage's package installs and Debian source unpacking. Kept apart from the
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

    /// <summary>One RUN's command: the stage's packages installed with dpkg from the context's locked .deb files (no
    /// network, no apt indexes). Null when nothing is installed.</summary>
    public static string? Install(BuildStageSpec stage)
    {
        if (!Installs(stage))
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

        if (packages.Count > 0)
        {
            steps.Add("sh /build/" + InstallDebsScript.FileName + " " + DebsInStage + " " + string.Join(" ", packages));
        }

        if (!stage.CrossPackages.IsEmpty)
        {
            steps.Add("if [ \"$(dpkg --print-architecture)\" != \"$TARGETARCH\" ]; then sh /build/" + InstallDebsScript.FileName + " " + DebsInStage + " "
                      + string.Join(" ", stage.CrossPackages.Select(InShell)) + "; fi");
        }

        return string.Join(" && ", steps);
    }

    /// <summary>A package name as the stage's shell spells it: <c>{arch}</c> is <c>$TARGETARCH</c>, <c>{triplet}</c> the
    /// triplet <see cref="TripletCase"/> set, in package-name form.</summary>
    private static string InShell(string name) =>
        name.Replace("{arch}", "$TARGETARCH").Replace("{triplet}", "$(echo $triplet | tr _ -)");

    /// <summary>The build context's folder of Debian source files: the runner fetches each pinned file on the host, checked
    /// against its pin, and puts it here under its own name (see the runner's DebianSourceFetcher).</summary>
    public const string SourcesInContext = "sources";

    /// <summary>Where a stage unpacks a Debian source package from: its pinned files, copied from the context.</summary>
    public static string SourceDirectory(DebianSourceSpec source) => "/usr/src/debian/" + source.Package;

    /// <summary>The COPY arguments that bring a source package's pinned files from the context into the stage.</summary>
    public static string CopySource(DebianSourceSpec source) =>
        string.Join(" ", source.Checksums.Select(c => SourcesInContext + "/" + c.File)) + " " + SourceDirectory(source) + "/";

    /// <summary>Checks every pinned file of a source package against its pin again (cheap: the host checked it when it
    /// fetched it; a mismatch names the file and both hashes), then unpacks it with Debian's patches applied.</summary>
    public static string UnpackSource(DebianSourceSpec source)
    {
        var spec = source.Package + "=" + source.Version;
        var pins = string.Join(" ", source.Checksums.Select(c => c.File + ") want=" + c.Sha256 + " ;;"));
        return "cd " + SourceDirectory(source)
               + " && for f in " + string.Join(" ", source.Checksums.Select(c => c.File)) + "; do case \"$f\" in " + pins + " esac"
               + "; got=$(sha256sum \"$f\" | cut -d' ' -f1); [ \"$got\" = \"$want\" ] || { echo \"" + spec + ": sha256 mismatch for $f: pinned $want, got $got\" >&2; exit 1; }; done"
               + " && mkdir -p " + Parent(source.Destination) + " && dpkg-source -x " + source.DscFile + " " + source.Destination + " >/dev/null";
    }

    private const string TripletCase =
        "case \"$TARGETARCH\" in amd64) triplet=x86_64-linux-gnu ;; arm64) triplet=aarch64-linux-gnu ;; *) echo \"unsupported TARGETARCH '$TARGETARCH'\" >&2; exit 1 ;; esac";

    private static string Parent(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed.Substring(0, slash);
    }
}
