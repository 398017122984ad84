using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;
using Npgsql;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>The PostgreSQL image on a real engine, as a deployment runs it: read-only root, no capabilities, a named
/// volume for its data. Port 5432 is published to a random 127.0.0.1 port only here, for a client outside the container.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // engine tests run on Linux
public sealed class PostgresTests
{
    private const string DataDirectory = "/var/lib/postgresql/data";
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Zero_config_serves_a_client_outside_and_keeps_its_rows_when_recreated_on_the_named_volume()
    {
        await using var run = await PostgresRun.StartAsync();
        var volume = await run.CreateVolumeAsync();

        var first = await run.StartContainerAsync(volume);
        await using (var connection = await run.ConnectAsync(first, "postgres"))
        {
            await Execute(connection, "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
            await Execute(connection, "INSERT INTO notes VALUES (1, 'kept on the volume')");
            Assert.Equal("17", (await Scalar(connection, "SHOW server_version")).Split('.')[0]);
        }

        Assert.Equal("healthy", await run.WaitForHealthAsync(first)); // the exec-form pg_isready health check

        // A restart of the same container (clean shutdown on SIGINT, then recovery-free start) keeps the row.
        await run.RestartContainerAsync(first);
        await using (var restarted = await run.ConnectAsync(first, "postgres"))
        {
            Assert.Equal("kept on the volume", await Scalar(restarted, "SELECT body FROM notes WHERE id = 1"));
            Assert.Equal("1MB", await Scalar(restarted, "SHOW wal_segment_size")); // initdb --wal-segsize=1
        }

        await run.RemoveContainerAsync(first);

        var second = await run.StartContainerAsync(volume);
        await using var again = await run.ConnectAsync(second, "postgres");
        Assert.Equal("kept on the volume", await Scalar(again, "SELECT body FROM notes WHERE id = 1"));
        Assert.Equal("postgres/postgres", await Scalar(again, "SELECT current_user || '/' || current_database()"));
    }

    [Fact]
    public async Task A_password_secret_file_replaces_the_default_password()
    {
        await using var run = await PostgresRun.StartAsync();
        var volume = await run.CreateVolumeAsync();
        const string secret = "s3cr'et\\pa\"ss; DROP ROLE x"; // a quote, a backslash and SQL: all just characters
        var secretFile = run.WriteSecret(secret + "\n");

        var container = await run.StartContainerAsync(volume,
            env: new[] { "POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password" },
            binds: new[] { secretFile + ":/run/secrets/postgres_password:ro" });
        await using (var connection = await run.ConnectAsync(container, secret))
        {
            Assert.Equal("1", await Scalar(connection, "SELECT 1"));
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => run.ConnectOnceAsync(container, "postgres"));
        Assert.Equal("28P01", refused.SqlState); // invalid_password
        var logs = await run.LogsAsync(container);
        Assert.Contains("password of role postgres set", logs);
        Assert.DoesNotContain(secret, logs);

        var inspect = await run.Engine.Client.Containers.InspectContainerAsync(container);
        Assert.DoesNotContain(inspect.Config!.Env!, e => e.Contains(secret, StringComparison.Ordinal));
    }

    /// <summary>The image meets the size goal through its budget (the one the runner's <c>test</c> enforces), and leaves
    /// out what the zero-config server and pg_isready do not use.</summary>
    [Fact]
    public async Task Stays_within_its_size_budget_without_the_client_man_pages_or_initdb_files()
    {
        await using var run = await PostgresRun.StartAsync();
        var entry = GeneratedCatalog.Catalog.FindImage("postgres")!;
        var budget = entry.Definition.Contract!.SizeBudgetBytes!.Value;
        Assert.True(budget <= 100_000_000, "the postgres budget " + budget + " is over the 100 MB goal");

        var output = new StringWriter();
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "test", "postgres", "--platform", "linux/amd64" }, GeneratedCatalog.Catalog, output, output);
        Assert.True(exit == 0, output.ToString());
        var size = (await run.Engine.Client.Images.InspectImageAsync(Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(entry, "linux/amd64"))).Size;
        Assert.InRange(size, 1, budget);

        var files = await Distroless.Dsl.Runner.Testing.ExportedFileSystem.ReadAsync(run.Engine, Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(entry, "linux/amd64"), "linux/amd64", CancellationToken.None);
        Assert.Contains("/usr/lib/postgresql/17/bin/pg_isready", files.Files.Keys);
        Assert.Contains("/usr/share/postgresql/17/extension/plpgsql.control", files.Files.Keys);
        Assert.DoesNotContain(files.Files.Keys, path => path.EndsWith("/psql", StringComparison.Ordinal) || path.Contains("libreadline", StringComparison.Ordinal)
            || path.Contains("/man/", StringComparison.Ordinal) || path.EndsWith("/postgres.bki", StringComparison.Ordinal)
            || path.Contains("llvmjit", StringComparison.Ordinal) || path.EndsWith("/hstore.control", StringComparison.Ordinal));
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    /// <summary>Builds the image (cached after the first time), and removes every container, volume and file it made.</summary>
    private sealed class PostgresRun : IAsyncDisposable
    {
        private readonly List<string> _containers = new();
        private readonly List<string> _volumes = new();
        private readonly string _directory = Directory.CreateTempSubdirectory("distroless-postgres-").FullName;
        private readonly string _image;

