using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runtime;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Dsl;

/// <summary>The DSL also runs at run time. Evaluating the definitions there must give exactly what the generator compiled.</summary>
public class RuntimeAgreementTests
{
    [Fact]
    public void Run_time_evaluation_matches_the_generated_catalog()
    {
        var runtime = LoadAtRunTime();
        var compiled = GeneratedCatalog.Catalog.Entries.Select(e => e.Definition).ToList();

        Assert.Equal(compiled.Count, runtime.Count);
        for (var i = 0; i < compiled.Count; i++)
        {
            Assert.Equal(compiled[i].Name, runtime[i].Name);
            Assert.Equal(compiled[i].Dockerfile, runtime[i].Dockerfile);
            Assert.Equal(compiled[i].Compose, runtime[i].Compose);
            Assert.Equal(compiled[i], runtime[i]);
        }
    }

    /// <summary>One rendering path: the generator (in the compiler, at build time) and the runner's loader render every
    /// file through the same template-backed emitters, so every file is the same bytes.</summary>
    [Fact]
    public void Generator_and_run_time_render_every_file_byte_for_byte()
    {
        var runtime = LoadAtRunTime().ToDictionary(d => (d.Kind, d.Name));
        var compared = 0;
        var withRootfs = 0;
        foreach (var compiled in GeneratedCatalog.Catalog.Entries.Select(e => e.Definition))
        {
            var atRunTime = runtime[(compiled.Kind, compiled.Name)];
            var expected = Files(compiled);
            var actual = Files(atRunTime);
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (path, content) in expected)
            {
                Assert.True(content.Length > 0, compiled.Name + ": " + path + " is empty");
                Assert.True(Encoding.UTF8.GetBytes(content).SequenceEqual(Encoding.UTF8.GetBytes(actual[path])), compiled.Name + ": " + path + " differs");
                compared++;
            }

            // Every template's output is among them: the Dockerfile and rootfs script, or the compose project.
            Assert.Contains(compiled.Kind == DefinitionKind.Stack ? ComposeEmitter.FileName : "Dockerfile", expected.Keys);
            if (compiled.Kind == DefinitionKind.Stack)
            {
                Assert.Contains(ComposeProjectFiles.EnvFileName, expected.Keys);
            }
            else if (expected.ContainsKey(AssembleRootfsScript.FileName))
            {
                withRootfs++;
            }
        }

        Assert.True(withRootfs >= 10, withRootfs + " images with a root file system script"); // curl, built from source, has none

        Assert.True(compared >= 30, compared + " files");
    }

    private static List<RenderedDefinition> LoadAtRunTime()
    {
        // Build-context sources are files of the definitions project; the generator got them as AdditionalFiles.
        var contextDirectory = Path.Combine(Path.GetDirectoryName(Snapshot.Directory())!, "..", "..", "definitions", "context");
        string? Read(string path) => File.Exists(Path.Combine(contextDirectory, path)) ? File.ReadAllText(Path.Combine(contextDirectory, path)) : null;
        return DefinitionLoader.Load(typeof(Distroless.Definitions.Bases).Assembly, Read)
            .OrderBy(d => d.Kind).ThenBy(d => d.Name, System.StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, string> Files(RenderedDefinition definition)
    {
        var files = definition.ContextFiles.ToDictionary(f => f.Path, f => f.Content);
        if (definition.Dockerfile is { } dockerfile)
        {
            files.Add("Dockerfile", dockerfile);
        }

        if (definition.Compose is { } compose)
        {
            files.Add(ComposeEmitter.FileName, compose);
        }

        return files;
    }
}
