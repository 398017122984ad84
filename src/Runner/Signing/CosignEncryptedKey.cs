using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text.Json;
using Distroless.Dsl.Runner.Catalog;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Distroless.Dsl.Runner.Signing;

/// <summary>The body of cosign's "ENCRYPTED SIGSTORE PRIVATE KEY" PEM (and the older "ENCRYPTED COSIGN PRIVATE KEY"):
/// go-securesystemslib's <c>encrypted</c> format, a JSON object
/// <c>{"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},"cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"}</c>
/// (byte fields base64) whose ciphertext is NaCl secretbox (XSalsa20 + Poly1305, the 16-byte tag first) of the
/// key's DER, under a 32-byte key that scrypt derives from the password. The primitives are BouncyCastle's.</summary>
internal static class CosignEncryptedKey
{
    private const int KeySize = 32;
    private const int NonceSize = 24;
    private const int TagSize = 16;

    // The only parameter sets go-securesystemslib writes and accepts (legacy, standard, OWASP): anything else is
    // refused there too, and it keeps a crafted file from asking scrypt for gigabytes.
    private static readonly (int N, int R, int P)[] KnownScryptParameters = { (32768, 8, 1), (65536, 8, 1), (131072, 8, 1) };

    /// <summary>The DER the file encrypts, or a <see cref="RunnerException"/> naming <paramref name="source"/> (never
    /// the password or key bytes) when the body is malformed or the password is wrong.</summary>
    public static byte[] Decrypt(byte[] body, string password, string source)
    {
        Envelope envelope;
        try
        {
            envelope = Envelope.Parse(body);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new RunnerException("signing key " + source + " is not a readable cosign key: its encrypted body is not the scrypt + nacl/secretbox JSON cosign writes");
        }

        if (envelope.KdfName != "scrypt" || envelope.CipherName != "nacl/secretbox")
        {
            throw new RunnerException("signing key " + source + " uses kdf '" + envelope.KdfName + "' and cipher '" + envelope.CipherName + "'; cosign keys use scrypt and nacl/secretbox");
        }

        if (Array.IndexOf(KnownScryptParameters, (envelope.N, envelope.R, envelope.P)) < 0)
        {
            throw new RunnerException("signing key " + source + " has scrypt parameters N=" + envelope.N + " r=" + envelope.R + " p=" + envelope.P + ", which cosign does not write");
        }

        if (envelope.Nonce.Length != NonceSize || envelope.Ciphertext.Length < TagSize)
        {
            throw new RunnerException("signing key " + source + " is not a readable cosign key: its nonce or ciphertext is too short");
        }

        var key = SCrypt.Generate(System.Text.Encoding.UTF8.GetBytes(password), envelope.Salt, envelope.N, envelope.R, envelope.P, KeySize);
        try
        {
            return Open(envelope.Ciphertext, envelope.Nonce, key)
                   ?? throw new RunnerException("signing key " + source + " does not open with the password in COSIGN_PASSWORD (wrong password?)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>NaCl <c>crypto_secretbox_open</c>: the first 32 bytes of the XSalsa20 key stream key Poly1305, which
    /// authenticates the encrypted bytes; the stream from byte 32 on decrypts them. Null when the tag does not match.</summary>
    private static byte[]? Open(byte[] boxed, byte[] nonce, byte[] key)
    {
        var stream = new XSalsa20Engine();
        stream.Init(false, new ParametersWithIV(new KeyParameter(key), nonce));
        var macKey = new byte[KeySize];
        stream.ProcessBytes(new byte[KeySize], 0, KeySize, macKey, 0);

        var mac = new Poly1305();
        mac.Init(new KeyParameter(macKey));
        mac.BlockUpdate(boxed, TagSize, boxed.Length - TagSize);
        var tag = new byte[TagSize];
        mac.DoFinal(tag, 0);
        CryptographicOperations.ZeroMemory(macKey);
        if (!CryptographicOperations.FixedTimeEquals(tag, boxed.AsSpan(0, TagSize)))
        {
            return null;
        }

        var plain = new byte[boxed.Length - TagSize];
        stream.ProcessBytes(boxed, TagSize, plain.Length, plain, 0);
        return plain;
    }

    private sealed record Envelope(string? KdfName, int N, int R, int P, byte[] Salt, string? CipherName, byte[] Nonce, byte[] Ciphertext)
    {
        public static Envelope Parse(byte[] body)
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var kdf = root.GetProperty("kdf");
            var parameters = kdf.GetProperty("params");
            var cipher = root.GetProperty("cipher");
            return new Envelope(
                kdf.GetProperty("name").GetString(),
                parameters.GetProperty("N").GetInt32(),
                parameters.GetProperty("r").GetInt32(),
                parameters.GetProperty("p").GetInt32(),
                kdf.GetProperty("salt").GetBytesFromBase64(),
                cipher.GetProperty("name").GetString(),
                cipher.GetProperty("nonce").GetBytesFromBase64(),
                root.GetProperty("ciphertext").GetBytesFromBase64());
        }
    }
}
