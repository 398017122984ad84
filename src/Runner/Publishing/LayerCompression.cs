using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>What compressing one layer gave: the uncompressed digest (the layer's diff ID) and the compressed blob's.</summary>
internal sealed record CompressedLayer(string DiffId, string Digest, long Size);

/// <summary>gzip as a registry blob needs it, with a fixed header: no file name, no modification time, OS byte
/// "unknown" (RFC 1952 §2.3), so the same layer tar gives the same bytes on every machine running this runtime.
/// <see cref="GZipStream"/> would write the host's OS code, so the header and trailer are written here around a
/// raw deflate stream.</summary>
internal static class LayerCompression
{
    private static readonly byte[] Header = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };

    /// <summary>Compresses <paramref name="tar"/> into <paramref name="output"/>; hashes both sides on the way.</summary>
    public static async Task<CompressedLayer> CompressAsync(Stream tar, Stream output, CancellationToken cancellation)
    {
        using var compressedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var crc = new Crc32();
        long plainLength = 0;
        var counting = new HashingStream(output, compressedHash);
        await counting.WriteAsync(Header, cancellation).ConfigureAwait(false);
        await using (var deflate = new DeflateStream(counting, CompressionLevel.Optimal, leaveOpen: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await tar.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                plainHash.AppendData(buffer, 0, read);
                crc.Append(buffer.AsSpan(0, read));
                plainLength += read;
                await deflate.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
            }
        }

        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)plainLength));
        await counting.WriteAsync(trailer, cancellation).ConfigureAwait(false);
        return new CompressedLayer(Digest(plainHash), Digest(compressedHash), counting.Length);
    }

    private static string Digest(IncrementalHash hash) => "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());

    /// <summary>Passes writes through, hashing and counting them.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly Stream _inner;
        private readonly IncrementalHash _hash;
        private long _length;

        public HashingStream(Stream inner, IncrementalHash hash)
        {
            _inner = inner;
            _hash = hash;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            _inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => _inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
