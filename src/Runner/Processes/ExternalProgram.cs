using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Processes;

/// <summary>Runs a program the runner drives (the .NET SDK, a compose implementation) and keeps its stdout and stderr
/// lines together in the order they came, for the failure report.</summary>
internal static class ExternalProgram
{
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        var lines = new List<string>();
        using var process = Process.Start(start) ?? throw new RunnerException("could not start " + program);
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        return (process.ExitCode, lines);

        void Add(string? line)
        {
            if (line is not null)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        }
    }
}
