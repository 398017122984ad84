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
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().Platforms([\"linux/amd64\", \"linux/arm64\"]).User(); }",
        "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(int.MaxValue, \"x\").Env(\"A\", $\"{1 + 1}\"); }",
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
            Assert.True(diagnostics.Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) || source.Contains("Platforms([") || source.Contains("User(int.MaxValue"),
                "No error for: " + source);
        }
    }
}
