using System;
using System.IO;
using System.Linq;
using System.Text;

namespace Distroless.Dsl.Runner.Testing.Content;

internal enum ContentKind
{
    Data,
    Elf,
    Script,
}

/// <summary>What a regular file is, read from its bytes. <see cref="Program"/> is the shell, interpreter or package
/// manager it is (or, for a script, the one its shebang runs), with <see cref="Evidence"/> saying how that was seen.
/// <see cref="Interpreter"/> is a script's shebang command.</summary>
internal sealed record FileContent(ContentKind Kind, KnownProgram? Program, string? Evidence, string? Interpreter, ElfInfo? Elf)
{
    public static readonly FileContent Data = new(ContentKind.Data, null, null, null, null);
}

/// <summary>Classifies a file by content, reading only what it needs: the first bytes (ELF magic or a shebang), the
/// ELF's headers and dynamic section, and for an ELF that no soname identifies, one pass over its bytes in a fixed
/// buffer with a sliding overlap, so a signature split across two reads is still found. Memory stays flat whatever
/// the file's size.</summary>
internal static class ContentClassifier
{
    private const int ShebangLine = 256;
    private const int Window = 1 << 16;

    public static FileContent Classify(Stream file)
    {
        var head = new byte[ShebangLine];
        file.Position = 0;
        var length = 0;
        int read;
        while (length < head.Length && (read = file.Read(head, length, head.Length - length)) > 0)
        {
            length += read;
        }

        if (length >= 2 && head[0] == '#' && head[1] == '!')
        {
            return Script(head.AsSpan(2, length - 2));
        }

        if (!ElfReader.HasMagic(head.AsSpan(0, length)))
        {
            return FileContent.Data;
        }

        var elf = ElfReader.Read(file) ?? new ElfInfo(false, null, Array.Empty<string>());
        if (elf.Soname is { } soname && ProgramSignatures.BySoname(soname) is { } library)
        {
            return new FileContent(ContentKind.Elf, library, "soname " + soname, null, elf);
        }

        foreach (var needed in elf.Needed)
        {
            if (ProgramSignatures.BySoname(needed) is { } launcher)
            {
                return new FileContent(ContentKind.Elf, launcher, "needs " + needed, null, elf);
            }
        }

        var (program, signature) = Scan(file);
        return new FileContent(ContentKind.Elf, program, program is null ? null : "carries \"" + signature + "\"", null, elf);
    }

    /// <summary>The first program (in <see cref="ProgramSignatures.All"/> order) whose signature occurs anywhere in the file.</summary>
    private static (KnownProgram? Program, string? Signature) Scan(Stream file)
    {
        var programs = ProgramSignatures.All;
        var found = new string?[programs.Count];
        var overlap = ProgramSignatures.LongestSignature - 1;
        var buffer = new byte[Window + overlap];
        var kept = 0;
        file.Position = 0;
        int read;
        while ((read = file.Read(buffer, kept, Window)) > 0)
        {
            var span = buffer.AsSpan(0, kept + read);
            for (var p = 0; p < programs.Count; p++)
            {
                if (found[p] is not null)
                {
                    continue;
                }

                foreach (var signature in programs[p].SignatureBytes)
                {
                    if (span.IndexOf(signature) >= 0)
                    {
                        found[p] = programs[p].Signatures[Array.IndexOf(programs[p].SignatureBytes, signature)];
                        break;
                    }
                }
            }

            if (found[0] is not null)
            {
                break; // nothing ranks above the first program
            }

            kept = Math.Min(overlap, span.Length);
            span.Slice(span.Length - kept).CopyTo(buffer);
        }

        for (var p = 0; p < programs.Count; p++)
        {
            if (found[p] is { } signature)
            {
                return (programs[p], signature);
            }
        }

        return (null, null);
    }

    /// <summary>A shebang line: the interpreter, or for <c>/usr/bin/env [-S] [VAR=value]... NAME</c> the NAME env runs.</summary>
    private static FileContent Script(ReadOnlySpan<byte> afterShebang)
    {
        var end = afterShebang.IndexOf((byte)'\n');
        var line = Encoding.UTF8.GetString(end < 0 ? afterShebang : afterShebang.Slice(0, end)).Trim();
        var words = line.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
        var program = words.FirstOrDefault() ?? "";
        if (program.EndsWith("/env", StringComparison.Ordinal) || program == "env")
        {
            program = words.Skip(1).FirstOrDefault(w => !w.StartsWith("-", StringComparison.Ordinal) && !w.Contains('=')) ?? program;
        }

        return new FileContent(ContentKind.Script, ProgramSignatures.ByShebangName(program), null, line, null);
    }
}
