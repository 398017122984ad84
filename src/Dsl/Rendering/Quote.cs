using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Distroless.Dsl.Rendering;

/// <summary>Quoting for the formats we emit. Output depends on nothing but the input (invariant culture, no locale).</summary>
public static class Quote
{
    /// <summary>A JSON string literal; also a valid YAML double-quoted scalar.</summary>
    public static string Json(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A JSON array of strings: Dockerfile exec form and compose lists.</summary>
    public static string JsonArray(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Json)) + "]";

    /// <summary>A Dockerfile ENV/LABEL value: double-quoted, with <c>$</c> kept literal.</summary>
    public static string DockerfileValue(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$").Replace("\n", "\\n") + "\"";

    /// <summary>A single-quoted POSIX shell word, for builder-stage RUN lines.</summary>
    public static string Shell(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
