using System;
using System.Collections.Generic;
using System.Linq;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>A package's declared license from its Debian copyright file, when that file is machine-readable (DEP-5,
/// copyright-format 1.0) and every license it names has an SPDX identifier; otherwise null (NOASSERTION). A package
/// whose files carry several licenses declares all of them: their conjunction (AND).</summary>
internal static class DebianCopyright
{
    /// <summary>Debian's short names that are not SPDX identifiers already, or whose case differs.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Expat"] = "MIT",
        ["CC0"] = "CC0-1.0",
        ["Apache-2"] = "Apache-2.0",
    };

    /// <summary>SPDX license identifiers Debian's copyright files use under the same name (compared ignoring case).</summary>
    private static readonly string[] SpdxIds =
    {
        "0BSD", "Apache-1.0", "Apache-1.1", "Apache-2.0", "Artistic-2.0", "Beerware", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause",
        "BSD-4-Clause", "BSL-1.0", "bzip2-1.0.6", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "curl", "FSFAP",
        "FSFUL", "FSFULLR", "HPND", "ICU", "IJG", "ISC", "Libpng", "libpng-2.0", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "NTP", "OFL-1.1",
        "OpenSSL", "PostgreSQL", "PSF-2.0", "Python-2.0", "Ruby", "Sleepycat", "TCL", "Unicode-DFS-2016", "Unicode-3.0", "Unlicense",
        "Vim", "W3C", "WTFPL", "X11", "Zlib", "zlib-acknowledgement",
    };

    /// <summary>The GNU licenses: Debian writes GPL-2 and GPL-2+, SPDX GPL-2.0-only and GPL-2.0-or-later.</summary>
    private static readonly string[] GnuFamilies = { "AGPL", "GFDL", "GPL", "LGPL" };

    private static readonly Dictionary<string, string> Known = SpdxIds.ToDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The SPDX expression <paramref name="copyright"/> declares, or null when it cannot be said honestly.</summary>
    public static string? License(string? copyright)
    {
        if (copyright is null)
        {
            return null;
        }

        var paragraphs = Paragraphs(copyright).ToList();
        if (paragraphs.Count == 0 || !paragraphs[0].TryGetValue("Format", out var format) || !format.Contains("copyright-format", StringComparison.Ordinal))
        {
            return null; // not machine-readable
        }

        var expressions = new SortedSet<string>(StringComparer.Ordinal);
        // Debian's own packaging (Files: debian/*) does not ship in the binary package.
        foreach (var paragraph in paragraphs.Where(p => p.TryGetValue("Files", out var files) && !OnlyPackaging(files)))
        {
            if (!paragraph.TryGetValue("License", out var license) || Expression(license) is not { } expression)
            {
                return null;
            }

            expressions.Add(expression);
        }

        return expressions.Count switch
        {
            0 => null,
            1 => expressions.Single(),
            _ => string.Join(" AND ", expressions.Select(e => e.Contains(' ') ? "(" + e + ")" : e)),
        };
    }

    private static bool OnlyPackaging(string files) =>
        files.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).All(f => f.StartsWith("debian/", StringComparison.Ordinal));

    /// <summary>One License field's first line in Debian's syntax ("GPL-2+ or Artistic", "BSD-3-clause and MIT") as SPDX;
    /// null when a name has no SPDX identifier or an exception is named.</summary>
    internal static string? Expression(string license)
    {
        var words = license.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        var parts = new List<string>();
        var expectName = true;
        foreach (var raw in words)
        {
            var word = raw.TrimEnd(',');
            if (expectName)
            {
                if (Identifier(word) is not { } id)
                {
                    return null;
                }

                parts.Add(id);
            }
            else if (word.Equals("or", StringComparison.OrdinalIgnoreCase) || word.Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add(word.ToUpperInvariant());
            }
            else
            {
                return null; // "with ... exception", or prose
            }

            expectName = !expectName;
        }

        if (expectName)
        {
            return null; // ends in an operator
        }

        var mixed = parts.Contains("AND") && parts.Contains("OR");
        return mixed ? null : string.Join(" ", parts);
    }

    /// <summary>The SPDX identifier of one Debian short name, or null.</summary>
    internal static string? Identifier(string name)
    {
        if (Aliases.TryGetValue(name, out var alias))
        {
            return alias;
        }

        if (Known.TryGetValue(name, out var id))
        {
            return id;
        }

        foreach (var family in GnuFamilies)
        {
            if (!name.StartsWith(family + "-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var version = name.Substring(family.Length + 1);
            var later = version.EndsWith('+');
            version = version.TrimEnd('+');
            var normalized = version switch
            {
                "1" or "1.0" => "1.0",
                "2" or "2.0" => "2.0",
                "3" or "3.0" => "3.0",
                "2.1" or "1.1" or "1.2" or "1.3" => version,
                _ => null,
            };
            var valid = family switch
            {
                "GPL" => normalized is "1.0" or "2.0" or "3.0",
                "LGPL" => normalized is "2.0" or "2.1" or "3.0",
                "AGPL" => normalized is "1.0" or "3.0",
                _ => normalized is "1.1" or "1.2" or "1.3", // GFDL
            };
            return valid ? family + "-" + normalized + (later ? "-or-later" : "-only") : null;
        }

        return null;
    }

    /// <summary>The paragraphs of a control-style file: first line of each field, by field name.</summary>
    private static IEnumerable<Dictionary<string, string>> Paragraphs(string text)
    {
        var current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                if (current.Count > 0)
                {
                    yield return current;
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            if (line[0] is ' ' or '\t' or '#')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                current.TryAdd(line.Substring(0, colon).Trim(), line.Substring(colon + 1).Trim());
            }
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }
}
