using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>Compact JSON as Go's encoder writes it for these documents: base64 '+' and non-ASCII text stay as they
/// are (the default writer would escape them; harmless, but the documents would then read unlike cosign's).</summary>
internal static class SignatureJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        return buffer.ToArray();
    }
}
