using System.IO;
using Distroless.Dsl.Rules;
using Xunit;

namespace Distroless.Dsl.Tests.Dsl;

/// <summary>The README's diagnostics table lists every diagnostic the DSL has.</summary>
public class ReadmeTests
{
    [Fact]
    public void Readme_lists_every_diagnostic()
    {
        var readme = File.ReadAllText(Path.Combine(Support.Snapshot.Directory(), "..", "..", "..", "README.md"));
        foreach (var diagnostic in DslDiagnostics.All)
        {
            Assert.Contains("| " + diagnostic.Id + " | " + diagnostic.Title + " |", readme);
        }
    }
}
