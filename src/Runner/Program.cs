using System;
using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Commands;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner;

public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, GeneratedCatalog.Catalog, Console.Out, Console.Error);

    public static int Run(string[] args, DefinitionCatalog catalog, TextWriter output, TextWriter error) =>
        RunAsync(args, catalog, output, error).GetAwaiter().GetResult();

    /// <summary>Runs one command. Failures print one line to <paramref name="error"/> and return non-zero.</summary>
    public static async Task<int> RunAsync(string[] args, DefinitionCatalog catalog, TextWriter output, TextWriter error)
    {
        var lookup = new CatalogLookup(catalog);
        var root = new RootCommand("Distroless.Dsl runner: list, show, generate, bootstrap and build the images and stacks defined in C#.")
        {
            ListCommand.Create(lookup, output),
            ShowCommand.Create(lookup, output),
            GenerateCommand.Create(lookup, output),
            BootstrapCommand.Create(output),
            BuildCommand.Create(lookup, output, error),
            TestCommand.Create(lookup, output, error),
            ComposeCommand.Create(lookup, output),
            UpCommand.Create(lookup, output, error),
            DownCommand.Create(lookup, output),
            PublishCommand.Create(lookup, output, error),
            CleanCommand.Create(lookup, output, error),
            LockCommand.Create(lookup, output, error),
            FetchCommand.Create(lookup, output, error),
        };

        try
        {
            var parsed = root.Parse(args);
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RunnerException or EngineUnavailableException or IOException or InvalidOperationException)
        {
            error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}
