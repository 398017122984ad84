using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Testing;
using Distroless.Dsl.Runner.Testing.Content;
using Distroless.Dsl.Tests.Support;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>Each contract rule without an engine: a file system written as a tar in the test (what the base image
/// holds, plus one violation), checked against the real definitions' contracts. Engine/ContractViolationTests proves
/// the same rules on crafted images.</summary>
public class ContractRuleTests
{
    private static readonly string[] BaseEnv =
    {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
        "HOME=/home/app", "USER=app", "TZ=UTC",
    };

    private static ImageInspectResponse Config(string user = "1000:1000", params string[] extraEnv) =>
        new() { Architecture = "amd64", Size = 1000, Config = new() { User = user, Env = BaseEnv.Concat(extraEnv).ToList() } };

    private static IReadOnlyList<string> Check(ImageTar tar, string image = "base", ImageInspectResponse? config = null)
    {
        var expectation = ContractCheck.Expectations(GeneratedCatalog.Catalog.FindImage(image)!, GeneratedCatalog.Catalog);
        var files = ExportedFileSystem.ReadAsync(tar.ToStream(), CancellationToken.None).GetAwaiter().GetResult();
        return ContractCheck.Check(expectation, config ?? Config(), files);
    }

    private static void AssertOnly(IReadOnlyList<string> failures, params string[] prefixes)
    {
        Assert.True(failures.Count == prefixes.Length, string.Join("\n", failures));
        foreach (var prefix in prefixes)
        {
            Assert.Contains(failures, f => f.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_base_file_system_with_its_declared_config_passes()
    {
        Assert.Empty(Check(ImageTar.Base()));
    }

    [Fact]
    public void Busybox_under_another_name_is_a_shell_by_its_banner()
    {
        var failures = Check(ImageTar.Base().File("/usr/bin/helper", ElfBytes.Build(payload: "BusyBox v1.37.0 (Debian 1:1.37.0-6) multi-call binary.")));

        AssertOnly(failures, "/usr/bin/helper: a shell (busybox), carries \"BusyBox v\"");
    }

    [Theory]
    [InlineData("/usr/bin/sh.distrib", "Use \"exit\" to leave shell.", "a shell (dash)")]
    [InlineData("/usr/bin/rbash", "GNU bash, version %s (%s)", "a shell (bash)")]
    [InlineData("/usr/bin/dpkg.real", "DPKG_ADMINDIR", "a package manager (dpkg)")]
    [InlineData("/usr/lib/x/zsh-5", "ZSH_VERSION", "a shell (zsh)")]
    [InlineData("/usr/bin/python3", "PYTHONSTARTUP", "an interpreter (python)")]
    [InlineData("/usr/bin/perl", "This is perl 5, version %d", "an interpreter (perl)")]
    [InlineData("/opt/apt/apt-get", "APT::Get::Download-Only", "a package manager (apt)")]
    public void A_program_is_named_by_its_content_whatever_its_name(string path, string signature, string what)
    {
        var failures = Check(ImageTar.Base().File(path, ElfBytes.Build(needed: new[] { "libc.so.6" }, payload: signature)));

        AssertOnly(failures, path + ": " + what);
    }

    [Fact]
    public void A_launcher_is_the_program_whose_library_it_needs_and_a_library_is_what_its_soname_says()
    {
        var failures = Check(ImageTar.Base()
            .File("/opt/apt/apt-get", ElfBytes.Build(needed: new[] { "libapt-pkg.so.7.0", "libc.so.6" }))
            .File("/usr/lib/libruby-3.3.so.3.3", ElfBytes.Build(soname: "libruby-3.3.so.3.3")));

        AssertOnly(failures, "/opt/apt/apt-get: a package manager (apt), needs libapt-pkg.so.7.0", "/usr/lib/libruby-3.3.so.3.3: an interpreter (ruby), soname libruby-3.3.so.3.3");
    }

    [Fact]
    public void A_plain_ELF_and_a_signature_in_a_non_ELF_file_are_no_program()
    {
        var failures = Check(ImageTar.Base()
            .File("/usr/bin/tool", ElfBytes.Build(needed: new[] { "libc.so.6" }, payload: "sh -c /bin/sh bash dash"))
            .File("/usr/share/doc/busybox.txt", "BusyBox v1.37 and GNU bash, version 5\n"));

        Assert.Empty(failures);
    }

    [Fact]
    public void A_symbolic_link_to_a_shell_is_named_with_its_target_resolved_inside_the_image()
    {
        var failures = Check(ImageTar.Base()
            .File("/opt/tools/bb", ElfBytes.Build(payload: "BusyBox v1.37.0"))
            .Symlink("/usr/bin/helper", "../../opt/tools/bb")
            .Symlink("/usr/local/bin/run", "/usr/bin/helper")
            // Absolute targets start at the image's root: the host's /bin/sh is not this image's.
            .Symlink("/usr/local/bin/sh", "/bin/sh"));

        AssertOnly(failures,
            "/opt/tools/bb: a shell (busybox)",
            "/usr/bin/helper: a symbolic link to /opt/tools/bb, a shell (busybox)",
            "/usr/local/bin/run: a symbolic link to /opt/tools/bb, a shell (busybox)");
    }

    [Fact]
    public void A_hard_link_to_a_shell_is_a_shell()
    {
        var failures = Check(ImageTar.Base().File("/opt/bb", ElfBytes.Build(payload: "BusyBox v1")).HardLink("/usr/bin/helper", "/opt/bb"));

        AssertOnly(failures, "/opt/bb: a shell (busybox)", "/usr/bin/helper: a shell (busybox)");
    }

    [Fact]
    public void An_executable_shebang_script_fails_naming_its_interpreter_and_a_non_executable_one_is_data()
    {
        var failures = Check(ImageTar.Base()
            .File("/usr/local/bin/start", "#!/bin/sh\nexec /app/server\n", ImageTar.Executable)
            .File("/usr/local/bin/tool.py", "#!/usr/bin/env -S python3 -u\nprint(1)\n", ImageTar.Executable)
            .File("/usr/share/src/make.bash", "#!/usr/bin/env bash\n", ImageTar.Readable));

        AssertOnly(failures,
            "/usr/local/bin/start: an executable script (#!/bin/sh), a shell (dash)",
            "/usr/local/bin/tool.py: an executable script (#!/usr/bin/env -S python3 -u), an interpreter (python)");
    }

    [Fact]
    public void An_interpreter_is_allowed_only_where_the_definition_declares_it_as_the_program()
    {
        // node's definition declares /usr/bin/node as its entrypoint: node (and libnode, a node script) pass there, python does not.
        var node = ImageTar.Base()
            .File("/usr/bin/node", ElfBytes.Build(needed: new[] { "libnode.so.115", "libc.so.6" }))
            .File("/usr/lib/x86_64-linux-gnu/libnode.so.115", ElfBytes.Build(soname: "libnode.so.115", payload: "_ZN4node5StartEiPPc"))
            .File("/usr/share/nodejs/cli.js", "#!/usr/bin/env node\n", ImageTar.Executable);

        Assert.Empty(Check(node, "node"));
        AssertOnly(Check(node.File("/usr/bin/python3", ElfBytes.Build(payload: "PYTHONSTARTUP")), "node"), "/usr/bin/python3: an interpreter (python)");
        // The same files in an image whose program is not node fail.
        Assert.Equal(3, Check(node, "jq").Count(f => f.Contains("(node)", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_package_manager_fails_even_as_the_declared_program()
    {
        var failures = Check(ImageTar.Base().File("/usr/bin/jq", ElfBytes.Build(payload: "DPKG_ADMINDIR")), "jq");

        AssertOnly(failures, "/usr/bin/jq: a package manager (dpkg)");
    }

    [Theory]
    [InlineData("LD_PRELOAD=/usr/lib/libevil.so")]
    [InlineData("LD_LIBRARY_PATH=/opt/lib")]
    [InlineData("DEBUG=1")]
    public void An_undeclared_environment_variable_fails_naming_it_but_not_its_value(string variable)
    {
        var failures = Check(ImageTar.Base(), config: Config("1000:1000", variable));

        var name = variable.Split('=')[0];
        AssertOnly(failures, "config Env " + name + ": set in the image but not declared");
        Assert.DoesNotContain(variable.Split('=')[1], failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_declared_variable_fails_naming_it()
    {
        var config = Config();
        config.Config!.Env = config.Config.Env!.Select(e => e.StartsWith("TZ=", StringComparison.Ordinal) ? "TZ=Europe/Berlin" : e).ToList();

        AssertOnly(Check(ImageTar.Base(), config: config), "config Env TZ: expected 'UTC', found 'Europe/Berlin'");
    }

    [Theory]
    [InlineData("1000:0", "config User: '1000:0', not the declared '1000:1000' (group 0 is root's)")]
    [InlineData("65534", "config User: '65534', not the declared '1000:1000'")]
    [InlineData("1000", "config User: '1000', not the declared '1000:1000'")]
    public void The_user_must_be_exactly_the_declared_uid_and_gid(string user, string failure)
    {
        var failures = Check(ImageTar.Base(), config: Config(user));

        Assert.Contains(failure, failures);
    }

    [Theory]
    [InlineData("./.profile", "/.profile")]
    [InlineData("root/.bashrc", "/root/.bashrc")]
    [InlineData("./etc/passwd", "/etc/passwd")]
    [InlineData("usr/bin/", "/usr/bin")]
    [InlineData("./", "/")]
    [InlineData("../../etc/./shadow", "/etc/shadow")]
    [InlineData("..data", "/..data")]
    public void Archive_names_become_absolute_paths_and_dotfiles_keep_their_dots(string name, string path)
    {
        Assert.Equal(path, ExportedFileSystem.Normalize(name));
    }

    [Fact]
    public async Task Dotfiles_are_read_under_their_own_names()
    {
        var files = await ExportedFileSystem.ReadAsync(new ImageTar().File("/root/.bashrc", "x").File("/.profile", "y").ToStream(), CancellationToken.None);

        Assert.Equal(new[] { "/.profile", "/root/.bashrc" }, files.Files.Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Symbolic_links_resolve_inside_the_image_through_directories_and_loops_end()
    {
        var files = await ExportedFileSystem.ReadAsync(new ImageTar()
            .Symlink("/bin", "usr/bin").File("/usr/bin/busybox", "x").Symlink("/usr/bin/sh", "busybox")
            .Symlink("/loop/a", "b").Symlink("/loop/b", "a").ToStream(), CancellationToken.None);

        Assert.Equal("/usr/bin/busybox", files.Resolve("/bin/sh"));
        Assert.Equal("/usr/bin/busybox", files.Resolve("/bin/../bin/./sh"));
        Assert.Null(files.Resolve("/loop/a"));
    }

    [Fact]
    public void A_signature_split_across_two_reads_is_found()
    {
        const string signature = "BusyBox v";
        foreach (var offset in new[] { (1 << 16) - 4, (1 << 16) - 1, 1 << 16, (3 << 16) - 8 })
        {
            var content = ContentClassifier.Classify(new MemoryStream(ElfBytes.Build(payload: signature, payloadOffset: offset)));
            Assert.True(content.Program?.Name == "busybox", "signature at " + offset + " not found");
        }
    }

    [Fact]
    public void The_ELF_reader_reads_needed_libraries_and_soname()
    {
        var elf = ElfReader.Read(new MemoryStream(ElfBytes.Build(soname: "libfoo.so.1", needed: new[] { "libc.so.6", "libm.so.6" })))!;

        Assert.Equal("libfoo.so.1", elf.Soname);
        Assert.Equal(new[] { "libc.so.6", "libm.so.6" }, elf.Needed);
        Assert.Null(ElfReader.Read(new MemoryStream(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 9 })));
    }

    [Fact]
    public void Classifying_a_large_ELF_streams_it_in_a_fixed_buffer()
    {
        const long size = 256L << 20;
        var header = ElfBytes.Build(needed: new[] { "libc.so.6" });
        using var file = new SyntheticFile(header, size, "PYTHONSTARTUP");
        var before = GC.GetAllocatedBytesForCurrentThread();

        var content = ContentClassifier.Classify(file);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("python", content.Program?.Name);
        Assert.True(allocated < 1 << 20, "allocated " + allocated + " bytes to classify a " + size + "-byte file");
    }

    /// <summary>A seekable stream of <paramref name="length"/> bytes that holds only a header and a tail: zeros in
    /// between, made on the fly, so the test itself needs no memory for it.</summary>
    private sealed class SyntheticFile(byte[] header, long length, string tail) : Stream
    {
        private readonly byte[] _tail = System.Text.Encoding.ASCII.GetBytes(tail);

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Max(0, Math.Min(count, Length - Position));
            Array.Clear(buffer, offset, n);
            Place(header, 0);
            Place(_tail, Length - _tail.Length);
            void Place(byte[] part, long at)
            {
                var from = Math.Max(at, Position);
                var to = Math.Min(at + part.Length, Position + n);
                if (from < to)
                {
                    Array.Copy(part, from - at, buffer, offset + (from - Position), to - from);
                }
            }

            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
