using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Runner.Reproducibility;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Building;

internal enum BuilderKind
{
    /// <summary>BuildKit where the engine offers it, else the classic builder.</summary>
    Auto,
    BuildKit,
    Classic,
}

/// <summary>How one image build for one platform ended. <see cref="FailedLog"/> holds the failed step's output.</summary>
internal sealed record BuildOutcome(bool Succeeded, string Tag, string? ImageId, string Builder, string FailedStep, IReadOnlyList<string> FailedLog, string Error);

/// <summary>Builds one image for one platform through the Engine API: BuildKit (<c>version=2</c>) or the classic builder.</summary>
internal sealed class ImageBuilder
{
    private const int LogLinesShown = 40;
    private readonly EngineConnection _engine;
    private readonly BuilderKind _builder;
    private readonly BuildProgress _progress;

    private readonly LockedInputs? _packages;

    /// <param name="packages">The lock's fetched inputs: catalog images get theirs in the context (<c>debs/</c>, <c>sources/</c>,
    /// <c>downloads/</c>) and no network. Null for contexts of the runner's own (e.g. test helpers).</param>
    public ImageBuilder(EngineConnection engine, BuilderKind builder, BuildProgress progress, ImageNaming naming, LockedInputs? packages = null)
    {
        _engine = engine;
        _builder = builder;
        _progress = progress;
        Naming = naming;
        _packages = packages;
    }

    /// <summary>The engine's network mode for a build that must not reach any network.</summary>
    public const string NoNetwork = "none";

    public ImageNaming Naming { get; }

    public async Task<BuildOutcome> BuildAsync(CatalogEntry image, string platform, bool noCache, CancellationToken cancellation)
    {
        var useBuildKit = _builder != BuilderKind.Classic;
        var tag = Naming.PlatformTag(image, platform);
        if (!useBuildKit && platform != _engine.HostPlatform)
        {
            return Failed(tag, "classic", "", Array.Empty<string>(),
                "the classic builder cannot build " + platform + " on this " + _engine.HostPlatform + " engine without emulation: use BuildKit");
        }

        // An image that publishes a .NET project gets the host SDK's output for this architecture in its context.
        string? published = null;
        if (image.Definition.DotnetPublish is { } publish)
        {
            try
            {
                published = await new DotnetPublisher(_progress).PublishAsync(image, publish, ImageNaming.Architecture(platform), cancellation).ConfigureAwait(false);
            }
            catch (RunnerException e)
            {
                return Failed(tag, "dotnet", "dotnet publish " + publish.Project, (e as DotnetPublisher.PublishFailed)?.Log ?? Array.Empty<string>(), e.Message);
            }
        }

        if (_packages is null && LockedInputs.NeedsInputs(image))
        {
            throw new InvalidOperationException("building a catalog image needs the lock's fetched inputs (LockedInputs.PrepareAsync)");
        }

        // Every input is in the context (fetched on the host, verified), so no catalog build reaches any network.
        var inputs = _packages?.ContextFiles(image, platform);
        return await BuildAsync(image.Name, platform, tag, () => BuildContextArchive.Create(image, published, SourceDateEpoch.AsDate(SourceDateEpoch.Current), inputs), noCache, cancellation, NoNetwork)
            .ConfigureAwait(false);
    }

