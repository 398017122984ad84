using System;
using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl;

/// <summary>Entry point of compose stacks.</summary>
public static class Stack
{
    public static StackDefinition Create() => new(new StackSpec());
}

/// <summary>A compose stack: services from app and tool images, hardened by default.</summary>
public sealed class StackDefinition : IEquatable<StackDefinition>
{
    internal StackDefinition(StackSpec spec) => Spec = spec;

    public StackSpec Spec { get; }

    public StackDefinition Describe(string description) =>
        new(Spec with { Description = Validate.NotEmpty(description, nameof(description)) });

    public StackDefinition Service(string name, ServiceDefinition service)
    {
        Validate.ComposeName(name, nameof(name));
        if (Spec.Services.Any(s => s.Name == name))
        {
            throw Validate.Invalid(nameof(name), "the stack already has a service named '" + name + "'");
        }

        foreach (var port in service.Spec.Ports)
        {
            if (Validate.DatabasePorts.Contains(port.ContainerPort))
            {
                throw new DslException(DslDiagnostics.PublishedDatabasePort, nameof(service), name, port.ContainerPort);
            }
        }

        return new(Spec with { Services = Spec.Services.Add(new NamedService(name, service.Spec)) });
    }

    /// <summary>A named volume that services mount by name.</summary>
    public StackDefinition Volume(string name) =>
        new(Spec with { Volumes = Spec.Volumes.Add(Validate.ComposeName(name, nameof(name))) });

    public StackDefinition Network(string name) =>
        new(Spec with { Networks = Spec.Networks.Add(Validate.ComposeName(name, nameof(name))) });

    /// <summary>A secret read from <paramref name="file"/> (relative to the compose file) and mounted at <c>/run/secrets/NAME</c>.</summary>
    public StackDefinition Secret(string name, string file) =>
        new(Spec with { Secrets = Spec.Secrets.Add(new SecretSpec(Validate.ComposeName(name, nameof(name)), Validate.NotEmpty(file, nameof(file)))) });

    /// <summary>A secret whose value is the URL <paramref name="template"/> with each <c>{NAME}</c> replaced by secret NAME's value (percent-encoded),
    /// for apps that take a whole connection URL but no separate password file. <c>--generate-secrets</c> writes it
    /// from the secrets it names, so the two never disagree.</summary>
    public StackDefinition ComposedSecret(string name, string file, string template)
    {
        // A URL: the values put into it are percent-encoded, so a password may hold '@', ':', '/', '#' or '%'.
        var scheme = Validate.NotEmpty(template, nameof(template)).IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0 || !Uri.CheckSchemeName(template.Substring(0, scheme)))
        {
            throw Validate.Invalid(nameof(template), "'" + template + "' must be a URL such as postgres://user:{password}@host:5432/db: the secrets put into it are percent-encoded");
        }

        return new(Spec with { Secrets = Spec.Secrets.Add(new SecretSpec(Validate.ComposeName(name, nameof(name)), Validate.NotEmpty(file, nameof(file)), template)) });
    }

    public bool Equals(StackDefinition? other) => other is not null && other.Spec.Equals(Spec);

    public override bool Equals(object? obj) => Equals(obj as StackDefinition);

    public override int GetHashCode() => Spec.GetHashCode();
}

/// <summary>Entry point of stack services.</summary>
public static class Service
{
    public static ServiceDefinition Run(AppImage image) => new(new ServiceSpec { Image = image.AsReference() });

    public static ServiceDefinition Run(ToolImage image) => new(new ServiceSpec { Image = image.AsReference() });
}

/// <summary>One service of a stack. Read-only root, no capabilities and no-new-privileges unless said otherwise.</summary>
public sealed class ServiceDefinition : IEquatable<ServiceDefinition>
{
    internal ServiceDefinition(ServiceSpec spec) => Spec = spec;

    public ServiceSpec Spec { get; }

    /// <summary>Publishes a container port on the host, on 127.0.0.1 unless the stack's <c>.env</c> says otherwise.
    /// Database ports are refused (DSL013).</summary>
    public ServiceDefinition Publish(int port) => Publish(port, port);

