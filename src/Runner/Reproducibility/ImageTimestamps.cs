using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Output;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Reproducibility;

/// <summary>Sets a built image's config timestamps (<c>created</c> and every history entry) to SOURCE_DATE_EPOCH, which
/// engine 20.10's BuildKit cannot do: the image is read with <c>docker save</c>, its config rewritten, and loaded back
/// under the same tag. The layers are already in the engine, so the loaded archive holds only the config and the
/// manifest; the new image ID is the new config's digest, the same on every rebuild of the same content.</summary>
internal static class ImageTimestamps
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>Rewrites <paramref name="tag"/>'s config to carry <paramref name="epoch"/>; returns the image ID the tag then names.</summary>
    public static async Task<string> SetAsync(EngineConnection engine, string tag, long epoch, CancellationToken cancellation)
    {
        var before = await engine.Client.Images.InspectImageAsync(tag, cancellation).ConfigureAwait(false);

        // The rewrite is a function of the built config and the epoch alone. An unchanged rebuild gets the same built
        // image back from the build cache, so the image rewritten last time is named again instead of every layer
        // being saved again.
        var memo = Path.Combine(UserCache.Directory("timestamped"), before.ID.Replace("sha256:", "", StringComparison.Ordinal) + "-" + epoch);
        if (File.Exists(memo) && (await File.ReadAllTextAsync(memo, cancellation).ConfigureAwait(false)).Trim() is { Length: > 0 } known
            && await ExistsAsync(engine, known, cancellation).ConfigureAwait(false))
        {
            var colon = tag.LastIndexOf(':');
            await engine.Client.Images.TagImageAsync(known, new ImageTagParameters { RepositoryName = tag.Substring(0, colon), Tag = tag.Substring(colon + 1) }, cancellation).ConfigureAwait(false);
            await RemoveIfUnusedAsync(engine, before.ID, cancellation).ConfigureAwait(false);
            return known;
        }

        var (manifest, config) = await ReadAsync(engine, tag, cancellation).ConfigureAwait(false);
        var rewritten = Rewrite(config, SourceDateEpoch.Rfc3339(epoch));
        if (rewritten.AsSpan().SequenceEqual(config))
        {
            return before.ID;
        }

        var digest = Convert.ToHexString(SHA256.HashData(rewritten)).ToLowerInvariant();
        var layers = manifest[0]?["Layers"]?.AsArray().Select(l => l!.GetValue<string>()).ToArray() ?? Array.Empty<string>();
        var newManifest = new JsonArray(new JsonObject
        {
            ["Config"] = digest + ".json",
            ["RepoTags"] = new JsonArray(tag),
            // Named, not included: the engine holds these layers and reads a layer file only for a layer it lacks.
            ["Layers"] = new JsonArray(layers.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
        });

        using (var archive = new MemoryStream())
        {
            using (var tar = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
            {
                Add(tar, digest + ".json", rewritten);
                Add(tar, "manifest.json", Encoding.UTF8.GetBytes(newManifest.ToJsonString(Compact)));
            }

            archive.Position = 0;
            var errors = new List<string>();
            await engine.Client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive,
                new Progress(m => { if (m.Error?.Message is { Length: > 0 } e) { lock (errors) { errors.Add(e); } } }), cancellation).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                throw new RunnerException("could not load " + tag + " with its timestamps set: " + errors[0]);
            }
        }

        var after = await engine.Client.Images.InspectImageAsync(tag, cancellation).ConfigureAwait(false);
        if (after.ID != "sha256:" + digest)
        {
            throw new RunnerException("loading " + tag + " with its timestamps set gave " + after.ID + ", not sha256:" + digest);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(memo)!);
        await File.WriteAllTextAsync(memo, after.ID, cancellation).ConfigureAwait(false);
        await RemoveIfUnusedAsync(engine, before.ID, cancellation).ConfigureAwait(false);
        return after.ID;
    }

    private static async Task<bool> ExistsAsync(EngineConnection engine, string id, CancellationToken cancellation)
    {
        try
        {
            await engine.Client.Images.InspectImageAsync(id, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The config with <c>created</c> and each history entry's <c>created</c> set to <paramref name="created"/>;
    /// every other byte of meaning kept, property order included.</summary>
    internal static byte[] Rewrite(byte[] config, string created)
    {
        var root = JsonNode.Parse(config)!.AsObject();
        root["created"] = created;
        if (root["history"] is JsonArray history)
        {
            foreach (var entry in history.OfType<JsonObject>())
            {
                entry["created"] = created;
            }
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString(Compact));
    }

    /// <summary>The saved image's manifest.json and config, read from a spooled <c>docker save</c> (the layers are skipped).</summary>
    private static async Task<(JsonArray Manifest, byte[] Config)> ReadAsync(EngineConnection engine, string tag, CancellationToken cancellation)
    {
        var spool = Path.Combine(Path.GetTempPath(), "distroless-save-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            // Spooled to a file first: TarReader over the engine's chunked HTTP stream stops short.
            await using (var saved = await engine.Client.Images.SaveImageAsync(tag, cancellation).ConfigureAwait(false))
            await using (var file = File.Create(spool))
            {
                await saved.CopyToAsync(file, cancellation).ConfigureAwait(false);
            }

            var json = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            await using (var input = File.OpenRead(spool))
            using (var reader = new TarReader(input))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false) is { } entry)
                {
                    if (entry.DataStream is not null && !entry.Name.Contains('/') && entry.Name.EndsWith(".json", StringComparison.Ordinal))
                    {
                        using var buffer = new MemoryStream();
                        await entry.DataStream.CopyToAsync(buffer, cancellation).ConfigureAwait(false);
                        json[entry.Name] = buffer.ToArray();
                    }
                }
            }

            if (!json.TryGetValue("manifest.json", out var manifestBytes) || JsonNode.Parse(manifestBytes) is not JsonArray { Count: 1 } manifest
                || manifest[0]?["Config"]?.GetValue<string>() is not { } configName || !json.TryGetValue(configName, out var config))
            {
                throw new RunnerException("the engine's saved archive of " + tag + " holds no single image manifest and config");
            }

            return (manifest, config);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>The image as built is now nameless: remove it unless something still uses it (a tag, a container).</summary>
    private static async Task RemoveIfUnusedAsync(EngineConnection engine, string id, CancellationToken cancellation)
    {
        try
        {
            var image = await engine.Client.Images.InspectImageAsync(id, cancellation).ConfigureAwait(false);
            if (image.RepoTags is { Count: > 0 })
            {
                return;
            }

            await engine.Client.Images.DeleteImageAsync(id, new ImageDeleteParameters(), cancellation).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            // In use or already gone: an unnamed image left behind costs space, not correctness.
        }
    }

    private static void Add(TarWriter tar, string name, byte[] content)
    {
        tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.FromUnixTimeSeconds(0),
        });
    }

    private sealed class Progress : IProgress<JSONMessage>
    {
        private readonly Action<JSONMessage> _report;

        public Progress(Action<JSONMessage> report) => _report = report;

        public void Report(JSONMessage value) => _report(value);
    }
}
