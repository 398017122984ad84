using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Processes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Bootstrap;

/// <summary>Makes sure the builder image every Dockerfile's builder stages use is present. If it is missing and cannot
/// be pulled (air-gapped, mirror-only, or no registry at all), it is made from the Debian archive with mmdebstrap and
/// imported through the Engine API. Once present, this costs one inspect call.</summary>
internal sealed class BuilderImageBootstrap
{
    private readonly EngineConnection _engine;
    private readonly TextWriter _output;

    private readonly IReadOnlyDictionary<string, string>? _environment;
    private readonly string _upstream;
    private readonly ImageNaming? _reuseFrom;

    /// <param name="environment">Variables for mmdebstrap on top of the runner's (a PATH here is where it is looked up).</param>
    /// <param name="upstream">The image pulled when the builder is missing (Debian's own, by default).</param>
    /// <param name="reuseFrom">Names under which an existing builder is ours already (the default names), or null.</param>
    public BuilderImageBootstrap(EngineConnection engine, TextWriter output, IReadOnlyDictionary<string, string>? environment = null,
        string upstream = UpstreamImage, ImageNaming? reuseFrom = null)
    {
        _engine = engine;
        _upstream = upstream;
        _reuseFrom = reuseFrom ?? (upstream == UpstreamImage ? ImageNaming.Default : null);
        _output = output;
        _environment = environment;
    }

    public const string Suite = "trixie";

    /// <summary>Debian's own image, pulled where a registry is reachable and then named as our builder.</summary>
    public const string UpstreamImage = "debian:" + Suite + "-slim";

    public async Task EnsureAsync(ImageNaming naming, CancellationToken cancellation)
    {
        var image = naming.Builder;
        if (await ExistsAsync(image, cancellation).ConfigureAwait(false))
        {
            return;
        }

        var colon = image.LastIndexOf(':');
        var (repository, tag) = (image.Substring(0, colon), image.Substring(colon + 1));

        // The same builder under another prefix (e.g. the default one) is ours already: name it, don't make it again.
        if (_reuseFrom is { } other && image != other.Builder && await ExistsAsync(other.Builder, cancellation).ConfigureAwait(false))
        {
            await TagOwnership.TagAsync(_engine, other.Builder, new[] { image }, cancellation).ConfigureAwait(false);
            return;
        }

        string pullFailure;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var upstream = (_upstream.Substring(0, _upstream.LastIndexOf(':')), _upstream.Substring(_upstream.LastIndexOf(':') + 1));
            var messages = new StreamErrors();
            await _engine.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = upstream.Item1, Tag = upstream.Item2 }, null, messages, timeout.Token).ConfigureAwait(false);
            if (await ExistsAsync(_upstream, cancellation).ConfigureAwait(false))
            {
                await TagOwnership.TagAsync(_engine, _upstream, new[] { image }, cancellation).ConfigureAwait(false);
                _output.WriteLine("Pulled " + _upstream + " as the builder image " + image);
                return;
            }

            pullFailure = messages.Error ?? "the pull ended without the image";
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException or System.Net.Http.HttpRequestException && !cancellation.IsCancellationRequested)
        {
            pullFailure = e is OperationCanceledException ? "no answer within 60 s" : EngineMessage(e);
        }

        // The engine's reason is what tells a proxy or DNS problem from a registry that is simply not there.
        _output.WriteLine("Pulling " + _upstream + " failed: " + pullFailure);
        var clock = Stopwatch.StartNew();
        _output.WriteLine("Making " + image + " from the Debian archive with mmdebstrap instead");
        var tar = Path.Combine(Path.GetTempPath(), "distroless-" + Suite + "-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            await RunMmdebstrapAsync(tar, image, pullFailure, cancellation).ConfigureAwait(false);
            await using var stream = File.OpenRead(tar);
            await _engine.Client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = tag, Changes = new[] { "CMD [\"bash\"]", "LABEL " + ImageNames.OwnerLabel + "=" + ImageNames.ReservedName } },
                stream, null, new Progress<JSONMessage>(), cancellation).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(tar);
        }

        if (!await ExistsAsync(image, cancellation).ConfigureAwait(false))
        {
            throw new RunnerException("Importing the builder image " + image + " did not produce it");
        }

        _output.WriteLine("Made builder image " + image + " in " + clock.Elapsed.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s");
    }

    private async Task<bool> ExistsAsync(string image, CancellationToken cancellation) =>
        await _engine.InspectImageAsync(image, cancellation).ConfigureAwait(false) is not null;

    private async Task RunMmdebstrapAsync(string tar, string image, string pullFailure, CancellationToken cancellation)
    {
        ProgramResult result;
        try
        {
            result = await ExternalProgram.RunAsync(new ProgramInvocation("mmdebstrap", new[] { "--variant=apt", "--quiet", Suite, tar }) { Environment = _environment }, cancellation)
                .ConfigureAwait(false);
        }
        catch (MissingProgramException e)
        {
            throw new RunnerException("the builder image " + image + " could not be pulled (" + pullFailure + ") and " + e.Message);
        }

        if (result.ExitCode != 0)
        {
            var last = result.StandardError.Trim().Split('\n');
            throw new RunnerException("mmdebstrap failed (exit " + result.ExitCode + "): " + last[^1]);
        }
    }

    /// <summary>The engine's own words: the <c>message</c> of its JSON error body, else the exception's message.</summary>
    internal static string EngineMessage(Exception e)
    {
        if (e is DockerApiException api && !string.IsNullOrWhiteSpace(api.ResponseBody))
        {
            try
            {
                using var body = System.Text.Json.JsonDocument.Parse(api.ResponseBody);
                if (body.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && body.RootElement.TryGetProperty("message", out var message))
                {
                    return message.GetString() ?? api.ResponseBody.Trim();
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }

            return api.ResponseBody.Trim();
        }

        return e.Message;
    }

    /// <summary>Keeps the first error the engine reports inside a pull's progress stream.</summary>
    private sealed class StreamErrors : IProgress<JSONMessage>
    {
        private readonly object _gate = new();

        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            var text = value.Error?.Message;
            lock (_gate)
            {
                Error ??= string.IsNullOrWhiteSpace(text) ? null : text.Trim();
            }
        }
    }
}
