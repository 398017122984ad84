using System;
using System.Collections.Generic;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>Removes every secret it has been told about (passwords, tokens, their Basic-auth encodings) from text
/// before it is printed, so no output, error or exception message carries one.</summary>
internal sealed class SecretScrubber
{
    private const string Mask = "***";
    private readonly List<string> _secrets = new();
    private readonly object _gate = new();

    public void Add(string? secret)
    {
        // Every length: a short password is still a password. Masking a one-letter secret garbles the text around it,
        // which is the safe failure; skipping it would print it.
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        lock (_gate)
        {
            if (!_secrets.Contains(secret))
            {
                _secrets.Add(secret);
                _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
            }
        }
    }

    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        lock (_gate)
        {
            foreach (var secret in _secrets)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
