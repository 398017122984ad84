using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>The bytes of a Docker v2 image manifest: fixed field order, layers in the config's order, \n line ends.</summary>
internal static class ImageManifest
{
    public const string ConfigMediaType = "application/vnd.docker.container.image.v1+json";
    public const string LayerMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static string Digest(byte[] bytes) => "sha256:" + System.Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static byte[] Create(byte[] config, IReadOnlyList<CachedLayer> layers)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.DockerManifest);
            json.WriteStartObject("config");
            json.WriteString("mediaType", ConfigMediaType);
            json.WriteNumber("size", config.LongLength);
            json.WriteString("digest", Digest(config));
            json.WriteEndObject();
            json.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                json.WriteStartObject();
                json.WriteString("mediaType", LayerMediaType);
                json.WriteNumber("size", layer.Size);
                json.WriteString("digest", layer.Digest);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
