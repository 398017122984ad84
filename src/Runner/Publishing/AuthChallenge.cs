using System;
using System.Collections.Generic;
using System.Text;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>A registry's <c>WWW-Authenticate</c> challenge: <c>Basic realm="..."</c> (a plain registry with
/// htpasswd) or <c>Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/base:pull"</c>
/// (the token flow of ghcr.io and Docker Hub).</summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.TryGetValue("realm", out var v) ? v : null;

    public string? Service => Parameters.TryGetValue("service", out var v) ? v : null;

    public string? Scope => Parameters.TryGetValue("scope", out var v) ? v : null;

    /// <summary>Parses one challenge: a scheme, then comma-separated <c>key=value</c> or <c>key="quoted, value"</c>
    /// pairs (RFC 7235). Returns null for an empty header.</summary>
    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text.Substring(0, space);
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var key = text.Substring(i, equals - i).Trim();
            i = equals + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                }

                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++)
                {
                    value.Append(text[i]);
                }
            }

            if (key.Length > 0)
            {
                parameters[key] = value.ToString().Trim();
            }
        }

        return new AuthChallenge(scheme, parameters);
    }
}
