using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>How one push ended: the digest the engine reports, or the error from its progress stream.</summary>
internal sealed record PushOutcome(bool Succeeded, string? Digest, string Error);

/// <summary>Pushes one tagged image through the Engine API (<c>POST /images/NAME/push</c> with the credentials in
/// <c>X-Registry-Auth</c>). The engine reports failures inside its JSON progress stream, not as an HTTP status:
/// a message with <c>error</c>/<c>errorDetail</c> (the engine always sends both) is a failed push.</summary>
internal static class EnginePush
{
    public static async Task<PushOutcome> PushAsync(
        EngineConnection engine, string repository, string tag, string registry, RegistryCredentials? credentials,
        Action<string> line, CancellationToken cancellation)
    {
        var auth = credentials is null
            ? new AuthConfig { ServerAddress = registry }
            : new AuthConfig { Username = credentials.Username, Password = credentials.Password, ServerAddress = registry };
        string? error = null;
        string? digest = null;
        var progress = new Immediate(message =>
        {
            if (message.Error is { Message: { Length: > 0 } detail })
            {
                error ??= detail;
            }
            else if (message.Aux is not null && DigestOf(message.Aux) is { } pushed)
            {
                digest = pushed;
            }
            else if (message.Status is "Pushed" or "Layer already exists" || message.Status?.StartsWith("Mounted from", StringComparison.Ordinal) == true)
            {
                line("layer " + message.ID + ": " + message.Status);
            }
        });

        try
        {
            await engine.Client.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, auth, progress, cancellation).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            var body = e.ResponseBody?.Trim() ?? "";
            return new PushOutcome(false, null, body.Length > 0 ? body : e.Message);
        }

        return error is null ? new PushOutcome(true, digest, "") : new PushOutcome(false, null, error);
    }

    /// <summary>The push's closing <c>aux</c> message: <c>{"Tag":"0.1.0-amd64","Digest":"sha256:…","Size":528}</c>.</summary>
    private static string? DigestOf(object aux)
    {
        var element = aux is JsonElement e ? e : JsonSerializer.SerializeToElement(aux);
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty("Digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
    }

    /// <summary>Handles each message as it arrives, on the reading thread: <see cref="Progress{T}"/> would post them
    /// later, after the push call has already returned.</summary>
    private sealed class Immediate : IProgress<JSONMessage>
    {
        private readonly Action<JSONMessage> _handle;

        public Immediate(Action<JSONMessage> handle) => _handle = handle;

        public void Report(JSONMessage value) => _handle(value);
    }
}
