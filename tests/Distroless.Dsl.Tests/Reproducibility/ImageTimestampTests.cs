using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Reproducibility;
using Xunit;

namespace Distroless.Dsl.Tests.Reproducibility;

/// <summary>The config rewrite and the generated files' use of SOURCE_DATE_EPOCH, without an engine.</summary>
public class ImageTimestampTests
{
    private const string BuiltConfig =
        "{\"architecture\":\"arm64\",\"config\":{\"Env\":[\"TZ=UTC\"],\"Labels\":{\"a\":\"x+y<z>\"}},\"created\":\"2026-11-29T17:04:31.76340188Z\"," +
        "\"history\":[{\"created\":\"2026-11-29T17:04:31.1Z\",\"created_by\":\"COPY /rootfs/ / # buildkit\",\"comment\":\"buildkit.dockerfile.v0\"}," +
        "{\"created\":\"2026-11-29T17:04:32.2Z\",\"created_by\":\"USER 1000:1000\",\"comment\":\"buildkit.dockerfile.v0\",\"empty_layer\":true}]," +
        "\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:f6020fe39cf7afd4d07b3216442d0ee1a4690d668b72d4b6d2140d02659b1e17\"]}}";

    [Fact]
    public void Rewrite_sets_created_and_every_history_entry_and_keeps_every_other_byte()
    {
        var created = SourceDateEpoch.Rfc3339(1764000000);
        Assert.Equal("2025-11-24T16:00:00Z", created);

        var rewritten = Encoding.UTF8.GetString(ImageTimestamps.Rewrite(Encoding.UTF8.GetBytes(BuiltConfig), created));

        var expected = BuiltConfig.Replace("2026-11-29T17:04:31.76340188Z", created).Replace("2026-11-29T17:04:31.1Z", created).Replace("2026-11-29T17:04:32.2Z", created);
        Assert.Equal(expected, rewritten);
        Assert.Equal(rewritten, Encoding.UTF8.GetString(ImageTimestamps.Rewrite(Encoding.UTF8.GetBytes(rewritten), created)));
    }

    [Fact]
    public void Every_file_a_builder_stage_makes_for_the_image_is_stamped_with_SOURCE_DATE_EPOCH()
    {
        var postgres = GeneratedCatalog.Catalog.FindImage("postgres")!;
        // What the image copies from a stage is laid out there as the image's own tree, stamped, and copied onto '/':
        // a COPY into a directory would stamp that directory with the build's clock.
        Assert.Contains("ARG SOURCE_DATE_EPOCH\nRUN mkdir -p /.image/usr/local/bin && cp -a /out/postgres-init /.image/usr/local/bin/postgres-init && find /.image -exec touch -h -d \"@$SOURCE_DATE_EPOCH\" {} +\n", postgres.Dockerfile);
        Assert.Contains("COPY --from=init /.image/ /\n", postgres.Dockerfile);
        Assert.DoesNotContain("--chown=999:999", postgres.Dockerfile);
        // A stage that sees the epoch from its start (initdb writes times into its cluster) declares it once, first.
        Assert.Matches("AS initdb\n(COPY [^\n]*\n)*RUN sh /build/install-debs.sh [^\n]*\nARG SOURCE_DATE_EPOCH\n", postgres.Dockerfile);
        Assert.Contains("&& find /.image/var/lib/postgresql -mindepth 1 -exec chown -h 999:999 {} + && find /.image -exec touch -h -d \"@$SOURCE_DATE_EPOCH\" {} +\n", postgres.Dockerfile);
        var script = postgres.ContextFiles.Single(f => f.Path == "assemble-rootfs.sh").Content;
        Assert.Contains("find \"$out\" -exec touch -h -d \"@$SOURCE_DATE_EPOCH\" {} +", script);
        Assert.Contains("AS rootfs\nARG TARGETARCH\nARG SOURCE_DATE_EPOCH\n", postgres.Dockerfile);

        // The user's home is made (and owned) in the root filesystem: a COPY that created it would stamp it with the build's time.
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        Assert.Contains("RUN sh /build/assemble-rootfs.sh \"$TARGETARCH\" /build/rootfs.list /rootfs 1000:1000\n", baseImage.Dockerfile);
        Assert.DoesNotContain("--chown=1000:1000", baseImage.Dockerfile);
    }

