using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>The lock file's text: one entry a line, space-separated, sorted, so that a moved package is a one-line
/// diff per image and platform that holds it. Parsing is strict: any line a program did not write is named.</summary>
internal static class LockFileFormat
{
    public const string FormatLine = "lock-format 1";

    private static readonly string[] Header =
    {
        "# Distroless.Dsl package lock: every Debian package and download of every image and platform.",
        "# Written by 'lock' ('lock --update NAME' refreshes one image); do not edit by hand. One entry a line:",
        "#   deb IMAGE ARCH target|build|build-for-TARGET PACKAGE VERSION PACKAGE-ARCH ARCHIVE-PATH SHA256",
        "#   download IMAGE ARCH URL SHA256",
        "# target packages ship in IMAGE for ARCH; build packages are installed in its builder stages on an ARCH build platform,",
        "# build-for-TARGET ones only when that platform builds for TARGET (cross compilers, the target's libraries to link).",
    };

    private static readonly Regex PackageName = new("^[a-z0-9][a-z0-9+.-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex DebianVersion = new("^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Sha256Hex = new("^[0-9a-f]{64}$", RegexOptions.CultureInvariant);
    private static readonly Regex PoolPath = new("^pool/([a-z0-9+-][a-z0-9+.-]*/){3,4}[^/ ]+\\.deb$", RegexOptions.CultureInvariant); // pool/updates/... in the security archive

    public static readonly string[] Architectures = { "amd64", "arm64" };

    public static string Write(PackageLock lockFile)
    {
        var text = new StringBuilder();
        foreach (var line in Header)
        {
            text.Append(line).Append('\n');
        }

        text.Append(FormatLine).Append('\n');
        foreach (var line in Sorted(lockFile))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Every entry's line in the file's order: by image, then packages before downloads, architecture, role, name.</summary>
    private static IEnumerable<string> Sorted(PackageLock lockFile) =>
        lockFile.Packages.Select(p => (Key: SortKey(p.Image, 0, p.Arch, RoleOrder(p.RoleName), p.Name, p.PackageArch, p.Version), Line: Line(p)))
            .Concat(lockFile.Downloads.Select(d => (Key: SortKey(d.Image, 1, d.Arch, "", d.Url, "", ""), Line: Line(d))))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => e.Line);

    /// <summary>target, then build, then build-for-ARCH by architecture.</summary>
    private static string RoleOrder(string role) => role == "target" ? "0" : role == "build" ? "1" : "2" + role;

    private static string SortKey(string image, int kind, string arch, string role, string name, string packageArch, string version) =>
        string.Join("\u0001", image, kind.ToString(System.Globalization.CultureInfo.InvariantCulture), arch, role, name, packageArch, version);

    private static string Line(LockedPackage p) => string.Join(" ",
        "deb", p.Image, p.Arch, p.RoleName, p.Name, p.Version, p.PackageArch, p.ArchivePath, p.Sha256);

    private static string Line(LockedDownload d) => string.Join(" ", "download", d.Image, d.Arch, d.Url, d.Sha256);

    /// <summary>Reads a lock; a line no <c>lock</c> run could have written fails with <see cref="RunnerException"/>
    /// naming <paramref name="fileName"/> and the line.</summary>
    public static PackageLock Parse(string text, string fileName)
    {
        var packages = new List<LockedPackage>();
        var downloads = new List<LockedDownload>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var sawFormat = false;
        string? previousKey = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (i == lines.Length - 1 && line.Length == 0)
            {
                break;
            }

            RunnerException Bad(string why) => new(fileName + " line " + number + ": " + why
                + " (the lock is damaged or was edited by hand: restore it from version control, or run 'lock --update IMAGE')");

            if (line.Contains('\r') || line.Contains('\t') || line != line.Trim())
            {
                throw Bad("stray whitespace (carriage return, tab or a leading or trailing space)");
            }

            if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            if (!sawFormat)
            {
                if (line != FormatLine)
                {
                    throw Bad("expected '" + FormatLine + "' before any entry, found '" + Shorten(line) + "'");
                }

                sawFormat = true;
                continue;
            }

            var fields = line.Split(' ');
            string key;
            string sortKey;
            switch (fields[0])
            {
                case "deb":
                {
                    if (fields.Length != 9)
                    {
                        throw Bad("a deb entry has 9 fields (deb IMAGE ARCH target|build|build-for-TARGET PACKAGE VERSION PACKAGE-ARCH ARCHIVE-PATH SHA256), this line has " + fields.Length);
                    }

                    var (image, arch, role, name, version, packageArch, path, sha) = (fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7], fields[8]);
                    CheckImageAndArch(image, arch, Bad);
                    var forTarget = role.StartsWith("build-for-", StringComparison.Ordinal) ? role.Substring("build-for-".Length) : null;
                    if (role is not ("target" or "build") && (forTarget is null || !Architectures.Contains(forTarget)))
                    {
                        throw Bad("role '" + Shorten(role) + "' is none of target, build, " + string.Join(", ", Architectures.Select(a => "build-for-" + a)));
                    }

                    if (!PackageName.IsMatch(name))
                    {
                        throw Bad("'" + Shorten(name) + "' is not a Debian package name");
                    }

                    if (!DebianVersion.IsMatch(version))
                    {
                        throw Bad("'" + Shorten(version) + "' is not a Debian version");
                    }

                    if (packageArch != "all" && packageArch != arch && packageArch != forTarget)
                    {
                        throw Bad("package architecture '" + Shorten(packageArch) + "' is neither all nor " + arch + (forTarget is null || forTarget == arch ? "" : " nor " + forTarget));
                    }

                    var colon = version.IndexOf(':');
                    var expectedFile = name + "_" + (colon < 0 ? version : version.Substring(colon + 1)) + "_" + packageArch + ".deb";
                    if (!PoolPath.IsMatch(path) || !path.EndsWith("/" + expectedFile, StringComparison.Ordinal))
                    {
                        throw Bad("archive path '" + Shorten(path) + "' is not pool/.../" + expectedFile);
                    }

                    CheckSha(sha, Bad);
                    var parsedRole = role == "target" ? PackageRole.Target : PackageRole.Build;
                    packages.Add(new LockedPackage(image, arch, parsedRole, name, version, packageArch, path, sha, forTarget));
                    key = string.Join(" ", "deb", image, arch, role, name, packageArch);
                    sortKey = SortKey(image, 0, arch, RoleOrder(role), name, packageArch, version);
                    break;
                }

                case "download":
                {
                    if (fields.Length != 5)
                    {
                        throw Bad("a download entry has 5 fields (download IMAGE ARCH URL SHA256), this line has " + fields.Length);
                    }

                    var (image, arch, url, sha) = (fields[1], fields[2], fields[3], fields[4]);
                    CheckImageAndArch(image, arch, Bad);
                    if (!url.StartsWith("https://", StringComparison.Ordinal))
                    {
                        throw Bad("download URL '" + Shorten(url) + "' is not https://");
                    }

                    CheckSha(sha, Bad);
                    downloads.Add(new LockedDownload(image, arch, url, sha));
                    key = string.Join(" ", "download", image, arch, url);
                    sortKey = SortKey(image, 1, arch, "", url, "", "");
                    break;
                }

                default:
                    throw Bad("unknown entry '" + Shorten(fields[0]) + "' (expected deb or download)");
            }

            if (seen.TryGetValue(key, out var first))
            {
                throw Bad("repeats the entry of line " + first);
            }

            if (previousKey is not null && string.CompareOrdinal(previousKey, sortKey) > 0)
            {
                throw Bad("is out of order (entries are sorted by image, kind, architecture, role and package)");
            }

            seen[key] = number;
            previousKey = sortKey;
        }

        if (!sawFormat)
        {
            throw new RunnerException(fileName + " line " + lines.Length + ": no '" + FormatLine + "' line: this is not a package lock (run 'lock' to write one)");
        }

        return new PackageLock(packages, downloads);
    }

    private static void CheckImageAndArch(string image, string arch, Func<string, RunnerException> bad)
    {
        if (!Validate.IsImageName(image))
        {
            throw bad("'" + Shorten(image) + "' is not an image name");
        }

        if (!Architectures.Contains(arch))
        {
            throw bad("architecture '" + Shorten(arch) + "' is not one of " + string.Join(", ", Architectures));
        }
    }

    private static void CheckSha(string sha, Func<string, RunnerException> bad)
    {
        if (!Sha256Hex.IsMatch(sha))
        {
            throw bad("'" + Shorten(sha) + "' is not a SHA-256 (64 lowercase hex digits)");
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value.Substring(0, 77) + "...";
}
