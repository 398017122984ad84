extern alias generators;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using CatalogGenerator = generators::Distroless.Dsl.Generators.CatalogGenerator;

namespace Distroless.Dsl.Benchmarks;

/// <summary><c>dotnet run -c Release -- --steps [N]</c> (or <c>--edits [N]</c>: untracked, as the benchmark runs, to profile): where a one-file edit's time goes, per tracked pipeline step
/// (Roslyn's own ElapsedTime per step, summed over the step's nodes, median over N edits), to find what to cut.</summary>
internal static class StepTimes
{
    public static void Print(int edits, bool track = true)
    {
        var bench = new GeneratorBenchmarks();
        bench.Setup();
        var (original, editedA, editedB) = bench.Inputs();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new CatalogGenerator().AsSourceGenerator() },
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));
        driver = driver.RunGenerators(original);
        var perStep = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var totals = new List<double>();
        for (var i = 0; i < edits; i++)
        {
            var clock = Stopwatch.StartNew();
            driver = driver.RunGenerators(i % 2 == 0 ? editedA : editedB);
            totals.Add(clock.Elapsed.TotalMilliseconds);
            if (!track)
            {
                continue;
            }

            var run = driver.GetRunResult().Results.Single();
            foreach (var (name, steps) in run.TrackedSteps.Concat(run.TrackedOutputSteps))
            {
                if (!perStep.TryGetValue(name, out var list))
                {
                    perStep[name] = list = new List<double>();
                }

                list.Add(steps.Sum(s => s.ElapsedTime.TotalMilliseconds));
            }
        }

        Console.WriteLine("one-file edit, median of " + edits.ToString(CultureInfo.InvariantCulture) + ": " + Median(totals).ToString("0.00", CultureInfo.InvariantCulture) + (track ? " ms (with step tracking on)" : " ms"));
        foreach (var (name, times) in perStep.OrderByDescending(p => Median(p.Value)))
        {
            Console.WriteLine("  " + name.PadRight(60) + Median(times).ToString("0.000", CultureInfo.InvariantCulture).PadLeft(9) + " ms");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
