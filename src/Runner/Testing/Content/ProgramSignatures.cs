using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Distroless.Dsl.Runner.Testing.Content;

/// <summary>What a recognised program is to the contract.</summary>
internal enum ProgramRole
{
    Shell,
    Interpreter,
    PackageManager,
}

/// <summary>A program the contract recognises by content: byte strings its ELF carries, library sonames that make an
/// ELF that program (its own soname, or one it needs), and the names a shebang line calls it by.</summary>
internal sealed record KnownProgram(string Name, ProgramRole Role, string[] Signatures, string[] SonamePrefixes, string[] ShebangNames)
{
    public byte[][] SignatureBytes { get; } = Signatures.Select(s => Encoding.ASCII.GetBytes(s)).ToArray();

    public string Describe() => Role switch
    {
        ProgramRole.Shell => "a shell (" + Name + ")",
        ProgramRole.Interpreter => "an interpreter (" + Name + ")",
        _ => "a package manager (" + Name + ")",
    };
}

/// <summary>The programs no image may carry unless its definition declares one as its program. Each signature was
/// checked against Debian 13's amd64 binaries (the only ELF files in those packages that carry it) and against every
/// ELF of this catalog's images (none carries one by accident). Signatures are matched inside ELF files only, so
/// documentation that quotes them is no match. Order matters: the first program that matches names the file
/// (busybox's ash carries dash's strings too).</summary>
internal static class ProgramSignatures
{
    public static readonly IReadOnlyList<KnownProgram> All = new KnownProgram[]
    {
        // Shells. Busybox and toybox print their banner ("BusyBox v1.37.0 ... multi-call binary").
        new("busybox", ProgramRole.Shell, new[] { "BusyBox v" }, Array.Empty<string>(), new[] { "busybox" }),
        new("toybox", ProgramRole.Shell, new[] { "toybox" }, Array.Empty<string>(), new[] { "toybox" }),
        // bash's --version text; rbash is bash under another name.
        new("bash", ProgramRole.Shell, new[] { "GNU bash, version" }, Array.Empty<string>(), new[] { "bash", "rbash" }),
        // dash (Debian's /bin/sh, also as sh.distrib): its exit-on-EOF hint, shared only with busybox's ash.
        new("dash", ProgramRole.Shell, new[] { "Use \"exit\" to leave shell." }, Array.Empty<string>(), new[] { "sh", "dash", "ash" }),
        new("zsh", ProgramRole.Shell, new[] { "ZSH_VERSION" }, Array.Empty<string>(), new[] { "zsh" }),
        // mksh, lksh and ksh93 all set KSH_VERSION; posh sets POSH_VERSION.
        new("ksh", ProgramRole.Shell, new[] { "KSH_VERSION" }, Array.Empty<string>(), new[] { "ksh", "ksh93", "mksh", "lksh", "pdksh" }),
        new("posh", ProgramRole.Shell, new[] { "POSH_VERSION" }, Array.Empty<string>(), new[] { "posh" }),
        new("tcsh", ProgramRole.Shell, new[] { "/etc/csh.cshrc" }, Array.Empty<string>(), new[] { "csh", "tcsh" }),
        new("fish", ProgramRole.Shell, new[] { "Fish cannot find its asset files" }, Array.Empty<string>(), new[] { "fish" }),

        // Interpreters. Debian's node, ruby and others are small launchers of a shared library: the library's soname
        // (needed by the launcher) names them too.
        new("python", ProgramRole.Interpreter, new[] { "PYTHONSTARTUP" }, new[] { "libpython" }, new[] { "python", "python2", "python3" }),
        new("perl", ProgramRole.Interpreter, new[] { "This is perl " }, new[] { "libperl.so" }, new[] { "perl" }),
        new("ruby", ProgramRole.Interpreter, new[] { "ruby_options" }, new[] { "libruby" }, new[] { "ruby" }),
        new("node", ProgramRole.Interpreter, new[] { "_ZN4node5Start" }, new[] { "libnode.so" }, new[] { "node", "nodejs" }),
        new("lua", ProgramRole.Interpreter, new[] { "LUA_INIT" }, new[] { "liblua" }, new[] { "lua" }),
        new("php", ProgramRole.Interpreter, new[] { "PHP_BINARY" }, new[] { "libphp" }, new[] { "php" }),

        // Package managers: dpkg's tools all read DPKG_ADMINDIR; apt's programs and libraries carry APT::Get or need
        // libapt-pkg; rpm's tools print "RPM version"; apk links libapk.
        new("dpkg", ProgramRole.PackageManager, new[] { "DPKG_ADMINDIR" }, Array.Empty<string>(), Array.Empty<string>()),
        new("apt", ProgramRole.PackageManager, new[] { "APT::Get" }, new[] { "libapt-pkg.so", "libapt-private.so" }, Array.Empty<string>()),
        new("rpm", ProgramRole.PackageManager, new[] { "RPM version" }, new[] { "librpm.so", "librpmio.so" }, Array.Empty<string>()),
        new("apk", ProgramRole.PackageManager, new[] { "apk-tools " }, new[] { "libapk.so" }, Array.Empty<string>()),
    };

    /// <summary>The longest signature: the overlap a sliding-window scan keeps between reads.</summary>
    public static readonly int LongestSignature = All.SelectMany(p => p.SignatureBytes).Max(b => b.Length);

    public static KnownProgram? BySoname(string soname) =>
        All.FirstOrDefault(p => p.SonamePrefixes.Any(prefix => soname.StartsWith(prefix, StringComparison.Ordinal)));

    /// <summary>The program a shebang's interpreter names: <c>/bin/sh</c> is a shell, <c>python3.13</c> python.
    /// Version suffixes (<c>python3.13</c>, <c>perl5.40.1</c>, <c>lua5.4</c>) are ignored.</summary>
    public static KnownProgram? ByShebangName(string program)
    {
        var name = program.Substring(program.LastIndexOf('/') + 1);
        var bare = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.');
        return All.FirstOrDefault(p => p.ShebangNames.Contains(name, StringComparer.Ordinal) || p.ShebangNames.Contains(bare, StringComparer.Ordinal));
    }
}
