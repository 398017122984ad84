using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Bootstrap;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>build NAME... [--platform P]... [--builder auto|buildkit|classic] [--no-cache] [--parallel N]</c>.</summary>
internal static class BuildCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "Images or stacks to build; what they build on is built first.", Arity = ArgumentArity.OneOrMore };
        var platforms = new Option<string[]>("--platform") { Description = "Build only these platforms (default: each image's own).", AllowMultipleArgumentsPerToken = true };
        var builder = new Option<BuilderKind>("--builder") { Description = "BuildKit, the classic builder, or auto (BuildKit where the engine offers it).", DefaultValueFactory = _ => BuilderKind.Auto };
        var noCache = new Option<bool>("--no-cache") { Description = "Ignore the engine's build cache." };
        var lockPath = new Option<string?>("--lock") { Description = "The lock file (default: definitions/packages.lock of this repository)." };
        var parallel = new Option<int>("--parallel") { Description = "How many image builds run at once.", DefaultValueFactory = _ => BuildBeforeUse.DefaultParallelism };
        var command = new Command("build", "Build images (and what they build on) on the Docker engine, per platform, with no emulation.")
        {
            names, platforms, builder, noCache, parallel, lockPath,
        };
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var wanted = PlatformSelection.Parse(result.GetValue(platforms));
            var imageNames = naming.Read(result);

            var plan = new BuildPlan(lookup.Catalog);
            var images = plan.Resolve(result.GetValue(names)!);
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            output.WriteLine("Engine " + engine.Version + " at " + engine.Endpoint.Uri + " (" + engine.HostPlatform + "); building " + string.Join(", ", images.Select(i => i.Name)));
            await new BuilderImageBootstrap(engine, output).EnsureAsync(imageNames, cancellation);
            var packages = await LockedInputs.PrepareAsync(engine, images, wanted, output, cancellation, result.GetValue(lockPath));

            IReadOnlyList<BuildResult> results;
            using (var progress = BuildProgress.For(output))
            {
                results = await plan.RunAsync(engine, new ImageBuilder(engine, result.GetValue(builder), progress, imageNames, packages), progress, images,
                    wanted, result.GetValue(noCache), result.GetValue(parallel), cancellation);
            }

            output.WriteLine();
            foreach (var r in results)
            {
                output.WriteLine(r.Status.PadRight(8) + (r.Image + " ").PadRight(14) + (r.Platform + " ").PadRight(13)
                                 + (r.Size is { } size ? (size / 1e6).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " MB  " : "")
                                 + (r.Status == "built" ? r.Duration.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s" : r.Reason));
            }

            foreach (var failure in results.Where(r => r.Status == "failed"))
            {
                var outcome = failure.Outcome!;
                error.WriteLine();
                error.WriteLine("--- " + failure.Image + " " + failure.Platform + (outcome.FailedStep.Length > 0 ? ": " + outcome.FailedStep : ""));
                foreach (var line in outcome.FailedLog)
                {
                    error.WriteLine("    " + line);
                }
            }

            var failed = results.Where(r => r.Status == "failed").ToList();
            if (failed.Count > 0)
            {
                error.WriteLine("error: " + string.Join("; ", failed.Select(f => f.Image + " " + f.Platform + " failed: " + Cause(f))));
                return 1;
            }

            return results.Any(r => r.Status == "skipped" && r.Reason.StartsWith("depends", StringComparison.Ordinal)) ? 1 : 0;
        });
        return command;
    }

    /// <summary>The failed step's last output line says why (e.g. "download failed: URL"); the engine's own error
    /// only repeats the command and its exit code, so it is the fallback.</summary>
    private static string Cause(BuildResult failure) =>
        failure.Outcome?.FailedLog.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() is { } last ? last : failure.Reason;
}
