using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Xunit;

namespace Distroless.Dsl.Tests.Support;

/// <summary>The real Trivy (tests/infra/trivy.sh), offline with no vulnerability database, on a <c>docker save</c> of an image.</summary>
internal static class TrivyScan
{
    public static string Program => Environment.GetEnvironmentVariable("DISTROLESS_TRIVY") ?? "/opt/distroless-trivy/trivy";

    public static async Task<JsonDocument> ImageAsync(string tag)
    {
        var work = Directory.CreateTempSubdirectory("distroless-sbom-trivy-");
        try
        {
            var saved = Path.Combine(work.FullName, "saved.tar");
            using (var engine = await EngineConnection.ConnectAsync(CancellationToken.None))
            await using (var stream = await engine.Client.Images.SaveImageAsync(tag, CancellationToken.None))
            await using (var file = File.Create(saved))
            {
                await stream.CopyToAsync(file);
            }

            Assert.True(File.Exists(Program), Program + " is missing: run tests/infra/trivy.sh");
            var start = new ProcessStartInfo(Program);
            foreach (var argument in new[]
                     {
                         "image", "--input", saved, "--cache-dir", Path.Combine(work.FullName, "cache"), "--skip-db-update",
                         "--skip-java-db-update", "--offline-scan", "--scanners", "license", "--list-all-pkgs", "-f", "json", "-q",
                     })
            {
                start.ArgumentList.Add(argument);
            }

            var (exit, output, error) = ProgramRun.Run(start);
            Assert.True(exit == 0, "trivy exited " + exit + ": " + error);
            return JsonDocument.Parse(output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
