using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Rendering;

namespace Distroless.Dsl.Runner.Catalog;

/// <summary>The names the runner gives images: <c>[REGISTRY/][NAMESPACE/]NAME:TAG</c>, with the project's own
/// namespace unless the user chose another (<c>--registry</c>/<c>--namespace</c>, else the environment variables
/// <see cref="RegistryVariable"/> and <see cref="NamespaceVariable"/>). Every tag build, test, publish, clean and up
/// use comes from here.</summary>
internal sealed record ImageNaming(string? Registry, string Namespace)
{
    public const string RegistryVariable = "DISTROLESS_REGISTRY";
    public const string NamespaceVariable = "DISTROLESS_NAMESPACE";

    private static readonly Regex RegistryPattern = new(@"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$", RegexOptions.CultureInvariant);
    private static readonly Regex NamespacePattern = new(@"^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$", RegexOptions.CultureInvariant);

    public static ImageNaming Default { get; } = new(null, ImageNames.DefaultNamespace);

    /// <summary>The names the environment asks for, for commands that take no naming options (lock, fetch).</summary>
    public static ImageNaming FromEnvironment() => From(null, null, Environment.GetEnvironmentVariable);

    /// <summary>Options first, then the environment, then the defaults. A malformed value is an error.</summary>
    public static ImageNaming From(string? registry, string? ns, Func<string, string?> environment)
    {
        registry ??= NullIfEmpty(environment(RegistryVariable));
        ns ??= environment(NamespaceVariable) ?? ImageNames.DefaultNamespace;
        if (registry is not null && !RegistryPattern.IsMatch(registry))
        {
            throw new RunnerException("--registry takes HOST[:PORT] (e.g. ghcr.io or 127.0.0.1:5000), not '" + registry + "'");
        }

        if (ns.Length > 0 && !NamespacePattern.IsMatch(ns))
        {
            throw new RunnerException("--namespace takes lowercase path components such as 'acme' or 'acme/images', not '" + ns + "'");
        }

        return new ImageNaming(registry, ns);
    }

    /// <summary>What every name starts with, e.g. <c>distroless-dsl/</c> or <c>ghcr.io/acme/</c>; the value of the
    /// generated files' <c>IMAGE_PREFIX</c>.</summary>
    public string Prefix => (Registry is null ? "" : Registry + "/") + (Namespace.Length == 0 ? "" : Namespace + "/");

    /// <summary>The repository inside the registry, e.g. <c>acme/base</c>.</summary>
    public string RepositoryPath(CatalogEntry image) => Namespace.Length == 0 ? image.Name : Namespace + "/" + image.Name;

    /// <summary>The image's full repository name, e.g. <c>distroless-dsl/base</c>.</summary>
    public string Repository(CatalogEntry image) => Prefix + image.Name;

    /// <summary>One platform's image: <c>PREFIX/NAME:VERSION-ARCH</c>, which a child's Dockerfile builds on.</summary>
    public string PlatformTag(CatalogEntry image, string platform) =>
        Repository(image) + ":" + DockerfileEmitter.PlatformVersion(image.Version, Architecture(platform));

    /// <summary>The tags the engine's own platform also gets: <c>PREFIX/NAME:VERSION</c> and <c>PREFIX/NAME:latest</c>.</summary>
    public IReadOnlyList<string> HostTags(CatalogEntry image) => new[] { Repository(image) + ":" + image.Version, Repository(image) + ":latest" };

    /// <summary>The builder image every builder stage starts from.</summary>
    public string Builder => Prefix + ImageNames.Builder;

    /// <summary>The build argument that makes a generated Dockerfile use these names.</summary>
    public KeyValuePair<string, string> BuildArgument => new(ImageNames.PrefixVariable, Prefix);

    public static string Architecture(string platform) => platform.Substring(platform.IndexOf('/') + 1);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
