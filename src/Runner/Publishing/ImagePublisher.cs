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

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>One image to publish, on the platforms chosen for it.</summary>
internal sealed record PublishTarget(CatalogEntry Image, IReadOnlyList<string> Platforms);

/// <summary>How to publish: <see cref="DateTag"/> adds <c>vYYYY.MM.DD[.N]</c>; <see cref="IfChanged"/> skips an image
/// whose manifest list is what <c>latest</c> already points at, and implies the date tag (a release is dated).</summary>
internal sealed record PublishOptions(bool DateTag = false, bool IfChanged = false)
{
    public bool WantsDateTag => DateTag || IfChanged;
}

/// <summary>What one image's publish did: its manifest list and the tags now pointing at it (none when
/// <see cref="Unchanged"/>: <c>latest</c> already was this list and nothing was sent).</summary>
internal sealed record PublishedImage(string Name, string Repository, string Digest, string MediaType, IReadOnlyList<string> Tags, IReadOnlyList<PlatformManifest> Children, bool Unchanged);

/// <summary>The seam for signing: called once per image after its blobs, platform manifests and manifest list are in
/// the registry (by digest) and before any tag moves, so signatures are in place before <c>latest</c> names the image.
/// A failure here stops the publish with every tag where it was.</summary>
internal delegate Task BeforeTagsMove(string repository, ManifestDescriptor index, IReadOnlyList<(string Platform, ManifestDescriptor Manifest)> platforms, CancellationToken cancellation);

/// <summary>Publishes built images with a registry push of our own: reads each platform's
/// <c>REGISTRY/NS/NAME:VERSION-ARCH</c> from the engine (<see cref="EngineImageReader"/>), works out every manifest and
/// the manifest list, so all digests are known before the first write, then (unless <c>--if-changed</c> finds
/// <c>latest</c> already there) pushes blobs, manifests and list by digest, calls <see cref="BeforeTagsMove"/>, and
/// only then moves the tags: <c>VERSION-ARCH</c>, <c>VERSION</c>, the date tag, and <c>latest</c> last.
/// A failure before the tags leaves every tag where it was.</summary>
internal sealed class ImagePublisher
{
    private readonly EngineImageReader _reader;
    private readonly RegistryClient _registry;
    private readonly RegistryPush _push;
    private readonly SecretScrubber _scrubber;
    private readonly BuildProgress _progress;
    private readonly ImageNaming _naming;

    public ImagePublisher(EngineConnection engine, RegistryClient registry, SecretScrubber scrubber, TextWriter output, ImageNaming naming, LayerCache? layers = null)
    {
        _naming = naming;
        _registry = registry;
        _push = new RegistryPush(registry);
        _reader = new EngineImageReader(engine, layers ?? new LayerCache());
        _scrubber = scrubber;
        _progress = new BuildProgress(new ScrubbingWriter(output, scrubber));
    }

    /// <summary>Set by whoever signs: see <see cref="Publishing.BeforeTagsMove"/>.</summary>
    public BeforeTagsMove? BeforeTagsMove { get; init; }

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

    public async Task<IReadOnlyList<PublishedImage>> PublishAsync(IReadOnlyList<PublishTarget> targets, PublishOptions options, DateTimeOffset now, CancellationToken cancellation)
    {
        // 1. Everything to push, read and digested before any request to the registry.
        var releases = new List<ImageRelease>();
        foreach (var target in targets)
        {
            var platforms = new List<PlatformImage>();
            foreach (var platform in target.Platforms)
            {
                try
                {
                    platforms.Add(await _reader.ReadAsync(_naming.PlatformTag(target.Image, platform), platform,
                        text => _progress.Line(target.Image.Name, platform, text), cancellation).ConfigureAwait(false));
                }
                catch (RunnerException e)
                {
                    throw new RunnerException(_scrubber.Scrub("push of " + target.Image.Name + " " + platform + " failed: " + e.Message + "; nothing was pushed"));
                }
            }

            releases.Add(new ImageRelease(target.Image.Name, _naming.RepositoryPath(target.Image), platforms));
        }

        // 2. --if-changed: an image whose list latest already names is left alone, with no write at all.
        var results = new Dictionary<ImageRelease, PublishedImage>();
        var changed = new List<ImageRelease>();
        foreach (var release in releases)
        {
            var latest = options.IfChanged ? await _registry.GetManifestAsync(release.Repository, "latest", cancellation).ConfigureAwait(false) : null;
            if (latest?.Digest == release.IndexDescriptor.Digest)
            {
                results[release] = Published(release, Array.Empty<string>(), unchanged: true);
            }
            else
            {
                changed.Add(release);
            }
        }

        // 3. Content by digest for every image, then signatures, then tags: a failure anywhere before step 4 moves no tag.
        foreach (var release in changed)
        {
            try
            {
                await _push.PushContentAsync(release, (platform, text) => _progress.Line(release.Name, platform, text), cancellation).ConfigureAwait(false);
            }
            catch (RunnerException e)
            {
                throw new RunnerException(_scrubber.Scrub("push of " + release.Name + " to " + _registry.Registry + " failed: " + e.Message + "; no tag was moved"));
            }
        }

        if (BeforeTagsMove is { } beforeTags)
        {
            foreach (var release in changed)
            {
                try
                {
                    await beforeTags(release.Repository, release.IndexDescriptor, release.Platforms.Select(p => (p.Platform, p.Descriptor)).ToList(), cancellation).ConfigureAwait(false);
                }
                catch (RunnerException e)
                {
                    throw new RunnerException(_scrubber.Scrub("before tagging " + release.Name + ": " + e.Message + "; no tag was moved"));
                }
            }
        }

        // 4. Tags: each platform's own, the version, the date, and latest last.
        foreach (var release in changed)
        {
            var target = targets[releases.IndexOf(release)];
            var tags = release.Platforms.Select(p => (Tag: ChildTag(target.Image, p.Architecture), Platform: (PlatformImage?)p)).ToList();
            tags.Add((target.Image.Version, null));
            if (options.WantsDateTag)
            {
                tags.Add((DateTag(now, await _registry.ListTagsAsync(release.Repository, cancellation).ConfigureAwait(false)), null));
            }

            tags.Add(("latest", null));
            await _push.MoveTagsAsync(release, tags, cancellation).ConfigureAwait(false);
            results[release] = Published(release, tags.Where(t => t.Platform is null).Select(t => t.Tag).ToList(), unchanged: false);
        }

        return releases.Select(r => results[r]).ToList();
    }

    private static PublishedImage Published(ImageRelease release, IReadOnlyList<string> tags, bool unchanged) =>
        new(release.Name, release.Repository, release.IndexDescriptor.Digest, release.IndexDescriptor.MediaType, tags, release.Children, unchanged);

    private static string ChildTag(CatalogEntry image, string architecture) => DockerfileEmitter.PlatformVersion(image.Version, architecture);

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
