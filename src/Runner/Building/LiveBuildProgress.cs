using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Distroless.Dsl.Runner.Building;

/// <summary>The terminal view: one line per running build (image, platform, elapsed time, latest step), redrawn in
/// place below the lines that stay (starts, results, messages). Steps are not kept: the failed step's log is printed
/// in full when the build command ends.</summary>
internal sealed class LiveBuildProgress : BuildProgress
{
    private const string CursorUpAndClear = "\u001b[{0}F\u001b[J";
    private readonly object _gate = new();
    private readonly List<RunningBuild> _running = new();
    private readonly Func<int> _width;
    private readonly Timer? _ticker;
    private int _drawnLines;

    public LiveBuildProgress(TextWriter output, Func<int>? width = null, bool tick = true) : base(output)
    {
        _width = width ?? (() => Console.WindowWidth);
        // Redraw twice a second so elapsed times move while a long step (an apt download, a compile) runs.
        _ticker = tick ? new Timer(_ => Redraw(), null, 500, 500) : null;
    }

    public override void Begin(string image, string platform, string text)
    {
        lock (_gate)
        {
            _running.Add(new RunningBuild(Label(image, platform), Stopwatch.StartNew()) { Step = text });
            Draw();
        }
    }

    public override void Step(string image, string platform, string step)
    {
        lock (_gate)
        {
            var running = _running.Find(r => r.Label == Label(image, platform));
            if (running is null)
            {
                Keep(Label(image, platform) + step);
                return;
            }

            running.Step = step;
            Draw();
        }
    }

    public override void Running(string image, string platform, string activity)
    {
        lock (_gate)
        {
            if (_running.Find(r => r.Label == Label(image, platform)) is { } running)
            {
                running.Step = activity;
            }
        }
    }

    public override void End(string image, string platform, string text)
    {
        lock (_gate)
        {
            _running.RemoveAll(r => r.Label == Label(image, platform));
            Keep(Label(image, platform) + text);
        }
    }

    public override void Line(string image, string platform, string text)
    {
        lock (_gate)
        {
            Keep(Label(image, platform) + text);
        }
    }

    public override void Dispose()
    {
        _ticker?.Dispose();
        lock (_gate)
        {
            Erase();
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            Draw();
        }
    }

    private void Keep(string line)
    {
        Erase();
        Output.WriteLine(line);
        Draw();
    }

    private void Erase()
    {
        if (_drawnLines > 0)
        {
            Output.Write(string.Format(CultureInfo.InvariantCulture, CursorUpAndClear, _drawnLines));
            _drawnLines = 0;
        }
    }

    private void Draw()
    {
        Erase();
        var width = Math.Max(20, _width()) - 1;
        foreach (var running in _running)
        {
            var line = running.Label + running.Clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture).PadLeft(4) + " s  " + running.Step.Replace('\n', ' ');
            Output.WriteLine(line.Length > width ? line.Substring(0, width) : line);
        }

        _drawnLines = _running.Count;
        Output.Flush();
    }

    private sealed record RunningBuild(string Label, Stopwatch Clock)
    {
        public string Step { get; set; } = "";
    }
}
