using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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
            .Select(l => l.Split('"')[3]).ToList();
        Assert.Contains("Distroless.Dsl.Generators.dll", analyzers.Select(Path.GetFileName));
        var scriban = Assert.Single(analyzers, a => Path.GetFileName(a) == "Scriban.Signed.dll");

        // Scriban's own references (System.Text.Json, …) are not shipped: the .NET runtime the compiler runs on (this
        // test's runtime) must have each, at least in the version referenced.
        var runtime = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll")
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => AssemblyName.GetAssemblyName(p).Version!);
        using var reader = new PEReader(File.OpenRead(scriban));
        var metadata = reader.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h))
            .Select(r => (Name: metadata.GetString(r.Name), r.Version)).ToList();
        Assert.Contains(references, r => r.Name == "System.Text.Json");
        foreach (var (name, version) in references.Where(r => r.Name != "netstandard"))
        {
            Assert.True(runtime.TryGetValue(name, out var provided) && provided >= version,
                "Scriban needs " + name + " " + version + ", which the compiler's runtime does not provide: ship it in GetDependencyTargetPaths");
        }
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
