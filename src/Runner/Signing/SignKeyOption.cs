using System.CommandLine;
using Distroless.Dsl.Runner.Publishing;

namespace Distroless.Dsl.Runner.Signing;

/// <summary><c>--sign-key KEY</c> for <c>publish</c>: add <see cref="Option"/> to the command, and call <see cref="Load"/>
/// before anything is pushed, so a bad key or password fails with nothing published.</summary>
internal sealed class SignKeyOption
{
    public Option<string?> Option { get; } = new("--sign-key")
    {
        Description = "Sign each platform manifest and the index in cosign's format, and attach each platform's SPDX SBOM as a "
                      + "signed attestation. KEY is an ECDSA P-256 private key: a PKCS#8 or EC PEM (openssl), or cosign.key from "
                      + "'cosign generate-key-pair' with its password in $" + SigningKey.PasswordVariable + ".",
        HelpName = "KEY",
    };

    /// <summary>The key the command line names, or null without <c>--sign-key</c>. Its password (if any) is added to
    /// <paramref name="scrubber"/>.</summary>
    public SigningKey? Load(ParseResult result, SecretScrubber scrubber) =>
        result.GetValue(Option) is { Length: > 0 } path ? SigningKey.Load(path, scrubber) : null;
}
