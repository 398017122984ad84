extern alias generators;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using CatalogGenerator = generators::Distroless.Dsl.Generators.CatalogGenerator;

namespace Distroless.Dsl.Tests.Generator;

/// <summary>A builder stage's build-context source comes to the generator as an AdditionalFiles item whose
/// DistrolessContextPath names it; the generated catalog carries its text, and a missing one is DSL017.</summary>
public class BuildContextSourceTests
{
    private const string Definition = GeneratorHarness.Usings +
        "public static class D { [Image(\"base\")] public static BaseImage B => Base.FromScratch().User(1000, \"app\");\n" +
        " [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n" +
        "  .Stage(BuildStage.OnDebian(\"cc\").WithTargetArch().Install(\"gcc\").FromContext(\"src/hello.c\", \"/src/hello.c\").Run(\"gcc /src/hello.c\")); }";

    [Fact]
    public void A_context_source_is_carried_in_the_catalog_and_copied_into_its_stage()
    {
        var (generated, diagnostics) = Run(new ContextText("/repo/definitions/context/src/hello.c", "int main(void) { return 0; }\r\n"), "src/hello.c");

        Assert.Empty(diagnostics);
        var entry = generated.Single(s => s.HintName.Contains("D.T"));
        Assert.Contains("\"src/hello.c\", \"int main(void) { return 0; }\\n\"", entry.SourceText.ToString());
        Assert.Contains("ARG TARGETARCH\\nCOPY debs/build/ /build/debs/build/\\nCOPY debs/build-for-target/ /build/debs/build/\\nCOPY install-debs.sh /build/\\nRUN sh /build/install-debs.sh /build/debs/build gcc\\nCOPY src/hello.c /src/hello.c\\nRUN gcc /src/hello.c", entry.SourceText.ToString());
    }

    [Fact]
    public void A_missing_context_source_is_DSL017()
    {
        var (_, diagnostics) = Run(new ContextText("/repo/definitions/context/other.c", ""), "other.c");

        var error = Assert.Single(diagnostics, d => d.Id == DslDiagnostics.UnknownReference.Id);
        Assert.Contains("'src/hello.c'", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (ImmutableArray<GeneratedSourceResult> Sources, ImmutableArray<Diagnostic> Diagnostics) Run(AdditionalText file, string contextPath)
    {
        var driver = CSharpGeneratorDriver.Create(
            new[] { new CatalogGenerator().AsSourceGenerator() },
            new[] { file },
            GeneratorHarness.ParseOptions,
            new Options(file, contextPath));
        var run = driver.RunGenerators(GeneratorHarness.Compile(Definition)).GetRunResult().Results.Single();
        return (run.GeneratedSources, run.Diagnostics);
    }

    private sealed class ContextText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(AdditionalText file, string contextPath) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => new Values(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText text) => new Values(text == file
            ? new Dictionary<string, string> { ["build_metadata.AdditionalFiles." + BuildContextSources.MetadataName] = contextPath }
            : new Dictionary<string, string>());
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
