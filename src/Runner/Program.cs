using System;
using System.CommandLine;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Commands;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner;

public static class Program
{
    /// <summary>The exit code after Ctrl-C (SIGINT) or SIGTERM, as shells report a signal: 128 + 2.</summary>
    public const int InterruptedExitCode = 130;

    public static async Task<int> Main(string[] args)
    {
        // Ctrl-C and SIGTERM cancel the command: running builds are stopped and every child process tree is killed
        // (Processes/ExternalProgram) before the runner exits.
        using var interrupt = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            // The first signal: exit once the command has cleaned up. A second one: the default, exit at once.
            context.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await RunAsync(args, GeneratedCatalog.Catalog, Console.Out, Console.Error, interrupt.Token).ConfigureAwait(false);
    }

    /// <summary>Runs one command. Failures print one line to <paramref name="error"/> and return non-zero; with
    /// <c>--verbose</c> an unexpected exception's stack follows that line.</summary>
    public static async Task<int> RunAsync(string[] args, DefinitionCatalog catalog, TextWriter output, TextWriter error, CancellationToken interrupt = default)
    {
        var lookup = new CatalogLookup(catalog);
        var verbose = new Option<bool>("--verbose") { Description = "On an unexpected failure, print the stack trace too.", Recursive = true };
        var root = new RootCommand("Distroless.Dsl runner: list, show, generate, bootstrap and build the images and stacks defined in C#.")
        {
            verbose,
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
            SbomCommand.Create(lookup, output, error),
        };

        var parsed = root.Parse(args);
        try
        {
            // The signals are handled in Main, so the library must not install its own handler.
            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parsed.InvokeAsync(configuration, interrupt).ConfigureAwait(false);
        }
        catch (Exception) when (interrupt.IsCancellationRequested)
        {
            error.WriteLine("error: interrupted: stopped the running builds and programs");
            return InterruptedExitCode;
        }
        catch (Exception e) when (e is RunnerException or EngineUnavailableException or IOException or InvalidOperationException)
        {
            error.WriteLine("error: " + OneLine(e.Message));
            return 1;
        }
        catch (Exception e)
        {
            // A failure no check foresaw (an engine or file system surprise, or a bug): still one line and exit 1.
            error.WriteLine("error: " + OneLine(e.Message) + " (" + e.GetType().Name + (parsed.GetValue(verbose) ? ")" : "; --verbose shows where)"));
            if (parsed.GetValue(verbose))
            {
                error.WriteLine(e.ToString());
            }

            return 1;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
