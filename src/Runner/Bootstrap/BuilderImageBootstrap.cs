using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
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

    public BuilderImageBootstrap(EngineConnection engine, TextWriter output)
    {
        _engine = engine;
        _output = output;
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
        if (image != ImageNaming.Default.Builder && await ExistsAsync(ImageNaming.Default.Builder, cancellation).ConfigureAwait(false))
        {
            await TagOwnership.TagAsync(_engine, ImageNaming.Default.Builder, new[] { image }, cancellation).ConfigureAwait(false);
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var upstream = UpstreamImage.Split(':');
            await _engine.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = upstream[0], Tag = upstream[1] }, null, new Progress<JSONMessage>(), timeout.Token).ConfigureAwait(false);
            if (await ExistsAsync(UpstreamImage, cancellation).ConfigureAwait(false))
            {
                await TagOwnership.TagAsync(_engine, UpstreamImage, new[] { image }, cancellation).ConfigureAwait(false);
                _output.WriteLine("Pulled " + UpstreamImage + " as the builder image " + image);
                return;
            }
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException && !cancellation.IsCancellationRequested)
        {
            // No registry: make it from the Debian archive below.
        }

        var clock = Stopwatch.StartNew();
        _output.WriteLine("Builder image " + image + " cannot be pulled; making it from the Debian archive with mmdebstrap");
        var tar = Path.Combine(Path.GetTempPath(), "distroless-" + Suite + "-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            await RunMmdebstrapAsync(tar, cancellation).ConfigureAwait(false);
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

    private async Task<bool> ExistsAsync(string image, CancellationToken cancellation)
    {
        try
        {
            await _engine.Client.Images.InspectImageAsync(image, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    private static async Task RunMmdebstrapAsync(string tar, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo("mmdebstrap") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--variant=apt", "--quiet", Suite, tar })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new RunnerException("mmdebstrap is not installed, and the builder image cannot be pulled: install it (apt-get install mmdebstrap) and run again");
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellation);
            await process.StandardOutput.ReadToEndAsync(cancellation).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var last = (await stderr.ConfigureAwait(false)).Trim().Split('\n');
                throw new RunnerException("mmdebstrap failed (exit " + process.ExitCode + "): " + last[^1]);
            }
        }
    }
}
