using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing;
using Docker.DotNet;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>test NAME... [--platform P]</c>: checks each built image against its contract, on every platform it was built for.</summary>
internal static class TestCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "Images to test (build them first).", Arity = ArgumentArity.OneOrMore };
        var platforms = new Option<string[]>("--platform") { Description = "Test only these platforms (default: each image's own).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("test", "Check built images against their contract: no shell, interpreter or package manager (judged by content), the exact user and environment, ownership, CA bundle, zoneinfo, size, smoke test.")
        {
            names, platforms,
        };
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var wanted = PlatformSelection.Parse(result.GetValue(platforms));
            var imageNames = naming.Read(result);
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            var failures = 0;
            RuntimeProbe? probe = null;
            foreach (var name in result.GetValue(names)!)
            {
                var image = lookup.Image(name);
                var expectation = ContractCheck.Expectations(image, lookup.Catalog);
                foreach (var platform in wanted.Require(image))
                {
                    var tag = imageNames.PlatformTag(image, platform);
                    var problems = new List<string>();
                    Docker.DotNet.Models.ImageInspectResponse config;
                    try
                    {
                        config = await engine.Client.Images.InspectImageAsync(tag, cancellation);
                    }
                    catch (DockerImageNotFoundException)
                    {
                        throw new RunnerException("Image " + tag + " is not built for " + platform + ": run 'build " + name + " --platform " + platform + "' first");
                    }

                    var files = await ExportedFileSystem.ReadAsync(engine, tag, platform, cancellation);
                    problems.AddRange(ContractCheck.Check(expectation, config, files));
                    var native = platform == engine.HostPlatform;
                    if (native && expectation.SmokeCommand is { } smoke)
                    {
                        var (exit, log) = await ContainerRun.RunAsync(engine, tag, smoke, cancellation);
                        if (exit != 0)
                        {
                            problems.Add("smoke test '" + string.Join(" ", smoke) + "' exited " + exit + ": " + log.Split('\n').LastOrDefault());
                        }
                    }

                    var probeChecks = native ? RuntimeProbe.ChecksFor(expectation) : Array.Empty<string>();
                    if (probeChecks.Count > 0)
                    {
                        probe ??= await RuntimeProbe.PrepareAsync(engine, imageNames, new BuildProgress(TextWriter.Null), cancellation);
                        problems.AddRange(await probe.RunAsync(engine, tag, probeChecks, cancellation));
                    }

                    var checkedWhat = files.Files.Count + " files" + (native && expectation.SmokeCommand is not null ? ", smoke test" : "")
                                      + (probeChecks.Count > 0 ? ", runtime probe (" + string.Join(", ", probeChecks) + ")" : "");
                    output.WriteLine((problems.Count == 0 ? "pass  " : "FAIL  ") + (tag + " ").PadRight(44) + platform.PadRight(13) + config.Size + " bytes, " + checkedWhat);
                    const int Shown = 20;
                    foreach (var problem in problems.Take(Shown))
                    {
                        output.WriteLine("      " + problem);
                    }

                    if (problems.Count > Shown)
                    {
                        output.WriteLine("      ... and " + (problems.Count - Shown) + " more");
                    }

                    failures += problems.Count;
                }
            }

            if (failures > 0)
            {
                error.WriteLine("error: " + failures + " contract check(s) failed");
                return 1;
            }

            return 0;
        });
        return command;
    }
}
