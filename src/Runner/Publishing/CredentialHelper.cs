using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Processes;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>Reads credentials from a docker credential helper (<c>credsStore</c> / <c>credHelpers</c> in the docker
/// config) with the protocol the docker CLI uses: run <c>docker-credential-NAME get</c>, write the server address to
/// its stdin, read <c>{"Username": …, "Secret": …}</c> from its stdout. Nothing it prints is ever shown.</summary>
internal static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The credentials stored for <paramref name="serverAddress"/>, or null when the helper has none.</summary>
    public static async Task<RegistryCredentials?> GetAsync(string helper, string serverAddress, CancellationToken cancellation)
    {
        var program = "docker-credential-" + helper;
        ProgramResult result;
        try
        {
            result = await ExternalProgram.RunAsync(new ProgramInvocation(program, new[] { "get" }) { StandardInput = serverAddress, Timeout = Timeout }, cancellation)
                .ConfigureAwait(false);
        }
        catch (MissingProgramException)
        {
            throw new RunnerException("the docker config keeps the credentials for " + serverAddress + " in the credential helper '" + helper
                                      + "', but " + program + " is not installed: " + ExternalProgram.HowToInstall(program) + ", or set "
                                      + CredentialLookup.UsernameVariable + " and " + CredentialLookup.PasswordVariable);
        }
        catch (ProgramTimeoutException)
        {
            throw new RunnerException(program + " get did not answer within " + Timeout.TotalSeconds + " s (is it waiting for a passphrase?)");
        }

        if (result.ExitCode != 0)
        {
            // The helpers' own wording for "nothing stored": anonymous access, as with the docker CLI.
            if (result.StandardOutput.Contains("credentials not found", StringComparison.OrdinalIgnoreCase)
                || result.StandardError.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            // Its stderr is a diagnostic, but a helper may echo what it read or decrypted: one line of it, only when it
            // holds no quoted JSON (the protocol's answer), and still through the caller's scrubber.
            var reason = result.StandardError.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "no message";
            if (reason.Contains('{') || reason.Contains("Secret", StringComparison.OrdinalIgnoreCase))
            {
                reason = "its message is not shown, as it may hold the secret";
            }

            throw new RunnerException(program + " get failed for " + serverAddress + " (exit " + result.ExitCode + "): " + reason);
        }

        return Parse(result.StandardOutput, program, serverAddress);
    }

    public static RegistryCredentials? Parse(string json, string program, string serverAddress)
    {
        string? username;
        string? secret;
        try
        {
            using var document = JsonDocument.Parse(json);
            username = CredentialLookup.Text(document.RootElement, "Username");
            secret = CredentialLookup.Text(document.RootElement, "Secret");
        }
        catch (JsonException)
        {
            // The text could hold the secret: say only that it is not what the protocol promises.
            throw new RunnerException(program + " get answered for " + serverAddress + " with something that is not the helper protocol's JSON");
        }

        if (string.IsNullOrEmpty(secret))
        {
            return null; // some helpers answer "not found" with empty fields and exit 0
        }

        if (username == "<token>")
        {
            // An identity token is an OAuth refresh token for the registry's token service, not a password.
            throw new RunnerException(program + " holds an identity token for " + serverAddress + ", which publish does not use: set "
                                      + CredentialLookup.UsernameVariable + " and " + CredentialLookup.PasswordVariable);
        }

        return new RegistryCredentials(username ?? "", secret!, program);
    }
}
