using System;
using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Generators.Model;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Generators.Emitting;

/// <summary>A definition that loses its generated name to another: it is reported (DSL022) and not emitted, so the
/// generated code never declares a method or file twice.</summary>
internal sealed record NameCollision(string DefinedBy, LocationInfo? Location, string Winner, string FactoryName);

/// <summary>Escaping turns <c>Sample.A_B.C</c> and <c>Sample.A.B_C</c> into the same factory name, and hint names
/// compare without case: the first definition in ordinal order keeps the name, the others collide.</summary>
internal static class GeneratedNames
{
    public static EquatableArray<NameCollision> Collisions(IEnumerable<(string FactoryName, string DefinedBy, LocationInfo? Location)> claims) =>
        claims
            .GroupBy(c => c.FactoryName, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .SelectMany(g =>
            {
                var ordered = g.OrderBy(c => c.DefinedBy, StringComparer.Ordinal)
                    .ThenBy(c => c.Location?.FilePath, StringComparer.Ordinal)
                    .ThenBy(c => c.Location?.Span.Start ?? 0)
                    .ToList();
                return ordered.Skip(1).Select(c => new NameCollision(c.DefinedBy, c.Location, ordered[0].DefinedBy, c.FactoryName));
            })
            .OrderBy(c => c.DefinedBy, StringComparer.Ordinal)
            .ThenBy(c => c.Location?.FilePath, StringComparer.Ordinal)
            .ThenBy(c => c.Location?.Span.Start ?? 0)
            .ToEquatableArray();

    public static NameCollision? Find(EquatableArray<NameCollision> collisions, string definedBy, LocationInfo? location) =>
        collisions.FirstOrDefault(c => c.DefinedBy == definedBy && Equals(c.Location, location));

    /// <summary>A hint name Roslyn accepts whatever the identifiers: letters, digits, '.' and '_' only.</summary>
    public static string HintSafe(string text) =>
        new string(text.Select(ch => char.IsLetterOrDigit(ch) || ch is '.' or '_' ? ch : '_').ToArray());
}
