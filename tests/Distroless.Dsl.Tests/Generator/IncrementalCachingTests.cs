extern alias generators;
using System.Linq;
using Distroless.Dsl.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using CatalogGenerator = generators::Distroless.Dsl.Generators.CatalogGenerator;
using ParsedDefinition = generators::Distroless.Dsl.Generators.Model.ParsedDefinition;
using RenderedImage = generators::Distroless.Dsl.Generators.Model.RenderedImage;

namespace Distroless.Dsl.Tests.Generator;

/// <summary>Editing one definition file re-runs the generator for it alone: the others stay Cached or Unchanged.</summary>
public class IncrementalCachingTests
{
    private const string BasesFile = GeneratorHarness.Usings +
        "public static class Bases {\n [Image(\"base\")] public static BaseImage Static => Base.FromScratch().WithCaCerts().User(1000, \"app\");\n"
        + " [Image(\"glibc\")] public static BaseImage Glibc => Base.On(Static).WithGlibc(); }";

    private static string ToolsFile(string tz) => GeneratorHarness.Usings +
        "public static class Tools {\n [Image(\"jq\")] public static ToolImage Jq => Tool.On(Bases.Glibc).FromDebian(\"jq\").Binary(\"/usr/bin/jq\").Entrypoint(\"/usr/bin/jq\").Env(\"TZ\", \"" + tz + "\"); }";

    private const string StacksFile = GeneratorHarness.Usings +
        "public static class Stacks {\n [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"jq\", Service.Run(Tools.Jq)); }";

    [Fact]
    public void Editing_one_file_leaves_the_other_definitions_cached()
    {
        var compilation = GeneratorHarness.Compile(BasesFile, ToolsFile("UTC"), StacksFile);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Empty(first.Diagnostics);

        var toolsTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Tools"));
        var edited = compilation.ReplaceSyntaxTree(toolsTree,
            CSharpSyntaxTree.ParseText(ToolsFile("Europe/Berlin"), GeneratorHarness.ParseOptions, path: toolsTree.FilePath));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();

        var images = second.TrackedSteps[CatalogGenerator.ImagesStep].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(3, images.Count);
        var changed = images.Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList();
        var modified = Assert.Single(changed);
        Assert.Equal("jq", ((ParsedDefinition)modified.Value).Name);

        // The stack only sees image facts (user, parent), which the edit did not touch.
        var stacks = second.TrackedSteps[CatalogGenerator.StacksStep].SelectMany(s => s.Outputs);
        Assert.All(stacks, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        // The Combine/Collect steps: only jq's pairing with the context files re-ran; the facts stacks see, the context
        // files and the index came out equal to the last run's, so the stack was not rendered again.
        Assert.Equal(new[] { "jq" }, Outputs(second, CatalogGenerator.ImagesWithContextFilesStep)
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .Select(o => ((RenderedImage)((System.Runtime.CompilerServices.ITuple)o.Value)[0]!).Definition.Name));

        // Only jq is rendered again: the other definitions' transforms re-ran (Unchanged) but their rendering is Cached.
        var rendered = Outputs(second, CatalogGenerator.RenderedImagesStep);
        Assert.Equal(3, rendered.Count);
        Assert.Equal(new[] { "jq" }, rendered.Where(o => o.Reason != IncrementalStepRunReason.Cached).Select(o => ((RenderedImage)o.Value).Definition.Name));
        foreach (var step in new[] { CatalogGenerator.ContextFilesStep, CatalogGenerator.ImageFactsStep, CatalogGenerator.StacksWithImageFactsStep, CatalogGenerator.IndexStep })
        {
            var outputs = Outputs(second, step);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
        }

        // Generated sources: only jq's text differs.
        var before = first.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var after = second.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Equal(before.Keys.OrderBy(k => k), after.Keys.OrderBy(k => k));
        var differing = before.Keys.Where(k => before[k] != after[k]).ToList();
        Assert.Equal(new[] { "GeneratedCatalog.Sample.Tools.Jq.g.cs" }, differing);
    }

    [Fact]
    public void Changing_what_an_image_runs_as_re_renders_the_stacks_that_use_it()
    {
        var compilation = GeneratorHarness.Compile(BasesFile, ToolsFile("UTC"), StacksFile);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var basesTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Bases"));
        var edited = compilation.ReplaceSyntaxTree(basesTree,
            CSharpSyntaxTree.ParseText(BasesFile.Replace("User(1000, \"app\")", "User(1001, \"app\")"), GeneratorHarness.ParseOptions, path: basesTree.FilePath));
        var run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(Outputs(run, CatalogGenerator.ImageFactsStep), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(Outputs(run, CatalogGenerator.StacksWithImageFactsStep), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("user: \\\"1001:", run.GeneratedSources.Single(s => s.HintName == "GeneratedCatalog.Sample.Stacks.S.g.cs").SourceText.ToString());
    }

    [Fact]
    public void An_edit_inside_one_definition_evaluates_only_that_files_definitions_again()
    {
        var generator = new CatalogGenerator();
        var compilation = GeneratorHarness.Compile(BasesFile, ToolsFile("UTC"), StacksFile);
        var driver = GeneratorHarness.CreateDriver(generator).RunGenerators(compilation);
        Assert.Equal(4, generator.DefinitionsEvaluated);

        var toolsTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Tools"));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(toolsTree,
            CSharpSyntaxTree.ParseText(ToolsFile("Europe/Berlin"), GeneratorHarness.ParseOptions, path: toolsTree.FilePath)));

        // jq was evaluated again; base, glibc and the stack were reused (their files and every declaration they see are
        // unchanged), and came out Unchanged as the step tracking shows.
        Assert.Equal(5, generator.DefinitionsEvaluated);
        var run = driver.GetRunResult().Results.Single();
        Assert.Equal(new[] { "jq" }, Outputs(run, CatalogGenerator.ImagesStep)
            .Where(o => o.Reason == IncrementalStepRunReason.Modified).Select(o => ((ParsedDefinition)o.Value).Name));
        Assert.Contains("Europe/Berlin", run.GeneratedSources.Single(s => s.HintName == "GeneratedCatalog.Sample.Tools.Jq.g.cs").SourceText.ToString());
    }

    [Fact]
    public void A_constant_changed_in_another_file_evaluates_every_definition_again()
    {
        const string Constants = GeneratorHarness.Usings + "public static class Zones { public const string Tz = \"UTC\"; }";
        var tools = ToolsFile("UTC").Replace("\"TZ\", \"UTC\"", "\"TZ\", Zones.Tz");
        var generator = new CatalogGenerator();
        var compilation = GeneratorHarness.Compile(BasesFile, tools, StacksFile, Constants);
        var driver = GeneratorHarness.CreateDriver(generator).RunGenerators(compilation);
        Assert.Empty(driver.GetRunResult().Diagnostics);
        var evaluated = generator.DefinitionsEvaluated;

        // Only the constants file changes: jq's file is the same tree, but what it binds to is not.
        var constantsTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Zones"));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(constantsTree,
            CSharpSyntaxTree.ParseText(Constants.Replace("UTC", "Asia/Tokyo"), GeneratorHarness.ParseOptions, path: constantsTree.FilePath)));

