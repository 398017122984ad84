using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Sbom;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>sbom NAME [--platform P] [--out FILE]</c>: the SPDX 2.3 JSON SBOM of one built image and platform.</summary>
internal static class SbomCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The image, as 'list' shows it (build it first)." };
        var platform = new Option<string?>("--platform") { Description = "linux/amd64 or linux/arm64 (default: the engine's own, when the image targets it; else the image's first)." };
        var file = new Option<string?>("--out") { Description = "Write the document to FILE instead of standard output." };
        var command = new Command("sbom", "Write the SPDX 2.3 JSON SBOM of a built image: its Debian packages (inherited ones too) with the lock's "
                                          + "SHA-256, programs built from Debian source, pinned downloads and a .NET app's NuGet packages.")
        {
            name, platform, file,
        };
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var image = lookup.Image(result.GetValue(name)!);
            var asked = PlatformSelection.Parse(result.GetValue(platform) is { } p ? new[] { p } : null);
            if (asked.Wanted is { Count: > 1 })
            {
                throw new RunnerException("sbom writes one platform's document: give one --platform, not " + string.Join(",", asked.Wanted));
            }

            var platforms = asked.Require(image);
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            var chosen = asked.Wanted is not null ? platforms[0] : platforms.Contains(engine.HostPlatform) ? engine.HostPlatform : platforms[0];
            var document = await SbomWriter.CreateAsync(engine, lookup.Catalog, image, chosen, naming.Read(result), new SbomOptions(Progress: error), cancellation);

            var path = result.GetValue(file);
            if (path is null)
            {
                output.Write(Encoding.UTF8.GetString(document));
                return 0;
            }

            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temporary = full + ".tmp";
            await File.WriteAllBytesAsync(temporary, document, cancellation);
            File.Move(temporary, full, overwrite: true);
            error.WriteLine("wrote " + path + " (" + image.Name + " " + chosen + ", SPDX 2.3)");
            return 0;
        });
        return command;
    }
}
