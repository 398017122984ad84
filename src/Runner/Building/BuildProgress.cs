using System.IO;

namespace Distroless.Dsl.Runner.Building;

/// <summary>Build progress as plain lines, one per finished step, prefixed by image and platform. Safe to call from
/// concurrent builds; the lines of one build stay in order.</summary>
internal sealed class BuildProgress
{
    private readonly TextWriter _output;
    private readonly object _gate = new();

    public BuildProgress(TextWriter output) => _output = output;

    public void Step(string image, string platform, string step) => Line(image, platform, step);

    public void Line(string image, string platform, string text)
    {
        lock (_gate)
        {
            _output.WriteLine("[" + image + " " + platform + "] " + text);
        }
    }
}
