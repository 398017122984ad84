using System.CommandLine;
using System.IO;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Compose;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>compose NAME [--out DIR] [--generate-secrets]</c>: writes a stack's compose project.</summary>
internal static class ComposeCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output)
    {
        var name = new Argument<string>("name") { Description = "The stack." };
        var outDir = new Option<string?>("--out") { Description = "Directory of the compose project (default: deploy/NAME)." };
        var generate = new Option<bool>("--generate-secrets") { Description = "Write random values for the missing secret files (never shown, never overwritten)." };
        var command = new Command("compose", "Write a stack's compose project: compose.yaml, a .env template and the secrets/ layout.") { name, outDir, generate };
        command.SetAction(result =>
        {
            var stack = lookup.Stack(result.GetValue(name)!);
            var (project, generated) = ComposeProject.Write(stack, result.GetValue(outDir) ?? ComposeProject.DefaultDirectory(stack), result.GetValue(generate));
            StackLifecycle.Report(project, generated, output);
            return 0;
        });
        return command;
    }
}
