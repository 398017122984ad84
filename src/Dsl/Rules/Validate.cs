using System.Linq;
using System.Text.RegularExpressions;

namespace Distroless.Dsl.Rules;

/// <summary>Argument checks that every fluent method uses. Each throws a <see cref="DslException"/> naming the parameter.</summary>
public static class Validate
{
    private static readonly Regex ImageNamePattern = new("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant);
    private static readonly Regex VersionPattern = new(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?(-[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex EnvNamePattern = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Sha256Pattern = new("^[0-9a-f]{64}$", RegexOptions.CultureInvariant);
    private static readonly Regex ExclusionPatternCharacters = new("^[A-Za-z0-9._+@=,:~*/-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex ComposeNamePattern = new("^[a-z0-9][a-z0-9_.-]*$", RegexOptions.CultureInvariant);

    /// <summary>The platforms images are built for when a definition does not say.</summary>
    public static readonly string[] SupportedPlatforms = { "linux/amd64", "linux/arm64" };

    /// <summary>Well-known database server ports that a stack must never publish on the host.</summary>
    public static readonly int[] DatabasePorts = { 1433, 1521, 3306, 5432, 5984, 6379, 9042, 26257, 27017, 33060 };

    public static bool IsImageName(string? name) => name is { Length: > 0 and <= 128 } && ImageNamePattern.IsMatch(name) && name != ImageNames.ReservedName;

    public static bool IsVersion(string? version) => version is not null && VersionPattern.IsMatch(version);

    public static string ImageName(string name, string parameter)
    {
        if (!IsImageName(name))
        {
            throw new DslException(DslDiagnostics.InvalidImageName, parameter, name ?? "");
        }

        return name!;
    }

    public static string Version(string version, string parameter)
    {
        if (!IsVersion(version))
        {
            throw new DslException(DslDiagnostics.InvalidVersion, parameter, version ?? "");
        }

        return version;
    }

    public static string EnvironmentName(string name, string parameter)
    {
        if (name is null || !EnvNamePattern.IsMatch(name))
        {
            throw new DslException(DslDiagnostics.InvalidEnvironmentName, parameter, name ?? "");
        }

        return name;
    }

    public static int Port(int port, string parameter)
    {
        if (port is < 1 or > 65535)
        {
            throw new DslException(DslDiagnostics.InvalidPort, parameter, port);
        }

        return port;
    }

    public static string Platform(string platform, string parameter)
    {
        if (!SupportedPlatforms.Contains(platform))
        {
            throw new DslException(DslDiagnostics.InvalidPlatform, parameter, platform ?? "");
        }

        return platform;
    }

    public static string AbsolutePath(string path, string parameter)
    {
        if (path is null || !path.StartsWith("/", System.StringComparison.Ordinal) || path.Split('/').Contains("..")
            || path.Any(char.IsWhiteSpace))
        {
            throw new DslException(DslDiagnostics.InvalidPath, parameter, path ?? "");
        }

        return path;
    }

    /// <summary>A glob naming paths to leave out of an image: absolute, or starting with <c>**/</c> for any depth;
    /// <c>*</c> matches within one name, <c>**</c> (a whole name, never last) any number of directories. The character
    /// set is kept small so <c>assemble-rootfs.sh</c> can turn the pattern into a regular expression with no escaping
    /// surprises. <paramref name="parameter"/> may carry an element index (<c>patterns[1]</c>) for the error's location.</summary>
    public static string ExclusionPattern(string pattern, string parameter)
    {
        if (!IsExclusionPattern(pattern))
        {
            throw new DslException(DslDiagnostics.InvalidExclusion, parameter, pattern ?? "");
        }

        return pattern;
    }

    public static bool IsExclusionPattern(string? pattern)
    {
        if (pattern is null || !ExclusionPatternCharacters.IsMatch(pattern))
        {
            return false;
        }

        var names = (pattern.StartsWith("/", System.StringComparison.Ordinal) ? pattern.Substring(1)
            : pattern.StartsWith("**/", System.StringComparison.Ordinal) ? pattern : "").Split('/');
        return names.Length > 0 && names[0].Length > 0
            && names.All(n => n.Length > 0 && n is not "." and not ".." && (n == "**" || !n.Contains("**")))
            && names[names.Length - 1] != "**"
            && names.Any(n => n.Trim('*').Length > 0);
    }

    /// <summary>A path relative to the build context: not absolute, no <c>..</c>, no whitespace.</summary>
    public static string ContextPath(string path, string parameter)
    {
        if (string.IsNullOrWhiteSpace(path) || path.StartsWith("/", System.StringComparison.Ordinal) || path.Split('/').Contains("..")
            || path.Any(char.IsWhiteSpace))
        {
            throw Invalid(parameter, "'" + path + "' must be a relative path inside the build context");
        }

        return path;
    }

    public static string Sha256(string sha256, string parameter, string what)
    {
        if (sha256 is null || !Sha256Pattern.IsMatch(sha256))
        {
            throw new DslException(DslDiagnostics.InvalidChecksum, parameter, what + " has SHA-256 '" + sha256 + "'");
        }

        return sha256;
    }

    /// <summary>Compose service, volume, network and secret names.</summary>
    public static string ComposeName(string name, string parameter)
    {
        if (name is null || !ComposeNamePattern.IsMatch(name))
        {
            throw Invalid(parameter, "'" + name + "' is not a valid compose name: use lowercase letters, digits, '_', '.' and '-'");
        }

        return name;
    }

    public static int Positive(int value, string parameter)
    {
        if (value <= 0)
        {
            throw Invalid(parameter, parameter + " must be greater than zero, not " + value);
        }

        return value;
    }

    public static string NotEmpty(string value, string parameter)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(parameter, parameter + " must not be empty");
        }

        return value;
    }

    public static DslException Invalid(string parameter, string message) =>
        new(DslDiagnostics.InvalidArgument, parameter, message);
}
