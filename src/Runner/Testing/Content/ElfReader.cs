using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Distroless.Dsl.Runner.Testing.Content;

/// <summary>What the contract reads from an ELF file: its soname (a library names itself) and the libraries it needs.</summary>
internal sealed record ElfInfo(bool Is64Bit, string? Soname, IReadOnlyList<string> Needed);

/// <summary>Reads an ELF file's header, program headers and dynamic section from a seekable stream, reading only
/// those bytes (bounded), for any architecture and byte order. Not an ELF, or a malformed one: null or partial.</summary>
internal static class ElfReader
{
    private const int MaxProgramHeaders = 512;
    private const int MaxDynamicBytes = 1 << 16;
    private const int MaxName = 512;

    public static bool HasMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0x7F && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F';

    public static ElfInfo? Read(Stream file)
    {
        var header = new byte[64];
        if (ReadAt(file, 0, header) < 52 || !HasMagic(header) || header[4] is not (1 or 2) || header[5] is not (1 or 2))
        {
            return null;
        }

        var wide = header[4] == 2;
        var little = header[5] == 1;
        ulong U(ReadOnlySpan<byte> b, int at, int size) => size switch
        {
            2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(at)) : BinaryPrimitives.ReadUInt16BigEndian(b.Slice(at)),
            4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(at)) : BinaryPrimitives.ReadUInt32BigEndian(b.Slice(at)),
            _ => little ? BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(at)) : BinaryPrimitives.ReadUInt64BigEndian(b.Slice(at)),
        };

        var word = wide ? 8 : 4;
        var phoff = U(header, wide ? 32 : 28, word);
        var phentsize = (int)U(header, wide ? 54 : 42, 2);
        var phnum = (int)Math.Min(U(header, wide ? 56 : 44, 2), MaxProgramHeaders);
        if (phentsize < (wide ? 56 : 32) || phoff == 0 || phnum == 0)
        {
            return new ElfInfo(wide, null, Array.Empty<string>());
        }

        var table = new byte[phentsize * phnum];
        phnum = ReadAt(file, (long)phoff, table) / phentsize;
        var loads = new List<(ulong Vaddr, ulong Offset, ulong Size)>();
        (ulong Offset, ulong Size)? dynamic = null;
        for (var i = 0; i < phnum; i++)
        {
            var ph = table.AsSpan(i * phentsize, phentsize);
            var type = U(ph, 0, 4);
            var offset = U(ph, wide ? 8 : 4, word);
            var vaddr = U(ph, wide ? 16 : 8, word);
            var filesz = U(ph, wide ? 32 : 16, word);
            if (type == 1)
            {
                loads.Add((vaddr, offset, filesz));
            }
            else if (type == 2)
            {
                dynamic = (offset, filesz);
            }
        }

        if (dynamic is not { } dyn)
        {
            return new ElfInfo(wide, null, Array.Empty<string>()); // statically linked
        }

        var entries = new byte[(int)Math.Min(dyn.Size, MaxDynamicBytes)];
        var length = ReadAt(file, (long)dyn.Offset, entries);
        var entrySize = 2 * word;
        ulong? strtab = null;
        ulong? soname = null;
        var needed = new List<ulong>();
        for (var at = 0; at + entrySize <= length; at += entrySize)
        {
            var tag = U(entries, at, word);
            var value = U(entries, at + word, word);
            if (tag == 0)
            {
                break;
            }

            switch (tag)
            {
                case 1: needed.Add(value); break;
                case 5: strtab = value; break;
                case 14: soname = value; break;
            }
        }

        if (strtab is not { } strtabAddress || FileOffset(loads, strtabAddress) is not { } strings)
        {
            return new ElfInfo(wide, null, Array.Empty<string>());
        }

        var names = new List<string>();
        foreach (var index in needed)
        {
            if (ReadName(file, strings + (long)index) is { } name)
            {
                names.Add(name);
            }
        }

        return new ElfInfo(wide, soname is { } s ? ReadName(file, strings + (long)s) : null, names);
    }

    private static long? FileOffset(List<(ulong Vaddr, ulong Offset, ulong Size)> loads, ulong address)
    {
        foreach (var (vaddr, offset, size) in loads)
        {
            if (address >= vaddr && address < vaddr + size)
            {
                return (long)(offset + (address - vaddr));
            }
        }

        return null;
    }

    private static string? ReadName(Stream file, long offset)
    {
        var buffer = new byte[MaxName];
        var length = ReadAt(file, offset, buffer);
        var end = Array.IndexOf(buffer, (byte)0, 0, length);
        return end <= 0 ? null : Encoding.ASCII.GetString(buffer, 0, end);
    }

    private static int ReadAt(Stream file, long offset, byte[] buffer)
    {
        if (offset < 0 || offset >= file.Length)
        {
            return 0;
        }

        file.Position = offset;
        var total = 0;
        int read;
        while (total < buffer.Length && (read = file.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }
}
