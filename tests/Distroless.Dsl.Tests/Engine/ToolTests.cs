using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
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
    private static readonly ConcurrentDictionary<string, Lazy<string>> Builds = new();

    /// <summary>Builds the images once per test run (a test builds only what it uses; builds are cached by the engine).</summary>
    private static string Build(string platform, params string[] images) =>
        Builds.GetOrAdd(platform + " " + string.Join(" ", images), _ => new Lazy<string>(() =>
        {
            var output = new StringWriter();
            var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build" }.Concat(images).Concat(new[] { "--platform", platform }).ToArray(),
                GeneratedCatalog.Catalog, output, output);
            Assert.True(exit == 0, output.ToString());
            return output.ToString();
        })).Value;

    [Fact]
    public void Every_tool_passes_its_contract_and_smoke_test_on_the_native_platform()
    {
        Build("linux/amd64", ToolNames);
        var output = new StringWriter();
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "test" }.Concat(ToolNames).Concat(new[] { "--platform", "linux/amd64" }).ToArray(),
            GeneratedCatalog.Catalog, output, output);
        Assert.True(exit == 0, output.ToString());
        foreach (var tool in ToolNames)
        {
            Assert.Matches(@"pass\s+distroless-dsl/" + tool + @":\S+-amd64\s+linux/amd64\s+\d+ bytes, \d+ files, smoke test", output.ToString());
        }
    }

    [Fact]
    public async Task Curl_speaks_http_and_https_only_with_http2_through_openssl()
    {
        await using var tool = await ToolRun.StartAsync("curl");
        var (exit, output) = await tool.RunAsync("curl", new[] { "/usr/local/bin/curl", "--version" });
        Assert.True(exit == 0, output);
        var lines = output.Split('\n');
        Assert.Matches(@"^curl 8\.14\.1 .* OpenSSL/3\.\S+ zlib/\S+ brotli/\S+ zstd/\S+ nghttp2/\S+$", lines[0]);
        Assert.Contains("Protocols: http https", lines);
        var features = lines.Single(l => l.StartsWith("Features: ", StringComparison.Ordinal)).Split(' ');
        Assert.Contains("HTTP2", features);
        Assert.Contains("SSL", features);
        Assert.Contains("libz", features);
        Assert.Contains("brotli", features);
        Assert.Contains("zstd", features);
        Assert.DoesNotContain("HTTP3", features);
        Assert.DoesNotContain("IDN", features);
    }

    [Fact]
    public async Task Curl_verifies_https_with_the_image_bundle_plus_a_test_ca_and_refuses_without_it()
    {
        await using var tool = await ToolRun.StartAsync("curl");
        using var server = new LocalHttpsServer(tool.Work);
        tool.WriteFile("hello.txt", "hello over TLS\n");

        // The image's own bundle (read from the image) with the test CA appended, at the path curl was built to use.
        var bundle = Encoding.UTF8.GetString(await tool.ReadImageFileAsync("curl", "linux/amd64", "/etc/ssl/certs/ca-certificates.crt"));
        Assert.True(Regex.Matches(bundle, "BEGIN CERTIFICATE").Count > 100, "the image's bundle holds the public CAs");
        var combined = tool.WriteFile("bundle-plus-test-ca.crt", bundle + server.CaPem);

        // Verification stays on: the leaf must chain to the test CA and name 127.0.0.1; %{ssl_verify_result} 0 is OpenSSL's X509_V_OK.
        var trusted = await tool.RunAsync("curl", new[] { "/usr/local/bin/curl", "-sS", "--fail", "-w", "%{ssl_verify_result}", server.Url + "/hello.txt" },
            binds: new[] { combined + ":/etc/ssl/certs/ca-certificates.crt:ro" });
        Assert.Equal((0L, "hello over TLS\n0"), trusted);

        // By name: the static binary resolves localhost through /etc/hosts (glibc's built-in lookup, no NSS modules).
        var byName = await tool.RunAsync("curl", new[] { "/usr/local/bin/curl", "-sS", "--fail", server.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/hello.txt" },
            binds: new[] { combined + ":/etc/ssl/certs/ca-certificates.crt:ro" });
        Assert.Equal((0L, "hello over TLS"), byName);

        // The image's bundle alone does not know the test CA: curl refuses the server (60: peer certificate not verified).
        var (exit, output) = await tool.RunAsync("curl", new[] { "/usr/local/bin/curl", "-sS", server.Url + "/hello.txt" });
        Assert.True(exit == 60, exit + ": " + output);
        Assert.Contains("certificate", output);
    }

    [Fact]
    public async Task Curl_fits_its_size_budget_and_is_a_static_elf_for_each_platform()
    {
        var curl = GeneratedCatalog.Catalog.FindImage("curl")!;
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        foreach (var (platform, machine) in new[] { ("linux/amd64", (ushort)62), ("linux/arm64", (ushort)183) }) // EM_X86_64, EM_AARCH64
        {
            Build(platform, "curl");
            var arch = platform.Substring("linux/".Length);
            var image = await engine.Client.Images.InspectImageAsync(Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(curl, platform));
            Assert.True(image.Size <= 12_000_000, platform + ": " + image.Size + " bytes, over the 12 MB budget");
            Assert.Equal(arch, image.Architecture);

            var elf = await ReadImageFileAsync(engine, Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(curl, platform), platform, "/usr/local/bin/curl");
            Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1 }, elf.AsSpan(0, 6).ToArray()); // 64-bit, little-endian
            Assert.Equal(machine, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(18)));
            // Static: no program header asks for an interpreter (PT_INTERP) or dynamic linking (PT_DYNAMIC).
            var programHeaders = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32));
            var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(54));
            var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
            var types = Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(programHeaders + i * entrySize))).ToList();
            Assert.Contains(1u, types); // PT_LOAD: the header table was read right
            Assert.DoesNotContain(2u, types);
            Assert.DoesNotContain(3u, types);

            // Scanners read /var/lib/dpkg/status.d as "Debian's binary package, this version": a source-built curl is not
            // that, so no record claims it; BUILDINFO says what it was built from and linked with.
            await Assert.ThrowsAsync<FileNotFoundException>(() => ReadImageFileAsync(engine, Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(curl, platform), platform, "/var/lib/dpkg/status.d/curl"));
            var buildInfo = Encoding.UTF8.GetString(await ReadImageFileAsync(engine, Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(curl, platform), platform, "/usr/local/share/doc/curl/BUILDINFO"));
            Assert.Contains("Debian source package curl 8.14.1-2+deb13u5", buildInfo);
            Assert.Matches(@"\nlibssl-dev:?\S* 3\.\S+\n", buildInfo);
        }
    }

    [Fact]
    public async Task Git_clones_over_https_then_logs_and_diffs()
    {
        await using var tool = await ToolRun.StartAsync("git");
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
        await using var tool = await ToolRun.StartAsync("go");
        tool.WriteFile("hello/go.mod", "module hello\n\ngo 1.24\n");
        tool.WriteFile("hello/main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { fmt.Println(\"hello from\", runtime.GOOS+\"/\"+runtime.GOARCH) }\n");

        var (exit, output) = await tool.RunAsync("go", new[] { "/usr/lib/go-1.24/bin/go", "build", "-o", "/work/hello/hello", "." }, workDir: "/work/hello");
        Assert.True(exit == 0, "go build exited " + exit + ": " + output);

        // The base image has no C library: only a static binary runs there.
        Assert.Equal((0L, "hello from linux/amd64"), await tool.RunAsync("base", new[] { "/work/hello/hello" }));
    }

    /// <summary>The pruned GOROOT still does everything a build needs: vet (and its findings), test, and a cross-build.</summary>
    [Fact]
    public async Task Go_vets_tests_and_cross_builds_for_arm64_with_the_pruned_goroot()
    {
        await using var tool = await ToolRun.StartAsync("go");
        tool.WriteFile("mod/go.mod", "module example.com/mod\n\ngo 1.24\n");
        tool.WriteFile("mod/greet/greet.go", "package greet\n\nimport \"strings\"\n\n// Hello greets name.\nfunc Hello(name string) string { return \"hello, \" + strings.ToUpper(name) }\n");
        tool.WriteFile("mod/greet/greet_test.go", "package greet\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) {\n\tif got := Hello(\"go\"); got != \"hello, GO\" {\n\t\tt.Fatalf(\"got %q\", got)\n\t}\n}\n");
        tool.WriteFile("mod/main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/mod/greet\"\n)\n\nfunc main() { fmt.Println(greet.Hello(\"arm\")) }\n");
        string[] Go(params string[] args) => new[] { "/usr/lib/go-1.24/bin/go" }.Concat(args).ToArray();

        var vet = await tool.RunAsync("go", Go("vet", "./..."), workDir: "/work/mod");
        Assert.True(vet.Exit == 0, "go vet exited " + vet.Exit + ": " + vet.Output);
        var test = await tool.RunAsync("go", Go("test", "-count=1", "./..."), workDir: "/work/mod");
        Assert.True(test.Exit == 0, "go test exited " + test.Exit + ": " + test.Output);
        Assert.Matches(@"ok\s+example\.com/mod/greet", test.Output);

        // vet really runs its analysers: a Printf with the wrong verb is reported and fails.
        tool.WriteFile("mod/bad/bad.go", "package bad\n\nimport \"fmt\"\n\nfunc Bad() { fmt.Printf(\"%d\\n\", \"not a number\") }\n");
        var finding = await tool.RunAsync("go", Go("vet", "./bad"), workDir: "/work/mod");
        Assert.NotEqual(0L, finding.Exit);
        Assert.Contains("fmt.Printf format %d has arg", finding.Output);

        var cross = await tool.RunAsync("go", Go("build", "-o", "/work/mod/hello-arm64", "."), env: new[] { "GOARCH=arm64" }, workDir: "/work/mod");
        Assert.True(cross.Exit == 0, "GOARCH=arm64 go build exited " + cross.Exit + ": " + cross.Output);
        var elf = File.ReadAllBytes(Path.Combine(tool.Work, "mod", "hello-arm64"));
        Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, elf.Take(4).ToArray());
        Assert.Equal(183, elf[18] | (elf[19] << 8)); // e_machine EM_AARCH64
    }

    [Fact]
    public async Task Node_formats_dates_with_full_icu_and_time_zones()
    {
        await using var tool = await ToolRun.StartAsync("node");
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
        await using var tool = await ToolRun.StartAsync("jq");
        tool.WriteFile("in.json", "{\"items\":[{\"name\":\"a\",\"n\":1},{\"name\":\"b\",\"n\":2}]}");
        Assert.Equal((0L, "[\"a\",\"b\"]\n3"), await tool.RunAsync("jq", new[] { "/usr/bin/jq", "-c", "[.items[].name], (.items | map(.n) | add)", "/work/in.json" }));
    }

    /// <summary>One file of an image, from the export of a container that is created and never started (any platform, no emulation).</summary>
    private static async Task<byte[]> ReadImageFileAsync(EngineConnection engine, string tag, string platform, string path)
    {
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = tag,
            Entrypoint = new List<string> { "/nonexistent" },
            Platform = platform,
        });
        try
        {
            using var spool = new MemoryStream();
            using (var export = await engine.Client.Containers.ExportContainerAsync(container.ID, CancellationToken.None))
            {
                await export.CopyToAsync(spool);
            }

            spool.Position = 0;
            using var reader = new TarReader(spool);
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                if ("/" + entry.Name.TrimStart('.', '/') == path && entry.DataStream is { } data)
                {
                    using var content = new MemoryStream();
                    await data.CopyToAsync(content);
                    return content.ToArray();
                }
            }

            throw new FileNotFoundException(tag + " (" + platform + ") has no " + path);
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
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

        public static async Task<ToolRun> StartAsync(params string[] images)
        {
            Build("linux/amd64", images);
            return new ToolRun(await EngineConnection.ConnectAsync(CancellationToken.None));
        }

        public Task<byte[]> ReadImageFileAsync(string image, string platform, string path) =>
            ToolTests.ReadImageFileAsync(_engine, Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(GeneratedCatalog.Catalog.FindImage(image)!, platform), platform, path);

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
                Image = Distroless.Dsl.Runner.Catalog.ImageNaming.Default.PlatformTag(entry, "linux/amd64"),
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
