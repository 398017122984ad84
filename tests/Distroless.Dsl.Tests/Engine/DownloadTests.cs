using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Tests.Support;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Pocket ID ships a release binary pinned by SHA-256 (<c>.Download(...).Sha256(...)</c>). Its real release
/// is not reachable here, so these tests serve a release file from the test itself to the engine's build containers
/// and build an app defined like Pocket ID: each outcome is certain, and each test fails if its branch breaks.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class DownloadTests
{
    private static readonly byte[] Release = Encoding.UTF8.GetBytes("pocket-id test release " + Guid.NewGuid().ToString("N") + "\n");

    private static (int Exit, string Output, string Error) Run(DefinitionCatalog catalog, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = InProcessRunner.Run(args, catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>An app like Pocket ID on <c>base</c>: one amd64 download pinned by <paramref name="sha256"/>.</summary>
    private static DefinitionCatalog PocketIdLike(string name, string url, string sha256)
    {
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var app = App.On(Distroless.Definitions.Bases.Static).Platforms("linux/amd64").User(1000, "app").WorkDir("/app")
            .Download(url, "/app/pocket-id").Sha256("amd64", sha256).Entrypoint("/app/pocket-id");
        var entry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef(name, "0.0.1", ImageTier.App),
            app.Spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "Tests." + name));
        return new DefinitionCatalog(new[] { baseImage, entry });
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    [Fact]
    public async Task A_pinned_release_downloads_and_ships_byte_for_byte()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        await using var server = await ReleaseServer.StartAsync(engine);
        var catalog = PocketIdLike("download-pinned", server.Url + "/pocket-id_linux_{arch}", Sha256(Release));

        var (exit, output, error) = Run(catalog, "build", "download-pinned", "--platform", "linux/amd64");

        Assert.True(exit == 0, output + error);
        Assert.Equal(new[] { "/pocket-id_linux_amd64" }, server.Requests.Distinct());
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters { Image = "download-pinned:0.0.1-amd64" });
        try
        {
            var archive = await engine.Client.Containers.GetArchiveFromContainerAsync(container.ID, new ContainerPathStatParameters { Path = "/app/pocket-id" }, false);
            using var tar = new System.Formats.Tar.TarReader(archive.Stream!);
            var entry = tar.GetNextEntry()!;
            using var copy = new MemoryStream();
            await entry.DataStream!.CopyToAsync(copy);
            Assert.Equal(Release, copy.ToArray());
            Assert.Equal((UnixFileMode)0b111_101_101, entry.Mode);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            await engine.Client.Images.DeleteImageAsync("download-pinned:0.0.1-amd64", new ImageDeleteParameters());
        }
    }

    [Fact]
    public async Task A_release_whose_SHA_256_differs_fails_the_build_and_ships_nothing()
    {
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        await using var server = await ReleaseServer.StartAsync(engine);
        var catalog = PocketIdLike("download-tampered", server.Url + "/pocket-id_linux_{arch}", Sha256(Encoding.UTF8.GetBytes("what was pinned")));

        var (exit, output, error) = Run(catalog, "build", "download-tampered", "--platform", "linux/amd64");

        Assert.Equal(1, exit);
        Assert.Matches(@"failed\s+download-tampered\s+linux/amd64", output);
        Assert.Contains("/download/app/pocket-id: FAILED", error);
        Assert.StartsWith("error: download-tampered linux/amd64 failed: sha256sum: WARNING: 1 computed checksum did NOT match", error.Split('\n').Last(l => l.Length > 0));
        await Assert.ThrowsAsync<Docker.DotNet.DockerImageNotFoundException>(() => engine.Client.Images.InspectImageAsync("download-tampered:0.0.1-amd64"));
    }

    [Fact]
    public void An_unreachable_release_fails_with_one_line_that_names_the_URL()
    {
        // Port 9 on the build container's own loopback: nothing listens, as for the real release where GitHub is unreachable.
        var catalog = PocketIdLike("download-unreachable", "http://127.0.0.1:9/pocket-id_linux_{arch}", Sha256(Release));

        var (exit, output, error) = Run(catalog, "build", "download-unreachable", "--platform", "linux/amd64");

        Assert.Equal(1, exit);
        Assert.Matches(@"failed\s+download-unreachable\s+linux/amd64", output);
        Assert.Equal("error: download-unreachable linux/amd64 failed: download failed: http://127.0.0.1:9/pocket-id_linux_amd64", error.Split('\n').Last(l => l.Length > 0));
    }

    /// <summary>Serves <see cref="Release"/> over HTTP on the engine's bridge gateway, where build containers reach the host.</summary>
    private sealed class ReleaseServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private ReleaseServer(TcpListener listener, string url)
        {
            _listener = listener;
            Url = url;
            _loop = ServeAsync();
        }

        public string Url { get; }

        public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

        public static async Task<ReleaseServer> StartAsync(EngineConnection engine)
        {
            var bridge = await engine.Client.Networks.InspectNetworkAsync("bridge");
            var gateway = bridge.IPAM.Config.Select(c => c.Gateway).First(g => !string.IsNullOrEmpty(g) && !g.Contains(':'));
            var listener = new TcpListener(IPAddress.Parse(gateway), 0);
            listener.Start();
            return new ReleaseServer(listener, "http://" + gateway + ":" + ((IPEndPoint)listener.LocalEndpoint).Port);
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    var stream = client.GetStream();
                    var request = new StringBuilder();
                    var buffer = new byte[8192];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer);
                        if (read == 0)
                        {
                            break;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    var path = request.ToString().Split(' ').ElementAtOrDefault(1) ?? "";
                    Requests.Enqueue(path);
                    var found = path == "/pocket-id_linux_amd64";
                    var body = found ? Release : Encoding.ASCII.GetBytes("not found\n");
                    var head = "HTTP/1.1 " + (found ? "200 OK" : "404 Not Found") + "\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                    await stream.WriteAsync(body);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
