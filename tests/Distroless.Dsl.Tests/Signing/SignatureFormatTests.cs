using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Signing;
using Xunit;

namespace Distroless.Dsl.Tests.Signing;

/// <summary>The documents we sign and store are byte-for-byte what cosign 2.5.0 writes. The expected bytes and
/// digests were read back from the local registry after the real <c>cosign sign --key</c> and
/// <c>cosign attest --type spdxjson</c> signed image <c>127.0.0.1:5000/scratch-sign/base@sha256:22b4…a850</c>;
/// the registry tests then verify our signatures with the real cosign.</summary>
public class SignatureFormatTests
{
    private const string Digest = "sha256:22b4925205de58b37afc06c7733505cf654d86533534c1a32126198a8245a850";
    private const string Reference = "127.0.0.1:5000/scratch-sign/base";

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void The_simple_signing_payload_is_cosigns_own_bytes()
    {
        var payload = SignaturePayloads.SimpleSigning(Reference, Digest);
        Assert.Equal("{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/scratch-sign/base\"},\"image\":{\"docker-manifest-digest\":\""
                     + Digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}", Encoding.UTF8.GetString(payload));
        Assert.Equal("sha256:35ed34ce4a1ceab7a1903da72468018ae4490c303171c9f769a94b3d15ed8047", Sha256(payload));
    }

    [Fact]
    public void The_signature_manifest_and_its_config_are_cosigns_own_bytes()
    {
        var payload = SignaturePayloads.SimpleSigning(Reference, Digest);
        var layer = SignatureLayer.For(SignatureManifest.SimpleSigningMediaType, payload, new KeyValuePair<string, string>(
            SignatureManifest.SignatureAnnotation, "MEYCIQDQ7SnHfDK74kzLoPlQxHRqQ6wno1TuzOzHf8Rds45/CwIhAPKtc/dZyevDSS3/fLPEBFS23qXK0FEeMEIyb3IslKbA"));
        var config = SignatureManifest.Config(new[] { layer });
        Assert.Equal("sha256:e4d6e9933a902f1d5a49760ccd9bdc101cd500ae4a3c50c1d9f5bdfc0397fb42", Sha256(config));
        var manifest = SignatureManifest.Manifest(config, new[] { layer });
        Assert.Equal("sha256:e1e9ba492173287ce4fff869c9c05ec0e45f65cb830195a35360c18a2ce89e8a", Sha256(manifest));

        // Read back: what an append starts from.
        var read = Assert.Single(SignatureManifest.ReadLayers(manifest, "test"));
        Assert.Equal(layer.Digest, read.Digest);
        Assert.Equal(layer.Annotation(SignatureManifest.SignatureAnnotation), read.Annotation(SignatureManifest.SignatureAnnotation));
        Assert.Equal("sha256-22b4925205de58b37afc06c7733505cf654d86533534c1a32126198a8245a850.sig", SignatureManifest.Tag(Digest, "sig"));
    }

    [Fact]
    public void Two_layers_give_cosigns_appended_config()
    {
        var payload = SignaturePayloads.SimpleSigning(Reference, Digest);
        var first = SignatureLayer.For(SignatureManifest.SimpleSigningMediaType, payload);
        var config = SignatureManifest.Config(new[] { first, first });
        Assert.Equal("sha256:47bc82947c8f969dee66385ff320b39f801341b44be68578d902182815c3c42a", Sha256(config));
    }

    [Fact]
    public void The_in_toto_statement_is_cosigns_own_bytes_for_the_same_predicate()
    {
        // cosign re-marshals the predicate with its keys sorted; given in that order, ours keeps it as it is.
        const string predicate = """
            {"SPDXID":"SPDXRef-DOCUMENT","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: distroless-dsl"]},
             "dataLicense":"CC0-1.0","documentNamespace":"https://example.invalid/spdx/base-1","name":"base",
             "packages":[{"SPDXID":"SPDXRef-Package-base-files","downloadLocation":"NOASSERTION","name":"base-files","versionInfo":"13.8"}],
             "spdxVersion":"SPDX-2.3"}
            """;
        var statement = SignaturePayloads.Statement(Reference, Digest, SignaturePayloads.SpdxPredicateType, Encoding.UTF8.GetBytes(predicate));
        Assert.Equal(608, statement.Length);
        Assert.Equal("sha256:70879a5e1940ad572c818f9c53d4efe9108553bbb605cf2e36971642382b0c65", Sha256(statement));
    }

    [Fact]
    public void A_predicate_that_is_not_a_json_object_is_refused()
    {
        Assert.StartsWith("the https://spdx.dev/Document predicate to attest is not JSON",
            Assert.Throws<RunnerException>(() => SignaturePayloads.Statement(Reference, Digest, SignaturePayloads.SpdxPredicateType, Encoding.UTF8.GetBytes("{"))).Message);
        Assert.Equal("the https://spdx.dev/Document predicate to attest is not a JSON object",
            Assert.Throws<RunnerException>(() => SignaturePayloads.Statement(Reference, Digest, SignaturePayloads.SpdxPredicateType, Encoding.UTF8.GetBytes("[]"))).Message);
    }

    [Fact]
    public void The_dsse_pre_authentication_encoding_is_the_specifications_example()
    {
        // secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world").
        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world",
            Encoding.UTF8.GetString(SignaturePayloads.PreAuthenticationEncoding("http://example.com/HelloWorld", Encoding.UTF8.GetBytes("hello world"))));
    }

    [Fact]
    public void An_envelope_reads_back_and_its_signature_covers_the_pae()
    {
        using var key = SigningKey.FromPem(Encoding.UTF8.GetBytes(CosignKeyFixtures.SigstoreLabelKey), "cosign.key", () => CosignKeyFixtures.Password);
        var statement = Encoding.UTF8.GetBytes("{\"_type\":\"x\"}");
        var pae = SignaturePayloads.PreAuthenticationEncoding(SignaturePayloads.InTotoPayloadType, statement);
        var envelope = SignaturePayloads.Envelope(SignaturePayloads.InTotoPayloadType, statement, key.Sign(pae));
        var read = SignaturePayloads.ReadEnvelope(envelope)!.Value;
        Assert.Equal(SignaturePayloads.InTotoPayloadType, read.PayloadType);
        Assert.Equal(statement, read.Payload);
        Assert.True(key.Verify(pae, Assert.Single(read.Signatures)));
        Assert.False(key.Verify(statement, read.Signatures[0]));
        Assert.Null(SignaturePayloads.ReadEnvelope(Encoding.UTF8.GetBytes("not json")));
    }
}
