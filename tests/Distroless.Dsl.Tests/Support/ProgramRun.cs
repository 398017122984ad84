using System.Diagnostics;

namespace Distroless.Dsl.Tests.Support;

/// <summary>Runs an outside program (the runner as a user would, the docker CLI, gpg…) to its end, optionally writing
/// <paramref name="stdin"/> first, and returns its exit code, stdout and stderr.</summary>
internal static class ProgramRun
{
    public static (int Exit, string Output, string Error) Run(ProcessStartInfo start, string? stdin = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = stdin is not null;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
