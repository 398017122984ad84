using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>One image to publish, on the platforms chosen for it.</summary>
internal sealed record PublishTarget(CatalogEntry Image, IReadOnlyList<string> Platforms);

/// <summary>What one image's publish wrote: its manifest list, the tags pointing at it, and its children.</summary>
internal sealed record PublishedImage(string Repository, string Digest, string MediaType, IReadOnlyList<string> Tags, IReadOnlyList<PlatformManifest> Children);

/// <summary>Publishes built images: pushes each platform's
/// <c>REGISTRY/NS/NAME:VERSION-ARCH</c> (built under that name) through the engine, and
/// only when every push succeeded writes each image's manifest list under <c>VERSION</c>, <c>latest</c> and
/// optionally <c>vYYYY.MM.DD[.N]</c>.
/// A failed push leaves no manifest list pointing at a missing platform.</summary>
internal sealed class ImagePublisher
{
    private readonly EngineConnection _engine;
    private readonly RegistryClient _registry;
    private readonly RegistryCredentials? _credentials;
    private readonly SecretScrubber _scrubber;
    private readonly BuildProgress _progress;
    private readonly ImageNaming _naming;

    public ImagePublisher(EngineConnection engine, RegistryClient registry, RegistryCredentials? credentials, SecretScrubber scrubber, TextWriter output, ImageNaming naming)
    {
        _naming = naming;
        _engine = engine;
        _registry = registry;
        _credentials = credentials;
        _scrubber = scrubber;
        _progress = new BuildProgress(new ScrubbingWriter(output, scrubber));
    }

    /// <summary><c>vYYYY.MM.DD</c> for the UTC date, or the first of <c>.1</c>, <c>.2</c>, … not yet in <paramref name="existing"/>.</summary>
    public static string DateTag(DateTimeOffset now, IReadOnlyCollection<string> existing)
    {
        var day = "v" + now.UtcDateTime.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture);
        var tag = day;
        for (var n = 1; existing.Contains(tag); n++)
        {
            tag = day + "." + n.ToString(CultureInfo.InvariantCulture);
        }

        return tag;
    }

    public async Task<IReadOnlyList<PublishedImage>> PublishAsync(IReadOnlyList<PublishTarget> targets, bool dateTag, DateTimeOffset now, CancellationToken cancellation)
    {
        var pushes = targets.SelectMany(t => t.Platforms.Select(p => (Target: t, Platform: p))).ToList();
        var outcomes = await Task.WhenAll(pushes.Select(p => PushAsync(p.Target.Image, p.Platform, cancellation))).ConfigureAwait(false);
        var failed = pushes.Zip(outcomes).Where(p => !p.Second.Outcome.Succeeded).ToList();
        if (failed.Count > 0)
        {
            throw new RunnerException(_scrubber.Scrub(string.Join("; ", failed.Select(f =>
                "push of " + f.First.Target.Image.Name + " " + f.First.Platform + " failed: " + f.Second.Outcome.Error.Trim()))
                + "; no manifest list was written"));
        }

        var published = new List<PublishedImage>();
        foreach (var target in targets)
        {
            var repository = _naming.RepositoryPath(target.Image);
            var children = new List<PlatformManifest>();
            foreach (var platform in target.Platforms)
            {
                var (pushed, image) = outcomes[pushes.FindIndex(p => p.Target == target && p.Platform == platform)];
                var tag = ChildTag(target.Image, platform);
                var manifest = await _registry.GetManifestAsync(repository, tag, cancellation).ConfigureAwait(false)
                               ?? throw new RunnerException("registry " + _registry.Registry + " has no " + repository + ":" + tag + " right after its push");
                if (pushed.Digest is { } digest && digest != manifest.Digest)
                {
                    throw new RunnerException(repository + ":" + tag + " is " + manifest.Digest + " in the registry, but the engine pushed " + digest + ": was it pushed again meanwhile?");
                }

                children.Add(new PlatformManifest(image!.Os, image.Architecture, string.IsNullOrEmpty(image.Variant) ? null : image.Variant, manifest));
            }

            var tags = new List<string> { target.Image.Version, "latest" };
            if (dateTag)
            {
                tags.Add(DateTag(now, await _registry.ListTagsAsync(repository, cancellation).ConfigureAwait(false)));
            }

            var mediaType = ManifestList.MediaTypeFor(children);
            var list = ManifestList.Create(children);
            var digests = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                digests.Add(await _registry.PutManifestAsync(repository, tag, mediaType, list, cancellation).ConfigureAwait(false));
            }

            published.Add(new PublishedImage(repository, digests.Single(), mediaType, tags, children));
        }

        return published;
    }

    private static string ChildTag(CatalogEntry image, string platform) => DockerfileEmitter.PlatformVersion(image.Version, ImageNaming.Architecture(platform));

    private async Task<(PushOutcome Outcome, ImageInspectResponse? Image)> PushAsync(CatalogEntry image, string platform, CancellationToken cancellation)
    {
        // Built under the name it is pushed as, so the push needs no extra tag.
        var repository = _naming.Repository(image);
        var tag = ChildTag(image, platform);
        var local = repository + ":" + tag;
        ImageInspectResponse inspected;
        try
        {
            inspected = await _engine.Client.Images.InspectImageAsync(local, cancellation).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            return (new PushOutcome(false, null, local + " is not built"), null);
        }

        // The manifest list will say this platform: the image must really be it.
        if ("linux/" + inspected.Architecture != platform || inspected.Os != "linux")
        {
            return (new PushOutcome(false, null, local + " is " + inspected.Os + "/" + inspected.Architecture + ", not " + platform), null);
        }

        _progress.Line(image.Name, platform, "pushing " + local);
        var outcome = await EnginePush.PushAsync(_engine, repository, tag, _registry.Registry, _credentials,
            text => _progress.Line(image.Name, platform, text), cancellation).ConfigureAwait(false);
        _progress.Line(image.Name, platform, outcome.Succeeded ? "pushed " + local + " " + outcome.Digest : "push failed: " + outcome.Error.Trim());
        return (outcome, inspected);
    }

    /// <summary>Scrubs secrets from every line on its way out.</summary>
    private sealed class ScrubbingWriter : TextWriter
    {
        private readonly TextWriter _inner;
        private readonly SecretScrubber _scrubber;

        public ScrubbingWriter(TextWriter inner, SecretScrubber scrubber)
        {
            _inner = inner;
            _scrubber = scrubber;
        }

        public override System.Text.Encoding Encoding => _inner.Encoding;

        public override void WriteLine(string? value) => _inner.WriteLine(_scrubber.Scrub(value));

        public override void Write(char value) => _inner.Write(value);
    }
}
