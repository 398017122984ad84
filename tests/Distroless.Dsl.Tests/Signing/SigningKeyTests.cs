using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Publishing;
using Distroless.Dsl.Runner.Signing;
using Xunit;

namespace Distroless.Dsl.Tests.Signing;

/// <summary>The key forms <c>--sign-key</c> takes, and the one-line failures for the ones it refuses. Keys are made by
/// .NET in the exact PEM forms openssl writes, or are cosign's own encrypted keys (<see cref="CosignKeyFixtures"/>); the
/// registry tests sign with keys made by the real openssl and the real cosign.</summary>
public class SigningKeyTests
{
    private const string Secret = "correct-Horse-battery-9";

    private static byte[] Bytes(string pem) => Encoding.UTF8.GetBytes(pem);

    private static Func<string?> NoPassword => () => throw new Xunit.Sdk.XunitException("a plain key must not ask for a password");

    private static RunnerException Refused(string pem, Func<string?>? password = null) =>
        Assert.Throws<RunnerException>(() => SigningKey.FromPem(Bytes(pem), "key.pem", password ?? NoPassword).Dispose());

    [Fact]
    public void A_pkcs8_p256_key_signs_and_its_public_key_verifies_the_der_signature()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = SigningKey.FromPem(Bytes(original.ExportPkcs8PrivateKeyPem()), "key.pem", NoPassword);

        var data = Encoding.UTF8.GetBytes("payload");
        var signature = key.Sign(data);
        Assert.True(original.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(original.ExportSubjectPublicKeyInfoPem() + "\n", key.PublicKeyPem);
        Assert.Equal(0x30, signature[0]); // an ASN.1 SEQUENCE, as cosign writes
    }

    [Fact]
    public void A_sec1_key_and_an_ec_parameters_block_before_it_are_read()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // What 'openssl ecparam -genkey -name prime256v1' writes: the curve, then the key.
        var pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + original.ExportECPrivateKeyPem();
        using var key = SigningKey.FromPem(Bytes(pem), "key.pem", NoPassword);
        Assert.Equal(original.ExportSubjectPublicKeyInfoPem() + "\n", key.PublicKeyPem);
    }

    [Fact]
    public void Cosigns_encrypted_keys_open_with_the_password_under_both_labels_holding_pkcs8_or_sec1()
    {
        var keys = new[] { CosignKeyFixtures.CosignLabelEcKey, CosignKeyFixtures.CosignLabelPkcs8Key, CosignKeyFixtures.SigstoreLabelKey };
        var publicKeys = new System.Collections.Generic.HashSet<string>();
        var data = Encoding.UTF8.GetBytes("payload");
        foreach (var pem in keys)
        {
            using var key = SigningKey.FromPem(Bytes(pem), "cosign.key", () => CosignKeyFixtures.Password);
            Assert.True(key.Verify(data, key.Sign(data)));
            Assert.False(key.Verify(Encoding.UTF8.GetBytes("other"), key.Sign(data)));
            publicKeys.Add(key.PublicKeyPem);
        }

        Assert.Equal(3, publicKeys.Count);
    }

    [Fact]
    public void A_wrong_password_is_one_line_that_names_the_variable_not_the_password()
    {
        var e = Refused(CosignKeyFixtures.SigstoreLabelKey, () => Secret);
        Assert.Equal("signing key key.pem does not open with the password in COSIGN_PASSWORD (wrong password?)", e.Message);
    }

    [Fact]
    public void An_encrypted_key_without_COSIGN_PASSWORD_says_to_set_it()
    {
        var e = Refused(CosignKeyFixtures.SigstoreLabelKey, () => null);
        Assert.Equal("signing key key.pem is an encrypted cosign key: set COSIGN_PASSWORD to its password", e.Message);
    }

    [Fact]
    public void An_rsa_key_is_refused_in_pkcs8_and_pkcs1_form()
    {
        using var rsa = RSA.Create(2048);
        Assert.Equal("signing key key.pem is an RSA key; signing needs an ECDSA P-256 key", Refused(rsa.ExportPkcs8PrivateKeyPem()).Message);
        Assert.Equal("signing key key.pem is an RSA key; signing needs an ECDSA P-256 key", Refused(rsa.ExportRSAPrivateKeyPem()).Message);
    }

    [Fact]
    public void A_p384_key_is_refused_as_pkcs8_and_as_sec1()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        const string expected = "signing key key.pem is an ECDSA key on P-384 (secp384r1); signing needs P-256 (prime256v1)";
        Assert.Equal(expected, Refused(p384.ExportPkcs8PrivateKeyPem()).Message);
        Assert.Equal(expected, Refused(p384.ExportECPrivateKeyPem()).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key at all\n")]
    [InlineData("\u0000\u0001\u0002garbage")]
    public void Garbage_is_not_a_pem_file(string text)
    {
        Assert.StartsWith("signing key key.pem is not a PEM file; expected an ECDSA P-256 private key", Refused(text).Message);
    }

    [Fact]
    public void Other_pem_blocks_say_what_they_are()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal("signing key key.pem is a public key; signing needs the private key", Refused(original.ExportSubjectPublicKeyInfoPem()).Message);
        Assert.StartsWith("signing key key.pem is a password-protected PKCS#8 key",
            Refused(original.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000))).Message);
        Assert.Equal("signing key key.pem holds a 'CERTIFICATE' PEM block, not a private key",
            Refused("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").Message);
        Assert.Equal("signing key key.pem has a 'PRIVATE KEY' PEM block that is not PKCS#8",
            Refused("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").Message);
        Assert.StartsWith("signing key key.pem is not a readable cosign key",
            Refused("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJ9\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n", () => Secret).Message);
    }

    [Fact]
    public void Load_reads_the_password_from_the_environment_adds_it_to_the_scrubber_and_names_a_missing_file()
    {
        var dir = Directory.CreateTempSubdirectory("signing-key").FullName;
        try
        {
            var path = Path.Combine(dir, "cosign.key");
            File.WriteAllText(path, CosignKeyFixtures.SigstoreLabelKey);
            var scrubber = new SecretScrubber();
            using (SigningKey.Load(path, scrubber, name => name == SigningKey.PasswordVariable ? CosignKeyFixtures.Password : null))
            {
            }

            Assert.Equal("the password is ***", scrubber.Scrub("the password is hello"));

            var wrong = Assert.Throws<RunnerException>(() => SigningKey.Load(path, new SecretScrubber(), _ => Secret));
            Assert.DoesNotContain(Secret, wrong.Message);
            Assert.DoesNotContain("eyJrZGYi", wrong.Message); // nothing of the key's body either

            var large = Path.Combine(dir, "large.key");
            File.WriteAllBytes(large, new byte[65 * 1024]);
            Assert.Equal("signing key " + large + " is not a PEM file: it is larger than 64 KiB",
                Assert.Throws<RunnerException>(() => SigningKey.Load(large, new SecretScrubber())).Message);

            var missing = Assert.Throws<RunnerException>(() => SigningKey.Load(Path.Combine(dir, "nope.key"), new SecretScrubber()));
            Assert.Equal("signing key " + Path.Combine(dir, "nope.key") + " does not exist", missing.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
