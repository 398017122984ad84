using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Every tool image does its real job on the native platform (linux/amd64 here), with no shell: each step is
/// its own container. Files come and go through a bind-mounted work directory.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // engine tests run on Linux
public sealed class ToolTests
{
    private static readonly string[] ToolNames = { "curl", "jq", "git", "go", "node", "postgres" };
    private static readonly Lazy<string> Built = new(() =>
    {
        var output = new StringWriter();
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build" }.Concat(ToolNames).Concat(new[] { "--platform", "linux/amd64" }).ToArray(),
            GeneratedCatalog.Catalog, output, output);
        Assert.True(exit == 0, output.ToString());
        return output.ToString();
    });

    [Fact]
    public void Every_tool_passes_its_contract_and_smoke_test_on_the_native_platform()
    {
        _ = Built.Value;
        var output = new StringWriter();
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "test" }.Concat(ToolNames).Concat(new[] { "--platform", "linux/amd64" }).ToArray(),
            GeneratedCatalog.Catalog, output, output);
        Assert.True(exit == 0, output.ToString());
        foreach (var tool in ToolNames)
        {
            Assert.Matches(@"pass\s+" + tool + @":\S+-amd64\s+linux/amd64\s+\d+ bytes, \d+ files, smoke test", output.ToString());
        }
    }

    [Fact]
    public async Task Curl_verifies_https_against_the_image_ca_bundle()
    {
        await using var tool = await ToolRun.StartAsync();
        using var server = new LocalHttpsServer(tool.Work);
        tool.WriteFile("hello.txt", "hello over TLS\n");
        var ca = tool.WriteFile("ca.crt", server.CaPem);

        // The test CA in place of the image's bundle, at the path the image ships it: curl trusts it with no option.
        var trusted = await tool.RunAsync("curl", new[] { "/usr/bin/curl", "-sS", "--fail", server.Url + "/hello.txt" },
            binds: new[] { ca + ":/etc/ssl/certs/ca-certificates.crt:ro" });
        Assert.Equal((0L, "hello over TLS"), trusted);

        // The image's own bundle (public CAs) does not know the test CA: verification fails (60: peer certificate).
        var (exit, output) = await tool.RunAsync("curl", new[] { "/usr/bin/curl", "-sS", server.Url + "/hello.txt" });
        Assert.True(exit == 60, exit + ": " + output);
        Assert.Contains("certificate", output);
    }

    [Fact]
    public async Task Git_clones_over_https_then_logs_and_diffs()
    {
        await using var tool = await ToolRun.StartAsync();
        using var server = new LocalHttpsServer(tool.Work);
        tool.WriteFile("ca.crt", server.CaPem);
        string[] Git(params string[] args) => new[] { "/usr/bin/git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid" }.Concat(args).ToArray();
        async Task Ok(params string[] args)
        {
            var (exit, output) = await tool.RunAsync("git", Git(args));
            Assert.True(exit == 0, string.Join(" ", args) + " exited " + exit + ": " + output);
        }

        // The repository is made with the image too, then published for git's "dumb HTTP" transport.
        // The container makes the repository's directory: git refuses one owned by another user.
        await Ok("init", "-q", "-b", "main", "/work/repo");
        tool.WriteFile("repo/notes.txt", "one\n");
        await Ok("-C", "/work/repo", "add", "notes.txt");
        await Ok("-C", "/work/repo", "commit", "-q", "-m", "first");
        tool.WriteFile("repo/notes.txt", "two\n");
        await Ok("-C", "/work/repo", "commit", "-q", "-a", "-m", "second");
        await Ok("-C", "/work/repo", "update-server-info");

        var caInfo = new[] { "GIT_SSL_CAINFO=/work/ca.crt" };
        var (exit, output) = await tool.RunAsync("git", Git("clone", "-q", server.Url + "/repo/.git", "/work/clone"), env: caInfo);
        Assert.True(exit == 0, "clone exited " + exit + ": " + output);
        Assert.Equal((0L, "second\nfirst"), await tool.RunAsync("git", Git("-C", "/work/clone", "log", "--format=%s")));
        var diff = await tool.RunAsync("git", Git("-C", "/work/clone", "diff", "HEAD~1", "HEAD"));
        Assert.Equal(0L, diff.Exit);
        Assert.Contains("-one\n+two", diff.Output);

        // Without the test CA, the image's bundle refuses the server.
        var refused = await tool.RunAsync("git", Git("clone", "-q", server.Url + "/repo/.git", "/work/refused"));
        Assert.NotEqual(0L, refused.Exit);
        Assert.Contains("certificate", refused.Output);
    }

    [Fact]
    public async Task Go_builds_a_static_binary_that_runs_on_the_static_base()
    {
        await using var tool = await ToolRun.StartAsync();
        tool.WriteFile("hello/go.mod", "module hello\n\ngo 1.24\n");
        tool.WriteFile("hello/main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { fmt.Println(\"hello from\", runtime.GOOS+\"/\"+runtime.GOARCH) }\n");

        var (exit, output) = await tool.RunAsync("go", new[] { "/usr/lib/go-1.24/bin/go", "build", "-o", "/work/hello/hello", "." }, workDir: "/work/hello");
        Assert.True(exit == 0, "go build exited " + exit + ": " + output);

        // The base image has no C library: only a static binary runs there.
        Assert.Equal((0L, "hello from linux/amd64"), await tool.RunAsync("base", new[] { "/work/hello/hello" }));
    }

    [Fact]
    public async Task Node_formats_dates_with_full_icu_and_time_zones()
    {
        await using var tool = await ToolRun.StartAsync();
        const string script = "const d = new Date(Date.UTC(2024, 0, 15, 12, 0, 0));"
                              + "console.log(new Intl.DateTimeFormat('de-DE', { timeZone: 'America/New_York', dateStyle: 'full', timeStyle: 'long' }).format(d));"
                              + "console.log(new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(1234));";
        var (exit, output) = await tool.RunAsync("node", new[] { "/usr/bin/node", "-e", script });
        Assert.True(exit == 0, output);
        Assert.Equal("Montag, 15. Januar 2024 um 07:00:00 GMT-5\n￥1,234", output);
    }

    [Fact]
    public async Task Jq_filters_json()
    {
        await using var tool = await ToolRun.StartAsync();
        tool.WriteFile("in.json", "{\"items\":[{\"name\":\"a\",\"n\":1},{\"name\":\"b\",\"n\":2}]}");
        Assert.Equal((0L, "[\"a\",\"b\"]\n3"), await tool.RunAsync("jq", new[] { "/usr/bin/jq", "-c", "[.items[].name], (.items | map(.n) | add)", "/work/in.json" }));
    }

    /// <summary>Runs tool containers as their image's user on the host network (to reach the 127.0.0.1 server), with a
    /// world-writable work directory mounted at /work; removes everything it made.</summary>
    private sealed class ToolRun : IAsyncDisposable
    {
        private readonly EngineConnection _engine;

        private ToolRun(EngineConnection engine)
        {
            _engine = engine;
            Work = Directory.CreateTempSubdirectory("distroless-tools-").FullName;
            File.SetUnixFileMode(Work, (UnixFileMode)0b111_111_111);
        }

        public string Work { get; }

        public static async Task<ToolRun> StartAsync()
        {
            _ = Built.Value;
            return new ToolRun(await EngineConnection.ConnectAsync(CancellationToken.None));
        }

        public string WriteFile(string relative, string content)
        {
            var path = Path.Combine(Work, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.SetUnixFileMode(Path.GetDirectoryName(path)!, (UnixFileMode)0b111_111_111);
            File.WriteAllText(path, content);
            File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
            return path;
        }

        public async Task<(long Exit, string Output)> RunAsync(string image, IList<string> command, IList<string>? env = null,
            IList<string>? binds = null, string? workDir = null)
        {
            var entry = GeneratedCatalog.Catalog.FindImage(image)!;
            var container = await _engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = entry.Reference + "-amd64",
                Entrypoint = command,
                Cmd = new List<string>(),
                Env = env ?? new List<string>(),
                WorkingDir = workDir ?? "",
                HostConfig = new HostConfig
                {
                    NetworkMode = "host",
                    Binds = new List<string> { Work + ":/work" }.Concat(binds ?? Array.Empty<string>()).ToList(),
                    CapDrop = new List<string> { "ALL" },
                    SecurityOpt = new List<string> { "no-new-privileges" },
                },
            });
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                await _engine.Client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), limit.Token);
                var exit = await _engine.Client.Containers.WaitContainerAsync(container.ID, limit.Token);
                using var logs = await _engine.Client.Containers.GetContainerLogsAsync(container.ID,
                    new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, limit.Token);
                var (stdout, stderr) = await logs.ReadOutputToEndAsync(limit.Token);
                return (exit.StatusCode, (stdout + stderr).Trim());
            }
            finally
            {
                await _engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(Work, recursive: true);
            _engine.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
