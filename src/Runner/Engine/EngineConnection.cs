using System;
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
            throw new EngineUnavailableException(
                "No Docker engine answered at " + endpoint.Uri + " (from " + endpoint.FoundBy + "): start one (e.g. 'sudo dockerd' or 'bash tests/infra/engine.sh') or point DOCKER_HOST at one");
        }
    }

    public void Dispose() => Client.Dispose();
}
