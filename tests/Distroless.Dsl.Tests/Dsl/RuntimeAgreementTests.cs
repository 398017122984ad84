using System.IO;
using System.Linq;
using Distroless.Dsl.Generated;
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
        // Build-context sources are files of the definitions project; the generator got them as AdditionalFiles.
        var contextDirectory = Path.Combine(Path.GetDirectoryName(Snapshot.Directory())!, "..", "..", "definitions", "context");
        string? Read(string path) => File.Exists(Path.Combine(contextDirectory, path)) ? File.ReadAllText(Path.Combine(contextDirectory, path)) : null;
        var runtime = DefinitionLoader.Load(typeof(Distroless.Definitions.Bases).Assembly, Read)
            .OrderBy(d => d.Kind).ThenBy(d => d.Name, System.StringComparer.Ordinal).ToList();
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
}
