using System.CommandLine;
using System.IO;
using System.Linq;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Output;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>generate [--out DIR]</c>: writes every Dockerfile, build-context file and compose file.</summary>
internal static class GenerateCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output)
    {
        var outDir = new Option<string>("--out") { Description = "Directory to write into.", DefaultValueFactory = _ => "out" };
        var command = new Command("generate", "Write every Dockerfile, build-context file and compose file to disk.") { outDir };
        command.SetAction(result =>
        {
            var root = Path.GetFullPath(result.GetValue(outDir)!);
            var count = GeneratedTree.Write(root, lookup.Catalog);
            output.WriteLine("Wrote " + count + " files for " + lookup.Catalog.Images.Count() + " images and "
                             + lookup.Catalog.Stacks.Count() + " stacks to " + root);
            return 0;
        });
        return command;
    }
}
