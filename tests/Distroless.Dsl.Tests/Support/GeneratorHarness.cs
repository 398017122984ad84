extern alias generators;
using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using CatalogGenerator = generators::Distroless.Dsl.Generators.CatalogGenerator;

namespace Distroless.Dsl.Tests.Support;

/// <summary>Runs the real generator over in-memory sources with <see cref="CSharpGeneratorDriver"/>.</summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                        || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll");
        return framework.Append(typeof(ImageDefinition).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Definitions",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "Definitions" + i + ".cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(CatalogGenerator? generator = null) =>
        CSharpGeneratorDriver.Create(
            new[] { (generator ?? new CatalogGenerator()).AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its result and the diagnostics of the compilation with the generated code added.</summary>
    public static (GeneratorRunResult Run, ImmutableArray<Diagnostic> Diagnostics) Run(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult().Results.Single();
        var all = generatorDiagnostics.AddRange(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (run, all);
    }

    public const string Usings = "using Distroless.Dsl;\nnamespace Sample;\n";
}
