using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>A user name and secret for one registry, and where they came from. <see cref="ToString"/> never shows
/// the secret.</summary>
internal sealed class RegistryCredentials
{
    public RegistryCredentials(string username, string password, string source)
    {
        Username = username;
        Password = password;
        Source = source;
    }

    public string Username { get; }

    public string Password { get; }

    /// <summary>Where they were found, e.g. <c>DISTROLESS_REGISTRY_USERNAME/PASSWORD</c> or <c>/root/.docker/config.json</c>.</summary>
    public string Source { get; }

    public string BasicHeaderValue => Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));

    public override string ToString() => Username + " (from " + Source + ")";
}

/// <summary>Finds registry credentials the way CI systems and the docker CLI hold them: first the environment
/// (<c>DISTROLESS_REGISTRY_USERNAME</c>/<c>DISTROLESS_REGISTRY_PASSWORD</c>; for ghcr.io also
/// <c>GITHUB_ACTOR</c>/<c>GITHUB_TOKEN</c>), then the docker config (<c>$DOCKER_CONFIG/config.json</c>, else
/// <c>~/.docker/config.json</c>): its <c>auths</c>, then its credential helpers. None found means anonymous access.</summary>
internal static class CredentialLookup
{
    public const string UsernameVariable = "DISTROLESS_REGISTRY_USERNAME";
    public const string PasswordVariable = "DISTROLESS_REGISTRY_PASSWORD";

    public static async Task<RegistryCredentials?> FindAsync(string registry, Func<string, string?> environment, CancellationToken cancellation = default)
    {
        var username = environment(UsernameVariable);
        var password = environment(PasswordVariable);
        if (!string.IsNullOrEmpty(password))
        {
            if (string.IsNullOrEmpty(username))
            {
                throw new RunnerException(PasswordVariable + " is set but " + UsernameVariable + " is not: set both");
            }

            return new RegistryCredentials(username, password, UsernameVariable + "/" + PasswordVariable);
        }

        var githubToken = environment("GITHUB_TOKEN");
        if (string.Equals(registry, "ghcr.io", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(githubToken))
        {
            // ghcr.io checks the token, not the name; GitHub Actions sets GITHUB_ACTOR beside GITHUB_TOKEN.
            var actor = environment("GITHUB_ACTOR");
            return new RegistryCredentials(string.IsNullOrEmpty(actor) ? "token" : actor, githubToken, "GITHUB_ACTOR/GITHUB_TOKEN");
        }

        return await FromDockerConfigAsync(registry, DockerConfigPath(environment), cancellation).ConfigureAwait(false);
    }

    public static string DockerConfigPath(Func<string, string?> environment)
    {
        var directory = environment("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
        {
            directory = Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }

        return Path.Combine(directory, "config.json");
    }

    /// <summary>The <c>auths</c> entry for <paramref name="registry"/> (keys such as <c>ghcr.io</c>,
    /// <c>https://ghcr.io</c> or <c>127.0.0.1:5000</c>), decoded from its base64 <c>auth</c> or its
    /// <c>username</c>/<c>password</c> fields.</summary>
    public static async Task<RegistryCredentials?> FromDockerConfigAsync(string registry, string configPath, CancellationToken cancellation)
    {
        if (!File.Exists(configPath))
        {
            return null;
        }

        JsonDocument config;
        try
        {
            config = JsonDocument.Parse(File.ReadAllText(configPath));
        }
        catch (JsonException)
        {
            // The message could quote the file, and the file holds secrets: name only the file.
            throw new RunnerException(configPath + " is not valid JSON");
        }

        using (config)
        {
            var root = config.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject())
                {
                    if (!string.Equals(HostOf(entry.Name), registry, StringComparison.OrdinalIgnoreCase) || entry.Value.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (Text(entry.Value, "auth") is { Length: > 0 } auth)
                    {
                        string decoded;
                        try
                        {
                            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                        }
                        catch (FormatException)
                        {
                            throw new RunnerException("the 'auth' of " + entry.Name + " in " + configPath + " is not base64");
                        }

                        var colon = decoded.IndexOf(':');
                        if (colon <= 0)
                        {
                            throw new RunnerException("the 'auth' of " + entry.Name + " in " + configPath + " is not USER:PASSWORD");
                        }

                        return new RegistryCredentials(decoded.Substring(0, colon), decoded.Substring(colon + 1), configPath);
                    }

                    if (Text(entry.Value, "username") is { Length: > 0 } user && Text(entry.Value, "password") is { Length: > 0 } password)
                    {
                        return new RegistryCredentials(user, password, configPath);
                    }
                }
            }

            if (HelperFor(root, registry) is { } helper)
            {
                return await CredentialHelper.GetAsync(helper.Name, helper.ServerAddress, cancellation).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <summary><c>https://ghcr.io/v1/</c> → <c>ghcr.io</c>; <c>127.0.0.1:5000</c> stays.</summary>
    public static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host.Substring(scheme + 3);
        }

        var slash = host.IndexOf('/');
        return slash >= 0 ? host.Substring(0, slash) : host;
    }

    /// <summary>The credential helper the docker CLI would ask for <paramref name="registry"/>, and the server address
    /// it stored the credentials under: a <c>credHelpers</c> entry, else the <c>credsStore</c>.</summary>
    private static (string Name, string ServerAddress)? HelperFor(JsonElement root, string registry)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
        {
            foreach (var helper in helpers.EnumerateObject())
            {
                if (string.Equals(HostOf(helper.Name), registry, StringComparison.OrdinalIgnoreCase) && helper.Value.ValueKind == JsonValueKind.String
                    && helper.Value.GetString() is { Length: > 0 } name)
                {
                    return (name, helper.Name);
                }
            }
        }

        if (Text(root, "credsStore") is not { Length: > 0 } store)
        {
            return null;
        }

        // 'docker login' leaves an empty auths entry under the address it stored the credentials for.
        var key = root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object
            ? auths.EnumerateObject().Select(a => a.Name).FirstOrDefault(a => string.Equals(HostOf(a), registry, StringComparison.OrdinalIgnoreCase))
            : null;
        return (store, key ?? registry);
    }

    /// <summary>A string property of a JSON object; null when absent, not a string, or <paramref name="element"/> is no object.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
