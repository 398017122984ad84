using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Publishing;
using Distroless.Dsl.Runner.Signing;
using Distroless.Dsl.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Distroless.Dsl.Tests.Signing;

/// <summary>Signatures and SPDX attestations we push are accepted by the real cosign 2.5 (<c>cosign verify --key</c>,
/// <c>cosign verify-attestation --type spdxjson</c>, offline) for a real image in the local registry, signed with a key
/// made by the real openssl and one made by the real <c>cosign generate-key-pair</c>; a different key's public key
/// verifies nothing; cosign appends to our signature manifests and we to cosign's; signing again adds nothing, by our
/// check and by cosign's.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class CosignVerifyTests : IClassFixture<SignedRegistryImage>
{
    private readonly SignedRegistryImage _image;
    private readonly ITestOutputHelper _log;

    public CosignVerifyTests(SignedRegistryImage image, ITestOutputHelper log)
    {
        _image = image;
        _log = log;
    }

    private IEnumerable<ManifestDescriptor> AllManifests => _image.Platforms.Prepend(_image.Index);

    private CosignCli Cosign() => new(SignedRegistryImage.Registry, SignedRegistryImage.User, _image.Password);

    private static void OpenSsl(params string[] args)
    {
        var start = new ProcessStartInfo("openssl");
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        var (exit, output, error) = ProgramRun.Run(start);
        Assert.True(exit == 0, "openssl " + string.Join(' ', args) + ": " + output + error);
    }

    private static (string PrivateKey, string PublicKey) OpenSslKeyPair(string directory, string name)
    {
        var privateKey = Path.Combine(directory, name + ".pem");
        var publicKey = Path.Combine(directory, name + ".pub");
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", privateKey);
        OpenSsl("pkey", "-in", privateKey, "-pubout", "-out", publicKey);
        return (privateKey, publicKey);
    }

    private IReadOnlyList<SignedPlatform> WithSboms() =>
        _image.Platforms.Select((p, i) => new SignedPlatform(p, SignedRegistryImage.Spdx("base-platform-" + i))).ToList();

    private async Task<int> LayerCount(RegistryClient client, ManifestDescriptor manifest, string suffix)
    {
        var bytes = await client.GetManifestBytesAsync(_image.Repository, SignatureManifest.Tag(manifest.Digest, suffix), CancellationToken.None);
        return bytes is null ? 0 : SignatureManifest.ReadLayers(bytes, "test").Count;
    }

    private void AssertVerifies(CosignCli cosign, string publicKey, ManifestDescriptor manifest)
    {
        var reference = _image.Reference(manifest);
        var (exit, output, error) = cosign.Verify(publicKey, reference);
        Assert.True(exit == 0, "cosign verify " + reference + ": " + output + error);
        Assert.Contains("\"docker-manifest-digest\":\"" + manifest.Digest + "\"", output);
        var (attestExit, attestOutput, attestError) = cosign.VerifySpdxAttestation(publicKey, reference);
        Assert.True(attestExit == 0, "cosign verify-attestation " + reference + ": " + attestOutput + attestError);
        Assert.Contains("\"payloadType\":\"application/vnd.in-toto+json\"", attestOutput);
    }

    /// <summary>Everything the signing pushed for <paramref name="manifest"/>: no password and no private key in it.</summary>
    private async Task AssertNoSecretPushed(RegistryClient client, ManifestDescriptor manifest, params string[] secrets)
    {
        foreach (var suffix in new[] { "sig", "att" })
        {
            var bytes = await client.GetManifestBytesAsync(_image.Repository, SignatureManifest.Tag(manifest.Digest, suffix), CancellationToken.None);
            Assert.NotNull(bytes);
            var texts = new List<string> { Encoding.UTF8.GetString(bytes!) };
            foreach (var layer in SignatureManifest.ReadLayers(bytes!, "test"))
            {
                var blob = await client.GetBlobAsync(_image.Repository, layer.Digest, CancellationToken.None);
                texts.Add(Encoding.UTF8.GetString(blob));
                if (SignaturePayloads.ReadEnvelope(blob) is { } envelope)
                {
                    texts.Add(Encoding.UTF8.GetString(envelope.Payload));
                }
            }

            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task An_openssl_pkcs8_key_signs_index_and_platforms_and_cosign_verifies_them_and_no_other_key_does()
    {
        using var cosign = Cosign();
        var (privateKey, publicKey) = OpenSslKeyPair(cosign.Directory, "openssl");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(privateKey)); // PKCS#8, which cosign itself refuses
        using var key = SigningKey.Load(privateKey, new SecretScrubber());
        Assert.Equal(File.ReadAllText(publicKey), key.PublicKeyPem);

        using var client = _image.Client();
        var clock = Stopwatch.StartNew();
        var outcomes = await PublishSigning.SignImageAsync(client, _image.Repository, _image.Index, WithSboms(), key, CancellationToken.None);
        _log.WriteLine("signed index + 2 platforms with 4 SPDX attestations in " + clock.ElapsedMilliseconds + " ms");

        // 3 signatures, each platform's SBOM on its manifest and on the index.
        Assert.Equal(7, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Added, o.Tag));
        var tags = await client.ListTagsAsync(_image.Repository, CancellationToken.None);
        foreach (var manifest in AllManifests)
        {
            Assert.Contains(SignatureManifest.Tag(manifest.Digest, "sig"), tags);
            Assert.Contains(SignatureManifest.Tag(manifest.Digest, "att"), tags);
            AssertVerifies(cosign, publicKey, manifest);
        }

        // The tag latest resolves to the index, as a user would verify it.
        var (latestExit, latestOutput, latestError) = cosign.Verify(publicKey, SignedRegistryImage.Registry + "/" + _image.Repository + ":latest");
        Assert.True(latestExit == 0, latestOutput + latestError);

        // Another key's public key verifies neither the signatures nor the attestations.
        var (_, otherPublicKey) = OpenSslKeyPair(cosign.Directory, "other");
        var (wrongExit, wrongOutput, wrongError) = cosign.Verify(otherPublicKey, _image.Reference(_image.Index));
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("no matching signatures", wrongOutput + wrongError);
        var (wrongAttestExit, _, _) = cosign.VerifySpdxAttestation(otherPublicKey, _image.Reference(_image.Platforms[0]));
        Assert.NotEqual(0, wrongAttestExit);

        // Signing the same digests again adds no layer.
        var before = await LayerCount(client, _image.Index, "att");
        var again = await PublishSigning.SignImageAsync(client, _image.Repository, _image.Index, WithSboms(), key, CancellationToken.None);
        Assert.All(again, o => Assert.False(o.Added, o.Tag));
        Assert.Equal(before, await LayerCount(client, _image.Index, "att"));

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(privateKey));
        var scalar = ecdsa.ExportParameters(true).D!;
        await AssertNoSecretPushed(client, _image.Index, Convert.ToBase64String(scalar), Convert.ToHexStringLower(scalar),
            File.ReadAllText(privateKey).Split('\n')[1]);
    }

    [Fact]
    public async Task A_key_from_cosign_generate_key_pair_signs_and_cosign_verifies_and_both_append_to_each_other()
    {
        using var cosign = Cosign();
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var withPassword = new Dictionary<string, string> { ["COSIGN_PASSWORD"] = password };
        var (genExit, genOutput, genError) = cosign.Run(withPassword, "generate-key-pair");
        Assert.True(genExit == 0, genOutput + genError);
        var privateKey = Path.Combine(cosign.Directory, "cosign.key");
        var publicKey = Path.Combine(cosign.Directory, "cosign.pub");
        Assert.StartsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", File.ReadAllText(privateKey));

        var scrubber = new SecretScrubber();
        var clock = Stopwatch.StartNew();
        using var key = SigningKey.Load(privateKey, scrubber, name => name == SigningKey.PasswordVariable ? password : null);
        _log.WriteLine("opened cosign.key (scrypt N=65536) in " + clock.ElapsedMilliseconds + " ms");
        Assert.Equal("***", scrubber.Scrub(password));
        using var client = _image.Client(scrubber);

        // A second key, used by cosign alone.
        var second = Directory.CreateDirectory(Path.Combine(cosign.Directory, "second")).FullName;
        Assert.Equal(0, cosign.Run(withPassword, "generate-key-pair", "--output-key-prefix", Path.Combine(second, "cosign")).Exit);
        var (secondKey, secondPublicKey) = (Path.Combine(second, "cosign.key"), Path.Combine(second, "cosign.pub"));
        (int, string, string) CosignSign(string keyFile, ManifestDescriptor manifest) => cosign.Run(withPassword,
            "sign", "--key", keyFile, "--tlog-upload=false", "--allow-insecure-registry", "-y", _image.Reference(manifest));

        // cosign signs a platform manifest first; we append to its signature manifest.
        var platform = _image.Platforms[1];
        var (signExit, signOutput, signError) = CosignSign(secondKey, platform);
        Assert.True(signExit == 0, signOutput + signError);
        var afterCosign = await LayerCount(client, platform, "sig");

        var outcomes = await PublishSigning.SignImageAsync(client, _image.Repository, _image.Index, WithSboms(), key, CancellationToken.None);
        Assert.Equal(7, outcomes.Count);
        Assert.Equal(afterCosign + 1, await LayerCount(client, platform, "sig"));
        foreach (var manifest in AllManifests)
        {
            AssertVerifies(cosign, publicKey, manifest);
        }

        Assert.Equal(0, cosign.Verify(secondPublicKey, _image.Reference(platform)).Exit);

        // cosign's own duplicate check (sign.go's NewDupeDetector: same payload, verified by the same key) takes our
        // signature for one of its own: signing again with this key adds nothing.
        var ours = await LayerCount(client, _image.Index, "sig");
        var (againExit, againOutput, againError) = CosignSign(privateKey, _image.Index);
        Assert.True(againExit == 0, againOutput + againError);
        Assert.Equal(ours, await LayerCount(client, _image.Index, "sig"));

        // cosign appends the second key's signature to the manifest we wrote; both keys verify.
        var (appendExit, appendOutput, appendError) = CosignSign(secondKey, _image.Index);
        Assert.True(appendExit == 0, appendOutput + appendError);
        Assert.Equal(ours + 1, await LayerCount(client, _image.Index, "sig"));
        Assert.Equal(0, cosign.Verify(secondPublicKey, _image.Reference(_image.Index)).Exit);
        AssertVerifies(cosign, publicKey, _image.Index);

        await AssertNoSecretPushed(client, _image.Index, password, File.ReadAllText(privateKey).Split('\n')[1]);
    }
}
