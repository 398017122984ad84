using System.Linq;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Generator;

/// <summary>The generator never throws, whatever it is given: broken code gets diagnostics (the compiler's or ours), never a crash.</summary>
public class RobustnessTests
{
    private static readonly string[] Sources =
    {
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch(",
        "public static class D { [Image(\"b\")] public static BaseImage B => ; }",
        "public static class D { [Image(\"b\")] public static BaseImage B => null!; }",
        "public static class D { [Image(\"b\")] public static BaseImage B => default!; }",
        "public static class D { [Image(\"b\")] public static BaseImage B => throw new System.Exception(); }",
        "public static class D { [Image(null!)] public static BaseImage B => Base.FromScratch().User(); }",
        "public static class D { [Image(\"\")] public static BaseImage B => Base.FromScratch().User(); }",
        "public static class D { [Image] public static BaseImage B => Base.FromScratch().User(); }",
        "public static class D { [Image(\"b\")] public static int B => 42; }",
        "public static class D { [Image(\"b\")] public static BaseImage B; }",
        "public static class D { [Image(\"b\")] public BaseImage B => Base.FromScratch().User(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B { set { } } }",
        "public static class D { [Image(\"b\")] public static BaseImage B => B; }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.On(B).User(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(null!, null!); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(1000, null!); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().Platforms(null!); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().Platforms(new string[] { null! }); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(-1, \"x\"); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().UnknownMethod(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => (BaseImage)Base.FromScratch().User(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => true ? Base.FromScratch() : Base.FromScratch(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => new System.Func<BaseImage>(() => Base.FromScratch())(); }",
        "public static class D { [Image(\"b\")] public static ToolImage T => Tool.On(Base.FromScratch()).Entrypoint(); }",
        "public static class D { [Image(\"b\")] public static StackDefinition S => Stack.Create(); }",
        "public static class D { [Stack(\"s\")] public static BaseImage S => Base.FromScratch().User(); }",
        "public static class D { [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"x\", null!); }",
        "public static class D { [Image(\"b\")] public static readonly BaseImage B = Base.FromScratch().User(), C = Base.FromScratch(); }",
        "public static class D { [Image(\"b\")] public static AppImage A => App.On(Base.FromScratch()).Entrypoint(\"/a\").HealthCheckTiming(); }",
        "public static class D { const int Port = 0; [Image(\"b\")] public static AppImage A => App.On(Base.FromScratch()).Entrypoint(\"/a\").Port(Port); }",
        "public static class D { [Image(\"b\", Version = null!)] public static BaseImage B => Base.FromScratch().User(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(1000, \"x\").Env(\"A\", $\"{1 + 1}\"); }",
        "public static class G<T> { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(1000, \"app\"); }",
        "public static class O { public static class I { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(1000, \"app\"); } }",
        "public static class A_B { [Image(\"x\")] public static BaseImage C => Base.FromScratch().User(1000, \"app\"); }\npublic static class A { [Image(\"y\")] public static BaseImage B_C => Base.FromScratch().User(1000, \"app\"); }",
        "public static class D { [Image(\"x\")] public static BaseImage X => Base.FromScratch().User(1000, \"app\"); }\npublic static class d { [Image(\"y\")] public static BaseImage x => Base.FromScratch().User(1000, \"app\"); }",
        "public static partial class P { [Image(\"x\")] public static BaseImage X => Base.FromScratch().User(1000, \"app\"); }\npublic static partial class P { [Image(\"y\")] public static BaseImage X => Base.FromScratch().User(1000, \"app\"); }",
        "#error broken on purpose\npublic static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(); }",
    };

    public static TheoryData<string> BrokenSources() => new(Sources);

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public void Never_throws(string source)
    {
        var (run, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + source);

        Assert.Null(run.Exception);
        Assert.DoesNotContain(diagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001");
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == Rules.DslDiagnostics.InternalError.Id);
    }

    [Fact]
    public void Broken_definitions_fail_the_build()
    {
        foreach (var source in Sources)
        {
            var (_, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
            Assert.True(diagnostics.Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error), "No error for: " + source);
            Assert.DoesNotContain(diagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && IsGenerated(d));
        }
    }

    /// <summary>Unusual but valid: they compile, with one catalog entry and no diagnostic.</summary>
    [Theory]
    [InlineData("public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().Platforms([\"linux/amd64\", \"linux/arm64\"]).User(1000, \"app\"); }")]
    [InlineData("public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(int.MaxValue, \"x\").Env(\"A\", \"2\"); }")]
    public void Unusual_valid_definitions_compile(string source)
    {
        var (run, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + source);

        Assert.Null(run.Exception);
        Assert.Empty(diagnostics);
        Assert.Contains(run.GeneratedSources, s => s.HintName == "GeneratedCatalog.Sample.D.B.g.cs");
    }

    [Fact]
    public void Colliding_names_keep_the_first_definition_and_report_the_other_where_it_is_declared()
    {
        var text = GeneratorHarness.Usings
                   + "public static class A_B { [Image(\"x\")] public static BaseImage C => Base.FromScratch().User(1000, \"app\"); }\n"
                   + "public static class A { [Image(\"y\")] public static BaseImage B_C => Base.FromScratch().User(1000, \"app\"); }";
        var (run, diagnostics) = GeneratorHarness.Run(text);

        var collision = Assert.Single(diagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Equal(Rules.DslDiagnostics.GeneratedNameCollision.Id, collision.Id);
        Assert.Equal(text.IndexOf(" C =>", System.StringComparison.Ordinal) + 1, collision.Location.SourceSpan.Start);
        Assert.Equal("'Sample.A_B.C' and 'Sample.A.B_C' get the same generated name 'Create_Sample_A_B_C' (names are escaped to letters, digits and '_' and "
                     + "compared without case): rename one of them", collision.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var index = run.GeneratedSources.Single(s => s.HintName == "GeneratedCatalog.g.cs").SourceText.ToString();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(index, "Create_Sample_A_B_C\\(\\)"));
        Assert.Contains(run.GeneratedSources, s => s.HintName == "GeneratedCatalog.Sample.A.B_C.g.cs");
    }

    private static bool IsGenerated(Microsoft.CodeAnalysis.Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.FilePath.Contains("GeneratedCatalog", System.StringComparison.Ordinal) == true;

    /// <summary>Random edits to the real definitions (seeded, so a failure replays): whatever they break, the generator
    /// does not throw, and no error lands in generated code; the errors, if any, are the compiler's or ours on the user's code.</summary>
    [Fact]
    public void Random_edits_to_the_definitions_never_crash_the_generator_or_break_generated_code()
    {
        var definitions = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Snapshot.Directory())!, "..", "..", "definitions");
        var files = new[] { "Bases.cs", "Tools.cs", "Apps.cs", "Stacks.cs" }.Select(f => System.IO.File.ReadAllText(System.IO.Path.Combine(definitions, f))).ToArray();
        const int Seed = 20261129;
        const int Runs = 60;
        var random = new System.Random(Seed);
        var failures = new System.Collections.Generic.List<string>();
        var withErrors = 0;
        for (var i = 0; i < Runs; i++)
        {
            var sources = (string[])files.Clone();
            var edits = new System.Text.StringBuilder();
            for (var e = 0; e < 1 + random.Next(3); e++)
            {
                var which = random.Next(sources.Length);
                sources[which] = DefinitionFuzzer.Edit(sources[which], random, out var description);
                edits.Append(description).Append("; ");
            }

            var (run, diagnostics) = GeneratorHarness.Run(sources);
            withErrors += diagnostics.Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) ? 1 : 0;
            var problems = diagnostics.Where(d => d.Id is "CS8784" or "CS8785" or "AD0001" || d.Id == Rules.DslDiagnostics.InternalError.Id
                                                  || (d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && IsGenerated(d)))
                .Select(d => d.ToString()).ToList();
            if (run.Exception is not null || problems.Count > 0)
            {
                failures.Add("run " + i + " (seed " + Seed + "): " + edits + "\n  " + (run.Exception?.ToString() ?? string.Join("\n  ", problems)));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.InRange(withErrors, Runs / 4, Runs); // the edits do break things: the test exercises error paths
    }
}
