using System;

namespace Distroless.Dsl.Model;

/// <summary>Which tier an image belongs to; each tier builds on the one below.</summary>
public enum ImageTier
{
    Base,
    Tool,
    App,
}

/// <summary>What a base image carries besides its files: static (nothing), glibc, cc (glibc + C++ runtime) or debug (busybox shell).</summary>
public enum BaseVariant
{
    Static,
    Glibc,
    Cc,
    Debug,
}

/// <summary>A reference to another definition: the image a definition builds on, or a stack service's image.</summary>
public sealed record ImageRef(string Name, string Version, ImageTier Tier)
{
    /// <summary>Set only when the DSL runs at run time: the referenced definition's value, to be matched to its name by the loader.</summary>
    public object? Unresolved { get; init; }

    public string Reference => Name + ":" + Version;
}

public sealed record UserSpec(int Uid, int Gid, string Name, string Home)
{
    public bool IsRoot => Uid == 0;
}

public sealed record GroupSpec(int Gid, string Name);

public sealed record EnvVar(string Name, string Value);

public sealed record LabelSpec(string Key, string Value);

/// <summary>An exec-form health check: the program and its arguments, run without a shell.</summary>
public sealed record HealthCheckSpec(
    EquatableArray<string> Command,
    int IntervalSeconds,
    int TimeoutSeconds,
    int StartPeriodSeconds,
    int Retries);

/// <summary>A symbolic link made in the image, e.g. where a program looks for a sibling under another name.</summary>
public sealed record SymlinkSpec(string Path, string Target);

public sealed record ArchChecksum(string Arch, string Sha256);

/// <summary>A release file the runner fetches on the host before the build (checked against the lock) and the build
/// places from its context, pinned by SHA-256 per architecture. <c>{arch}</c> in the URL is the Debian/Go architecture name.</summary>
public sealed record DownloadSpec(string UrlTemplate, string Destination, EquatableArray<ArchChecksum> Checksums)
{
    /// <summary>The upstream checksum file (<c>sha256  FILENAME</c> lines, e.g. a release's checksums.txt) that <c>lock</c>
    /// takes every platform's SHA-256 from; null when the definition's pins are the only source.</summary>
    public string? ChecksumsUrl { get; init; }

    /// <summary>The file's URL for <paramref name="arch"/> (amd64 or arm64).</summary>
    public string Url(string arch) => UrlTemplate.Replace("{arch}", arch);
}

public enum CopySourceKind
{
    /// <summary>A path in the build context; <c>{arch}</c> becomes the target architecture.</summary>
    Context,

    /// <summary>A path in one of the image's own builder stages.</summary>
    Stage,
}

public sealed record CopySpec(CopySourceKind Kind, string Stage, string From, string To, string? Owner);

/// <summary>A .NET project published by the host's .NET SDK for each target architecture before the image is built,
/// into <c>publish/ARCH/</c> of the build context. <see cref="Project"/> is relative to the repository root.</summary>
public sealed record DotnetPublishSpec(string Project, string Destination, bool Trimmed)
{
    /// <summary>Where the published output sits in the build context for <paramref name="arch"/>.</summary>
    public static string ContextDirectory(string arch) => "publish/" + arch;

    /// <summary>The .NET runtime identifier of a Debian/Go architecture name.</summary>
    public static string RuntimeIdentifier(string arch) => arch switch
    {
        "amd64" => "linux-x64",
        "arm64" => "linux-arm64",
        _ => throw new ArgumentException("no .NET runtime identifier for " + arch, nameof(arch)),
    };

    /// <summary>The <c>dotnet</c> arguments that publish the project for <paramref name="arch"/> into <paramref name="output"/>:
    /// self-contained (the base has no .NET runtime), one RID per architecture, no emulation.</summary>
    public string[] PublishArguments(string arch, string output) =>
        new[] { "publish", Project, "-c", "Release", "-r", RuntimeIdentifier(arch), "--self-contained", "-p:PublishTrimmed=" + (Trimmed ? "true" : "false"), "-o", output, "-nologo" };
}

/// <summary>A builder stage: runs on the build platform with a shell, never ships.</summary>
public sealed record BuildStageSpec(string Name, string FromImage, EquatableArray<string> Packages, EquatableArray<string> Commands)
{
    /// <summary>Files from the definitions' build context copied into the stage (after its packages, before its commands).</summary>
    public EquatableArray<CopySpec> ContextCopies { get; init; } = EquatableArray<CopySpec>.Empty;

    /// <summary>Whether the stage sees TARGETARCH (amd64 or arm64), e.g. to cross-compile for it. Off by default, so an
    /// architecture-independent stage is built once and cached for every platform.</summary>
    public bool SeesTargetArch { get; init; }

    /// <summary>Whether the stage's commands see SOURCE_DATE_EPOCH, for commands that write a time into what they make
    /// (e.g. initdb's cluster). Off by default: a stage that sees it is rebuilt whenever the epoch moves.</summary>
    public bool SeesSourceDateEpoch { get; init; }

