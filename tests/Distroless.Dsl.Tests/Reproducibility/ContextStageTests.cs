using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing;
using Docker.DotNet.Models;
using Xunit;

namespace Distroless.Dsl.Tests.Reproducibility;

/// <summary>Context copies go through the context stage (<see cref="ContextStage"/>) so that every directory they make
/// carries SOURCE_DATE_EPOCH; what lands in the image must still be exactly what plain <c>COPY</c>s from the context
/// give. Real engine: the same context built both ways, the file systems compared path by path.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class ContextStageTests
{
    private const string Repository = "distroless-dsl/test-context-stage";

    /// <summary>A file into a new directory, a directory's contents (with a subfolder), a file to a path, a directory
    /// without a slash to a path, the target architecture's file, and a chowned file over an earlier copy's file.
    /// (A chowned copy into a directory that does not exist yet differs on purpose: BuildKit's COPY --chown owns the
    /// directory it creates, the tree keeps it root's, as the root filesystem does for such copies.)</summary>
    private static readonly (string From, string To, string? Owner)[] Copies =
    {
        ("conf/a.conf", "/etc/app/", null),
        ("tree/", "/srv/", null),
        ("conf/b.conf", "/etc/b.conf", null),
        ("tree", "/opt/whole", null),
        ("{arch}/x.txt", "/arch/", null),
        ("conf/c.conf", "/srv/sub/deep.txt", "1000:1000"),
    };

    private static readonly (string Path, string Content)[] ContextFiles =
    {
        ("conf/a.conf", "a\n"), ("conf/b.conf", "b\n"), ("conf/c.conf", "c\n"),
        ("tree/top.txt", "top\n"), ("tree/sub/deep.txt", "deep\n"),
        ("amd64/x.txt", "amd64\n"), ("arm64/x.txt", "arm64\n"),
    };

    [Fact]
    public async Task The_context_stage_gives_the_image_exactly_what_plain_COPYs_from_the_context_give()
    {
        var spec = App.On(Base.FromScratch()).Entrypoint("/srv/top.txt");
        foreach (var (from, to, owner) in Copies)
        {
            spec = spec.FromContext(from, to, owner);
        }

        // The context stage as the renderer writes it, with the Dockerfile's opening ARGs; the final stage is scratch.
        var rendered = DockerfileEmitter.Render(new ImageRef("t", "1", ImageTier.App), spec.Spec, "Tests.ContextStage").Dockerfile;
        var header = rendered.Substring(0, rendered.IndexOf("\n\n", StringComparison.Ordinal) + 1);
        var start = rendered.IndexOf("\nFROM --platform=$BUILDPLATFORM " + BuildStage.DebianBuilderImage + " AS " + ContextStage.Name + "\n", StringComparison.Ordinal);
        Assert.True(start > 0, rendered);
        var stage = rendered.Substring(start, rendered.IndexOf("\n\n", start + 1, StringComparison.Ordinal) - start + 1);
        var label = "LABEL " + ImageNames.OwnerLabel + "=\"test-context-stage\"\n";
        var routed = header + stage + "\nFROM scratch\n" + string.Join("\n", StageOutputTree.CopyLines(ContextStage.Route(spec.Spec))) + "\n" + label;
        var plain = "FROM scratch\nARG TARGETARCH\n"
                    + string.Concat(Copies.Select(c => "COPY " + (c.Owner is null ? "" : "--chown=" + c.Owner + " ") + c.From.Replace("{arch}", "${TARGETARCH}") + " " + c.To + "\n"))
                    + label;

        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var platform = "linux/arm64";
        var builder = new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(TextWriter.Null), ImageNaming.Default);
        var files = new Dictionary<string, IReadOnlyDictionary<string, ImageFile>>();
        try
        {
            foreach (var (name, dockerfile) in new[] { ("plain", plain), ("routed", routed) })
            {
                var outcome = await builder.BuildAsync(name, platform, Repository + ":" + name,
                    () => BuildContextArchive.FromFiles(ContextFiles.Prepend(("Dockerfile", dockerfile)).ToArray()), noCache: true, CancellationToken.None);
                Assert.True(outcome.Succeeded, name + ":\n" + dockerfile + "\n" + outcome.Error + "\n" + string.Join("\n", outcome.FailedLog));
                files[name] = (await ExportedFileSystem.ReadAsync(engine, Repository + ":" + name, platform, CancellationToken.None)).Files;
            }
        }
        finally
        {
            foreach (var name in new[] { "plain", "routed" })
            {
                try
                {
                    await engine.Client.Images.DeleteImageAsync(Repository + ":" + name, new ImageDeleteParameters(), CancellationToken.None);
                }
                catch (Docker.DotNet.DockerImageNotFoundException)
                {
                    // Its build failed: nothing was tagged.
                }
            }
        }

        static string Describe(ImageFile f) => f.Path + " " + f.Type + " " + Convert.ToString((int)f.Mode, 8) + " " + f.Uid + ":" + f.Gid + " " + f.Size + " " + f.Sha256 + " " + f.LinkTarget;
        var expected = files["plain"].Values.Select(Describe).OrderBy(l => l, StringComparer.Ordinal).ToList();
        var actual = files["routed"].Values.Select(Describe).OrderBy(l => l, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);

        // The cases are real: each copy put something where the test expects it, arm64's file for arm64, the owner applied.
        Assert.Contains(actual, l => l.StartsWith("/srv/sub/deep.txt RegularFile 644 1000:1000 2 ", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.StartsWith("/opt/whole/sub/deep.txt RegularFile 644 0:0 5 ", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.StartsWith("/arch/x.txt RegularFile 644 0:0 6 ", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.StartsWith("/etc/app/a.conf ", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.StartsWith("/etc/b.conf ", StringComparison.Ordinal));
        Assert.Contains(actual, l => l.StartsWith("/srv/top.txt ", StringComparison.Ordinal));
    }
}