    [Fact]
    public void What_an_image_copies_from_the_build_context_goes_through_a_stage_tree_stamped_with_SOURCE_DATE_EPOCH()
    {
        // A COPY from the context into the image would create /app with the build's clock (measured on notes-api).
        var notes = GeneratedCatalog.Catalog.FindImage("notes-api")!;
        Assert.Contains("AS context\nARG TARGETARCH\n# publish/${TARGETARCH}/ is the output of `dotnet publish ", notes.Dockerfile);
        Assert.Contains("\nCOPY publish/${TARGETARCH}/ /context/app/\nARG SOURCE_DATE_EPOCH\n"
                        + "RUN mkdir -p /.image/app && find /context/app/ -mindepth 1 -maxdepth 1 -exec cp -a {} /.image/app/ \\; && find /.image -exec touch -h -d \"@$SOURCE_DATE_EPOCH\" {} +\n", notes.Dockerfile);
        var final = notes.Dockerfile!.Substring(notes.Dockerfile.LastIndexOf("\nFROM ", System.StringComparison.Ordinal));
        Assert.Contains("\nCOPY --from=context /.image/ /\n", final);
        Assert.DoesNotContain("publish/", final);
        Assert.DoesNotContain("ARG TARGETARCH", final);

        // Every kind of context copy: a file into a directory, a directory's contents, a file to a path, an owner.
        var spec = App.On(Base.FromScratch())
            .FromContext("conf/a.conf", "/etc/app/")
            .FromContext("tree/", "/srv/")
            .FromContext("conf/b.conf", "/etc/b.conf", "1000:1000")
            .Entrypoint("/srv/x").Spec;
        var dockerfile = DockerfileEmitter.Render(new ImageRef("t", "1", ImageTier.App), spec, "Tests.T").Dockerfile;
        Assert.Contains("AS context\nCOPY conf/a.conf /context/etc/app/\nCOPY tree/ /context/srv/\nCOPY conf/b.conf /context/etc/b.conf\nARG SOURCE_DATE_EPOCH\n"
                        + "RUN mkdir -p /.image/etc/app && find /context/etc/app/ -mindepth 1 -maxdepth 1 -exec cp -a {} /.image/etc/app/ \\;"
                        + " && mkdir -p /.image/srv && find /context/srv/ -mindepth 1 -maxdepth 1 -exec cp -a {} /.image/srv/ \\;"
                        + " && mkdir -p /.image/etc && cp -a /context/etc/b.conf /.image/etc/b.conf && chown -h 1000:1000 /.image/etc/b.conf"
                        + " && find /.image -exec touch -h -d \"@$SOURCE_DATE_EPOCH\" {} +\n", dockerfile);
        Assert.Single(Regex.Matches(dockerfile, "COPY --from=context "));
        Assert.DoesNotContain("--chown", dockerfile);

        // The stage's name is the renderer's: a definition's own stage cannot take it.
        Assert.Throws<DslException>(() => App.On(Base.FromScratch()).Stage(BuildStage.OnDebian("context")));
    }

    [Fact]
    public void The_epoch_is_the_last_commit_that_touched_the_definitions()
    {
        var definitions = System.IO.Path.GetDirectoryName(Distroless.Dsl.Runner.Locking.LockPaths.DefaultLock())!;
        var commit = SourceDateEpoch.LastCommitOf(definitions);
        Assert.NotNull(commit);
        Assert.True(commit > 1700000000, "a commit time, not " + commit);
        Assert.Null(SourceDateEpoch.LastCommitOf(System.IO.Path.GetTempPath()));
    }
}
