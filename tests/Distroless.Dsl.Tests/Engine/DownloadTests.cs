using System.IO;
using System.Linq;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Locking;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Pocket ID ships a release binary pinned by SHA-256 (<c>.Download(...).Sha256(...)</c>), which the runner
/// fetches on the host before any image builds. Its release host is not reachable from this CI; this test builds an app
/// defined like Pocket ID whose release URL can never answer, so the outcome is certain: the build stops before any image
/// builds with one line naming the URL, its SHA-256 and where to put the file. (A file put there is tested in
/// Hermetic/HermeticBuildTests; a served one in Locking/DownloadFetchTests.)</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class DownloadTests
{
    [Fact]
    public void An_unreachable_release_stops_the_build_with_one_line_that_says_which_file_to_put_where()
    {
        // Port 9 on the host's loopback: nothing listens there.
        const string Sha = "da32b4e7bc8ba817ae2cee6e62634834bf234965fa237d25ab38fc3bec58ef48";
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var app = App.On(Distroless.Definitions.Bases.Static).Platforms("linux/amd64").User(1000, "app").WorkDir("/app")
            .Download("https://127.0.0.1:9/pocket-id_linux_{arch}", "/app/pocket-id")
            .Sha256("amd64", Sha)
            .Entrypoint("/app/pocket-id");
        var entry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("dl-missing", "0.0.1", ImageTier.App),
            app.Spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "Tests.DlMissing"));
        var directory = Directory.CreateTempSubdirectory("dl-missing-").FullName;
        var lockCopy = Path.Combine(directory, "packages.lock");
        var committed = LockPaths.Read(LockPaths.DefaultLock());
        LockPaths.Write(lockCopy, committed with
        {
            Downloads = committed.Downloads.Append(new LockedDownload("dl-missing", "amd64", "https://127.0.0.1:9/pocket-id_linux_amd64", Sha)).ToList(),
        });
        try
        {
            var output = new StringWriter { NewLine = "\n" };
            var error = new StringWriter { NewLine = "\n" };
            var exit = InProcessRunner.Run(new[] { "build", "dl-missing", "--platform", "linux/amd64", "--lock", lockCopy },
                new DefinitionCatalog(new[] { baseImage, entry }), output, error);

            Assert.Equal(1, exit);
            var line = Assert.Single(error.ToString().Split('\n'), l => l.Length > 0);
            Assert.StartsWith("error: cannot download https://127.0.0.1:9/pocket-id_linux_amd64 (", line);
            Assert.EndsWith("): download it elsewhere (sha256 " + Sha + ") and save it as " + Path.Combine(directory, "downloads", "dl-missing", "pocket-id_linux_amd64")
                            + ", then build again", line);
            Assert.DoesNotContain("] building ", output.ToString()); // no image build started
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
