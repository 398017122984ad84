using System;
using System.CommandLine;
using System.IO;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Compose;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>up NAME [--out DIR] [--generate-secrets] [--build] [--timeout SECONDS]</c>: builds what is missing (or, with
/// --build, everything), starts the stack, waits until healthy.</summary>
internal static class UpCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The stack." };
        var outDir = new Option<string?>("--out") { Description = "Directory of the compose project (default: deploy/NAME)." };
        var generate = new Option<bool>("--generate-secrets") { Description = "Write random values for the missing secret files first." };
        var build = new Option<bool>("--build") { Description = "Build every image of the stack, not only the missing ones (unchanged ones are cache hits); compose then recreates the services whose image changed." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every health check to pass.", DefaultValueFactory = _ => 180 };
        var command = new Command("up", "Build the stack's missing images, start it with compose and wait until every service is healthy.")
        {
            name, outDir, generate, build, timeout,
        };
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var stack = lookup.Stack(result.GetValue(name)!);
            await StackLifecycle.UpAsync(lookup.Catalog, naming.Read(result), stack, result.GetValue(outDir) ?? ComposeProject.DefaultDirectory(stack), result.GetValue(generate), result.GetValue(build),
                TimeSpan.FromSeconds(Math.Max(1, result.GetValue(timeout))), output, error, cancellation);
            return 0;
        });
        return command;
    }
}
