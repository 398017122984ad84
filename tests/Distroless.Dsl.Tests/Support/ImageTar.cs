using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text;

namespace Distroless.Dsl.Tests.Support;

/// <summary>A file system as a tar stream, written in a test, the way <c>docker export</c> names entries
/// (<c>usr/bin/x</c>, directories with a trailing slash).</summary>
internal sealed class ImageTar
{
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    public const UnixFileMode Readable = (UnixFileMode)0b110_100_100;
    private readonly List<Action<TarWriter>> _entries = new();

    public ImageTar Directory(string path, UnixFileMode mode = (UnixFileMode)0b111_101_101, int uid = 0)
    {
        _entries.Add(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, Name(path) + "/") { Mode = mode, Uid = uid, Gid = uid }));
        return this;
    }

    public ImageTar File(string path, string text, UnixFileMode mode = Readable) => File(path, Encoding.UTF8.GetBytes(text), mode);

    public ImageTar File(string path, byte[] content, UnixFileMode mode = Executable, int uid = 0)
    {
        _entries.Add(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, Name(path)) { Mode = mode, Uid = uid, Gid = uid, DataStream = new MemoryStream(content) }));
        return this;
    }

    public ImageTar Symlink(string path, string target)
    {
        _entries.Add(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, Name(path)) { LinkName = target, Mode = (UnixFileMode)0b111_111_111 }));
        return this;
    }

    public ImageTar HardLink(string path, string target)
    {
        _entries.Add(tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, Name(path)) { LinkName = Name(target), Mode = Executable }));
        return this;
    }

    /// <summary>What the static base holds for the contract: accounts, CA bundle, zoneinfo, a scanner record, home and /tmp.</summary>
    public static ImageTar Base() => new ImageTar()
        .Directory("/etc").Directory("/home/app", uid: 1000).Directory("/tmp", (UnixFileMode)0b1_111_111_111)
        .File("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\napp:x:1000:1000:app:/home/app:/sbin/nologin\n")
        .File("/etc/group", "root:x:0:\napp:x:1000:\n")
        .File("/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        .File("/usr/share/zoneinfo/America/New_York", "TZif2")
        .File("/var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2025b-4\nArchitecture: all\n");

    public MemoryStream ToStream()
    {
        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                entry(tar);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static string Name(string path) => path.TrimStart('/');
}

/// <summary>A minimal, valid 64-bit little-endian ELF: header, a PT_LOAD over the whole file, a PT_DYNAMIC naming the
/// libraries it needs and its soname, then <paramref name="payload"/> bytes (e.g. a program's signature) at
/// <paramref name="payloadOffset"/>. readelf reads it like a linker's output.</summary>
internal static class ElfBytes
{
    private const ulong Base = 0x400000;

    public static byte[] Build(string? soname = null, IEnumerable<string>? needed = null, string? payload = null, int payloadOffset = 4096, int size = 0)
    {
        var names = (needed ?? Array.Empty<string>()).ToList();
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var offsets = new List<(ulong Tag, ulong Value)>();
        foreach (var (tag, name) in names.Select(n => (1UL, n)).Concat(soname is null ? Array.Empty<(ulong, string)>() : new[] { (14UL, soname) }))
        {
            offsets.Add((tag, (ulong)strtab.Length));
            strtab.Write(Encoding.ASCII.GetBytes(name + "\0"));
        }

        const int phoff = 64, phnum = 2, dynOff = phoff + phnum * 56;
        var dynamic = offsets.Concat(new (ulong Tag, ulong Value)[] { (5UL, 0UL), (0UL, 0UL) }).ToList();
        var strOff = dynOff + dynamic.Count * 16;
        dynamic[offsets.Count] = (5UL, Base + (ulong)strOff);
        var payloadBytes = payload is null ? Array.Empty<byte>() : Encoding.ASCII.GetBytes(payload);
        var length = Math.Max(size, Math.Max(strOff + (int)strtab.Length, payloadOffset + payloadBytes.Length));
        var elf = new byte[length];
        var span = elf.AsSpan();
        new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(16), 3); // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(18), 62); // x86-64
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(32), phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(56), phnum);
        ProgramHeader(span.Slice(phoff), 1, 0, Base, (ulong)length);
        ProgramHeader(span.Slice(phoff + 56), 2, dynOff, Base + dynOff, (ulong)(dynamic.Count * 16));
        for (var i = 0; i < dynamic.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(dynOff + i * 16), dynamic[i].Tag);
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(dynOff + i * 16 + 8), dynamic[i].Value);
        }

        strtab.ToArray().CopyTo(span.Slice(strOff));
        payloadBytes.CopyTo(span.Slice(payloadOffset));
        return elf;
    }

    private static void ProgramHeader(Span<byte> at, uint type, ulong offset, ulong vaddr, ulong size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(at, type);
        BinaryPrimitives.WriteUInt32LittleEndian(at.Slice(4), 4);
        BinaryPrimitives.WriteUInt64LittleEndian(at.Slice(8), offset);
        BinaryPrimitives.WriteUInt64LittleEndian(at.Slice(16), vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(at.Slice(24), vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(at.Slice(32), size);
        BinaryPrimitives.WriteUInt64LittleEndian(at.Slice(40), size);
        BinaryPrimitives.WriteUInt64LittleEndian(at.Slice(48), 4096);
    }
}
