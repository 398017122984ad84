using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>list</c>: every image and stack with its tier, version, platforms and dependencies.</summary>
internal static class ListCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output)
    {
        var command = new Command("list", "List every image and stack: tier, version, platforms, depends-on.");
        command.SetAction(_ =>
        {
            var rows = lookup.Catalog.Entries.Select(e => new[]
            {
                e.Name,
                e.Kind.ToString().ToLowerInvariant() + (e.Definition.Variant.Length > 0 ? "/" + e.Definition.Variant : ""),
                e.Version,
                e.Platforms.Count == 0 ? "-" : string.Join(",", e.Platforms),
                e.DependsOn.Count == 0 ? "-" : string.Join(",", e.DependsOn),
            }).ToList();
            rows.Insert(0, new[] { "NAME", "TIER", "VERSION", "PLATFORMS", "DEPENDS ON" });
            var widths = Enumerable.Range(0, 5).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
            {
                output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
            }

            return 0;
        });
        return command;
    }
}
