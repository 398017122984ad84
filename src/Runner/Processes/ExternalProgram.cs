using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Processes;

/// <summary>One run of a program the runner drives (the .NET SDK, compose, mmdebstrap, a credential helper).</summary>
/// <param name="Program">A name looked up on PATH, or a path.</param>
internal sealed record ProgramInvocation(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>Variables set for the child on top of the runner's own; a PATH here is also where the program is looked up.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Written to the child's stdin, which is then closed; null leaves stdin unredirected.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The child and everything it started are killed after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>How a program ended: its exit code, its stdout and stderr lines interleaved in the order they came (for a
/// failure report), and each stream on its own (for programs that answer on stdout).</summary>
internal sealed record ProgramResult(int ExitCode, IReadOnlyList<string> Output, string StandardOutput, string StandardError);

/// <summary>The program is not installed: the message names it and the Debian package that has it.</summary>
internal sealed class MissingProgramException : RunnerException
{
    public MissingProgramException(string program, string message)
        : base(message) => Program = program;

    public string Program { get; }
}

/// <summary>The program outlived its timeout and was killed with everything it started.</summary>
internal sealed class ProgramTimeoutException : RunnerException
{
    public ProgramTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>The runner's only way to start a process. Cancellation (Ctrl-C) and the timeout kill the child's whole
/// process tree, so nothing it started outlives the runner.</summary>
internal static class ExternalProgram
{
    /// <summary>Where each program the runner drives comes from on Debian, for the "not installed" message.</summary>
    private static readonly Dictionary<string, string> DebianPackages = new(StringComparer.Ordinal)
    {
        ["mmdebstrap"] = "mmdebstrap",
        ["docker-compose"] = "docker-compose",
        ["docker"] = "docker.io",
        ["docker-credential-pass"] = "golang-docker-credential-helpers",
        ["docker-credential-secretservice"] = "golang-docker-credential-helpers",
    };

    public static string HowToInstall(string program) => program switch
    {
        "dotnet" => "install the .NET 10 SDK (dotnet-sdk-10.0)",
        _ when DebianPackages.TryGetValue(program, out var package) => "install it with 'apt-get install " + package + "'",
        _ => "install it or add its folder to PATH",
    };

    /// <summary>Runs <paramref name="invocation"/> to its end. Throws <see cref="MissingProgramException"/> when the program
    /// is not on PATH, <see cref="RunnerException"/> on the timeout, <see cref="OperationCanceledException"/> when cancelled;
    /// in both of the latter the process tree is gone before it returns.</summary>
    public static async Task<ProgramResult> RunAsync(ProgramInvocation invocation, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var path = Resolve(invocation.Program, invocation.Environment is { } env && env.TryGetValue("PATH", out var p) ? p : System.Environment.GetEnvironmentVariable("PATH"))
                   ?? throw new MissingProgramException(invocation.Program, invocation.Program + " is not installed (not on PATH): " + HowToInstall(invocation.Program));
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = invocation.StandardInput is not null,
            UseShellExecute = false,
        };
        foreach (var argument in invocation.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in invocation.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        var lines = new List<string>();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Add(e.Data, stdout);
        process.ErrorDataReceived += (_, e) => Add(e.Data, stderr);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new RunnerException("could not start " + invocation.Program + ": " + e.Message);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(invocation.Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        try
        {
            if (invocation.StandardInput is { } input)
            {
                try
                {
                    await process.StandardInput.WriteAsync(input.AsMemory(), stop.Token).ConfigureAwait(false);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The child closed its stdin without reading it all: its exit code and output still count.
                }
            }

            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            throw new ProgramTimeoutException(invocation.Program + " did not finish within " + Seconds(invocation.Timeout) + ": stopped it");
        }

        lock (lines)
        {
            return new ProgramResult(process.ExitCode, lines.ToList(), stdout.ToString(), stderr.ToString());
        }

        void Add(string? line, StringBuilder stream)
        {
            if (line is not null)
            {
                lock (lines)
                {
                    lines.Add(line);
                    stream.Append(line).Append('\n');
                }
            }
        }
    }

    /// <summary>The file <paramref name="program"/> names: itself when it holds a '/', else the first executable of that
    /// name in <paramref name="searchPath"/>'s folders; null when there is none.</summary>
    public static string? Resolve(string program, string? searchPath)
    {
        if (program.Contains('/'))
        {
            return File.Exists(program) ? program : null;
        }

        return (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(candidate => File.Exists(candidate)
                                         && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0));
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            using var reap = new CancellationTokenSource(TimeSpan.FromSeconds(5)); // SIGKILL was sent: this only reaps it
            await process.WaitForExitAsync(reap.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or OperationCanceledException)
        {
            // Already gone, or not reaped in time (it was killed all the same).
        }
    }

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
