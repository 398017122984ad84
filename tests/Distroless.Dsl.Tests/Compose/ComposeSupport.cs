using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Tests.Support;

namespace Distroless.Dsl.Tests.Compose;

/// <summary>Runs the runner in-process and outside programs (the compose implementation, the docker CLI) for the stack tests.</summary>
internal static class ComposeSupport
{
    public static (int Exit, string Output, string Error) Runner(DefinitionCatalog catalog, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static (int Exit, string Output) Program(string program, IEnumerable<string> arguments, string? directory = null)
    {
        var start = new ProcessStartInfo(program);
        if (directory is not null)
        {
            start.WorkingDirectory = directory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exit, output, error) = ProgramRun.Run(start);
        return (exit, output + error);
    }

    public static string TempDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "distroless-tests-" + name + "-" + System.Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(path);
        return path;
    }
}
