using System;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Publishing;
using Distroless.Dsl.Runner.Signing;
using Xunit;

namespace Distroless.Dsl.Tests.Signing;

/// <summary>What signing does with what it finds under a signature tag in the real local registry: a tag that holds
/// something other than a signature manifest is refused in one line and left as it was.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class SignatureTagTests : IClassFixture<SignedRegistryImage>
{
    private readonly SignedRegistryImage _image;

    public SignatureTagTests(SignedRegistryImage image) => _image = image;

    [Fact]
    public async Task A_signature_tag_holding_an_index_is_not_overwritten()
    {
        using var client = _image.Client();
        // A digest nothing else signs, so this test owns its tag.
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));
        var tag = SignatureManifest.Tag(digest, "sig");
        var index = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"manifests\":[]}");
        var stored = await client.PutManifestAsync(_image.Repository, tag, MediaTypes.OciIndex, index, CancellationToken.None);

        using var key = SigningKey.FromPem(Encoding.UTF8.GetBytes(CosignKeyFixtures.SigstoreLabelKey), "cosign.key", () => CosignKeyFixtures.Password);
        var e = await Assert.ThrowsAsync<RunnerException>(() =>
            ImageSigner.SignManifestAsync(client, _image.Repository, new ManifestDescriptor(MediaTypes.OciManifest, digest, 1), key, CancellationToken.None));
        Assert.Equal(SignedRegistryImage.Registry + "/" + _image.Repository + ":" + tag + " exists but is not a signature manifest (it has no layers); not overwriting it", e.Message);
        Assert.Equal(stored, (await client.GetManifestAsync(_image.Repository, tag, CancellationToken.None))!.Digest);
    }

    [Fact]
    public async Task A_registry_that_refuses_the_push_fails_in_one_line_naming_it()
    {
        // The right user with the wrong password: the registry refuses the first request of the signing.
        using var client = new RegistryClient(SignedRegistryImage.Registry, new RegistryCredentials(SignedRegistryImage.User, "wrong-" + Guid.NewGuid().ToString("N"), "test"), new SecretScrubber());
        using var key = SigningKey.FromPem(Encoding.UTF8.GetBytes(CosignKeyFixtures.SigstoreLabelKey), "cosign.key", () => CosignKeyFixtures.Password);
        var e = await Assert.ThrowsAsync<RunnerException>(() => ImageSigner.SignAsync(client, _image.Repository, _image.Index, SignedRegistryImage.Spdx("base"), key, CancellationToken.None));
        Assert.Equal("registry 127.0.0.1:5000 refused the credentials for distroless (401 Unauthorized)", e.Message);
    }
}