        Assert.Equal(evaluated + 4, generator.DefinitionsEvaluated);
        var run = driver.GetRunResult().Results.Single();
        Assert.Contains("Asia/Tokyo", run.GeneratedSources.Single(s => s.HintName == "GeneratedCatalog.Sample.Tools.Jq.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Renaming_an_image_re_evaluates_the_definitions_in_other_files_that_build_on_it()
    {
        var generator = new CatalogGenerator();
        var compilation = GeneratorHarness.Compile(BasesFile, ToolsFile("UTC"), StacksFile);
        var driver = GeneratorHarness.CreateDriver(generator).RunGenerators(compilation);
        var basesTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Bases"));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(basesTree, CSharpSyntaxTree.ParseText(
            BasesFile.Replace("[Image(\"glibc\")]", "[Image(\"glibc2\")]"), GeneratorHarness.ParseOptions, path: basesTree.FilePath)));

        var run = driver.GetRunResult().Results.Single();
        var jq = Outputs(run, CatalogGenerator.ImagesStep).Single(o => ((ParsedDefinition)o.Value).Name == "jq");
        Assert.Equal(IncrementalStepRunReason.Modified, jq.Reason);
        Assert.Equal(new[] { "glibc2" }, ((ParsedDefinition)jq.Value).References.Select(r => r.Name));
        Assert.Contains("glibc2:", run.GeneratedSources.Single(s => s.HintName == "GeneratedCatalog.Sample.Tools.Jq.g.cs").SourceText.ToString());
    }

    private static System.Collections.Generic.List<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult run, string step) =>
        run.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();

    [Fact]
    public void Running_twice_without_edits_is_fully_cached()
    {
        var compilation = GeneratorHarness.Compile(BasesFile, ToolsFile("UTC"), StacksFile);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.Clone());
        var run = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { CatalogGenerator.ImagesStep, CatalogGenerator.StacksStep })
        {
            Assert.All(run.TrackedSteps[step].SelectMany(s => s.Outputs),
                o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
        }
    }
}
