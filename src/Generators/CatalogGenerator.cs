using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Distroless.Dsl.Generators.Emitting;
using Distroless.Dsl.Generators.Model;
using Distroless.Dsl.Generators.Parsing;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Distroless.Dsl.Generators;

/// <summary>Compiles [Image] and [Stack] definitions into a catalog of Dockerfiles, build-context files and compose files.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class CatalogGenerator : IIncrementalGenerator
{
    public const string ImagesStep = "ImageDefinitions";
    public const string StacksStep = "StackDefinitions";

    // The Combine/Collect steps, named so a test can see what an edit re-ran (GeneratorRunResult.TrackedSteps).
    public const string RenderedImagesStep = "RenderedImages";
    public const string ContextFilesStep = "ContextFiles";
    public const string ImagesWithContextFilesStep = "ImagesWithContextFiles";
    public const string ImageFactsStep = "ImageFacts";
    public const string StacksWithImageFactsStep = "StacksWithImageFacts";
    public const string IndexStep = "Index";
    public const string CollisionsStep = "Collisions";

    // Definitions evaluated in an earlier run, reused while neither their file nor any declaration they can see changed.
    private readonly DefinitionMemo _imageMemo = new(isStack: false);
    private readonly DefinitionMemo _stackMemo = new(isStack: true);

    /// <summary>How many definitions this generator has evaluated (not reused from an earlier run), for tests.</summary>
    internal long DefinitionsEvaluated => _imageMemo.Evaluated + _stackMemo.Evaluated;

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var images = context.SyntaxProvider.ForAttributeWithMetadataName("Distroless.Dsl.ImageAttribute", IsMember, _imageMemo.Parse)
            .WithTrackingName(ImagesStep);
        var stacks = context.SyntaxProvider.ForAttributeWithMetadataName("Distroless.Dsl.StackAttribute", IsMember, _stackMemo.Parse)
            .WithTrackingName(StacksStep);

        // The project's build-context source files (AdditionalFiles carrying a context path), for images whose stages copy them.
        var contextFiles = context.AdditionalTextsProvider.Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => ContextFile(pair.Left, pair.Right, ct))
            .Where(static file => file is not null)
            .Collect()
            .Select(static (files, _) => files.Select(f => f!).OrderBy(f => f.Path, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(ContextFilesStep);

        // Rendering is a step of its own: the transform above is called again for every definition whenever the compilation
        // changes (the memo answers most calls), while this step runs only for definitions whose evaluated value changed.
        var renderedImages = images.Select(static (image, _) => RenderedImage.Render(image)).WithTrackingName(RenderedImagesStep);

        // Definitions whose generated names collide: usually none, so this stays equal and keeps every output cached.
        var collisions = images.Select(static (d, _) => Claim(d)).Collect()
            .Combine(stacks.Select(static (d, _) => Claim(d)).Collect())
            .Select(static (pair, _) => GeneratedNames.Collisions(pair.Left.Concat(pair.Right).Where(c => c is not null).Select(c => c!.Value)))
            .WithTrackingName(CollisionsStep);

        context.RegisterSourceOutput(renderedImages.Combine(contextFiles).WithTrackingName(ImagesWithContextFilesStep).Combine(collisions), static (spc, triple) =>
        {
            var ((output, sources), clashes) = triple;
            var image = output.Definition;
            foreach (var diagnostic in image.Diagnostics)
            {
                spc.ReportDiagnostic(Diagnostics.Create(diagnostic));
            }

            if (output.TemplateError is { } templateError)
            {
                spc.ReportDiagnostic(Diagnostics.Create(templateError));
            }

            if (output.Rendered is { } rendered && !ReportCollision(spc, image, clashes))
            {
                foreach (var missing in image.ContextSources.Where(path => sources.All(f => f.Path != path)))
                {
                    spc.ReportDiagnostic(Diagnostics.Create(new DiagnosticInfo(DslDiagnostics.UnknownReference.Id, image.Location,
                        EquatableArray.Of(BuildContextSources.Missing(missing)))));
                }

                rendered = BuildContextSources.Attach(rendered, sources.Where(f => image.ContextSources.Contains(f.Path)));
                spc.AddSource(CatalogEmitter.HintName(image), CatalogEmitter.Entry(image, rendered));
            }
        });

        // Stacks state each service's user, which may come from the image's ancestors: they see only these facts.
        var imageFacts = images.Select(static (i, _) => new ImageFact(i.Name, i.RunsAs, i.Parent)).Collect()
            .Select(static (facts, _) => facts.OrderBy(f => f.Name, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(ImageFactsStep);
        context.RegisterSourceOutput(stacks.Combine(imageFacts).WithTrackingName(StacksWithImageFactsStep).Combine(collisions), static (spc, triple) =>
        {
            var ((stack, facts), clashes) = triple;
            foreach (var diagnostic in stack.Diagnostics)
            {
                spc.ReportDiagnostic(Diagnostics.Create(diagnostic));
            }

            if (stack.Stack is { } spec && !ReportCollision(spc, stack, clashes))
            {
                var users = new Dictionary<string, (string? User, string? Parent)>();
                foreach (var fact in facts)
                {
                    users[fact.Name] = (fact.RunsAs, fact.Parent);
                }

                // A stack renders here (it needs every image's user), so its template errors are reported here.
                RenderedDefinition rendered;
                try
                {
                    rendered = DefinitionRenderer.RenderStack(stack.Name, stack.Version, spec, stack.DefinedBy, DefinitionRenderer.UserResolver(users));
                }
                catch (DslException e) when (e.Diagnostic == DslDiagnostics.TemplateError)
                {
                    spc.ReportDiagnostic(Diagnostics.Create(new DiagnosticInfo(e.Diagnostic.Id, stack.Location, e.Arguments.ToEquatableArray())));
                    return;
                }

                spc.AddSource(CatalogEmitter.HintName(stack), CatalogEmitter.Entry(stack, rendered));
            }
        });

        var index = images.Select(static (d, _) => ToIndexEntry(d)).Collect()
            .Combine(stacks.Select(static (d, _) => ToIndexEntry(d)).Collect())
            .Select(static (pair, _) => pair.Left.Concat(pair.Right).OrderBy(e => e.DefinedBy, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(IndexStep);
        context.RegisterSourceOutput(index, static (spc, entries) =>
        {
            foreach (var diagnostic in CrossDefinitionChecks(entries))
            {
                spc.ReportDiagnostic(Diagnostics.Create(diagnostic));
            }

            var clashes = GeneratedNames.Collisions(entries.Where(e => !e.HasErrors).Select(e => (e.FactoryName, e.DefinedBy, e.Location)));
            spc.AddSource(CatalogEmitter.ClassName + ".g.cs", CatalogEmitter.Index(entries.Where(e => GeneratedNames.Find(clashes, e.DefinedBy, e.Location) is null)));
        });
    }

    private static GeneratedFile? ContextFile(AdditionalText file, AnalyzerConfigOptionsProvider options, System.Threading.CancellationToken ct)
    {
        if (!options.GetOptions(file).TryGetValue("build_metadata.AdditionalFiles." + BuildContextSources.MetadataName, out var path)
            || string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        return BuildContextSources.Source(path, file.GetText(ct)?.ToString() ?? "");
    }

    private static bool IsMember(SyntaxNode node, System.Threading.CancellationToken _) =>
        node is PropertyDeclarationSyntax or VariableDeclaratorSyntax;

    private static IndexEntry ToIndexEntry(ParsedDefinition d) =>
        new(d.IsStack, d.Name, d.DefinedBy, d.FactoryName, d.HasErrors, d.Location, d.References);

    /// <summary>Checks that need every definition: unique names and no dependency cycles.</summary>
    private static IEnumerable<DiagnosticInfo> CrossDefinitionChecks(EquatableArray<IndexEntry> entries)
    {
        foreach (var group in entries.GroupBy(e => (e.IsStack, e.Name)).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var duplicate in group.Skip(1))
            {
                yield return new DiagnosticInfo(DslDiagnostics.DuplicateName.Id, duplicate.Location,
                    EquatableArray.Of(duplicate.IsStack ? "stack" : "image", duplicate.Name, first.DefinedBy));
            }
        }

        var images = entries.Where(e => !e.IsStack).GroupBy(e => e.Name).Select(g => g.First()).ToList();
        var edges = images.ToDictionary(e => e.Name, e => (IReadOnlyList<string>)e.References.Select(r => r.Name).ToList());
        var cycle = DependencyGraph.FindCycle(edges);
        if (cycle is not null)
        {
            var at = images.First(e => e.Name == cycle[0]);
            var reference = at.References.FirstOrDefault(r => r.Name == cycle[1]);
            yield return new DiagnosticInfo(DslDiagnostics.DependencyCycle.Id, reference?.Location ?? at.Location,
                EquatableArray.Of(string.Join(" -> ", cycle)));
        }
    }

    /// <summary>The generated name a definition will take, if it will be emitted at all.</summary>
    private static (string FactoryName, string DefinedBy, LocationInfo? Location)? Claim(ParsedDefinition d) =>
        d.HasErrors || (d.IsStack ? d.Stack is null : d.Image is null) ? null : (d.FactoryName, d.DefinedBy, d.Location);

    private static bool ReportCollision(SourceProductionContext spc, ParsedDefinition definition, EquatableArray<NameCollision> collisions)
    {
        if (GeneratedNames.Find(collisions, definition.DefinedBy, definition.Location) is not { } collision)
        {
            return false;
        }

        spc.ReportDiagnostic(Diagnostics.Create(new DiagnosticInfo(DslDiagnostics.GeneratedNameCollision.Id, definition.Location,
            EquatableArray.Of(collision.DefinedBy, collision.Winner, collision.FactoryName))));
        return true;
    }
}
