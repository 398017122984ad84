using System;
using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Catalog;

namespace Distroless.Dsl.Runner.Catalog;

/// <summary>Finds definitions by name, and suggests the nearest name when there is none.</summary>
internal sealed class CatalogLookup
{
    private readonly DefinitionCatalog _catalog;

    public CatalogLookup(DefinitionCatalog catalog) => _catalog = catalog;

    public DefinitionCatalog Catalog => _catalog;

    /// <summary>The image named <paramref name="name"/>, or a one-line error naming the nearest definition.</summary>
    public CatalogEntry Image(string name) =>
        _catalog.FindImage(name) ?? throw new RunnerException(NotFound("image", name, _catalog.Images));

    public CatalogEntry Stack(string name) =>
        _catalog.FindStack(name) ?? throw new RunnerException(NotFound("stack", name, _catalog.Stacks));

    private static string NotFound(string kind, string name, IEnumerable<CatalogEntry> candidates)
    {
        var nearest = candidates.Select(c => c.Name)
            .Select(n => (Name: n, Distance: EditDistance(name, n)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        var hint = nearest.Name is not null && nearest.Distance <= Math.Max(2, name.Length / 2)
            ? " Did you mean '" + nearest.Name + "'?"
            : " Run 'list' to see every definition.";
        return "No " + kind + " named '" + name + "'." + hint;
    }

    /// <summary>Levenshtein distance.</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}

/// <summary>A failure the runner reports as one line and a non-zero exit.</summary>
internal class RunnerException : Exception
{
    public RunnerException(string message)
        : base(message)
    {
    }
}
