using System.IO;
using System.Linq;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Pocket ID ships a release binary pinned by SHA-256 (<c>.Download(...).Sha256(...)</c>). Its release host is
/// not reachable from this CI, and a test that accepted either outcome proved nothing; this one builds an app defined
/// like Pocket ID whose release URL can never answer, so the outcome is certain and the test fails if the failure
/// stops naming the URL. (A served release cannot be tested here: downloads must be https, and the build's curl
/// trusts only Debian's CA bundle.)</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public sealed class DownloadTests
{
    [Fact]
    public void An_unreachable_release_fails_the_build_with_one_line_that_names_the_URL()
    {
        // Port 9 on the build container's own loopback: nothing listens there.
        var baseImage = GeneratedCatalog.Catalog.FindImage("base")!;
        var app = App.On(Distroless.Definitions.Bases.Static).Platforms("linux/amd64").User(1000, "app").WorkDir("/app")
            .Download("https://127.0.0.1:9/pocket-id_linux_{arch}", "/app/pocket-id")
            .Sha256("amd64", "da32b4e7bc8ba817ae2cee6e62634834bf234965fa237d25ab38fc3bec58ef48")
            .Entrypoint("/app/pocket-id");
        var entry = new CatalogEntry(DefinitionRenderer.RenderImage(new ImageRef("dl-missing", "0.0.1", ImageTier.App),
            app.Spec with { Parent = new ImageRef("base", baseImage.Version, ImageTier.Base) }, "Tests.DlMissing"));
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };

        var exit = InProcessRunner.Run(new[] { "build", "dl-missing", "--platform", "linux/amd64" },
            new DefinitionCatalog(new[] { baseImage, entry }), output, error);

        Assert.True(exit == 1 && System.Text.RegularExpressions.Regex.IsMatch(output.ToString(), @"failed\s+dl-missing\s+linux/amd64"),
            output + "\n" + error);
        Assert.Equal("error: dl-missing linux/amd64 failed: download failed: https://127.0.0.1:9/pocket-id_linux_amd64",
            error.ToString().Split('\n').Last(l => l.Length > 0));
    }
}
