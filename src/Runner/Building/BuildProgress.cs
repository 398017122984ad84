using System;
using System.IO;

namespace Distroless.Dsl.Runner.Building;

/// <summary>Build progress as plain lines, one per finished step, prefixed by image and platform: what CI logs and
/// redirected output get. Safe to call from concurrent builds; the lines of one build stay in order.</summary>
internal class BuildProgress : IDisposable
{
    private readonly object _gate = new();

    public BuildProgress(TextWriter output) => Output = output;

    protected TextWriter Output { get; }

    /// <summary>The live view when <paramref name="output"/> is the console on a terminal (and not CI), else plain lines.</summary>
    public static BuildProgress For(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null
        && Environment.GetEnvironmentVariable("TERM") is { } term && term != "dumb"
            ? new LiveBuildProgress(output)
            : new BuildProgress(output);

    /// <summary>A build of one image for one platform starts.</summary>
    public virtual void Begin(string image, string platform, string text) => Line(image, platform, text);

    /// <summary>A step of a running build finished or printed output.</summary>
    public virtual void Step(string image, string platform, string step) => Line(image, platform, step);

    /// <summary>What a running build is doing now (a started step, its latest output line): shown live, not logged.</summary>
    public virtual void Running(string image, string platform, string activity)
    {
    }

    /// <summary>A build ended (built or failed).</summary>
    public virtual void End(string image, string platform, string text) => Line(image, platform, text);

    /// <summary>A message that stays in the log.</summary>
    public virtual void Line(string image, string platform, string text)
    {
        lock (_gate)
        {
            Output.WriteLine(Label(image, platform) + text);
        }
    }

    /// <summary>Leaves the terminal clean (the live view erases its running lines).</summary>
    public virtual void Dispose()
    {
    }

    protected static string Label(string image, string platform) => "[" + image + " " + platform + "] ";
}
