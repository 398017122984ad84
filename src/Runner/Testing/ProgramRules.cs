using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using Distroless.Dsl.Runner.Testing.Content;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>No shell, interpreter or package manager, judged by content (not by name): every regular file is
/// classified by its bytes, every symbolic link is followed inside the image. The one exception is the program the
/// definition declares as its entrypoint (node's node, base-debug's busybox): the program that file is, and the
/// files that are the same program (node's libnode), are allowed. A package manager is never allowed.</summary>
internal static class ProgramRules
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The program the definition's entrypoint is, read from the image: the ELF's program, or a script's interpreter.</summary>
    public static KnownProgram? Declared(IReadOnlyList<string> entrypoint, ExportedFileSystem files)
    {
        if (entrypoint.Count == 0 || files.Target(entrypoint[0]) is not { IsRegular: true } program)
        {
            return null;
        }

        return program.Content.Program is { Role: not ProgramRole.PackageManager } declared ? declared : null;
    }

    public static IEnumerable<string> Check(ImageFile file, KnownProgram? declared, ExportedFileSystem files)
    {
        if (file.IsRegular && file.Content is { Kind: ContentKind.Elf, Program: { } program } && !IsDeclared(program, declared))
        {
            yield return file.Path + ": " + program.Describe() + ", " + file.Content.Evidence + Undeclared(program, declared);
        }

        // A script is judged when it can be run: Go's source tree, for one, ships shebang files as plain data.
        if (file.IsRegular && file.Content.Kind == ContentKind.Script && (file.Mode & AnyExecute) != 0
            && (file.Content.Program is not { } interpreter || !IsDeclared(interpreter, declared)))
        {
            yield return file.Path + ": an executable script (#!" + file.Content.Interpreter + ")"
                         + (file.Content.Program is { } named ? ", " + named.Describe() + Undeclared(named, declared) : "");
        }

        if (file.Type == TarEntryType.SymbolicLink && files.Resolve(file.Path) is { } resolved && resolved != file.Path
            && files.Files.TryGetValue(resolved, out var target) && target.IsRegular
            && target.Content is { Kind: ContentKind.Elf, Program: { } linked } && !IsDeclared(linked, declared))
        {
            yield return file.Path + ": a symbolic link to " + resolved + ", " + linked.Describe();
        }
    }

    private static bool IsDeclared(KnownProgram program, KnownProgram? declared) =>
        declared is not null && program.Role != ProgramRole.PackageManager && string.Equals(program.Name, declared.Name, StringComparison.Ordinal);

    private static string Undeclared(KnownProgram program, KnownProgram? declared) =>
        program.Role == ProgramRole.PackageManager ? "" : declared is null ? ", not the definition's program" : ", not the definition's program (" + declared.Name + ")";
}
