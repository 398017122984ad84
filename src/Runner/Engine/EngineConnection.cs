using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Engine;

/// <summary>A checked connection to the Docker engine (API 1.41 and newer).</summary>
internal sealed class EngineConnection : IDisposable
{
    private EngineConnection(DockerClient client, EngineEndpoint endpoint, string version, string architecture)
    {
        Client = client;
        Endpoint = endpoint;
        Version = version;
        HostArchitecture = architecture;
    }

    public DockerClient Client { get; }

    public EngineEndpoint Endpoint { get; }

    public string Version { get; }

    /// <summary>The engine's own architecture as Debian/Go name it (amd64, arm64): builds for it are native.</summary>
    public string HostArchitecture { get; }

    public string HostPlatform => "linux/" + HostArchitecture;

    public static async Task<EngineConnection> ConnectAsync(CancellationToken cancellation, EngineEndpoint? endpoint = null)
    {
        endpoint ??= EngineEndpoint.Discover();
        var client = new DockerClientBuilder().WithEndpoint(endpoint.Uri).WithTimeout(TimeSpan.FromMinutes(30)).Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var version = await client.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
            return new EngineConnection(client, endpoint, version.Version, version.Arch);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            client.Dispose();
            if (IsPermissionDenied(e) && endpoint.Uri.Scheme == "unix")
            {
                throw new EngineUnavailableException(
                    "permission denied on the engine's socket " + endpoint.Uri.LocalPath + " (from " + endpoint.FoundBy + "): the user " + Environment.UserName
                    + " may not use it; add the user to the socket's group (e.g. 'sudo usermod -aG docker " + Environment.UserName + "', then log in again) or run as root");
            }

            throw new EngineUnavailableException(
                "No Docker engine answered at " + endpoint.Uri + " (from " + endpoint.FoundBy + "): start one (e.g. 'sudo dockerd' or 'bash tests/infra/engine.sh') or point DOCKER_HOST at one");
        }
    }

    /// <summary>EACCES from connect(2) on a unix socket: the engine may well be running, this user may not talk to it.</summary>
    private static bool IsPermissionDenied(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.AccessDenied } or UnauthorizedAccessException)
            {
                return true;
            }

            if (inner is AggregateException aggregate && aggregate.InnerExceptions.Any(IsPermissionDenied))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => Client.Dispose();
}
