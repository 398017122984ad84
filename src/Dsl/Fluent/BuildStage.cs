using System;
using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl;

/// <summary>A builder stage: a Debian 13 container on the build platform where a shell may do work
/// (e.g. initdb) whose output an image then copies. Nothing of the stage ships but what is copied.</summary>
public sealed class BuildStage : IEquatable<BuildStage>
{
    /// <summary>The builder image every stage starts from; made locally by the runner's bootstrap when it cannot be pulled.</summary>
    public const string DebianBuilderImage = "${" + ImageNames.PrefixVariable + "}" + ImageNames.Builder;

    private BuildStage(BuildStageSpec spec) => Spec = spec;

    public BuildStageSpec Spec { get; }

    public static BuildStage OnDebian(string name) => new(new BuildStageSpec(
        Validate.ComposeName(name, nameof(name)), DebianBuilderImage, EquatableArray<string>.Empty, EquatableArray<string>.Empty));

    /// <summary>Installs packages for the build platform with apt.</summary>
    public BuildStage Install(params string[] packages) =>
        new(Spec with { Packages = Spec.Packages.AddRange(packages ?? Array.Empty<string>()) });

    /// <summary>A shell command run in the stage (builder stages have a shell; images do not).</summary>
    public BuildStage Run(string command) =>
        new(Spec with { Commands = Spec.Commands.Add(Validate.NotEmpty(command, nameof(command))) });

    /// <summary>Copies a file from the definitions project's build context (its <c>context/</c> folder, passed to the
    /// generator as AdditionalFiles) into the stage, e.g. a program's source to compile. <paramref name="from"/> is
    /// relative to that folder; the file's text travels in the generated catalog.</summary>
    public BuildStage FromContext(string from, string to) =>
        new(Spec with
        {
            ContextCopies = Spec.ContextCopies.Add(new CopySpec(
                CopySourceKind.Context, "", Validate.ContextPath(from, nameof(from)), Validate.AbsolutePath(to, nameof(to)), null)),
        });

    /// <summary>Declares TARGETARCH in the stage (amd64 or arm64): for stages that make something per target
    /// architecture, such as cross-compiling a program with the target's gcc.</summary>
    public BuildStage WithTargetArch() => new(Spec with { SeesTargetArch = true });

    /// <summary>Declares SOURCE_DATE_EPOCH in the stage after its packages and before its commands: for commands that write the time into
    /// what they make, so that it is the image's one epoch rather than the build's clock (the stage then reruns
    /// whenever the epoch moves).</summary>
    public BuildStage WithSourceDateEpoch() => new(Spec with { SeesSourceDateEpoch = true });

    /// <summary>Installs packages for the target architecture (multiarch <c>PACKAGE:$TARGETARCH</c>, e.g. the
    /// <c>-dev</c> packages a program links against) and the cross compiler <c>TRIPLET-gcc</c> for it, which on the
    /// build platform's own architecture is its native gcc. Nothing is emulated. Implies <see cref="WithTargetArch"/>;
    /// commands find the triplet with <c>dpkg-architecture -a"$TARGETARCH" -qDEB_HOST_GNU_TYPE</c> (dpkg-dev comes too).</summary>
    public BuildStage InstallForTarget(params string[] packages)
    {
        foreach (var package in packages ?? Array.Empty<string>())
        {
            DebianName(package, nameof(packages));
        }

        return new(Spec with
        {
            SeesTargetArch = true,
            Packages = WithPackage(Spec.Packages, DpkgDev),
            TargetPackages = Spec.TargetPackages.AddRange(packages ?? Array.Empty<string>()),
        });
    }

