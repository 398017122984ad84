using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>The registry side of a publish, in the order that keeps a failure harmless: blobs (those the registry
/// lacks), then each platform manifest by digest, then the manifest list by digest, none of which any tag names
/// yet; tags move in a separate step, after everything they will point at is in place.</summary>
internal sealed class RegistryPush
{
    private readonly RegistryClient _registry;

    public RegistryPush(RegistryClient registry) => _registry = registry;

    /// <summary>Uploads what the registry lacks and writes the manifests and the list by digest; no tag moves.</summary>
    public async Task PushContentAsync(ImageRelease release, Action<string, string> line, CancellationToken cancellation)
    {
        foreach (var image in release.Platforms)
        {
            foreach (var layer in image.Layers)
            {
                var sent = await _registry.UploadBlobAsync(release.Repository, layer.Digest, layer.Size, layer.Open, cancellation).ConfigureAwait(false);
                line(image.Platform, "layer " + layer.Digest + (sent ? " pushed (" + layer.Size + " bytes)" : " already exists"));
            }

            var config = image.Config;
            await _registry.UploadBlobAsync(release.Repository, image.ConfigDigest, config.LongLength, () => new MemoryStream(config, writable: false), cancellation).ConfigureAwait(false);
            await PutAsync(release.Repository, image.Descriptor, image.Manifest, cancellation).ConfigureAwait(false);
            line(image.Platform, "manifest " + image.Descriptor.Digest);
        }

        await PutAsync(release.Repository, release.IndexDescriptor, release.Index, cancellation).ConfigureAwait(false);
    }

    /// <summary>Points each tag, in order, at the manifest list (or a platform's manifest for its own tag).</summary>
    public async Task MoveTagsAsync(ImageRelease release, IEnumerable<(string Tag, PlatformImage? Platform)> tags, CancellationToken cancellation)
    {
        foreach (var (tag, platform) in tags)
        {
            var (descriptor, bytes) = platform is null ? (release.IndexDescriptor, release.Index) : (platform.Descriptor, platform.Manifest);
            await _registry.PutManifestAsync(release.Repository, tag, descriptor.MediaType, bytes, cancellation).ConfigureAwait(false);
        }
    }

    // PutManifestAsync fails when the registry stores the bytes under any other digest than theirs.
    private Task PutAsync(string repository, ManifestDescriptor descriptor, byte[] bytes, CancellationToken cancellation) =>
        _registry.PutManifestAsync(repository, descriptor.Digest, descriptor.MediaType, bytes, cancellation);
}
