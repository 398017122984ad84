using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Templates;

/// <summary>The generator needs Scriban inside the compiler. A project that references the generator the way
/// definitions/ does gets Scriban as an analyzer beside it, in a real <c>dotnet build</c> and in an IDE's design-time build.</summary>
public class ConsumerBuildTests : IDisposable
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Snapshot.Directory())!, "..", ".."));

    // The configuration this test assembly was built in, so the nested build reuses the generator already built.
    private static readonly string Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private readonly string _project = Directory.CreateTempSubdirectory("distroless-consumer-").FullName;

    public ConsumerBuildTests()
    {
        Assert.Contains(Configuration, new[] { "Debug", "Release" });
        var definitions = File.ReadAllText(Path.Combine(Root, "definitions", "Distroless.Dsl.Definitions.csproj"));
        Assert.Contains("<ProjectReference Include=\"..\\src\\Generators\\Distroless.Dsl.Generators.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />", definitions);
        File.WriteAllText(Path.Combine(_project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Root}/src/Dsl/Distroless.Dsl.csproj" />
                <ProjectReference Include="{Root}/src/Generators/Distroless.Dsl.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_project, "Definitions.cs"), """
            using Distroless.Dsl;
            namespace Consumer;
            public static class Definitions
            {
                [Image("base", Version = "1.0.0")] public static BaseImage Base1 => Base.FromScratch().WithCaCerts().User(1000, "app");
                [Image("jq", Version = "1.7.1")] public static ToolImage Jq => Tool.On(Base1).FromDebian("jq").Binary("/usr/bin/jq").Entrypoint("/usr/bin/jq");
                [Stack("s")] public static StackDefinition S => Stack.Create().Service("jq", Service.Run(Jq)).Secret("pw", "./secrets/pw");
            }
            """);
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    [Fact]
    public void Dotnet_build_runs_the_generator_with_scriban()
    {
        var (exit, output) = Dotnet("build", "Consumer.csproj", "-c", Configuration, "-nologo", "-nodeReuse:false", "-clp:ErrorsOnly;NoSummary");
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("CS8784", output, StringComparison.Ordinal); // a generator that could not load its dependencies
        Assert.DoesNotContain("CS8785", output, StringComparison.Ordinal);

        var generated = Path.Combine(_project, "obj", Configuration, "net10.0", "generated", "Distroless.Dsl.Generators", "Distroless.Dsl.Generators.CatalogGenerator");
        var files = Directory.GetFiles(generated).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            "GeneratedCatalog.Consumer.Definitions.Base1.g.cs", "GeneratedCatalog.Consumer.Definitions.Jq.g.cs",
            "GeneratedCatalog.Consumer.Definitions.S.g.cs", "GeneratedCatalog.g.cs",
        }, files);
        var jq = File.ReadAllText(Path.Combine(generated, "GeneratedCatalog.Consumer.Definitions.Jq.g.cs"));
        Assert.Contains(@"FROM ${IMAGE_PREFIX}base:1.0.0-${TARGETARCH}\n", jq, StringComparison.Ordinal);
        Assert.Contains(@"ENTRYPOINT [\""/usr/bin/jq\""]\n", jq, StringComparison.Ordinal);
        Assert.Contains("set -eu", jq, StringComparison.Ordinal); // assemble-rootfs.sh
        var stack = File.ReadAllText(Path.Combine(generated, "GeneratedCatalog.Consumer.Definitions.S.g.cs"));
        Assert.Contains(@"services:\n  jq:\n    image: \""${IMAGE_PREFIX:-distroless-dsl/}jq:1.7.1\""\n    user: \""1000:1000\""\n", stack, StringComparison.Ordinal);
        Assert.Contains("# Secrets of the s stack", stack, StringComparison.Ordinal);
    }

    [Fact]
    public void A_design_time_build_hands_scriban_to_the_compiler_beside_the_generator()
    {
        // What an IDE does: resolve references without building them (GetTargetPath), then start the compiler with the analyzers.
        var (exit, output) = Dotnet("msbuild", "Consumer.csproj", "-restore", "-nologo", "-nodeReuse:false", "-t:ResolveProjectReferences",
            "-p:DesignTimeBuild=true", "-p:BuildProjectReferences=false", "-p:Configuration=" + Configuration, "-getItem:Analyzer");
        Assert.True(exit == 0, output);
        var analyzers = output.Split('\n').Where(l => l.Contains("\"Identity\"", StringComparison.Ordinal))
            .Select(l => Path.GetFileName(l.Split('"')[3])).ToList();
        Assert.Contains("Distroless.Dsl.Generators.dll", analyzers);
        Assert.Contains("Scriban.Signed.dll", analyzers);
    }

    private (int Exit, string Output) Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _project };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exit, stdout, stderr) = ProgramRun.Run(start);
        return (exit, stdout + stderr);
    }
}