    /// <summary>Installs packages for the build platform only when it builds for another architecture, e.g. a cross
    /// compiler: <c>InstallWhenCross("gcc-{triplet}", "libc6-dev-{arch}-cross")</c>, where <c>{arch}</c> is the target
    /// architecture and <c>{triplet}</c> its GNU triplet as Debian names packages (aarch64-linux-gnu). Implies
    /// <see cref="WithTargetArch"/>. The lock holds them for every pair of build and target architecture that differ.</summary>
    public BuildStage InstallWhenCross(params string[] packages)
    {
        foreach (var package in packages ?? Array.Empty<string>())
        {
            DebianName(StageCommands.ExpandCross(package, "arm64", "aarch64-linux-gnu"), nameof(packages));
        }

        return new(Spec with { SeesTargetArch = true, CrossPackages = Spec.CrossPackages.AddRange(packages ?? Array.Empty<string>()) });
    }

    /// <summary>Unpacks Debian source package <paramref name="package"/> at exactly <paramref name="version"/>, which the
    /// runner fetches on the host from the archive the builder image's apt already uses (its <c>deb</c> entries, read as
    /// <c>deb-src</c>) and hands to the build in its context; the stage unpacks it
    /// with Debian's patches applied into <paramref name="destination"/>. Pin each of its files with
    /// <see cref="Sha256"/>: the <c>.dsc</c> at least (DSL015), and every tarball it lists, or the build fails.</summary>
    public BuildStage DebianSource(string package, string version, string destination)
    {
        DebianName(package, nameof(package));
        if (version is null || version.Length == 0 || !char.IsDigit(version[0])
            || !version.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '.' or '+' or '~' or '-' or ':'))
        {
            throw Validate.Invalid(nameof(version), "'" + version + "' is not an exact Debian version: give it as apt-cache showsrc " + package + " lists it, e.g. 8.14.1-2+deb13u5");
        }

        var source = new DebianSourceSpec(package, version, Validate.AbsolutePath(destination, nameof(destination)), EquatableArray<FileChecksum>.Empty);
        return new(Spec with { Packages = WithPackage(Spec.Packages, DpkgDev), Sources = Spec.Sources.Add(source) });
    }

    /// <summary>The SHA-256 that <paramref name="file"/> of the previous <see cref="DebianSource"/> must have, e.g.
    /// <c>Sha256("curl_8.14.1.orig.tar.gz", "6766…")</c>. <c>apt-cache showsrc PACKAGE</c> lists them (Checksums-Sha256).</summary>
    public BuildStage Sha256(string file, string sha256)
    {
        if (Spec.Sources.IsEmpty)
        {
            throw Validate.Invalid(nameof(file), "call DebianSource(...) before Sha256(...)");
        }

        if (file is null || file.Length == 0 || file[0] == '.' || !file.All(c => char.IsLetterOrDigit(c) || c is '.' or '+' or '~' or '-' or '_'))
        {
            throw Validate.Invalid(nameof(file), "'" + file + "' is not a file name of a Debian source package, e.g. curl_8.14.1.orig.tar.gz");
        }

        var last = Spec.Sources[Spec.Sources.Count - 1];
        var pinned = last with
        {
            Checksums = last.Checksums.Where(c => c.File != file).ToEquatableArray()
                .Add(new FileChecksum(file, Validate.Sha256(sha256, nameof(sha256), file))),
        };
        return new(Spec with { Sources = Spec.Sources.Take(Spec.Sources.Count - 1).ToEquatableArray().Add(pinned) });
    }

    private const string DpkgDev = "dpkg-dev";

    private static EquatableArray<string> WithPackage(EquatableArray<string> packages, string package) =>
        packages.Contains(package) ? packages : packages.Add(package);

    private static void DebianName(string name, string parameter)
    {
        if (name is null || name.Length < 2 || !(char.IsLower(name[0]) || char.IsDigit(name[0]))
            || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '+' or '-'))
        {
            throw Validate.Invalid(parameter, "'" + name + "' is not a Debian package name");
        }
    }

    public bool Equals(BuildStage? other) => other is not null && other.Spec.Equals(Spec);

    public override bool Equals(object? obj) => Equals(obj as BuildStage);

    public override int GetHashCode() => Spec.GetHashCode();
}
