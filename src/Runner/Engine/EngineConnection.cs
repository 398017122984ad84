using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Engine;

/// <summary>A checked connection to the Docker engine (API 1.41 and newer).</summary>
internal sealed class EngineConnection : IDisposable
{
    private readonly Lazy<DockerClient> _client;
    private readonly EngineQueries? _queries;

    private EngineConnection(Lazy<DockerClient> client, EngineQueries? queries, EngineEndpoint endpoint, string version, string architecture)
    {
        _client = client;
        _queries = queries;
        Endpoint = endpoint;
        Version = version;
        HostArchitecture = architecture;
    }

    /// <summary>Docker.DotNet's client, made on first use: an unchanged build never needs it (see <see cref="EngineQueries"/>).</summary>
    public DockerClient Client => _client.Value;

    public EngineEndpoint Endpoint { get; }

    public string Version { get; }

    /// <summary>The engine's own architecture as Debian/Go name it (amd64, arm64): builds for it are native.</summary>
    public string HostArchitecture { get; }

    public string HostPlatform => "linux/" + HostArchitecture;

    public static async Task<EngineConnection> ConnectAsync(CancellationToken cancellation, EngineEndpoint? endpoint = null)
    {
        endpoint ??= EngineEndpoint.Discover();
        var client = new Lazy<DockerClient>(() => new DockerClientBuilder().WithEndpoint(endpoint.Uri).WithTimeout(TimeSpan.FromMinutes(30)).Build());
        var queries = EngineQueries.Create(endpoint);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            if (queries is not null)
            {
                var (version, architecture) = await queries.VersionAsync(timeout.Token).ConfigureAwait(false);
                return new EngineConnection(client, queries, endpoint, version, architecture);
            }

            var answer = await client.Value.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
            return new EngineConnection(client, queries, endpoint, answer.Version, answer.Arch);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            queries?.Dispose();
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }

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

    /// <summary>The image <paramref name="name"/> (a reference or an ID) names, or null when the engine holds none.</summary>
    public async Task<ImageFacts?> InspectImageAsync(string name, CancellationToken cancellation)
    {
        if (_queries is not null)
        {
            return await _queries.InspectImageAsync(name, cancellation).ConfigureAwait(false);
        }

        try
        {
            var image = await Client.Images.InspectImageAsync(name, cancellation).ConfigureAwait(false);
            return new ImageFacts(image.ID, image.Size, image.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
                image.RepoTags?.ToList() ?? new List<string>())
            {
                HasOnBuild = image.Config?.OnBuild is { Count: > 0 },
            };
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Names <paramref name="source"/> as <paramref name="tag"/> (REPOSITORY:TAG).</summary>
    public async Task TagImageAsync(string source, string tag, CancellationToken cancellation)
    {
        var colon = tag.LastIndexOf(':');
        var (repository, name) = (tag.Substring(0, colon), tag.Substring(colon + 1));
        if (_queries is not null)
        {
            await _queries.TagImageAsync(source, repository, name, cancellation).ConfigureAwait(false);
            return;
        }

        await Client.Images.TagImageAsync(source, new Docker.DotNet.Models.ImageTagParameters { RepositoryName = repository, Tag = name }, cancellation).ConfigureAwait(false);
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

    public void Dispose()
    {
        _queries?.Dispose();
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
