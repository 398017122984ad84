using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distroless.Dsl.Runner.Engine;

/// <summary>Where the Docker engine is, found the way the docker CLI finds it: DOCKER_HOST, then the current docker
/// context (DOCKER_CONTEXT or ~/.docker/config.json), then the default socket.</summary>
internal sealed record EngineEndpoint(Uri Uri, string FoundBy)
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    public static EngineEndpoint Discover(Func<string, string?>? environment = null, string? dockerConfigDirectory = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var host = environment("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            return new EngineEndpoint(Parse(host!, "DOCKER_HOST"), "DOCKER_HOST");
        }

        var configDirectory = dockerConfigDirectory ?? environment("DOCKER_CONFIG")
            ?? Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var context = environment("DOCKER_CONTEXT") ?? CurrentContext(configDirectory);
        if (!string.IsNullOrEmpty(context) && context != "default")
        {
            var meta = Path.Combine(configDirectory, "contexts", "meta", Sha256Hex(context!), "meta.json");
            if (!File.Exists(meta))
            {
                throw new EngineUnavailableException("docker context '" + context + "' has no metadata at " + meta);
            }

            using var document = JsonDocument.Parse(File.ReadAllText(meta));
            var contextHost = document.RootElement.GetProperty("Endpoints").GetProperty("docker").GetProperty("Host").GetString();
            return new EngineEndpoint(Parse(contextHost ?? DefaultSocket, "docker context '" + context + "'"), "docker context '" + context + "'");
        }

        return new EngineEndpoint(new Uri(DefaultSocket), "the default socket");
    }

    private static string? CurrentContext(string configDirectory)
    {
        var config = Path.Combine(configDirectory, "config.json");
        if (!File.Exists(config))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(config));
        return document.RootElement.TryGetProperty("currentContext", out var current) ? current.GetString() : null;
    }

    private static Uri Parse(string value, string source)
    {
        if (value.StartsWith("ssh://", StringComparison.Ordinal))
        {
            throw new EngineUnavailableException(source + " is " + value + ", but ssh:// endpoints are not supported: forward the socket and use unix:// or tcp://");
        }

        return Uri.TryCreate(value.Replace("tcp://", "http://"), UriKind.Absolute, out var uri)
            ? uri
            : throw new EngineUnavailableException(source + " is '" + value + "', which is not an endpoint URI");
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}

/// <summary>No engine answered: the message says where the runner looked and how to get one.</summary>
internal sealed class EngineUnavailableException : Exception
{
    public EngineUnavailableException(string message)
        : base(message)
    {
    }
}
