using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Compose;

/// <summary>The pocket-id stack's connection URL, composed by the runner from a password full of URL delimiters,
/// reaches the real PostgreSQL image through libpq (a real URL parser, psql 17) exactly as written: the right
/// password logs in, a wrong one is refused. The database runs as the stack runs it, under the network alias
/// "postgres" that the URL names.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // engine tests run on Linux
public sealed class ComposedSecretTests
{
    private const string Password = "p@ss:w/rd#1 %&?";

    [Fact]
    public async Task The_composed_url_logs_in_with_a_password_full_of_delimiters_and_a_wrong_one_is_refused()
    {
        var build = new StringWriter();
        Assert.True(Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build", "postgres", "--platform", "linux/amd64" }, GeneratedCatalog.Catalog, build, build) == 0, build.ToString());
        var directory = ComposeSupport.TempDirectory("composed-url");
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var network = "distroless-test-url-" + Guid.NewGuid().ToString("N")[..8];
        var containers = new List<string>();
        try
        {
            // The user writes the password; the runner composes the URL from it, as `compose --generate-secrets` does.
            Directory.CreateDirectory(Path.Combine(directory, "secrets"));
            var passwordFile = Path.Combine(directory, "secrets", "db_password");
            File.WriteAllText(passwordFile, Password);
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var (exit, output, error) = ComposeSupport.Runner(GeneratedCatalog.Catalog, "compose", "pocket-id", "--out", directory, "--generate-secrets");
            Assert.True(exit == 0, output + error);
            var url = File.ReadAllText(Path.Combine(directory, "secrets", "db_connection_string"));
            Assert.DoesNotContain(Password, url);
            File.SetUnixFileMode(Path.Combine(directory, "secrets"), (UnixFileMode)0b111_101_101); // the server's UID 999 reads the bind mount

            await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = network });
            var postgres = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = ImageNaming.Default.PlatformTag(GeneratedCatalog.Catalog.FindImage("postgres")!, "linux/amd64"),
                Env = new List<string> { "POSTGRES_PASSWORD_FILE=/run/secrets/db_password" },
                HostConfig = new HostConfig
                {
                    Binds = new List<string> { passwordFile + ":/run/secrets/db_password:ro" }, NetworkMode = network,
                    ReadonlyRootfs = true, CapDrop = new List<string> { "ALL" }, SecurityOpt = new List<string> { "no-new-privileges" },
                },
                NetworkingConfig = new NetworkingConfig { EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { Aliases = new List<string> { "postgres" } } } },
            });
            containers.Add(postgres.ID);
            await engine.Client.Containers.StartContainerAsync(postgres.ID, new ContainerStartParameters());

            var client = await ClientImageAsync(engine);
            var (ok, okLog) = await PsqlAsync(engine, client, network, url, containers);
            Assert.True(ok == 0, okLog);
            Assert.EndsWith("postgres", okLog);

            var wrong = url.Replace(Uri.EscapeDataString(Password), Uri.EscapeDataString("p@ss:w/rd#2 %&?"));
            Assert.NotEqual(url, wrong);
            var (refused, refusedLog) = await PsqlAsync(engine, client, network, wrong, containers);
            Assert.NotEqual(0, refused);
            Assert.Contains("password authentication failed for user \"postgres\"", refusedLog);
        }
        finally
        {
            foreach (var id in containers)
            {
                await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
            }

            try
            {
                await engine.Client.Networks.DeleteNetworkAsync(network);
            }
            catch (Docker.DotNet.DockerNetworkNotFoundException)
            {
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Debian's PostgreSQL 17 client on the builder image: libpq parses the URL, nothing of ours does.</summary>
    private static async Task<string> ClientImageAsync(EngineConnection engine)
    {
        var naming = ImageNaming.Default;
        var tag = naming.Prefix + "test-psql:17";
        var dockerfile = "FROM " + naming.Builder + "\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client-17 >/dev/null\n"
                         + "LABEL " + Distroless.Dsl.Rules.ImageNames.OwnerLabel + "=test-psql\n";
        var outcome = await new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(TextWriter.Null), naming)
            .BuildAsync("test-psql", engine.HostPlatform, tag, () => BuildContextArchive.FromFiles(("Dockerfile", dockerfile)), noCache: false, CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.Error + string.Join("\n", outcome.FailedLog));
        return tag;
    }

    /// <summary>Runs psql with the URL as its only connection argument, once the server answers.</summary>
    private static async Task<(long Exit, string Log)> PsqlAsync(EngineConnection engine, string image, string network, string url, List<string> containers)
    {
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Env = new List<string> { "URL=" + url },
            Entrypoint = new List<string> { "sh", "-c", "for i in $(seq 1 60); do pg_isready -q -d \"$URL\" && break; sleep 1; done; exec psql \"$URL\" -tAc 'select current_user'" },
            HostConfig = new HostConfig { NetworkMode = network },
        });
        containers.Add(created.ID);
        await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exit = await engine.Client.Containers.WaitContainerAsync(created.ID, limit.Token);
        using var logs = await engine.Client.Containers.GetContainerLogsAsync(created.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, CancellationToken.None);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
        return (exit.StatusCode, (stdout + stderr).Trim());
    }
}
