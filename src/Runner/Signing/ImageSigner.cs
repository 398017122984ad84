using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Publishing;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>What one signing step left in the registry: the tag it wrote (or found) and whether it added a layer.</summary>
internal sealed record SignatureOutcome(string Tag, bool Added);

/// <summary>Signs pushed manifests in cosign's registry format, so <c>cosign verify --key</c> and
/// <c>cosign verify-attestation --type spdxjson</c> accept them: a "simple signing" payload layer under
/// <c>sha256-HEX.sig</c>, and a DSSE envelope over an in-toto statement under <c>sha256-HEX.att</c>, both in the
/// manifest's own repository. An existing signature manifest is appended to, as cosign does, and a signature this
/// key already made over the same payload is not added twice, so publishing the same digests again adds nothing.</summary>
internal static class ImageSigner
{
    /// <summary>Signs <paramref name="manifest"/> and, when <paramref name="spdxDocument"/> is given, attaches it as a
    /// signed SPDX attestation.</summary>
    public static async Task<IReadOnlyList<SignatureOutcome>> SignAsync(
        RegistryClient registry, string repository, ManifestDescriptor manifest, byte[]? spdxDocument, SigningKey key, CancellationToken cancellation)
    {
        var outcomes = new List<SignatureOutcome> { await SignManifestAsync(registry, repository, manifest, key, cancellation).ConfigureAwait(false) };
        if (spdxDocument is not null)
        {
            outcomes.Add(await AttestAsync(registry, repository, manifest, SignaturePayloads.SpdxPredicateType, spdxDocument, key, cancellation).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary>The signature layer under <c>sha256-HEX.sig</c>.</summary>
    public static Task<SignatureOutcome> SignManifestAsync(RegistryClient registry, string repository, ManifestDescriptor manifest, SigningKey key, CancellationToken cancellation)
    {
        var payload = SignaturePayloads.SimpleSigning(DockerReference(registry.Registry, repository), manifest.Digest);
        var signature = Convert.ToBase64String(key.Sign(payload));
        var layer = SignatureLayer.For(SignatureManifest.SimpleSigningMediaType, payload,
            new KeyValuePair<string, string>(SignatureManifest.SignatureAnnotation, signature));

        // ECDSA signatures differ on every signing, so "already signed" means: same payload, and a signature on it
        // that this key verifies.
        Task<bool> AlreadySigned(SignatureLayer existing) => Task.FromResult(
            existing.MediaType == layer.MediaType && existing.Digest == layer.Digest
            && TryBase64(existing.Annotation(SignatureManifest.SignatureAnnotation)) is { } old && key.Verify(payload, old));

        return AppendAsync(registry, repository, SignatureManifest.Tag(manifest.Digest, "sig"), layer, payload, AlreadySigned, cancellation);
    }

    /// <summary>An attestation layer under <c>sha256-HEX.att</c>: the in-toto statement about <paramref name="manifest"/>
    /// with <paramref name="predicate"/>, in a DSSE envelope signed over its pre-authentication encoding.</summary>
    public static Task<SignatureOutcome> AttestAsync(
        RegistryClient registry, string repository, ManifestDescriptor manifest, string predicateType, byte[] predicate, SigningKey key, CancellationToken cancellation)
    {
        var statement = SignaturePayloads.Statement(DockerReference(registry.Registry, repository), manifest.Digest, predicateType, predicate);
        var signed = SignaturePayloads.PreAuthenticationEncoding(SignaturePayloads.InTotoPayloadType, statement);
        var envelope = SignaturePayloads.Envelope(SignaturePayloads.InTotoPayloadType, statement, key.Sign(signed));
        var layer = SignatureLayer.For(SignatureManifest.DsseMediaType, envelope,
            new KeyValuePair<string, string>(SignatureManifest.SignatureAnnotation, ""),
            new KeyValuePair<string, string>(SignatureManifest.PredicateTypeAnnotation, predicateType));

        async Task<bool> AlreadyAttested(SignatureLayer existing)
        {
            if (existing.MediaType != layer.MediaType || existing.Annotation(SignatureManifest.PredicateTypeAnnotation) != predicateType)
            {
                return false;
            }

            var old = SignaturePayloads.ReadEnvelope(await registry.GetBlobAsync(repository, existing.Digest, cancellation).ConfigureAwait(false));
            return old is { } found && found.PayloadType == SignaturePayloads.InTotoPayloadType && found.Payload.AsSpan().SequenceEqual(statement)
                   && found.Signatures.Any(s => key.Verify(signed, s));
        }

        return AppendAsync(registry, repository, SignatureManifest.Tag(manifest.Digest, "att"), layer, envelope, AlreadyAttested, cancellation);
    }

    /// <summary>The signed identity, <c>REGISTRY/REPOSITORY</c> as the image is pushed. (cosign's verify checks the
    /// digest in the payload, not this name: pkg/cosign/verifiers.go SimpleClaimVerifier.)</summary>
    public static string DockerReference(string registry, string repository) => registry + "/" + repository;

    private static async Task<SignatureOutcome> AppendAsync(
        RegistryClient registry, string repository, string tag, SignatureLayer layer, byte[] blob, Func<SignatureLayer, Task<bool>> isSame, CancellationToken cancellation)
    {
        var existing = await registry.GetManifestBytesAsync(repository, tag, cancellation).ConfigureAwait(false);
        var layers = existing is null
            ? new List<SignatureLayer>()
            : SignatureManifest.ReadLayers(existing, registry.Registry + "/" + repository + ":" + tag).ToList();
        foreach (var old in layers)
        {
            if (await isSame(old).ConfigureAwait(false))
            {
                return new SignatureOutcome(tag, Added: false);
            }
        }

        layers.Add(layer);
        var config = SignatureManifest.Config(layers);
        await registry.UploadBlobAsync(repository, layer.Digest, layer.Size, () => new MemoryStream(blob, writable: false), cancellation).ConfigureAwait(false);
        await registry.UploadBlobAsync(repository, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(config)), config.LongLength,
            () => new MemoryStream(config, writable: false), cancellation).ConfigureAwait(false);
        await registry.PutManifestAsync(repository, tag, MediaTypes.OciManifest, SignatureManifest.Manifest(config, layers), cancellation).ConfigureAwait(false);
        return new SignatureOutcome(tag, Added: true);
    }

    private static byte[]? TryBase64(string? text)
    {
        try
        {
            return string.IsNullOrEmpty(text) ? null : Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
