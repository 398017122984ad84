using System;
using System.Formats.Asn1;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Publishing;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>An ECDSA P-256 private key to sign with, loaded from the PEM forms users have: PKCS#8 <c>PRIVATE KEY</c>
/// (what <c>openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256</c> writes), SEC1 <c>EC PRIVATE KEY</c>,
/// and cosign's own <c>ENCRYPTED SIGSTORE PRIVATE KEY</c> / <c>ENCRYPTED COSIGN PRIVATE KEY</c> from
/// <c>cosign generate-key-pair</c>, whose password comes from <c>COSIGN_PASSWORD</c> as it does for cosign.
/// Every failure is one line naming the file and what is wrong with it; no message carries key bytes or the password.</summary>
internal sealed class SigningKey : IDisposable
{
    public const string PasswordVariable = "COSIGN_PASSWORD";

    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const int MaxKeyFileBytes = 64 * 1024;

    private readonly ECDsa _ecdsa;

    private SigningKey(ECDsa ecdsa, string source)
    {
        _ecdsa = ecdsa;
        Source = source;
        PublicKeyPem = ecdsa.ExportSubjectPublicKeyInfoPem() + "\n";
    }

    /// <summary>Where the key came from (its path), for messages.</summary>
    public string Source { get; }

    /// <summary>The public key as a <c>PUBLIC KEY</c> PEM, the form <c>cosign verify --key</c> reads.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Loads <paramref name="path"/>; <paramref name="environment"/> reads <c>COSIGN_PASSWORD</c> (the process
    /// environment by default). The password is added to <paramref name="scrubber"/> before anything can fail.</summary>
    public static SigningKey Load(string path, SecretScrubber scrubber, Func<string, string?>? environment = null)
    {
        if (!File.Exists(path))
        {
            throw new RunnerException("signing key " + path + " does not exist");
        }

        // A PEM key is a few hundred bytes; a large file is something else, and is not read into memory.
        if (new FileInfo(path).Length > MaxKeyFileBytes)
        {
            throw new RunnerException("signing key " + path + " is not a PEM file: it is larger than " + MaxKeyFileBytes / 1024 + " KiB");
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            return FromPem(bytes, path, () =>
            {
                var password = (environment ?? Environment.GetEnvironmentVariable)(PasswordVariable);
                scrubber.Add(password);
                return password;
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Reads the first private-key PEM block of <paramref name="pem"/> (an <c>EC PARAMETERS</c> block before it,
    /// as <c>openssl ecparam -genkey</c> writes, is skipped). <paramref name="password"/> is asked only for an
    /// encrypted cosign key.</summary>
    public static SigningKey FromPem(byte[] pem, string source, Func<string?> password)
    {
        var text = Encoding.UTF8.GetString(pem).AsSpan();
        while (PemEncoding.TryFind(text, out var fields))
        {
            var label = text[fields.Label].ToString();
            var body = text[fields.Base64Data];
            text = text[fields.Location.End..];
            if (label == "EC PARAMETERS")
            {
                continue;
            }

            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(body, der, out _))
            {
                throw new RunnerException("signing key " + source + " has a '" + label + "' PEM block that is not valid base64");
            }

            try
            {
                return FromDer(label, der, source, password);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(der);
            }
        }

        throw new RunnerException("signing key " + source + " is not a PEM file; expected an ECDSA P-256 private key "
                                  + "(PKCS#8 'PRIVATE KEY', 'EC PRIVATE KEY', or cosign's 'ENCRYPTED SIGSTORE PRIVATE KEY')");
    }

    /// <summary>An ASN.1 DER ECDSA signature over SHA-256 of <paramref name="data"/>: what cosign writes and verifies.</summary>
    public byte[] Sign(byte[] data) => _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public bool Verify(byte[] data, byte[] signature)
    {
        try
        {
            return _ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _ecdsa.Dispose();

    private static SigningKey FromDer(string label, byte[] der, string source, Func<string?> password)
    {
        switch (label)
        {
            case "PRIVATE KEY":
                return FromPkcs8(der, source);
            case "EC PRIVATE KEY":
                return FromSec1(der, source);
            case "ENCRYPTED SIGSTORE PRIVATE KEY":
            case "ENCRYPTED COSIGN PRIVATE KEY":
                var secret = password() ?? throw new RunnerException(
                    "signing key " + source + " is an encrypted cosign key: set " + PasswordVariable + " to its password");
                var inner = CosignEncryptedKey.Decrypt(der, secret, source);
                try
                {
                    // cosign writes PKCS#8; keys from old tools hold SEC1, which is just as clear about the curve.
                    return IsPkcs8(inner) ? FromPkcs8(inner, source) : FromSec1(inner, source);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(inner);
                }

            case "RSA PRIVATE KEY":
                throw NotEc(source, "an RSA key");
            case "ENCRYPTED PRIVATE KEY":
                throw new RunnerException("signing key " + source + " is a password-protected PKCS#8 key; decrypt it ('openssl pkey -in KEY -out PLAIN') or use a key from 'cosign generate-key-pair'");
            case "PUBLIC KEY":
                throw new RunnerException("signing key " + source + " is a public key; signing needs the private key");
            default:
                throw new RunnerException("signing key " + source + " holds a '" + label + "' PEM block, not a private key");
        }
    }

    private static SigningKey FromPkcs8(byte[] der, string source)
    {
        var (algorithm, curve) = Pkcs8Algorithm(der, source);
        if (algorithm != EcPublicKeyOid)
        {
            throw NotEc(source, AlgorithmName(algorithm));
        }

        if (curve is not null && curve != P256Oid)
        {
            throw NotP256(source, curve);
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(der, out _);
            return Checked(ecdsa, source);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            throw new RunnerException("signing key " + source + " is a PKCS#8 EC key that does not parse");
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    private static SigningKey FromSec1(byte[] der, string source)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportECPrivateKey(der, out _);
            return Checked(ecdsa, source);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            throw new RunnerException("signing key " + source + " is not a readable EC private key (SEC1)");
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    private static SigningKey Checked(ECDsa ecdsa, string source)
    {
        var curve = ecdsa.ExportParameters(false).Curve;
        var oid = curve.Oid?.Value;
        var name = curve.Oid?.FriendlyName;
        if (oid != P256Oid && name is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
        {
            throw NotP256(source, oid ?? name ?? "an explicit curve");
        }

        return new SigningKey(ecdsa, source);
    }

    /// <summary>The PKCS#8 <c>privateKeyAlgorithm</c> OID and, for EC keys, the named-curve OID in its parameters.</summary>
    private static (string Algorithm, string? Curve) Pkcs8Algorithm(byte[] der, string source)
    {
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            var algorithm = info.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            string? curve = null;
            if (algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                curve = algorithm.ReadObjectIdentifier();
            }

            return (oid, curve);
        }
        catch (AsnContentException)
        {
            throw new RunnerException("signing key " + source + " has a 'PRIVATE KEY' PEM block that is not PKCS#8");
        }
    }

    private static bool IsPkcs8(byte[] der)
    {
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            return info.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static RunnerException NotEc(string source, string what) =>
        new("signing key " + source + " is " + what + "; signing needs an ECDSA P-256 key");

    private static RunnerException NotP256(string source, string curveOid) =>
        new("signing key " + source + " is an ECDSA key on " + CurveName(curveOid) + "; signing needs P-256 (prime256v1)");

    private static string AlgorithmName(string oid) => oid switch
    {
        "1.2.840.113549.1.1.1" => "an RSA key",
        "1.2.840.113549.1.1.10" => "an RSA-PSS key",
        "1.3.101.112" => "an Ed25519 key",
        "1.3.101.113" => "an Ed448 key",
        "1.2.840.10040.4.1" => "a DSA key",
        _ => "a key of algorithm " + oid,
    };

    private static string CurveName(string oid) => oid switch
    {
        "1.3.132.0.34" => "P-384 (secp384r1)",
        "1.3.132.0.35" => "P-521 (secp521r1)",
        "1.3.132.0.10" => "secp256k1",
        _ => "curve " + oid,
    };
}