    /// <summary>Publishes <paramref name="containerPort"/> on <paramref name="hostPort"/> at <paramref name="hostIp"/>:
    /// loopback by default, so only this machine reaches the service until the user sets the service's
    /// <c>NAME_BIND_ADDRESS</c> in the stack's <c>.env</c> (e.g. to 0.0.0.0 behind a firewall or proxy).</summary>
    public ServiceDefinition Publish(int hostPort, int containerPort, string hostIp = PortMapping.Loopback)
    {
        if (!System.Net.IPAddress.TryParse(hostIp ?? "", out _))
        {
            throw Validate.Invalid(nameof(hostIp), "'" + hostIp + "' must be an IP address, e.g. 127.0.0.1");
        }

        return new(Spec with
        {
            Ports = Spec.Ports.Add(new PortMapping(
                Validate.Port(hostPort, nameof(hostPort)), Validate.Port(containerPort, nameof(containerPort)), hostIp!)),
        });
    }

    /// <summary>Starts after <paramref name="service"/> reports healthy.</summary>
    public ServiceDefinition DependsOnHealthy(string service) =>
        new(Spec with { DependsOn = Spec.DependsOn.Add(new ServiceDependency(Validate.ComposeName(service, nameof(service)), DependencyCondition.Healthy)) });

    public ServiceDefinition DependsOnStarted(string service) =>
        new(Spec with { DependsOn = Spec.DependsOn.Add(new ServiceDependency(Validate.ComposeName(service, nameof(service)), DependencyCondition.Started)) });

    /// <summary>Mounts a stack volume (by name) or a host path (starting with . or /) at <paramref name="target"/>.</summary>
    public ServiceDefinition Volume(string source, string target, bool readOnly = false) =>
        new(Spec with { Volumes = Spec.Volumes.Add(new VolumeMount(Validate.NotEmpty(source, nameof(source)), Validate.AbsolutePath(target, nameof(target)), readOnly)) });

    /// <summary>A writable in-memory directory under the read-only root, e.g. <c>/tmp</c>.</summary>
    public ServiceDefinition Tmpfs(string target, string options = "mode=1777") =>
        new(Spec with { Tmpfs = Spec.Tmpfs.Add(new TmpfsMount(Validate.AbsolutePath(target, nameof(target)), options ?? "")) });

    public ServiceDefinition Env(string name, string value) =>
        new(Spec with { Environment = SpecEdits.SetEnv(Spec.Environment, Validate.EnvironmentName(name, nameof(name)), value ?? "") });

    /// <summary>An env file read at deploy time (for values that must not be in the compose file).</summary>
    public ServiceDefinition EnvFile(string path) =>
        new(Spec with { EnvFiles = Spec.EnvFiles.Add(Validate.NotEmpty(path, nameof(path))) });

    /// <summary>Mounts a stack secret at <c>/run/secrets/NAME</c>.</summary>
    public ServiceDefinition Secret(string name) =>
        new(Spec with { Secrets = Spec.Secrets.Add(Validate.ComposeName(name, nameof(name))) });

    public ServiceDefinition Network(string name) =>
        new(Spec with { Networks = Spec.Networks.Add(Validate.ComposeName(name, nameof(name))) });

    public ServiceDefinition Command(params string[] arguments) =>
        new(Spec with { Command = (arguments ?? Array.Empty<string>()).ToEquatableArray() });

    /// <summary>Runs as UID:GID instead of the image's own user.</summary>
    public ServiceDefinition User(string user) =>
        new(Spec with { User = Validate.NotEmpty(user, nameof(user)) });

    /// <summary>Turns the read-only root off, for apps that must write outside their volumes and tmpfs.</summary>
    public ServiceDefinition WritableRoot() => new(Spec with { ReadOnlyRoot = false });

    public ServiceDefinition Restart(string policy) =>
        new(Spec with { Restart = policy is "no" or "always" or "on-failure" or "unless-stopped" ? policy : throw Validate.Invalid(nameof(policy), "restart policy must be no, always, on-failure or unless-stopped") });

    public bool Equals(ServiceDefinition? other) => other is not null && other.Spec.Equals(Spec);

    public override bool Equals(object? obj) => Equals(obj as ServiceDefinition);

    public override int GetHashCode() => Spec.GetHashCode();
}
