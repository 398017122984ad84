using System;
using System.Collections.Generic;
using System.Linq;

namespace Distroless.Dsl.Model;

public enum DependencyCondition
{
    Started,
    Healthy,
}

public sealed record ServiceDependency(string Service, DependencyCondition Condition);

/// <summary>A published port. <paramref name="HostIp"/> is the default bind address; the stack's <c>.env</c> may
/// change it through the service's <see cref="NamedService.BindAddressVariable"/>.</summary>
public sealed record PortMapping(int HostPort, int ContainerPort, string HostIp)
{
    public const string Loopback = "127.0.0.1";
}

public sealed record VolumeMount(string Source, string Target, bool ReadOnly);

public sealed record TmpfsMount(string Target, string Options);

/// <summary>One compose service, running a definition's image with hardening on by default.</summary>
public sealed record ServiceSpec
{
    public ImageRef Image { get; init; } = new("", "", ImageTier.App);

    public EquatableArray<ServiceDependency> DependsOn { get; init; } = EquatableArray<ServiceDependency>.Empty;

    public EquatableArray<PortMapping> Ports { get; init; } = EquatableArray<PortMapping>.Empty;

    public EquatableArray<VolumeMount> Volumes { get; init; } = EquatableArray<VolumeMount>.Empty;

    public EquatableArray<TmpfsMount> Tmpfs { get; init; } = EquatableArray<TmpfsMount>.Empty;

    public EquatableArray<EnvVar> Environment { get; init; } = EquatableArray<EnvVar>.Empty;

    public EquatableArray<string> EnvFiles { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<string> Secrets { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<string> Networks { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<string> Command { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Read-only root filesystem; on unless the app cannot run with it.</summary>
    public bool ReadOnlyRoot { get; init; } = true;

    /// <summary>compose <c>user</c>; empty means the image's own user.</summary>
    public string? User { get; init; }

    public string Restart { get; init; } = "unless-stopped";
}

public sealed record NamedService(string Name, ServiceSpec Service)
{
    /// <summary>The compose variable holding the address the service's ports are published on, e.g.
    /// <c>POCKET_ID_BIND_ADDRESS</c>.</summary>
    public string BindAddressVariable => Name.ToUpperInvariant().Replace('-', '_').Replace('.', '_') + "_BIND_ADDRESS";
}

/// <summary>A compose secret read from <paramref name="File"/>. A <paramref name="Template"/> composes its value from other
/// secrets of the stack (<c>{NAME}</c> stands for secret NAME's value), e.g. a connection string carrying the database
/// password, so one generated password serves both the database and the app that only reads a whole URL.</summary>
public sealed record SecretSpec(string Name, string File, string? Template = null)
{
    /// <summary>The secrets the template names, in the order written.</summary>
    public IEnumerable<string> Inputs()
    {
        if (Template is null)
        {
            yield break;
        }

        for (var start = Template.IndexOf('{'); start >= 0; start = Template.IndexOf('{', start + 1))
        {
            var end = Template.IndexOf('}', start + 1);
            if (end < 0)
            {
                yield break;
            }

            yield return Template.Substring(start + 1, end - start - 1);
        }
    }

    /// <summary>The template (a URL) with every <c>{NAME}</c> replaced by <paramref name="valueOf"/>(NAME),
    /// percent-encoded as RFC 3986 asks of user info, path and query parts, so the URL means what was written.</summary>
    public string Compose(Func<string, string> valueOf)
    {
        var value = Template ?? "";
        foreach (var input in Inputs().Distinct())
        {
            value = value.Replace("{" + input + "}", Uri.EscapeDataString(valueOf(input)));
        }

        return value;
    }
}

public sealed record StackSpec
{
    public string Description { get; init; } = "";

    public EquatableArray<NamedService> Services { get; init; } = EquatableArray<NamedService>.Empty;

    public EquatableArray<string> Volumes { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<string> Networks { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<SecretSpec> Secrets { get; init; } = EquatableArray<SecretSpec>.Empty;
}