    /// <summary>Packages installed for the target architecture (multiarch, <c>PACKAGE:$TARGETARCH</c>), with the cross
    /// compiler for it: what a stage links against when it builds a program for the target.</summary>
    public EquatableArray<string> TargetPackages { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Packages installed only when the target architecture is not the build platform's, e.g. a cross compiler:
    /// <c>{arch}</c> in a name stands for the target architecture, <c>{triplet}</c> for its GNU triplet in package-name
    /// form (x86-64-linux-gnu, aarch64-linux-gnu).</summary>
    public EquatableArray<string> CrossPackages { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Debian source packages fetched and unpacked in the stage (after its context copies, before its commands).</summary>
    public EquatableArray<DebianSourceSpec> Sources { get; init; } = EquatableArray<DebianSourceSpec>.Empty;
}

public sealed record FileChecksum(string File, string Sha256);

/// <summary>A Debian source package at an exact version, fetched on the host by the runner (<c>apt-get source</c> in a
/// builder container, from the builder's own archive) and unpacked in its stage with Debian's patches applied into
/// <see cref="Destination"/>. Every file it consists of (the <c>.dsc</c> and its tarballs) is pinned by SHA-256: an
/// unpinned file or a different hash fails the fetch, and the stage checks the pins again.</summary>
public sealed record DebianSourceSpec(string Package, string Version, string Destination, EquatableArray<FileChecksum> Checksums)
{
    /// <summary>The <c>.dsc</c> file's name: Debian leaves the epoch out of file names.</summary>
    public string DscFile => Package + "_" + (Version.IndexOf(':') is var colon and >= 0 ? Version.Substring(colon + 1) : Version) + ".dsc";
}

/// <summary>The whole meaning of an image definition. One record for every tier; the fluent types decide which parts a tier may set.</summary>
public sealed record ImageSpec
{
    public ImageTier Tier { get; init; }

    /// <summary>The image this one builds on; null means FROM scratch.</summary>
    public ImageRef? Parent { get; init; }

    public BaseVariant Variant { get; init; }

    public string Description { get; init; } = "";

    public bool CaCertificates { get; init; }

    public bool TimezoneData { get; init; }

    public bool TimezoneLegacyAliases { get; init; }

    /// <summary>Debian 13 packages whose files are taken (never installed whole).</summary>
    public EquatableArray<string> Packages { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Executables shipped with exactly the libraries their ELF dynamic section needs.</summary>
    public EquatableArray<string> Binaries { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Data files or directories taken from the packages as they are.</summary>
    public EquatableArray<string> DataPaths { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Globs of paths left out of what the binaries and data files ship (see <c>Validate.ExclusionPattern</c>),
    /// applied after everything else is in place.</summary>
    public EquatableArray<string> Exclusions { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<SymlinkSpec> Symlinks { get; init; } = EquatableArray<SymlinkSpec>.Empty;

    public EquatableArray<BuildStageSpec> Stages { get; init; } = EquatableArray<BuildStageSpec>.Empty;

    public EquatableArray<DownloadSpec> Downloads { get; init; } = EquatableArray<DownloadSpec>.Empty;

    public EquatableArray<CopySpec> Copies { get; init; } = EquatableArray<CopySpec>.Empty;

    /// <summary>A .NET project the runner publishes into the build context before building; null for none.</summary>
    public DotnetPublishSpec? DotnetPublish { get; init; }

    /// <summary>Directories created in the image, owned by root unless they are the user's home.</summary>
    public EquatableArray<string> Directories { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Directories the runtime user must be able to write (data directories, not home or /tmp).</summary>
    public EquatableArray<string> WritableDirectories { get; init; } = EquatableArray<string>.Empty;

    public UserSpec? User { get; init; }

    public EquatableArray<GroupSpec> Groups { get; init; } = EquatableArray<GroupSpec>.Empty;

    public EquatableArray<EnvVar> Environment { get; init; } = EquatableArray<EnvVar>.Empty;

    public EquatableArray<LabelSpec> Labels { get; init; } = EquatableArray<LabelSpec>.Empty;

    public EquatableArray<string> Platforms { get; init; } = EquatableArray<string>.Empty;

    public string? WorkingDirectory { get; init; }

    public EquatableArray<int> Ports { get; init; } = EquatableArray<int>.Empty;

    public EquatableArray<string> Volumes { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<string> Entrypoint { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<string> Command { get; init; } = EquatableArray<string>.Empty;

    public HealthCheckSpec? HealthCheck { get; init; }

    /// <summary>Arguments appended to the entrypoint to prove the image works, e.g. <c>--version</c>.</summary>
    public EquatableArray<string>? SmokeTest { get; init; }

    public long? SizeBudgetBytes { get; init; }

    /// <summary>Secrets the program reads at run time (mounted at <c>/run/secrets/NAME</c>), never baked in.</summary>
    public EquatableArray<string> Secrets { get; init; } = EquatableArray<string>.Empty;

    public string? StopSignal { get; init; }
}
