using System.CommandLine;
using System.IO;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Compose;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>down NAME [--out DIR] [--volumes]</c>: stops and removes the stack's containers and networks.</summary>
internal static class DownCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output)
    {
        var name = new Argument<string>("name") { Description = "The stack." };
        var outDir = new Option<string?>("--out") { Description = "Directory of the compose project (default: deploy/NAME)." };
        var volumes = new Option<bool>("--volumes") { Description = "Also remove the stack's named volumes: its data." };
        var command = new Command("down", "Stop a stack and remove its containers and networks (and, with --volumes, its data).") { name, outDir, volumes };
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var stack = lookup.Stack(result.GetValue(name)!);
            await StackLifecycle.DownAsync(naming.Read(result), stack, result.GetValue(outDir) ?? ComposeProject.DefaultDirectory(stack), result.GetValue(volumes), output, cancellation);
            return 0;
        });
        return command;
    }
}
