using System;
using System.CommandLine;
using System.IO;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Commands;

namespace Distroless.Dsl.Runner;

public static class Program
{
    public static int Main(string[] args) => Run(args, GeneratedCatalog.Catalog, Console.Out, Console.Error);

    /// <summary>Runs one command. Failures print one line to <paramref name="error"/> and return non-zero.</summary>
    public static int Run(string[] args, DefinitionCatalog catalog, TextWriter output, TextWriter error)
    {
        var lookup = new CatalogLookup(catalog);
        var root = new RootCommand("Distroless.Dsl runner: list, show and generate the images and stacks defined in C#.")
        {
            ListCommand.Create(lookup, output),
            ShowCommand.Create(lookup, output),
            GenerateCommand.Create(lookup, output),
        };

        try
        {
            var parsed = root.Parse(args);
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (RunnerException e)
        {
            error.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (IOException e)
        {
            error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}
