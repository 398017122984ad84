using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>A static Go program (Probe/probe.go) that is copied into a container of the image under test and run as
/// the image's user: it resolves a timezone from the image's zoneinfo and loads the CA pool through SSL_CERT_FILE,
/// proving a real program can use what the file checks only saw on disk. Native platform only: it has to run.</summary>
internal sealed class RuntimeProbe
{
    private const string PathInContainer = "/.distroless-probe";
    private readonly byte[] _binary;

    private RuntimeProbe(string imageTag, byte[] binary)
    {
        ImageTag = imageTag;
        _binary = binary;
    }

    /// <summary>The image the probe was built in (FROM scratch: just the binary, no zoneinfo, no CA bundle).</summary>
    public string ImageTag { get; }

    /// <summary>Builds the probe image once per probe source (cached by the engine and by tag) and reads its binary.</summary>
    public static async Task<RuntimeProbe> PrepareAsync(EngineConnection engine, ImageNaming naming, BuildProgress progress, CancellationToken cancellation)
    {
        var source = ReadSource();
        var dockerfile = string.Join("\n", new[]
        {
            "FROM " + naming.Builder + " AS build",
            "RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends golang-go >/dev/null",
            "COPY probe.go /src/probe.go",
            "RUN cd /src && CGO_ENABLED=0 GOCACHE=/tmp/go-cache go build -trimpath -ldflags=-s -o /probe probe.go",
            "",
            "FROM scratch",
            "COPY --from=build /probe /probe",
            "LABEL " + Dsl.Rules.ImageNames.OwnerLabel + "=probe",
            "",
        });
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dockerfile + source))).Substring(0, 12).ToLowerInvariant();
        var tag = naming.Prefix + "probe:" + hash;
        var builder = new ImageBuilder(engine, BuilderKind.Auto, progress, naming);
        var outcome = await builder.BuildAsync("probe", engine.HostPlatform, tag,
            () => BuildContextArchive.FromFiles(("Dockerfile", dockerfile), ("probe.go", source)), noCache: false, cancellation).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            throw new RunnerException("could not build the runtime probe: " + outcome.Error + (outcome.FailedLog.Count > 0 ? " (" + outcome.FailedLog[^1] + ")" : ""));
        }

        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters { Image = tag, Entrypoint = new List<string> { "/probe" } }, cancellation).ConfigureAwait(false);
        try
        {
            var archive = await engine.Client.Containers.GetArchiveFromContainerAsync(container.ID, new ContainerPathStatParameters { Path = "/probe" }, false, cancellation).ConfigureAwait(false);
            using var spool = new MemoryStream();
            await archive.Stream!.CopyToAsync(spool, cancellation).ConfigureAwait(false);
            spool.Position = 0;
            using var reader = new TarReader(spool);
            var entry = await reader.GetNextEntryAsync(copyData: true, cancellation).ConfigureAwait(false)
                        ?? throw new RunnerException("the runtime probe image holds no /probe");
            using var binary = new MemoryStream();
            await entry.DataStream!.CopyToAsync(binary, cancellation).ConfigureAwait(false);
            return new RuntimeProbe(tag, binary.ToArray());
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The probe checks that apply to an image with this contract; empty when there is nothing to probe.</summary>
    public static IReadOnlyList<string> ChecksFor(Expectation expectation) =>
        new[] { expectation.TimezoneData ? "timezone" : null, expectation.CaCertificates ? "ca-certificates" : null }
            .Where(c => c is not null).Select(c => c!).ToList();

    /// <summary>Runs the probe in a container of <paramref name="image"/> with the image's own user and environment;
    /// returns one problem per failed check.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(EngineConnection engine, string image, IReadOnlyList<string> checks, CancellationToken cancellation)
    {
        var (exit, output) = await ContainerRun.RunAsync(engine, image, new[] { PathInContainer }.Concat(checks).ToList(), cancellation,
            beforeStart: (id, token) => engine.Client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = "/" }, Archive(), token)).ConfigureAwait(false);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var problems = lines.Where(l => l.StartsWith("fail ", StringComparison.Ordinal)).Select(l => "runtime probe: " + l.Substring(5)).ToList();
        if (exit != 0 && problems.Count == 0)
        {
            problems.Add("runtime probe exited " + exit + ": " + (lines.LastOrDefault() ?? "no output"));
        }

        foreach (var check in checks.Where(c => !lines.Any(l => l.StartsWith("ok " + c + " ", StringComparison.Ordinal) || l.StartsWith("fail " + c + " ", StringComparison.Ordinal))))
        {
            problems.Add("runtime probe: " + check + " did not report");
        }

        return problems;
    }

    private MemoryStream Archive()
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, PathInContainer.TrimStart('/'))
            {
                DataStream = new MemoryStream(_binary),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                ModificationTime = DateTimeOffset.FromUnixTimeSeconds(0),
            });
        }

        stream.Position = 0;
        return stream;
    }

    private static string ReadSource()
    {
        using var stream = typeof(RuntimeProbe).Assembly.GetManifestResourceStream("Distroless.Dsl.Runner.Testing.Probe.probe.go")
                           ?? throw new InvalidOperationException("the runtime probe's source is not embedded in the runner");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }
}
