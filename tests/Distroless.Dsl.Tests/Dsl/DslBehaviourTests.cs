using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Xunit;

namespace Distroless.Dsl.Tests.Dsl;

/// <summary>What the fluent calls mean, checked on their values at run time (the generator runs the same code).</summary>
public class DslBehaviourTests
{
    [Fact]
    public void Static_base_has_the_expected_environment_and_user()
    {
        var spec = Base.FromScratch().WithCaCerts().WithTimezoneData().User().Env("TZ", "UTC").Spec;

        Assert.Equal(new UserSpec(1000, 1000, "app", "/home/app"), spec.User);
        Assert.Equal(
            new[] { "PATH", "SSL_CERT_FILE", "HOME", "USER", "TZ" },
            spec.Environment.Select(e => e.Name));
        Assert.Equal(new[] { "linux/amd64", "linux/arm64" }, spec.Platforms);
    }

    [Fact]
    public void Nonroot_preset_is_65532()
    {
        var user = Base.FromScratch().NonRootUser().Spec.User!;
        Assert.Equal((65532, "nonroot", "/home/nonroot"), (user.Uid, user.Name, user.Home));
    }

    [Fact]
    public void Env_replaces_an_earlier_value_in_place()
    {
        var env = Base.FromScratch().Env("A", "1").Env("B", "2").Env("A", "3").Spec.Environment;
        Assert.Equal(new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=3", "B=2" }, env.Select(e => e.Name + "=" + e.Value));
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("")]
    public void Bad_env_names_throw_with_the_diagnostic_id(string name)
    {
        var error = Assert.Throws<DslException>(() => Base.FromScratch().Env(name, "x"));
        Assert.Equal(DslDiagnostics.InvalidEnvironmentName, error.Diagnostic);
        Assert.Equal("name", error.Blame);
    }

    [Fact]
    public void Definitions_are_immutable_values()
    {
        var a = Base.FromScratch().User();
        var b = a.WithCaCerts();
        Assert.False(a.Spec.CaCertificates);
        Assert.True(b.Spec.CaCertificates);
        Assert.Equal(Base.FromScratch().User(), a);
    }

    [Fact]
    public void Root_is_allowed_only_in_the_debug_variant()
    {
        Assert.Contains(ImageRules.Check("x", Base.FromScratch().User(0, "root").Spec), p => p.Diagnostic == DslDiagnostics.RootUserOutsideDebug);
        Assert.Contains(ImageRules.Check("x", Base.FromScratch().Spec), p => p.Diagnostic == DslDiagnostics.RootUserOutsideDebug);
        Assert.Empty(ImageRules.Check("x", Base.FromScratch().WithBusyboxShell().User(0, "root").Spec));
    }

    [Fact]
    public void Stacks_refuse_to_publish_database_ports()
    {
        var db = Tool.On(Base.FromScratch().User()).Entrypoint("/db");
        var error = Assert.Throws<DslException>(() => Stack.Create().Service("db", Service.Run(db).Publish(15432, 5432)));
        Assert.Equal(DslDiagnostics.PublishedDatabasePort, error.Diagnostic);
        Assert.Contains("db", error.Message);
    }

    [Fact]
    public void Passwd_and_group_name_the_user_with_no_login_shell()
    {
        var user = new UserSpec(1000, 1000, "app", "/home/app");
        Assert.Equal(
            "root:x:0:0:root:/root:/sbin/nologin\napp:x:1000:1000:app:/home/app:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n",
            SystemFiles.Passwd(user));
        Assert.Equal("root:x:0:\napp:x:1000:\nnogroup:x:65534:\n", SystemFiles.Group(user, new GroupSpec[0]));
    }

    [Fact]
    public void Dependency_order_puts_parents_first_and_finds_cycles()
    {
        var edges = new System.Collections.Generic.Dictionary<string, System.Collections.Generic.IReadOnlyList<string>>
        {
            ["app"] = new[] { "tool" },
            ["tool"] = new[] { "base" },
            ["base"] = new string[0],
        };
        Assert.Equal(new[] { "base", "tool", "app" }, DependencyGraph.TopologicalOrder(edges));
        Assert.Null(DependencyGraph.FindCycle(edges));

        edges["base"] = new[] { "app" };
        Assert.Equal(new[] { "app", "tool", "base", "app" }, DependencyGraph.FindCycle(edges));
    }

    [Theory]
    [InlineData("curl", true)]
    [InlineData("base-glibc", true)]
    [InlineData("a.b_c", true)]
    [InlineData("Curl", false)]
    [InlineData("-curl", false)]
    [InlineData("cu rl", false)]
    public void Image_names_follow_the_registry_grammar(string name, bool valid) =>
        Assert.Equal(valid, Validate.IsImageName(name));

    [Theory]
    [InlineData("1.2.3", true)]
    [InlineData("17.12", true)]
    [InlineData("2.14.0-rc.1", true)]
    [InlineData("latest", false)]
    [InlineData("v1.2.3", false)]
    [InlineData("01.2.3", false)]
    public void Versions_are_semantic(string version, bool valid) =>
        Assert.Equal(valid, Validate.IsVersion(version));

    [Theory]
    [InlineData("/usr/share/go-1.24/src/cmd", true)]
    [InlineData("**/testdata", true)]
    [InlineData("/usr/share/go-1.24/src/**/*_test.go", true)]
    [InlineData("/usr/lib/go-1.24/pkg/tool/*/pprof", true)]
    [InlineData("/usr/share/doc/*", true)]
    [InlineData("share/doc", false)]       // neither absolute nor **/
    [InlineData("/", false)]
    [InlineData("/**", false)]             // everything
    [InlineData("/*", false)]
    [InlineData("**/*", false)]
    [InlineData("/usr/share/**", false)]   // '**' last: name the directory instead
    [InlineData("/usr/**doc/x", false)]    // '**' inside a name
    [InlineData("/usr/share/../etc", false)]
    [InlineData("/usr//share", false)]
    [InlineData("/usr/share/", false)]
    [InlineData("/usr/share/go?", false)]
    [InlineData("/usr/share/[ab]", false)]
    [InlineData("/usr/share doc", false)]
    public void Exclusion_patterns_follow_their_grammar(string pattern, bool valid) =>
        Assert.Equal(valid, Validate.IsExclusionPattern(pattern));

    [Fact]
    public void Without_renders_last_in_the_rootfs_manifest_and_names_the_bad_pattern()
    {
        var spec = Tool.On(Base.FromScratch()).FromDebian("golang-1.24-go").DataFiles("/usr/lib/go-1.24")
            .Without("/usr/lib/go-1.24/pkg/tool/*/pprof", "**/testdata").Without("**/testdata").Symlink("/usr/bin/go", "../lib/go-1.24/bin/go")
            .Entrypoint("/usr/bin/go").Spec;
        Assert.Equal(new[] { "/usr/lib/go-1.24/pkg/tool/*/pprof", "**/testdata" }, spec.Exclusions);
        var lines = RootfsManifest.Render(new ImageRef("go", "1.24.0", ImageTier.Tool), spec).TrimEnd('\n').Split('\n');
        Assert.Equal(new[] { "link /usr/bin/go ../lib/go-1.24/bin/go", "without /usr/lib/go-1.24/pkg/tool/*/pprof", "without **/testdata" }, lines.TakeLast(3));

        var error = Assert.Throws<DslException>(() => Tool.On(Base.FromScratch()).Without("/usr/share/doc", "doc/*.gz"));
        Assert.Equal((DslDiagnostics.InvalidExclusion, "patterns[1]"), (error.Diagnostic, error.Blame));
    }

    /// <summary>The assembly script's own 'without' helper, run by sh on a sample tree.</summary>
    [Fact]
    public void The_assembly_script_removes_what_a_pattern_matches_and_fails_on_no_match()
    {
        var helper = System.Text.RegularExpressions.Regex.Match(AssembleRootfsScript.Text, @"(?ms)^leave_out\(\) \{.*?^\}$").Value;
        Assert.NotEmpty(helper);
        var root = System.IO.Directory.CreateTempSubdirectory("distroless-without-").FullName;
        try
        {
            var files = new[]
            {
                "usr/share/go/src/cmd/go/main.go", "usr/share/go/src/fmt/print.go", "usr/share/go/src/fmt/print_test.go",
                "usr/share/go/src/fmt/testdata/x.txt", "usr/share/go/src/a/b/testdata/y", "usr/share/go/src/go.mod",
                "usr/lib/go/pkg/tool/linux_arm64/pprof", "usr/lib/go/pkg/tool/linux_arm64/compile", "usr/lib/go/pkg/tool/linux_arm64/pprof2",
                "usr/share/go/srcXcmd/keep", "usr/share/go/src/fmt/scan_testXgo",
            };
            foreach (var file in files)
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.Combine(root, file))!);
                System.IO.File.WriteAllText(System.IO.Path.Combine(root, file), "");
            }

