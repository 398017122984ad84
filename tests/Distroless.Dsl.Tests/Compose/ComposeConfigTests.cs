using System.IO;
using System.Linq;
using Distroless.Dsl.Generated;
using Xunit;

namespace Distroless.Dsl.Tests.Compose;

/// <summary>Every generated compose project passes a real compose implementation's validation: Debian's
/// docker-compose (tests/infra/compose.sh installs it) and, where present, the docker compose v2 plugin.
/// No engine needed, but the compose binary is, so these run with the engine tests.</summary>
[Trait("Category", "Engine")]
public class ComposeConfigTests
{
    public static TheoryData<string> Stacks() => new(GeneratedCatalog.Catalog.Stacks.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Stacks))]
    public void The_compose_project_passes_compose_config(string stack)
    {
        var directory = ComposeSupport.TempDirectory(stack);
        try
        {
            var (exit, output, error) = ComposeSupport.Runner(GeneratedCatalog.Catalog, "compose", stack, "--out", directory, "--generate-secrets");
            Assert.True(exit == 0, output + error);
            Assert.DoesNotContain("missing", output);

            var (v1, v1Output) = ComposeSupport.Program("docker-compose", new[] { "--file", "compose.yaml", "config", "--quiet" }, directory);
            Assert.True(v1 == 0, "docker-compose config: " + v1Output);
            var (resolved, config) = ComposeSupport.Program("docker-compose", new[] { "--file", "compose.yaml", "config" }, directory);
            Assert.Equal(0, resolved);
            Assert.DoesNotContain("5432:", config); // never a published database port
            Assert.Contains("no-new-privileges:true", config);

            if (ComposeSupport.Program("docker", new[] { "compose", "version" }).Exit == 0)
            {
                var (v2, v2Output) = ComposeSupport.Program("docker", new[] { "compose", "--file", "compose.yaml", "config", "--quiet" }, directory);
                Assert.True(v2 == 0, "docker compose config: " + v2Output);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
