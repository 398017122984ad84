using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Distroless.Dsl.Tests.Support;

/// <summary>Starts the built runner as its own process, as a user would, with chosen environment variables.</summary>
internal static class RunnerProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Distroless.Dsl.Runner.dll");

    /// <summary>The dotnet host running the tests, by path, so a test may empty PATH.</summary>
    public static string DotnetHost => Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "/usr/bin/dotnet";

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost) { UseShellExecute = false };
        foreach (var argument in new[] { "exec", Dll })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CI"] = "1"; // plain lines
        foreach (var variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        return start;
    }

    public static (int Exit, string Output, string Error) Run(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        ProgramRun.Run(StartInfo(environment, args));

    /// <summary>Whether <paramref name="pid"/> is gone (a zombie waiting for a parent that will not reap it counts as gone:
    /// it runs nothing).</summary>
    public static bool IsGone(int pid)
    {
        var stat = "/proc/" + pid + "/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var state = text.Substring(text.LastIndexOf(')') + 2, 1);
            return state is "Z" or "X";
        }
        catch (IOException)
        {
            return true;
        }
    }
}
