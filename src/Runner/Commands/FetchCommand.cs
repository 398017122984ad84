using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>fetch [NAME...]</c>: fills the host cache with the locked inputs of the named images (packages, Debian
/// source files, release downloads), verified.</summary>
internal static class FetchCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "Images whose packages to fetch (default: every image).", Arity = ArgumentArity.ZeroOrMore };
        var platforms = new Option<string[]>("--platform") { Description = "Only these platforms (default: each image's own).", AllowMultipleArgumentsPerToken = true };
        var lockPath = new Option<string?>("--lock") { Description = "The lock file (default: definitions/packages.lock of this repository)." };
        var cache = new Option<string?>("--cache") { Description = "The package cache (default: $DISTROLESS_PACKAGE_CACHE, else ~/.cache/distroless-dsl/debs)." };
        var into = new Option<string?>("--into")
        {
            Description = "Also copy the inputs of one image and one platform into DIR/debs/, DIR/sources/ and DIR/downloads/, e.g. the image's folder of 'generate', for a plain docker build.",
        };
        var command = new Command("fetch", "Download the locked .deb files, Debian source files and release files of images into the host cache, each checked against its SHA-256.")
        {
            names, platforms, lockPath, cache, into,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var images = result.GetValue(names) is { Length: > 0 } given ? given.Select(lookup.Image).ToList() : lookup.Catalog.Images.ToList();
            var only = PlatformSelection.Parse(result.GetValue(platforms));
            var intoDirectory = result.GetValue(into);
            if (intoDirectory is not null && (images.Count != 1 || only.Wanted is not { Count: 1 }))
            {
                throw new RunnerException("--into takes the packages of one image for one platform: fetch NAME --platform linux/ARCH --into DIR");
            }

            var path = result.GetValue(lockPath) ?? LockPaths.DefaultLock();
            var lockFile = LockPaths.Read(path);
            var gaps = LockCheck.Gaps(images, lockFile);
            if (gaps.Count > 0)
            {
                throw new RunnerException(gaps[0] + ", which " + Path.GetFileName(path) + " lacks: run 'lock --update " + string.Join(" ", gaps.Select(g => g.Image).Distinct()) + "'");
            }

            using var engine = await EngineConnection.ConnectAsync(cancellation);
            // Builds run their builder stages natively on this engine, so builder packages are fetched for its architecture only.
            var wanted = images
                .SelectMany(i => only.Of(i).Select(p => lockFile.For(i.Name, ImageNaming.Architecture(p), engine.HostArchitecture)))
                .SelectMany(p => p).ToList();
            // The platforms asked for, not the shipped packages' architectures: an image that ships no package (curl) still has a target.
            var arches = images.SelectMany(i => only.Of(i)).Select(ImageNaming.Architecture).Distinct().OrderBy(a => a, StringComparer.Ordinal);
            var store = new PackageCache(result.GetValue(cache) ?? LockPaths.DefaultCache());
            var report = await store.FetchAsync(engine, wanted, output, cancellation);
            var files = await LockedInputs.FetchFilesAsync(engine, images, only, lockFile, store, LockPaths.LocalDownloads(path), output, cancellation);
            output.WriteLine("fetch: " + report.Packages + " packages for " + string.Join(",", arches) + " (builder packages for " + engine.HostArchitecture + "): downloaded " + report.Downloaded
                             + " (" + LockedInputs.Megabytes(report.DownloadedBytes) + " MB), " + report.Cached + " already cached, verified in "
                             + report.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s; cache " + store.Directory);
            if (files.Packages > 0)
            {
                output.WriteLine("fetch: " + files.Packages + " source and release files: downloaded " + files.Downloaded + " (" + LockedInputs.Megabytes(files.DownloadedBytes) + " MB), " + files.Cached + " already cached, verified in " + files.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
            }

            if (intoDirectory is not null)
            {
                var image = images[0];
                var platform = only.Require(image)[0];
                var inputs = await LockedInputs.PrepareAsync(engine, images, only, output, cancellation, path, store.Directory);
                var folder = Path.Combine(intoDirectory, LockedInputs.ContextFolder);
                // Only what the lock says for this platform: inputs of an earlier --into (another platform) go.
                foreach (var context in LockedInputs.ContextFolders.Select(f => Path.Combine(intoDirectory, f)).Where(Directory.Exists))
                {
                    Directory.Delete(context, recursive: true);
                }

                foreach (var sub in LockedInputs.Folders)
                {
                    Directory.CreateDirectory(Path.Combine(folder, sub));
                }

                var copied = inputs.CopyInto(image, platform, intoDirectory);
                var packages = copied.Count(c => c.StartsWith(LockedInputs.ContextFolder + "/", StringComparison.Ordinal));
                output.WriteLine("fetch: " + packages + " packages of " + image.Name + " for " + platform + " (builder packages for " + engine.HostArchitecture + ") in " + folder
                                 + (copied.Count > packages ? ", " + (copied.Count - packages) + " source and release files beside it" : ""));
            }

            return 0;
        });
        return command;
    }
}
