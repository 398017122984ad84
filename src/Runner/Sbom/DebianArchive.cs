using System;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Text;
using Distroless.Dsl.Runner.Catalog;
using SharpCompress.Compressors.Xz;
using SharpCompress.Compressors.ZStandard;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>Reads one file out of a .deb: an ar archive whose <c>data.tar</c> member (xz, zstd, gzip or plain) holds
/// the package's files.</summary>
internal static class DebianArchive
{
    private const string Magic = "!<arch>\n";
    private const int HeaderLength = 60;

    /// <summary>The text of <paramref name="path"/> (e.g. <c>usr/share/doc/jq/copyright</c>) in the .deb at
    /// <paramref name="debPath"/>, or null when the package has no such regular file (a symlinked doc folder, say).</summary>
    public static string? ReadText(string debPath, string path)
    {
        using var deb = File.OpenRead(debPath);
        var magic = new byte[Magic.Length];
        if (deb.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || Encoding.ASCII.GetString(magic) != Magic)
        {
            throw new RunnerException(debPath + " is not a Debian package (no ar header)");
        }

        var header = new byte[HeaderLength];
        while (deb.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) == HeaderLength)
        {
            var name = Encoding.ASCII.GetString(header, 0, 16).Trim().TrimEnd('/');
            var size = long.Parse(Encoding.ASCII.GetString(header, 48, 10).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var start = deb.Position;
            if (name.StartsWith("data.tar", StringComparison.Ordinal))
            {
                using var member = new SubStream(deb, start, size);
                using var tar = Decompress(name, member, debPath);
                return Find(tar, path);
            }

            deb.Position = start + size + (size % 2); // members are padded to an even length
        }

        throw new RunnerException(debPath + " has no data.tar member");
    }

    private static Stream Decompress(string member, Stream data, string debPath) => member switch
    {
        "data.tar" => data,
        "data.tar.xz" => new XZStream(data),
        "data.tar.zst" => new DecompressionStream(data),
        "data.tar.gz" => new GZipStream(data, CompressionMode.Decompress),
        _ => throw new RunnerException(debPath + ": unknown compression of its " + member),
    };

    private static string? Find(Stream tar, string path)
    {
        using var reader = new TarReader(tar);
        TarEntry? entry;
        while ((entry = reader.GetNextEntry()) is not null)
        {
            if (entry.Name.TrimStart('.').TrimStart('/') != path)
            {
                continue;
            }

            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                return null;
            }

            using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
            return text.ReadToEnd();
        }

        return null;
    }

    /// <summary>A window of a seekable stream.</summary>
    private sealed class SubStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _start;
        private readonly long _length;
        private long _position;

        public SubStream(Stream inner, long start, long length) => (_inner, _start, _length) = (inner, start, length);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var wanted = (int)Math.Min(count, _length - _position);
            if (wanted <= 0)
            {
                return 0;
            }

            _inner.Position = _start + _position;
            var read = _inner.Read(buffer, offset, wanted);
            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
