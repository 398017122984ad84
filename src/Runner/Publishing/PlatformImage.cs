using System.Collections.Generic;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>One platform's image as the registry will hold it: the config blob, the compressed layers, and the
/// Docker v2 manifest over them (the format engine 20.10 pushes and every registry and scanner reads). Everything,
/// digests included, is known before anything is sent.</summary>
internal sealed record PlatformImage(string Os, string Architecture, string? Variant, byte[] Config, IReadOnlyList<CachedLayer> Layers)
{
    public string Platform => Os + "/" + Architecture + (string.IsNullOrEmpty(Variant) ? "" : "/" + Variant);

    public string ConfigDigest => ImageManifest.Digest(Config);

    public byte[] Manifest { get; } = ImageManifest.Create(Config, Layers);

    public ManifestDescriptor Descriptor => new(MediaTypes.DockerManifest, ImageManifest.Digest(Manifest), Manifest.LongLength);

    public PlatformManifest AsChild() => new(Os, Architecture, Variant, Descriptor);
}
