using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>One platform's image in a manifest list.</summary>
internal sealed record PlatformManifest(string Os, string Architecture, string? Variant, ManifestDescriptor Manifest)
{
    public string Platform => Os + "/" + Architecture + (string.IsNullOrEmpty(Variant) ? "" : "/" + Variant);
}

/// <summary>A multi-platform manifest list: a Docker manifest list over Docker v2 manifests (what engine 20.10
/// pushes), or an OCI image index when every child is an OCI manifest. Bytes are deterministic: children in
/// platform order, fixed field order, \n line ends, '+' in media types
/// left as it is (the registry stores the bytes as they are).</summary>
internal static class ManifestList
{
    public static string MediaTypeFor(IEnumerable<PlatformManifest> children) =>
        children.All(c => c.Manifest.MediaType == MediaTypes.OciManifest) ? MediaTypes.OciIndex : MediaTypes.DockerManifestList;

    public static byte[] Create(IReadOnlyList<PlatformManifest> children)
    {
        var mediaType = MediaTypeFor(children);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", mediaType);
            json.WriteStartArray("manifests");
            foreach (var child in children.OrderBy(c => c.Platform, System.StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("mediaType", child.Manifest.MediaType);
                json.WriteNumber("size", child.Manifest.Size);
                json.WriteString("digest", child.Manifest.Digest);
                json.WriteStartObject("platform");
                json.WriteString("architecture", child.Architecture);
                json.WriteString("os", child.Os);
                if (!string.IsNullOrEmpty(child.Variant))
                {
                    json.WriteString("variant", child.Variant);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
