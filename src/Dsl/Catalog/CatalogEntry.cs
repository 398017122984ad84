using System;
using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Catalog;

/// <summary>One definition as the generator compiled it. The runner reads these; it never renders files itself.</summary>
public sealed class CatalogEntry
{
    public CatalogEntry(RenderedDefinition definition) => Definition = definition;

    public RenderedDefinition Definition { get; }

    public string Name => Definition.Name;

    public DefinitionKind Kind => Definition.Kind;

    public string Version => Definition.Version;

    public bool IsImage => Kind != DefinitionKind.Stack;

    public string Reference => Name + ":" + Version;

    /// <summary>The tags an image gets for the host platform; per-platform tags add <c>-ARCH</c> to the version.</summary>
    public IReadOnlyList<string> Tags => IsImage ? new[] { Reference, Name + ":latest" } : Array.Empty<string>();

    public IReadOnlyList<string> Platforms => Definition.Platforms;

    public IReadOnlyList<string> DependsOn => Definition.DependsOn;

    public string? Dockerfile => Definition.Dockerfile;

    public string? Compose => Definition.Compose;

    public IReadOnlyList<GeneratedFile> ContextFiles => Definition.ContextFiles;
}

/// <summary>All definitions of an assembly, as the generator emitted them.</summary>
public sealed class DefinitionCatalog
{
    public DefinitionCatalog(IEnumerable<CatalogEntry> entries) =>
        Entries = entries.OrderBy(e => e.Kind).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<CatalogEntry> Entries { get; }

    public IEnumerable<CatalogEntry> Images => Entries.Where(e => e.IsImage);

    public IEnumerable<CatalogEntry> Stacks => Entries.Where(e => !e.IsImage);

    public CatalogEntry? FindImage(string name) => Images.FirstOrDefault(e => e.Name == name);

    public CatalogEntry? FindStack(string name) => Stacks.FirstOrDefault(e => e.Name == name);
}
