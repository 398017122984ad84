using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Distroless.Dsl.Generators.Model;

/// <summary>A source location kept as data, since the incremental cache must not hold a <see cref="Location"/>.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic kept as data: the DSL diagnostic's ID, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments);

/// <summary>An edge to another definition, with where the reference is written (for cycle errors).</summary>
internal sealed record ReferenceInfo(string Name, LocationInfo? Location);

/// <summary>One [Image] or [Stack] member after parsing: everything the emitter needs, with value equality. An image is
/// rendered in a later step (<see cref="RenderedImage"/>), so an unchanged definition is not rendered again.</summary>
internal sealed record ParsedDefinition(
    bool IsStack,
    string Name,
    string DefinedBy,
    LocationInfo? Location,
    EquatableArray<ReferenceInfo> References,
    EquatableArray<DiagnosticInfo> Diagnostics,
    ImageSpec? Image,
    string Version,
    StackSpec? Stack,
    string? RunsAs,
    string? Parent)
{
    public bool HasErrors => !Diagnostics.IsEmpty;

    /// <summary>Build-context files the image's stages copy, which the output step takes from the project's AdditionalFiles.</summary>
    public EquatableArray<string> ContextSources { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The C# identifier of this definition's generated factory method.</summary>
    public string FactoryName => "Create_" + System.Text.RegularExpressions.Regex.Replace(DefinedBy, "[^A-Za-z0-9]", "_");
}

/// <summary>What stacks need to know of an image: the user it runs as and what it builds on.</summary>
internal sealed record ImageFact(string Name, string? RunsAs, string? Parent);

/// <summary>What the catalog index and the cross-definition checks need of each definition.</summary>
internal sealed record IndexEntry(bool IsStack, string Name, string DefinedBy, string FactoryName, bool HasErrors, LocationInfo? Location, EquatableArray<ReferenceInfo> References);

/// <summary>An image's rendered files, or the template error that stopped them (reported on the definition).</summary>
internal sealed record RenderedImage(ParsedDefinition Definition, RenderedDefinition? Rendered, DiagnosticInfo? TemplateError)
{
    public static RenderedImage Render(ParsedDefinition definition)
    {
        if (definition.Image is not { } spec)
        {
            return new RenderedImage(definition, null, null);
        }

        try
        {
            return new RenderedImage(definition, DefinitionRenderer.RenderImage(new ImageRef(definition.Name, definition.Version, spec.Tier), spec, definition.DefinedBy), null);
        }
        catch (DslException e) when (e.Diagnostic == DslDiagnostics.TemplateError)
        {
            return new RenderedImage(definition, null, new DiagnosticInfo(e.Diagnostic.Id, definition.Location, e.Arguments.ToEquatableArray()));
        }
    }
}
