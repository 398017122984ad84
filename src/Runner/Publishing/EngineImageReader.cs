using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Output;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>Reads a built image out of the engine as a <see cref="PlatformImage"/>. Its config bytes (kept by image ID
/// in the user cache) and compressed layers (<see cref="LayerCache"/>) come from a <c>docker save</c> only the first
/// time: an image published before is read from the caches with a single inspect.</summary>
internal sealed class EngineImageReader
{
    private readonly EngineConnection _engine;
    private readonly LayerCache _layers;
    private readonly string _configs;

    public EngineImageReader(EngineConnection engine, LayerCache layers, string? configs = null)
    {
        _engine = engine;
        _layers = layers;
        _configs = configs ?? UserCache.Directory("publish-configs");
    }

    /// <summary>The image <paramref name="tag"/> names, which must be <paramref name="platform"/>'s;
    /// <paramref name="line"/> hears about saving and compressing.</summary>
    public async Task<PlatformImage> ReadAsync(string tag, string platform, Action<string> line, CancellationToken cancellation)
    {
        Docker.DotNet.Models.ImageInspectResponse inspected;
        try
        {
            inspected = await _engine.Client.Images.InspectImageAsync(tag, cancellation).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            throw new RunnerException(tag + " is not built");
        }

        // The manifest list will say this platform: the image must really be it.
        if (inspected.Os + "/" + inspected.Architecture != platform)
        {
            throw new RunnerException(tag + " is " + inspected.Os + "/" + inspected.Architecture + ", not " + platform);
        }

        var diffIds = inspected.RootFS?.Layers?.ToList() ?? new List<string>();
        var variant = string.IsNullOrEmpty(inspected.Variant) ? null : inspected.Variant;
        var config = FindConfig(inspected.ID);
        var layers = diffIds.Select(_layers.Find).ToList();
        if (config is null || layers.Any(l => l is null))
        {
            line("reading " + tag + " from the engine");
            (config, layers) = await SaveAsync(inspected.ID, diffIds, line, cancellation).ConfigureAwait(false);
        }

        return new PlatformImage(inspected.Os, inspected.Architecture, variant, config, layers.Select(l => l!).ToList());
    }

    private byte[]? FindConfig(string imageId)
    {
        var path = ConfigPath(imageId);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        return ImageManifest.Digest(bytes) == imageId ? bytes : null;
    }

    private string ConfigPath(string imageId) => Path.Combine(_configs, imageId.Replace("sha256:", "", StringComparison.Ordinal) + ".json");

    /// <summary>One <c>docker save</c> (engine 20.10's format: <c>manifest.json</c>, <c>HEX.json</c> config,
    /// <c>DIR/layer.tar</c> per layer), spooled to a file and read twice: the manifest comes last in the archive, and
    /// says which layer file is which.</summary>
    private async Task<(byte[] Config, List<CachedLayer?> Layers)> SaveAsync(string imageId, IReadOnlyList<string> diffIds, Action<string> line, CancellationToken cancellation)
    {
        var spool = Path.Combine(Path.GetTempPath(), "distroless-save-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            // Spooled first: TarReader over the engine's chunked HTTP stream stops short.
            await using (var saved = await _engine.Client.Images.SaveImageAsync(imageId, cancellation).ConfigureAwait(false))
            await using (var file = File.Create(spool))
            {
                await saved.CopyToAsync(file, cancellation).ConfigureAwait(false);
            }

            var json = await ReadEntriesAsync(spool, name => !name.Contains('/') && name.EndsWith(".json", StringComparison.Ordinal), cancellation).ConfigureAwait(false);
            if (!json.TryGetValue("manifest.json", out var manifestBytes))
            {
                throw new RunnerException("the engine's saved archive of " + imageId + " has no manifest.json");
            }

            using var manifest = JsonDocument.Parse(manifestBytes);
            var entry = manifest.RootElement.EnumerateArray().Single();
            var config = json.GetValueOrDefault(entry.GetProperty("Config").GetString()!)
                         ?? throw new RunnerException("the engine's saved archive of " + imageId + " has no config");
            if (ImageManifest.Digest(config) != imageId)
            {
                throw new RunnerException("the engine's saved config of " + imageId + " hashes to " + ImageManifest.Digest(config));
            }

            var files = entry.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToList();
            if (files.Count != diffIds.Count)
            {
                throw new RunnerException("the engine's saved archive of " + imageId + " has " + files.Count + " layers, its config " + diffIds.Count);
            }

            // Only the layers not cached yet are compressed; a layer repeated in the image is compressed once.
            var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < files.Count; i++)
            {
                if (_layers.Find(diffIds[i]) is null)
                {
                    wanted.TryAdd(files[i], diffIds[i]);
                }
            }

            await using (var input = File.OpenRead(spool))
            using (var reader = new TarReader(input))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false) is { } tarEntry)
                {
                    if (tarEntry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && tarEntry.DataStream is not null
                        && wanted.TryGetValue(tarEntry.Name, out var diffId) && _layers.Find(diffId) is null)
                    {
                        var layer = await _layers.AddAsync(diffId, tarEntry.DataStream, cancellation).ConfigureAwait(false);
                        line("compressed layer " + diffId + " to " + layer.Digest + " (" + layer.Size + " bytes)");
                    }
                }
            }

            var layers = diffIds.Select(_layers.Find).ToList();
            if (layers.IndexOf(null) is var missing and >= 0)
            {
                throw new RunnerException("the engine's saved archive of " + imageId + " lacks the layer " + diffIds[missing]);
            }

            Directory.CreateDirectory(_configs);
            var partial = ConfigPath(imageId) + "." + Guid.NewGuid().ToString("N") + ".partial";
            await File.WriteAllBytesAsync(partial, config, cancellation).ConfigureAwait(false);
            File.Move(partial, ConfigPath(imageId), overwrite: true);
            return (config, layers);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private static async Task<Dictionary<string, byte[]>> ReadEntriesAsync(string archive, Func<string, bool> wanted, CancellationToken cancellation)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var input = File.OpenRead(archive);
        using var reader = new TarReader(input);
        while (await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false) is { } entry)
        {
            if (entry.DataStream is not null && wanted(entry.Name))
            {
                using var buffer = new MemoryStream();
                await entry.DataStream.CopyToAsync(buffer, cancellation).ConfigureAwait(false);
                found[entry.Name] = buffer.ToArray();
            }
        }

        return found;
    }
}
