using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Output;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>A layer ready to upload: its compressed blob on disk and that blob's descriptor.</summary>
internal sealed record CachedLayer(string DiffId, string Digest, long Size, string Path)
{
    public Stream Open() => File.OpenRead(Path);
}

/// <summary>Compressed layers by diff ID in the user cache (<c>publish-layers/HEX.tar.gz</c> beside <c>HEX.json</c> with
/// the compressed digest and size), so a layer is compressed once: a second publish of an unchanged image neither
/// saves nor compresses anything, and a rebuilt image with the same layers gets the same blobs, hence the same digests.</summary>
internal sealed class LayerCache
{
    public LayerCache(string? directory = null) => Directory = directory ?? UserCache.Directory("publish-layers");

    public string Directory { get; }

    /// <summary>The cached compressed layer for <paramref name="diffId"/>, or null when there is none (or it was cut short).</summary>
    public CachedLayer? Find(string diffId)
    {
        var (blob, descriptor) = Paths(diffId);
        if (!File.Exists(blob) || !File.Exists(descriptor))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(descriptor));
            var digest = json.RootElement.GetProperty("digest").GetString()!;
            var size = json.RootElement.GetProperty("size").GetInt64();
            return new FileInfo(blob).Length == size ? new CachedLayer(diffId, digest, size, blob) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Compresses the layer tar <paramref name="tar"/> (whose sha256 must be <paramref name="diffId"/>) into the cache.</summary>
    public async Task<CachedLayer> AddAsync(string diffId, Stream tar, CancellationToken cancellation)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var (blob, descriptor) = Paths(diffId);
        var partial = blob + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            CompressedLayer compressed;
            await using (var output = File.Create(partial))
            {
                compressed = await LayerCompression.CompressAsync(tar, output, cancellation).ConfigureAwait(false);
            }

            if (compressed.DiffId != diffId)
            {
                throw new RunnerException("the engine's saved layer " + diffId + " hashes to " + compressed.DiffId);
            }

            // The blob before its descriptor, each by rename: a reader never sees a descriptor without its whole blob.
            File.Move(partial, blob, overwrite: true);
            var descriptorPartial = partial + ".json";
            await File.WriteAllTextAsync(descriptorPartial, JsonSerializer.Serialize(new { digest = compressed.Digest, size = compressed.Size }), cancellation).ConfigureAwait(false);
            File.Move(descriptorPartial, descriptor, overwrite: true);
            return new CachedLayer(diffId, compressed.Digest, compressed.Size, blob);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private (string Blob, string Descriptor) Paths(string diffId)
    {
        var hex = diffId.StartsWith("sha256:", StringComparison.Ordinal) ? diffId.Substring(7) : throw new RunnerException("not a sha256 diff ID: " + diffId);
        return (Path.Combine(Directory, hex + ".tar.gz"), Path.Combine(Directory, hex + ".json"));
    }
}