    /// <summary>Builds any build context (a tar with a Dockerfile) for one platform; <paramref name="name"/> labels the progress lines.</summary>
    /// <param name="networkMode">The engine's network for RUN steps: <see cref="NoNetwork"/> for hermetic builds, null for its default.</param>
    public async Task<BuildOutcome> BuildAsync(string name, string platform, string tag, Func<MemoryStream> context, bool noCache, CancellationToken cancellation, string? networkMode = null)
    {
        var useBuildKit = _builder != BuilderKind.Classic;
        if (await TagOwnership.ForeignImageAsync(_engine, tag, cancellation).ConfigureAwait(false) is { } foreign)
        {
            return Failed(tag, useBuildKit ? "buildkit" : "classic", "", Array.Empty<string>(), foreign);
        }

        var outcome = await RunAsync(name, context, platform, tag, useBuildKit, noCache, networkMode, cancellation).ConfigureAwait(false);
        if (_builder == BuilderKind.Auto && !outcome.Succeeded && IsBuildKitUnavailable(outcome.Error))
        {
            _progress.Line(name, platform, "BuildKit is not offered by this engine; using the classic builder");
            outcome = await RunAsync(name, context, platform, tag, useBuildKit: false, noCache, networkMode, cancellation).ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task<BuildOutcome> RunAsync(
        string name, Func<MemoryStream> createContext, string platform, string tag, bool useBuildKit, bool noCache, string? networkMode, CancellationToken cancellation)
    {
        var builder = useBuildKit ? "buildkit" : "classic";
        var parameters = new ImageBuildParameters
        {
            Tags = new List<string> { tag },
            Platform = platform,
            Version = useBuildKit ? "2" : "1",
            NoCache = noCache,
            NetworkMode = networkMode,
            Remove = true,
            ForceRemove = true,
            BuildArgs = new Dictionary<string, string>
            {
                // Engine 20.10's BuildKit leaves these empty over the API, and the classic builder never sets them.
                ["BUILDPLATFORM"] = _engine.HostPlatform,
                ["TARGETPLATFORM"] = platform,
                ["TARGETARCH"] = ImageNaming.Architecture(platform),
                [Naming.BuildArgument.Key] = Naming.BuildArgument.Value,
                // Every file the builder stages make carries this time (see assemble-rootfs.sh), so layers are reproducible.
                [SourceDateEpoch.Variable] = SourceDateEpoch.Text,
            },
        };

        using var context = createContext();
        var unchanged = await UnchangedBuild.OfAsync(_engine, parameters, context, cancellation).ConfigureAwait(false);
        if (unchanged is not null && await unchanged.ExistingImageAsync(_engine, tag, cancellation).ConfigureAwait(false) is { } existing)
        {
            _progress.Step(name, platform, "inputs unchanged since " + existing.Replace("sha256:", "", StringComparison.Ordinal)[..12] + " was built from them: no solve needed");
            return new BuildOutcome(true, tag, existing, builder, "", Array.Empty<string>(), "");
        }

        var state = new StreamState();
        try
        {
            // The raw stream, read to its end: BuildKit's trace arrives as a string "aux", which the typed
            // JSONMessage overload cannot hold.
#pragma warning disable CS0618
            using var stream = await _engine.Client.Images.BuildImageFromDockerfileAsync(context, parameters, cancellation).ConfigureAwait(false);
#pragma warning restore CS0618
            using var reader = new StreamReader(stream);
            string? line;
            while ((line = await reader.ReadLineAsync(cancellation).ConfigureAwait(false)) is not null)
            {
                if (line.Length > 0)
                {
                    Handle(name, platform, line, state);
                }
            }
        }
        catch (DockerApiException e)
        {
            var body = e.ResponseBody?.Trim() ?? "";
            return Failed(tag, builder, "", Array.Empty<string>(), body.Length > 0 ? body : e.Message);
        }

        if (state.Error is not null)
        {
            var log = state.FailedStepLog();
            return Failed(tag, builder, state.FailedStep ?? "", log.Skip(Math.Max(0, log.Count - LogLinesShown)).ToList(), state.Error);
        }

        // The engine stamps the config with the build's own time; the image ID is reproducible only once it carries SOURCE_DATE_EPOCH.
        string id;
        try
        {
            id = await ImageTimestamps.SetAsync(_engine, tag, SourceDateEpoch.Current, cancellation).ConfigureAwait(false);
        }
        catch (RunnerException e)
        {
            return Failed(tag, builder, "", Array.Empty<string>(), e.Message);
        }

        if (unchanged is not null)
        {
            await unchanged.RememberAsync(id, cancellation).ConfigureAwait(false);
        }

        return new BuildOutcome(true, tag, id, builder, "", Array.Empty<string>(), "");
    }

    private void Handle(string name, string platform, string line, StreamState state)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            state.Error = error.GetString() ?? "build failed";
            return;
        }

        if (root.TryGetProperty("id", out var id) && id.GetString() == "moby.buildkit.trace" && root.TryGetProperty("aux", out var aux))
        {
            var (vertexes, logs) = BuildKitTrace.Decode(aux.GetString()!);
            foreach (var vertex in vertexes)
            {
                state.Names[vertex.Digest] = vertex.Name;
                if (vertex.Error.Length > 0)
                {
                    state.FailedStep = vertex.Name;
                    state.FailedDigest = vertex.Digest;
                }
                else if (vertex.Completed && state.Reported.Add(vertex.Digest))
                {
                    _progress.Step(name, platform, vertex.Name + (vertex.Cached ? " (cached)" : ""));
                }
                else if (vertex.Started && !vertex.Completed)
                {
                    _progress.Running(name, platform, vertex.Name);
                }
            }

            foreach (var log in logs)
            {
                if (!state.Logs.TryGetValue(log.Vertex, out var lines))
                {
                    state.Logs[log.Vertex] = lines = new List<string>();
                }

                lines.AddRange(log.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                if (lines.Count > 0 && state.Names.TryGetValue(log.Vertex, out var step))
                {
                    _progress.Running(name, platform, step + ": " + lines[^1]);
                }
            }

            return;
        }

        if (root.TryGetProperty("stream", out var text))
        {
            foreach (var output in (text.GetString() ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (output.StartsWith("Step ", StringComparison.Ordinal))
                {
                    state.FailedStep = output;
                    state.ClassicLog.Clear();
                    _progress.Step(name, platform, output);
                }
                else if (!output.StartsWith(" ---> ", StringComparison.Ordinal))
                {
                    state.ClassicLog.Add(output);
                }
            }
        }
    }

    private static bool IsBuildKitUnavailable(string error) =>
        error.Contains("buildkit", StringComparison.OrdinalIgnoreCase) && error.Contains("not", StringComparison.OrdinalIgnoreCase)
        && !error.Contains("executor failed", StringComparison.OrdinalIgnoreCase);

    private static BuildOutcome Failed(string tag, string builder, string step, IReadOnlyList<string> log, string error) =>
        new(false, tag, null, builder, step, log, error);

    private sealed class StreamState
    {
        public Dictionary<string, string> Names { get; } = new();

        public Dictionary<string, List<string>> Logs { get; } = new();

        public HashSet<string> Reported { get; } = new();

        public List<string> ClassicLog { get; } = new();

        public string? FailedStep { get; set; }

        public string? FailedDigest { get; set; }

        public string? Error { get; set; }

        public List<string> FailedStepLog() =>
            FailedDigest is not null && Logs.TryGetValue(FailedDigest, out var lines) ? lines : ClassicLog;
    }
}
