using System.Linq;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runtime;
using Xunit;

namespace Distroless.Dsl.Tests.Dsl;

/// <summary>The DSL also runs at run time. Evaluating the definitions there must give exactly what the generator compiled.</summary>
public class RuntimeAgreementTests
{
    [Fact]
    public void Run_time_evaluation_matches_the_generated_catalog()
    {
        var runtime = DefinitionLoader.Load(typeof(Distroless.Definitions.Bases).Assembly)
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
