using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Distroless.Dsl.Runner.Reproducibility;

/// <summary>The images a Dockerfile reads from outside itself: every <c>FROM</c> and <c>--from</c> that names no earlier
/// stage, with the global <c>ARG</c>s and the build arguments substituted as the builder does. Null when that cannot
/// be known for sure (a parser directive, a variable form or an undeclared variable this reader does not expand, or an
/// <c>ADD</c> of a URL, which is an input from outside the context), so a
/// caller that needs every input falls back to an ordinary build.</summary>
internal static class DockerfileImages
{
    private static readonly Regex Variable = new(@"\$(\{(?<braced>[^}]*)\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))", RegexOptions.CultureInvariant);

    public static IReadOnlyList<string>? Of(string dockerfile, IReadOnlyDictionary<string, string> buildArguments)
    {
        var lines = Instructions(dockerfile);
        if (lines is null)
        {
            return null;
        }

        var globals = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<string>();
        var stageCount = 0;
        foreach (var line in lines)
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var instruction = words[0].ToUpperInvariant();
            if (instruction == "ADD" && words.Skip(1).Any(w => w.Contains("://", StringComparison.Ordinal) || w.StartsWith("git@", StringComparison.Ordinal)))
            {
                // A remote source is an input the builder fetches (and compares) on every build.
                return null;
            }

            if (instruction == "ARG" && stageCount == 0)
            {
                foreach (var declaration in words.Skip(1))
                {
                    var equals = declaration.IndexOf('=');
                    var name = equals < 0 ? declaration : declaration.Substring(0, equals);
                    globals[name] = buildArguments.TryGetValue(name, out var given) ? given : equals < 0 ? null : declaration.Substring(equals + 1);
                }
            }
            else if (instruction == "FROM")
            {
                var operands = words.Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                if (operands.Count is not (1 or 3) || Expand(operands[0], globals) is not { } image)
                {
                    return null;
                }

                if (!stages.Contains(image) && !image.Equals("scratch", StringComparison.OrdinalIgnoreCase))
                {
                    images.Add(image);
                }

                stageCount++;
                if (operands.Count == 3)
                {
                    stages.Add(operands[2]);
                }
            }

            foreach (var word in words.Skip(1).Where(w => w.StartsWith("--", StringComparison.Ordinal)))
            {
                var source = word.StartsWith("--from=", StringComparison.Ordinal) ? word.Substring("--from=".Length)
                    : word.StartsWith("--mount=", StringComparison.Ordinal)
                        ? word.Substring("--mount=".Length).Split(',').Select(o => o.Trim()).FirstOrDefault(o => o.StartsWith("from=", StringComparison.Ordinal))?.Substring("from=".Length)
                        : null;
                if (source is null || stages.Contains(source) || (int.TryParse(source, out var index) && index >= 0 && index < stageCount))
                {
                    continue;
                }

                if (source.Contains('$'))
                {
                    return null;
                }

                images.Add(source);
            }
        }

        return images.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The instructions, continuation lines joined and comments dropped; null when a parser directive (such as
    /// <c># syntax=</c>, which names a frontend image) is present.</summary>
    private static List<string>? Instructions(string dockerfile)
    {
        var result = new List<string>();
        var current = "";
        var leading = true;
        foreach (var raw in dockerfile.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (leading && Regex.IsMatch(line, @"^#\s*[A-Za-z]+\s*="))
            {
                return null;
            }

            if (line.StartsWith("#", StringComparison.Ordinal) || line.Length == 0 && current.Length == 0)
            {
                leading &= line.StartsWith("#", StringComparison.Ordinal);
                continue;
            }

            leading = false;
            if (line.EndsWith("\\", StringComparison.Ordinal))
            {
                current += line.Substring(0, line.Length - 1) + " ";
                continue;
            }

            current += line;
            if (current.Trim().Length > 0)
            {
                result.Add(current.Trim());
            }

            current = "";
        }

        if (current.Trim().Length > 0)
        {
            result.Add(current.Trim());
        }

        return result;
    }

    private static string? Expand(string text, Dictionary<string, string?> globals)
    {
        var unknown = false;
        var expanded = Variable.Replace(text, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            if (!globals.TryGetValue(name, out var value) || value is null)
            {
                unknown = true;
                return "";
            }

            return value;
        });
        return unknown || expanded.Contains('$') || expanded.Length == 0 ? null : expanded;
    }
}
