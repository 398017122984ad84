using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>What kind of thing a component is; the order is the document's order.</summary>
internal enum ComponentKind
{
    /// <summary>A Debian binary package the image's status.d names.</summary>
    DebianPackage,

    /// <summary>A program built in the image's builder stage from a Debian source package (its BUILDINFO says so).</summary>
    DebianSourceBuild,

    /// <summary>A Debian package whose static library is linked into a <see cref="DebianSourceBuild"/> program.</summary>
    StaticallyLinked,

    /// <summary>A release file the lock pins by SHA-256 (e.g. Pocket ID's binary).</summary>
    Download,

    /// <summary>A NuGet package a .NET app's deps.json lists (type <c>package</c>).</summary>
    NuGetPackage,

    /// <summary>The .NET runtime a self-contained app carries (a deps.json library of type <c>runtimepack</c>).</summary>
    DotnetRuntimePack,
}

/// <summary>One component of an image, as the SBOM lists it. <see cref="LinkedInto"/> names the component whose program
/// holds this one's code (a static library's).</summary>
internal sealed record SbomComponent(ComponentKind Kind, string Name, string? Version, string Purl)
{
    public const string NoAssertion = "NOASSERTION";

    public string? Sha256 { get; init; }

    public string? Sha512 { get; init; }

    /// <summary>An SPDX license expression, or NOASSERTION.</summary>
    public string License { get; init; } = NoAssertion;

    public string DownloadLocation { get; init; } = NoAssertion;

    public string? FileName { get; init; }

    public string? Supplier { get; init; }

    public string? Purpose { get; init; }

    public string? Comment { get; init; }

    public string? LinkedInto { get; init; }

    /// <summary>The order of the document: kind, then name, version and purl (ordinal).</summary>
    public string SortKey => string.Join("\u0001", ((int)Kind).ToString(CultureInfo.InvariantCulture), Name, Version ?? "", Purl);
}

/// <summary>Package URLs (the purl specification): type, namespace, name, version and qualifiers, percent-encoded.</summary>
internal static class PackageUrl
{
    /// <summary>The distro qualifier of every Debian purl: the release the images are built from.</summary>
    public const string DebianDistro = "debian-" + Distroless.Dsl.Rendering.SystemFiles.DebianVersionId;

    public static string Debian(string name, string version, string arch) =>
        "pkg:deb/debian/" + Encode(name) + "@" + Encode(version) + "?arch=" + Encode(arch) + "&distro=" + DebianDistro;

    public static string NuGet(string name, string version) => "pkg:nuget/" + Encode(name) + "@" + Encode(version);

    public static string GitHub(string owner, string repository, string version) =>
        "pkg:github/" + Encode(owner.ToLowerInvariant()) + "/" + Encode(repository.ToLowerInvariant()) + "@" + Encode(version);

    public static string Generic(string name, string downloadUrl) => "pkg:generic/" + Encode(name) + "?download_url=" + Encode(downloadUrl);

    /// <summary>An OCI image: its version is the manifest digest, when one is known; qualifiers sorted as the spec asks.</summary>
    public static string Oci(string name, string? manifestDigest, string arch, string? repositoryUrl, string tag)
    {
        var qualifiers = new[] { ("arch", (string?)arch), ("repository_url", repositoryUrl), ("tag", tag) }
            .Where(q => q.Item2 is not null).Select(q => q.Item1 + "=" + Encode(q.Item2!));
        return "pkg:oci/" + Encode(name) + (manifestDigest is null ? "" : "@" + Encode(manifestDigest)) + "?" + string.Join("&", qualifiers);
    }

    /// <summary>Percent-encodes all but the unreserved characters (letters, digits, '.', '-', '_', '~'), as purl builders do:
    /// a version's epoch colon is %3A and a '+' is %2B.</summary>
    public static string Encode(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' or '_' or '~')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
