using System.Collections.Generic;
using System.Linq;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>One repository's multi-platform image, every byte and digest known before anything is sent: the
/// platform images and the manifest list over them.</summary>
internal sealed record ImageRelease(string Name, string Repository, IReadOnlyList<PlatformImage> Platforms)
{
    public IReadOnlyList<PlatformManifest> Children { get; } = Platforms.Select(p => p.AsChild()).ToList();

    public byte[] Index { get; } = ManifestList.Create(Platforms.Select(p => p.AsChild()).ToList());

    public ManifestDescriptor IndexDescriptor => new(ManifestList.MediaTypeFor(Children), ImageManifest.Digest(Index), Index.LongLength);
}