            string Run(string patterns)
            {
                var script = "set -eu\nout='" + root + "'\nsay() { echo \"$*\"; }\n" + helper + "\nfor p in " + patterns + "; do leave_out \"$p\"; done\n";
                var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                using var sh = System.Diagnostics.Process.Start(start)!;
                sh.StandardInput.Write(script);
                sh.StandardInput.Close();
                var output = sh.StandardOutput.ReadToEnd() + sh.StandardError.ReadToEnd();
                sh.WaitForExit();
                return sh.ExitCode + ": " + output.Trim();
            }

            Assert.StartsWith("0: ", Run("/usr/share/go/src/cmd '**/testdata' '/usr/share/go/src/**/*_test.go' '/usr/lib/go/pkg/tool/*/pprof'"));
            var left = System.IO.Directory.EnumerateFiles(root, "*", System.IO.SearchOption.AllDirectories)
                .Select(f => System.IO.Path.GetRelativePath(root, f)).OrderBy(f => f, System.StringComparer.Ordinal);
            Assert.Equal(new[]
            {
                "usr/lib/go/pkg/tool/linux_arm64/compile", "usr/lib/go/pkg/tool/linux_arm64/pprof2",
                "usr/share/go/src/fmt/print.go", "usr/share/go/src/fmt/scan_testXgo", "usr/share/go/src/go.mod", "usr/share/go/srcXcmd/keep",
            }, left);
            Assert.Equal("1: assemble-rootfs: without /usr/share/go/src/cmd matches nothing in the image", Run("/usr/share/go/src/cmd"));
        }
        finally
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void PublishDotnet_copies_the_per_architecture_output_and_says_how_to_publish_it()
    {
        var spec = App.On(Base.FromScratch()).PublishDotnet("apps/api/Api.csproj", "/srv", trimmed: false).Entrypoint("/srv/api").Spec;

        Assert.Equal(new DotnetPublishSpec("apps/api/Api.csproj", "/srv/", false), spec.DotnetPublish);
        var copy = Assert.Single(spec.Copies);
        Assert.Equal((CopySourceKind.Context, "publish/{arch}/", "/srv/"), (copy.Kind, copy.From, copy.To));
        Assert.Equal(
            new[] { "publish", "apps/api/Api.csproj", "-c", "Release", "-r", "linux-arm64", "--self-contained", "-p:PublishTrimmed=false", "-o", "out", "-nologo" },
            spec.DotnetPublish!.PublishArguments("arm64", "out"));
        Assert.Equal("linux-x64", DotnetPublishSpec.RuntimeIdentifier("amd64"));
    }

    [Theory]
    [InlineData("/abs/Api.csproj")]
    [InlineData("../Api.csproj")]
    [InlineData("apps/api/Api.fsproj")]
    public void PublishDotnet_refuses_paths_outside_the_repository_or_not_a_csproj(string project)
    {
        var e = Assert.Throws<DslException>(() => App.On(Base.FromScratch()).PublishDotnet(project));
        Assert.Equal(DslDiagnostics.InvalidArgument.Id, e.Diagnostic.Id);
    }

    [Fact]
    public void Publish_on_a_host_address_binds_only_there()
    {
        var port = Assert.Single(Service.Run(App.On(Base.FromScratch()).Entrypoint("/a")).Publish(8080, 80, hostIp: "127.0.0.1").Spec.Ports);
        Assert.Equal(new PortMapping(8080, 80, "127.0.0.1"), port);
        Assert.Throws<DslException>(() => Service.Run(App.On(Base.FromScratch()).Entrypoint("/a")).Publish(8080, 80, hostIp: "localhost"));
    }

    [Fact]
    public void ChecksumsFile_belongs_to_the_previous_download_and_must_be_https()
    {
        var app = App.On(Base.FromScratch()).Download("https://example.org/v1/tool_{arch}", "/app/tool").ChecksumsFile("https://example.org/v1/checksums.txt")
            .Download("https://example.org/v1/other_{arch}", "/app/other").Sha256("amd64", new string('a', 64)).Sha256("arm64", new string('b', 64));

        Assert.Equal(new[] { "https://example.org/v1/checksums.txt", null }, app.Spec.Downloads.Select(d => d.ChecksumsUrl));
        Assert.Equal("https://example.org/v1/tool_arm64", app.Spec.Downloads[0].Url("arm64"));
        Assert.Contains("before ChecksumsFile", Assert.Throws<DslException>(() => App.On(Base.FromScratch()).ChecksumsFile("https://example.org/c.txt")).Message);
        Assert.Contains("must be an https:// URL", Assert.Throws<DslException>(() => App.On(Base.FromScratch()).Download("https://example.org/t", "/t").ChecksumsFile("http://example.org/c.txt")).Message);
    }

    [Fact]
    public void Package_needs_follow_the_definition()
    {
        var tool = Tool.On(Base.FromScratch()).FromDebian("jq").Binary("/usr/bin/jq").Entrypoint("/usr/bin/jq")
            .Stage(BuildStage.OnDebian("work").Install("gcc", "make"));
        var needs = ImagePackages.Of(tool.Spec);

        Assert.Equal(new[] { "jq" }, needs.Target);
        Assert.Equal(new[] { "binutils", "gcc", "make" }, needs.Builder);
        Assert.Equal(new[] { "base-files", "ca-certificates", "tzdata", "tzdata-legacy" }, ImagePackages.Of(Base.FromScratch().WithCaCerts().WithTimezoneData(legacyAliases: true).User().Spec).Target);
        Assert.True(ImagePackages.Of(App.On(Base.FromScratch()).Entrypoint("/app").Spec).IsEmpty);
    }

    [Fact]
    public void A_debian_source_is_fetched_from_the_builder_archive_pinned_file_by_file_and_unpacked()
    {
        var stage = BuildStage.OnDebian("src").InstallForTarget("libssl-dev")
            .DebianSource("hello", "1:2.10-3", "/src/hello")
            .Sha256("hello_2.10-3.dsc", new string('a', 64))
            .Sha256("hello_2.10.orig.tar.gz", new string('b', 64))
            .Sha256("hello_2.10.orig.tar.gz", new string('c', 64)).Spec; // a later pin for the same file replaces the earlier

        Assert.True(stage.SeesTargetArch);
        Assert.Contains("dpkg-dev", stage.Packages);
        var source = Assert.Single(stage.Sources);
        Assert.Equal("hello_2.10-3.dsc", source.DscFile); // no epoch in file names
        Assert.Equal(new[] { new FileChecksum("hello_2.10-3.dsc", new string('a', 64)), new FileChecksum("hello_2.10.orig.tar.gz", new string('c', 64)) }, source.Checksums);

        // Its packages come from the context's locked .debs like any stage's: no apt, no archive, no network.
        var install = StageCommands.Install(stage)!;
        Assert.DoesNotContain("apt-get", install);
        Assert.Contains("sh /build/install-debs.sh /build/debs/build dpkg-dev gcc-$(echo $triplet | tr _ -) libssl-dev:$TARGETARCH", install);

        // Its files come from the context (fetched on the host, checked against these pins), are checked again, then unpacked.
        Assert.Equal("sources/hello_2.10-3.dsc sources/hello_2.10.orig.tar.gz /usr/src/debian/hello/", StageCommands.CopySource(source));
        var unpack = StageCommands.UnpackSource(source);
        Assert.DoesNotContain("apt-get", unpack);
        Assert.StartsWith("cd /usr/src/debian/hello && for f in hello_2.10-3.dsc hello_2.10.orig.tar.gz; do", unpack);
        Assert.Contains("hello_2.10.orig.tar.gz) want=" + new string('c', 64) + " ;;", unpack);
        Assert.Contains("sha256 mismatch for $f: pinned $want, got $got", unpack);
        Assert.EndsWith("dpkg-source -x hello_2.10-3.dsc /src/hello >/dev/null", unpack);
    }

    [Fact]
    public void A_stage_without_sources_installs_from_the_locked_debs_with_no_apt()
    {
        var stage = BuildStage.OnDebian("s").Install("gcc").Spec;
        Assert.Equal("sh /build/install-debs.sh /build/debs/build gcc", StageCommands.Install(stage));
        Assert.Null(StageCommands.Install(BuildStage.OnDebian("empty").Spec));

        var cross = BuildStage.OnDebian("c").Install("gcc").InstallWhenCross("gcc-{triplet}", "libc6-dev-{arch}-cross").Spec;
        Assert.True(cross.SeesTargetArch);
        Assert.EndsWith(" && sh /build/install-debs.sh /build/debs/build gcc && if [ \"$(dpkg --print-architecture)\" != \"$TARGETARCH\" ]; then sh /build/install-debs.sh /build/debs/build gcc-$(echo $triplet | tr _ -) libc6-dev-$TARGETARCH-cross; fi",
            StageCommands.Install(cross));
        Assert.Throws<Distroless.Dsl.Rules.DslException>(() => BuildStage.OnDebian("c").InstallWhenCross("gcc {triplet}"));
    }

    [Fact]
    public void A_download_is_placed_from_the_context_checked_and_laid_out_with_the_epoch()
    {
        var spec = App.On(Base.FromScratch()).User(1000, "app").WritableDirectory("/app")
            .Download("https://example.invalid/v1/tool_{arch}", "/app/bin/tool").Sha256("amd64", new string('a', 64)).Sha256("arm64", new string('b', 64))
            .Entrypoint("/app/bin/tool").Spec;
        Assert.Equal("downloads/app/bin/tool", DownloadStage.ContextPath(spec.Downloads[0]));
        var command = DownloadStage.Command(spec, "SOURCE_DATE_EPOCH");
        Assert.DoesNotContain("curl", command);
        Assert.StartsWith("case \"$TARGETARCH\" in amd64) sum=" + new string('a', 64) + " ;; arm64) sum=" + new string('b', 64) + " ;;", command);
        Assert.Contains("got=$(sha256sum /download/app/bin/tool | cut -d' ' -f1)", command);
        Assert.Contains("https://example.invalid/v1/tool_$TARGETARCH: sha256 mismatch: pinned $sum, got $got", command);
        Assert.Contains("mkdir -p /.image/app/bin && cp /download/app/bin/tool /.image/app/bin/tool && chmod 0755 /.image/app/bin/tool", command);
        Assert.Contains("chown 1000:1000 /.image/app &&", command); // the user's own directory, as the rootfs makes it
        Assert.EndsWith("find /.image -exec touch -h -d \"@$SOURCE_DATE_EPOCH\" {} +", command);
    }
}
