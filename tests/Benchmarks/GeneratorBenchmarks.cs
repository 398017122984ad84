extern alias generators;
using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using CatalogGenerator = generators::Distroless.Dsl.Generators.CatalogGenerator;

namespace Distroless.Dsl.Benchmarks;

/// <summary>The generator's cost on a definitions project of 200 definitions in 100 files:
/// a full run (a fresh build), and a run after one file changed (typing in the IDE).</summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Files = 100;
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _editedA = null!;
    private CSharpCompilation _editedB = null!;
    private GeneratorDriver _warmDriver = null!;
    private bool _flip;

    public static int DefinitionCount => Files * 2;

    [GlobalSetup]
    public void Setup()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Append(typeof(ImageDefinition).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("Definitions",
            Enumerable.Range(0, Files).Select(i => CSharpSyntaxTree.ParseText(Source(i, "UTC"), ParseOptions, path: "File" + i + ".cs")),
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var tree = _compilation.SyntaxTrees.ElementAt(Files / 2);
        _editedA = _compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Source(Files / 2, "Europe/Berlin"), ParseOptions, path: tree.FilePath));
        _editedB = _compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Source(Files / 2, "Asia/Tokyo"), ParseOptions, path: tree.FilePath));
        _warmDriver = NewDriver().RunGenerators(_compilation);
        var diagnostics = _warmDriver.GetRunResult().Diagnostics;
        if (!diagnostics.IsEmpty || _warmDriver.GetRunResult().GeneratedTrees.Length != DefinitionCount + 1)
        {
            throw new InvalidOperationException("Benchmark input is not a valid catalog: " + string.Join("; ", diagnostics));
        }
    }

    [Benchmark(Description = "full run, 200 definitions")]
    public GeneratorDriver FullRun() => NewDriver().RunGenerators(_compilation);

    [Benchmark(Description = "one file edited, 200 definitions")]
    public GeneratorDriver OneFileEdit()
    {
        // Alternate between two edits so every invocation sees a changed file.
        _flip = !_flip;
        _warmDriver = _warmDriver.RunGenerators(_flip ? _editedA : _editedB);
        return _warmDriver;
    }

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(new[] { new CatalogGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);

    /// <summary>A base and a tool on it; every tenth file's tool builds on file 0's base (cross-file references).</summary>
    private static string Source(int i, string tz) =>
        "using Distroless.Dsl;\nnamespace Bench;\npublic static class Defs" + i + " {\n"
        + "  [Image(\"base-" + i + "\", Version = \"1.0." + i + "\")] public static BaseImage Base" + i + " => Base.FromScratch().WithCaCerts().WithTimezoneData().User(1000, \"app\").Env(\"TZ\", \"" + tz + "\").Label(\"org.opencontainers.image.source\", \"https://example.org/" + i + "\");\n"
        + "  [Image(\"tool-" + i + "\", Version = \"2.0." + i + "\")] public static ToolImage Tool" + i + " => Tool.On(" + (i % 10 == 0 ? "Defs0.Base0" : "Base" + i) + ")"
        + ".FromDebian(\"curl\").Binary(\"/usr/bin/curl\").Entrypoint(\"/usr/bin/curl\").SmokeTest(\"--version\").Port(8000).SizeBudgetMegabytes(10);\n}\n";

    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "--steps" or "--edits")
        {
            StepTimes.Print(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50, track: args[0] == "--steps");
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(args);
    }

    /// <summary>The inputs, for <see cref="StepTimes"/>: the compilation and its two edited versions.</summary>
    internal (CSharpCompilation Original, CSharpCompilation EditedA, CSharpCompilation EditedB) Inputs() => (_compilation, _editedA, _editedB);
}
