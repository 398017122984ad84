using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Publishing;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>One layer of a cosign signature or attestation manifest: its descriptor as the manifest lists it.</summary>
internal sealed record SignatureLayer(string MediaType, string Digest, long Size, IReadOnlyList<KeyValuePair<string, string>> Annotations)
{
    public string? Annotation(string key) => Annotations.FirstOrDefault(a => a.Key == key).Value;

    public static SignatureLayer For(string mediaType, byte[] blob, params KeyValuePair<string, string>[] annotations) =>
        new(mediaType, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)), blob.LongLength, annotations);
}

/// <summary>The OCI image manifest cosign stores under <c>sha256-HEX.sig</c> / <c>.att</c>: a config whose diff_ids
/// name the layers, and one layer per signature or attestation. Written byte-for-byte as cosign 2.5 writes it, so a
/// signature cosign appends later and one we append to cosign's are the same kind of thing.</summary>
internal static class SignatureManifest
{
    public const string SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string DsseMediaType = "application/vnd.dsse.envelope.v1+json";
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    public const string PredicateTypeAnnotation = "predicateType";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";

    /// <summary>cosign's tag for the signatures (<c>sig</c>) or attestations (<c>att</c>) of a manifest digest.</summary>
    public static string Tag(string manifestDigest, string suffix) => "sha256-" + SignaturePayloads.Hex(manifestDigest) + "." + suffix;

    /// <summary>The layers of an existing signature manifest, in order, annotations as they are.</summary>
    public static IReadOnlyList<SignatureLayer> ReadLayers(byte[] manifest, string where)
    {
        try
        {
            using var json = JsonDocument.Parse(manifest);
            var root = json.RootElement;
            if (!root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                throw new RunnerException(where + " exists but is not a signature manifest (it has no layers); not overwriting it");
            }

            return layers.EnumerateArray().Select(layer => new SignatureLayer(
                layer.GetProperty("mediaType").GetString() ?? "",
                layer.GetProperty("digest").GetString() ?? "",
                layer.GetProperty("size").GetInt64(),
                layer.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                    ? annotations.EnumerateObject().Select(a => new KeyValuePair<string, string>(a.Name, a.Value.GetString() ?? "")).ToList()
                    : new List<KeyValuePair<string, string>>())).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new RunnerException(where + " exists but is not a readable signature manifest; not overwriting it");
        }
    }

    /// <summary>The config blob: empty platform, the zero time, one history entry per layer, diff_ids = layer digests.</summary>
    public static byte[] Config(IReadOnlyList<SignatureLayer> layers) => SignatureJson.Write(json =>
    {
        const string zeroTime = "0001-01-01T00:00:00Z";
        json.WriteStartObject();
        json.WriteString("architecture", "");
        json.WriteString("created", zeroTime);
        json.WriteStartArray("history");
        foreach (var _ in layers)
        {
            json.WriteStartObject();
            json.WriteString("created", zeroTime);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("os", "");
        json.WriteStartObject("rootfs");
        json.WriteString("type", "layers");
        json.WriteStartArray("diff_ids");
        foreach (var layer in layers)
        {
            json.WriteStringValue(layer.Digest);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("config");
        json.WriteEndObject();
        json.WriteEndObject();
    });

    public static byte[] Manifest(byte[] config, IReadOnlyList<SignatureLayer> layers) => SignatureJson.Write(json =>
    {
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", 2);
        json.WriteString("mediaType", MediaTypes.OciManifest);
        json.WriteStartObject("config");
        json.WriteString("mediaType", ConfigMediaType);
        json.WriteNumber("size", config.LongLength);
        json.WriteString("digest", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(config)));
        json.WriteEndObject();
        json.WriteStartArray("layers");
        foreach (var layer in layers)
        {
            json.WriteStartObject();
            json.WriteString("mediaType", layer.MediaType);
            json.WriteNumber("size", layer.Size);
            json.WriteString("digest", layer.Digest);
            if (layer.Annotations.Count > 0)
            {
                json.WriteStartObject("annotations");
                foreach (var (key, value) in layer.Annotations)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });
}
