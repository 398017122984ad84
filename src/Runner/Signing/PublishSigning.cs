using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Publishing;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>One platform of a published image: its manifest, and its SPDX document when there is one.</summary>
internal sealed record SignedPlatform(ManifestDescriptor Manifest, byte[]? SpdxDocument);

/// <summary>The hook <c>publish --sign-key</c> calls once per image, after every platform manifest and the index are
/// pushed and before any release tag (version, latest, date) moves: signature and attestation tags
/// (<c>sha256-HEX.sig</c>/<c>.att</c>) name digests, not releases, so a publish that fails here leaves
/// <c>latest</c> where it was. Signs each platform manifest and the index; attaches each platform's SPDX document
/// to that platform's manifest and to the index (<c>cosign verify-attestation</c> on a tag such as <c>latest</c>
/// resolves to the index, and then finds one attestation per platform).</summary>
internal static class PublishSigning
{
    public static async Task<IReadOnlyList<SignatureOutcome>> SignImageAsync(
        RegistryClient registry, string repository, ManifestDescriptor index, IReadOnlyList<SignedPlatform> platforms, SigningKey key, CancellationToken cancellation)
    {
        var outcomes = new List<SignatureOutcome>();
        foreach (var platform in platforms)
        {
            outcomes.AddRange(await ImageSigner.SignAsync(registry, repository, platform.Manifest, platform.SpdxDocument, key, cancellation).ConfigureAwait(false));
        }

        outcomes.Add(await ImageSigner.SignManifestAsync(registry, repository, index, key, cancellation).ConfigureAwait(false));
        foreach (var platform in platforms)
        {
            if (platform.SpdxDocument is { } spdx)
            {
                outcomes.Add(await ImageSigner.AttestAsync(registry, repository, index, SignaturePayloads.SpdxPredicateType, spdx, key, cancellation).ConfigureAwait(false));
            }
        }

        return outcomes;
    }
}
