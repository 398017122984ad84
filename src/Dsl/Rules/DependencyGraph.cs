using System;
using System.Collections.Generic;
using System.Linq;

namespace Distroless.Dsl.Rules;

/// <summary>Order and cycles of definitions by their references. The generator reports cycles with it and the runner builds in its order.</summary>
public static class DependencyGraph
{
    /// <summary>The first cycle found, as names with the first repeated at the end; null when there is none.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in edges.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var cycle = Visit(start);
            if (cycle is not null)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string node)
        {
            state.TryGetValue(node, out var s);
            if (s == 2)
            {
                return null;
            }

            if (s == 1)
            {
                return path.Skip(path.IndexOf(node)).Concat(new[] { node }).ToList();
            }

            state[node] = 1;
            path.Add(node);
            if (edges.TryGetValue(node, out var next))
            {
                foreach (var n in next.OrderBy(n => n, StringComparer.Ordinal))
                {
                    var cycle = Visit(n);
                    if (cycle is not null)
                    {
                        return cycle;
                    }
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    /// <summary>Dependencies first, ties broken by name so the order is stable. Throws on a cycle.</summary>
    public static IReadOnlyList<string> TopologicalOrder(IReadOnlyDictionary<string, IReadOnlyList<string>> edges)
    {
        var cycle = FindCycle(edges);
        if (cycle is not null)
        {
            throw new InvalidOperationException("Dependency cycle: " + string.Join(" -> ", cycle));
        }

        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in edges.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            Add(node);
        }

        return order;

        void Add(string node)
        {
            if (!done.Add(node))
            {
                return;
            }

            if (edges.TryGetValue(node, out var next))
            {
                foreach (var n in next.OrderBy(n => n, StringComparer.Ordinal))
                {
                    Add(n);
                }
            }

            order.Add(node);
        }
    }
}
