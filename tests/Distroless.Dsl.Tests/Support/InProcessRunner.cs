using System.IO;
using Distroless.Dsl.Catalog;

namespace Distroless.Dsl.Tests.Support;

/// <summary>Runs a runner command inside the test process, as xunit's synchronous tests need it.</summary>
public static class InProcessRunner
{
    public static int Run(string[] args, DefinitionCatalog catalog, TextWriter output, TextWriter error) =>
        Distroless.Dsl.Runner.Program.RunAsync(args, catalog, output, error).GetAwaiter().GetResult();
}