        private PostgresRun(EngineConnection engine, string image)
        {
            Engine = engine;
            _image = image;
        }

        public EngineConnection Engine { get; }

        public static async Task<PostgresRun> StartAsync()
        {
            var output = new StringWriter();
            var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build", "postgres", "--platform", "linux/amd64" }, GeneratedCatalog.Catalog, output, output);
            Assert.True(exit == 0, output.ToString());
            var image = GeneratedCatalog.Catalog.FindImage("postgres")!;
            return new PostgresRun(await EngineConnection.ConnectAsync(CancellationToken.None), Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(image, "linux/amd64"));
        }

        public async Task<string> CreateVolumeAsync()
        {
            var name = "distroless-test-pgdata-" + Guid.NewGuid().ToString("N")[..12];
            await Engine.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name });
            _volumes.Add(name);
            return name;
        }

        public string WriteSecret(string content)
        {
            var path = Path.Combine(_directory, "postgres_password");
            File.WriteAllText(path, content);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // the server's UID 999 reads it
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
            return path;
        }

        /// <summary>Runs the image as a hardened deployment does: read-only root (and no tmpfs: the server writes only its data), no capabilities.</summary>
        public async Task<string> StartContainerAsync(string volume, IList<string>? env = null, IList<string>? binds = null)
        {
            var created = await Engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = _image,
                Env = env ?? new List<string>(),
                ExposedPorts = new Dictionary<string, EmptyStruct> { ["5432/tcp"] = default },
                HostConfig = new HostConfig
                {
                    Binds = new List<string> { volume + ":" + DataDirectory }.Concat(binds ?? Array.Empty<string>()).ToList(),
                    PortBindings = new Dictionary<string, IList<PortBinding>> { ["5432/tcp"] = new List<PortBinding> { new() { HostIP = "127.0.0.1", HostPort = "" } } },
                    ReadonlyRootfs = true,
                    CapDrop = new List<string> { "ALL" },
                    SecurityOpt = new List<string> { "no-new-privileges" },
                },
            });
            _containers.Add(created.ID);
            await Engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            return created.ID;
        }

        /// <summary>Connects once the server accepts connections (it starts in about a second), failing with its logs.</summary>
        public async Task<NpgsqlConnection> ConnectAsync(string container, string password)
        {
            var deadline = DateTime.UtcNow + Ready;
            while (true)
            {
                try
                {
                    return await ConnectOnceAsync(container, password);
                }
                catch (Exception e) when (e is NpgsqlException { SqlState: null or "57P03" } && DateTime.UtcNow < deadline)
                {
                    var state = await Engine.Client.Containers.InspectContainerAsync(container);
                    Assert.True(state.State!.Running, "postgres exited with " + state.State.ExitCode + ":\n" + await LogsAsync(container));
                    await Task.Delay(500);
                }
            }
        }

        public async Task<NpgsqlConnection> ConnectOnceAsync(string container, string password)
        {
            var inspect = await Engine.Client.Containers.InspectContainerAsync(container);
            var port = inspect.NetworkSettings!.Ports!["5432/tcp"]!.Single(p => p.HostIP == "127.0.0.1").HostPort;
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), Username = "postgres",
                Password = password, Database = "postgres", Timeout = 5, Pooling = false,
            }.ConnectionString);
            try
            {
                await connection.OpenAsync();
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public async Task<string> WaitForHealthAsync(string container)
        {
            var deadline = DateTime.UtcNow + Ready;
            string status;
            do
            {
                status = (await Engine.Client.Containers.InspectContainerAsync(container)).State!.Health?.Status ?? "none";
                if (status is "healthy" or "unhealthy")
                {
                    break;
                }

                await Task.Delay(1000);
            }
            while (DateTime.UtcNow < deadline);
            return status;
        }

        public async Task<string> LogsAsync(string container)
        {
            using var logs = await Engine.Client.Containers.GetContainerLogsAsync(container,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, CancellationToken.None);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
            return stdout + stderr;
        }

        public async Task RestartContainerAsync(string container)
        {
            await Engine.Client.Containers.StopContainerAsync(container, new ContainerStopParameters { WaitBeforeKillSeconds = 30 });
            var stopped = await Engine.Client.Containers.InspectContainerAsync(container);
            Assert.True(stopped.State!.ExitCode == 0, "postgres stopped with " + stopped.State.ExitCode + ":\n" + await LogsAsync(container));
            await Engine.Client.Containers.StartContainerAsync(container, new ContainerStartParameters());
        }

        public async Task RemoveContainerAsync(string container)
        {
            await Engine.Client.Containers.StopContainerAsync(container, new ContainerStopParameters { WaitBeforeKillSeconds = 30 });
            await Engine.Client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
            _containers.Remove(container);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var container in _containers)
            {
                await Engine.Client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
            }

            foreach (var volume in _volumes)
            {
                await Engine.Client.Volumes.RemoveAsync(volume, force: true);
            }

            Directory.Delete(_directory, recursive: true);
            Engine.Dispose();
        }
    }
}
