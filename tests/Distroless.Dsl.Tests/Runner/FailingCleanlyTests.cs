using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Processes;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>The runner fails cleanly: interrupted, it leaves no process behind; every failure is one line that says
/// what happened. Real processes, real signals, real sockets; none of these needs the engine.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FailingCleanlyTests
{
    /// <summary>A shell that starts a grandchild and writes both PIDs, so the test can see the whole tree.</summary>
    private static (ProgramInvocation Invocation, string Folder) SleepingTree()
    {
        var folder = Directory.CreateTempSubdirectory("distroless-tree").FullName;
        var script = "sleep 300 & echo $! > " + folder + "/grandchild; echo $$ > " + folder + "/child; wait";
        return (new ProgramInvocation("sh", new[] { "-c", script }), folder);
    }

    private static async Task<int[]> PidsAsync(string folder, params string[] names)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var files = names.Select(n => Path.Combine(folder, n)).ToArray();
            if (files.All(f => File.Exists(f) && File.ReadAllText(f).Trim().Length > 0))
            {
                return files.Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the child did not write its PIDs to " + folder);
    }

    private static async Task AssertGoneAsync(params int[] pids)
    {
        var clock = Stopwatch.StartNew();
        while (pids.Any(p => !RunnerProcess.IsGone(p)) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.All(pids, p => Assert.True(RunnerProcess.IsGone(p), "process " + p + " is still running"));
    }

    [Fact]
    public async Task Cancelling_a_program_kills_its_whole_process_tree()
    {
        var (invocation, folder) = SleepingTree();
        using var cancel = new CancellationTokenSource();
        var run = ExternalProgram.RunAsync(invocation, cancel.Token);
        var pids = await PidsAsync(folder, "child", "grandchild");
        Assert.DoesNotContain(pids, RunnerProcess.IsGone);

        var clock = Stopwatch.StartNew();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "cancelling took " + clock.Elapsed);
        await AssertGoneAsync(pids);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task A_program_past_its_timeout_is_killed_with_its_children_and_named()
    {
        var (invocation, folder) = SleepingTree();
        var run = ExternalProgram.RunAsync(invocation with { Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);
        var pids = await PidsAsync(folder, "child", "grandchild");

        var e = await Assert.ThrowsAsync<ProgramTimeoutException>(() => run);

        Assert.Equal("sh did not finish within 3 s: stopped it", e.Message);
        await AssertGoneAsync(pids);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task A_missing_program_is_named_with_its_Debian_package()
    {
        var empty = Directory.CreateTempSubdirectory("distroless-empty-path").FullName;
        var invocation = new ProgramInvocation("mmdebstrap", new[] { "--version" }) { Environment = new Dictionary<string, string> { ["PATH"] = empty } };

        var e = await Assert.ThrowsAsync<MissingProgramException>(() => ExternalProgram.RunAsync(invocation, CancellationToken.None));

        Assert.Equal("mmdebstrap is not installed (not on PATH): install it with 'apt-get install mmdebstrap'", e.Message);
        Directory.Delete(empty, true);
    }

    /// <summary>A docker config whose credential store is a helper script in its own folder, put first on PATH.</summary>
    private static (Dictionary<string, string> Environment, string Folder) CredentialHelperSetup(string helper, string script)
    {
        var folder = Directory.CreateTempSubdirectory("distroless-helper").FullName;
        var bin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;
        var program = Path.Combine(bin, "docker-credential-" + helper);
        File.WriteAllText(program, "#!/bin/sh\n" + script.Replace("DIR", folder) + "\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"credsStore\":\"" + helper + "\"}");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["DOCKER_CONFIG"] = folder,
            ["DISTROLESS_REGISTRY_USERNAME"] = "",
            ["DISTROLESS_REGISTRY_PASSWORD"] = "",
        };
        return (environment, folder);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_runner_kills_its_children_and_exits_130_with_one_line()
    {
        // The runner asks a credential helper that hangs (as one waiting for a passphrase would), and is sent SIGINT:
        // only the runner gets the signal, so the helper and its child are gone only if the runner killed them.
        var (environment, folder) = CredentialHelperSetup("hang", "sleep 300 & echo $! > DIR/grandchild; echo $$ > DIR/child; wait");
        var start = RunnerProcess.StartInfo(environment, "publish", "base", "--registry", "127.0.0.1:5000");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var runner = Process.Start(start)!;
        var stdout = runner.StandardOutput.ReadToEndAsync();
        var stderr = runner.StandardError.ReadToEndAsync();
        var pids = await PidsAsync(folder, "child", "grandchild");

        using (var kill = Process.Start("kill", new[] { "-INT", runner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await runner.WaitForExitAsync(limit.Token);

        Assert.Equal(Distroless.Dsl.Runner.Program.InterruptedExitCode, runner.ExitCode);
        Assert.Equal("", await stdout);
        Assert.Equal("error: interrupted: stopped the running builds and programs", Assert.Single((await stderr).TrimEnd('\n').Split('\n')));
        await AssertGoneAsync(pids);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_credential_helper_that_prints_its_answer_on_stderr_does_not_leak_it()
    {
        var (environment, folder) = CredentialHelperSetup("leaky", "echo '{\"Username\":\"u\",\"Secret\":\"k7\"}' >&2; exit 1");

        var (exit, output, error) = RunnerProcess.Run(environment, "publish", "base", "--registry", "127.0.0.1:5000");

        Assert.Equal(1, exit);
        var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Equal("error: docker-credential-leaky get failed for 127.0.0.1:5000 (exit 1): its message is not shown, as it may hold the secret", line);
        Assert.DoesNotContain("k7", output + error);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Up_without_compose_names_the_package_before_building_anything()
    {
        var folder = Directory.CreateTempSubdirectory("distroless-no-compose").FullName;
        var emptyBin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;

        var (exit, output, error) = RunnerProcess.Run(new Dictionary<string, string> { ["PATH"] = emptyBin, ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" },
            "up", "notes", "--out", Path.Combine(folder, "deploy"), "--generate-secrets");

        Assert.Equal(1, exit);
        Assert.DoesNotContain("Engine", output);
        Assert.Equal("error: neither 'docker compose' nor docker-compose is installed: install it with 'apt-get install docker-compose' (bash tests/infra/compose.sh does)",
            Assert.Single(error.TrimEnd('\n').Split('\n')));
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Permission_denied_on_the_engine_socket_says_so()
    {
        // A socket that listens, as the engine's does, but whose mode (000) lets only root in; the runner runs as nobody.
        var folder = Directory.CreateTempSubdirectory("distroless-socket").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var path = Path.Combine(folder, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        File.SetUnixFileMode(path, UnixFileMode.None);

        // nobody must be able to read the runner itself, wherever this checkout lives (a 0700 temporary clone, say).
        var runner = Path.Combine(folder, "runner");
        Directory.CreateDirectory(runner);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(RunnerProcess.Dll)!))
        {
            File.Copy(file, Path.Combine(runner, Path.GetFileName(file)));
        }

        var start = new ProcessStartInfo("setpriv");
        foreach (var argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", RunnerProcess.DotnetHost, "exec", Path.Combine(runner, Path.GetFileName(RunnerProcess.Dll)), "build", "base" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_HOST"] = "unix://" + path;
        start.Environment["HOME"] = folder;
        start.Environment["DOTNET_CLI_HOME"] = folder;
        var (exit, output, error) = ProgramRun.Run(start);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: permission denied on the engine's socket " + path + " (from DOCKER_HOST): the user ", line);
        Assert.Contains("usermod -aG docker", line);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task An_unexpected_engine_failure_is_one_line_and_verbose_adds_the_stack()
    {
        // An endpoint that answers the version check like engine 20.10, then fails every other call with HTTP 500.
        var folder = Directory.CreateTempSubdirectory("distroless-engine").FullName;
        var path = Path.Combine(folder, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, stop.Token);
        var environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + path };

        var (exit, output, error) = await Task.Run(() => RunnerProcess.Run(environment, "bootstrap"));
        var (verboseExit, _, verboseError) = await Task.Run(() => RunnerProcess.Run(environment, "bootstrap", "--verbose"));
        stop.Cancel();
        listener.Close();
        await server;

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains("test engine: storage is on fire", line);
        Assert.EndsWith("(DockerApiException; --verbose shows where)", line);
        Assert.Equal(1, verboseExit);
        Assert.Contains("   at ", verboseError);
        Assert.Contains("BuilderImageBootstrap", verboseError);
        Directory.Delete(folder, true);
    }

    private static async Task ServeAsync(Socket listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    await using var stream = new NetworkStream(connection);
                    var buffer = new byte[65536];
                    var request = new StringBuilder();
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer);
                        if (read == 0)
                        {
                            return;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    var target = request.ToString().Split(' ')[1];
                    var (status, body) = target.Split('?')[0].EndsWith("/version", StringComparison.Ordinal)
                        ? ("200 OK", "{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\",\"Os\":\"linux\",\"Arch\":\"amd64\"}")
                        : target.EndsWith("/_ping", StringComparison.Ordinal)
                            ? ("200 OK", "OK")
                            : ("500 Internal Server Error", "{\"message\":\"test engine: storage is on fire\"}");
                    var bytes = Encoding.UTF8.GetBytes(body);
                    var head = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: " + bytes.Length + "\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                    await stream.WriteAsync(bytes);
                }
            });
        }
    }
}

/// <summary>Failures the real engine reports.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class EngineFailureTests
{
    [Fact]
    public async Task A_failed_builder_pull_prints_the_engines_reason_and_a_missing_mmdebstrap_names_its_package()
    {
        // A registry address where nothing listens: the real engine's pull fails, and mmdebstrap is kept off PATH.
        var empty = Directory.CreateTempSubdirectory("distroless-empty-path").FullName;
        using var engine = await Distroless.Dsl.Runner.Engine.EngineConnection.ConnectAsync(CancellationToken.None);
        var output = new StringWriter { NewLine = "\n" };
        var bootstrap = new Distroless.Dsl.Runner.Bootstrap.BuilderImageBootstrap(engine, output, new Dictionary<string, string> { ["PATH"] = empty },
            upstream: "127.0.0.1:9/distroless-never-pulled:0.0.0");
        var naming = new Distroless.Dsl.Runner.Catalog.ImageNaming(null, "never-bootstrapped-" + Guid.NewGuid().ToString("N")[..8]);

        var e = await Assert.ThrowsAsync<RunnerException>(() => bootstrap.EnsureAsync(naming, CancellationToken.None));

        Assert.Contains("Pulling 127.0.0.1:9/distroless-never-pulled:0.0.0 failed: ", output.ToString());
        Assert.Contains("127.0.0.1:9", output.ToString().Split("failed: ")[1]);
        Assert.Contains("connection refused", output.ToString());
        Assert.StartsWith("the builder image " + naming.Builder + " could not be pulled (", e.Message);
        Assert.Contains("connection refused", e.Message);
        Assert.EndsWith("and mmdebstrap is not installed (not on PATH): install it with 'apt-get install mmdebstrap'", e.Message);
        Directory.Delete(empty, true);
    }
}
