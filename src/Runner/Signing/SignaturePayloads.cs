using System;
using System.IO;
using System.Text;
using System.Text.Json;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>The byte-exact documents cosign signs: the "simple signing" payload of an image signature, and the
/// in-toto statement (wrapped in a DSSE envelope) of an attestation. Field order and compact form are what
/// cosign 2.5 writes (measured: <c>cosign sign</c> / <c>cosign attest --type spdxjson</c> against the local registry).</summary>
internal static class SignaturePayloads
{
    public const string SignatureType = "cosign container image signature";
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>cosign 2.5 writes (and its verify-attestation reads) statements of in-toto v0.1.</summary>
    public const string StatementType = "https://in-toto.io/Statement/v0.1";

    public const string SpdxPredicateType = "https://spdx.dev/Document";

    /// <summary><c>{"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},"type":…},"optional":null}</c>.</summary>
    public static byte[] SimpleSigning(string dockerReference, string manifestDigest) => SignatureJson.Write(json =>
    {
        json.WriteStartObject();
        json.WriteStartObject("critical");
        json.WriteStartObject("identity");
        json.WriteString("docker-reference", dockerReference);
        json.WriteEndObject();
        json.WriteStartObject("image");
        json.WriteString("docker-manifest-digest", manifestDigest);
        json.WriteEndObject();
        json.WriteString("type", SignatureType);
        json.WriteEndObject();
        json.WriteNull("optional");
        json.WriteEndObject();
    });

    /// <summary>An in-toto statement about one manifest: subject <paramref name="subjectName"/> with the digest's sha256,
    /// and <paramref name="predicate"/> (a JSON object, written compactly in its own field order).</summary>
    public static byte[] Statement(string subjectName, string manifestDigest, string predicateType, byte[] predicate)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(predicate);
        }
        catch (JsonException e)
        {
            throw new RunnerException("the " + predicateType + " predicate to attest is not JSON: " + e.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new RunnerException("the " + predicateType + " predicate to attest is not a JSON object");
            }

            return SignatureJson.Write(json =>
            {
                json.WriteStartObject();
                json.WriteString("_type", StatementType);
                json.WriteString("predicateType", predicateType);
                json.WriteStartArray("subject");
                json.WriteStartObject();
                json.WriteString("name", subjectName);
                json.WriteStartObject("digest");
                json.WriteString("sha256", Hex(manifestDigest));
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WritePropertyName("predicate");
                document.RootElement.WriteTo(json);
                json.WriteEndObject();
            });
        }
    }

    /// <summary>DSSE's pre-authentication encoding, the bytes a DSSE signature covers:
    /// <c>"DSSEv1" SP len(type) SP type SP len(body) SP body</c>, lengths in bytes, in decimal.</summary>
    public static byte[] PreAuthenticationEncoding(string payloadType, byte[] payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes("DSSEv1 " + type.Length + " ");
        var middle = Encoding.ASCII.GetBytes(" " + payload.Length + " ");
        var pae = new byte[head.Length + type.Length + middle.Length + payload.Length];
        head.CopyTo(pae, 0);
        type.CopyTo(pae, head.Length);
        middle.CopyTo(pae, head.Length + type.Length);
        payload.CopyTo(pae, head.Length + type.Length + middle.Length);
        return pae;
    }

    /// <summary><c>{"payloadType":…,"payload":BASE64,"signatures":[{"keyid":"","sig":BASE64}]}</c>, as cosign writes it.</summary>
    public static byte[] Envelope(string payloadType, byte[] payload, byte[] signature) => SignatureJson.Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("payloadType", payloadType);
        json.WriteBase64String("payload", payload);
        json.WriteStartArray("signatures");
        json.WriteStartObject();
        json.WriteString("keyid", "");
        json.WriteBase64String("sig", signature);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>A DSSE envelope's payload type, payload and signatures, or null when the bytes are not one.</summary>
    public static (string PayloadType, byte[] Payload, byte[][] Signatures)? ReadEnvelope(byte[] bytes)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            var signatures = new System.Collections.Generic.List<byte[]>();
            foreach (var signature in root.GetProperty("signatures").EnumerateArray())
            {
                signatures.Add(signature.GetProperty("sig").GetBytesFromBase64());
            }

            return (root.GetProperty("payloadType").GetString() ?? "", root.GetProperty("payload").GetBytesFromBase64(), signatures.ToArray());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The hex of a <c>sha256:HEX</c> digest.</summary>
    public static string Hex(string digest) =>
        digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length == 71
            ? digest.Substring(7)
            : throw new RunnerException("'" + digest + "' is not a sha256 manifest digest");
}
