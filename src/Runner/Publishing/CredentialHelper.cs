using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Publishing;

/// <summary>Reads credentials from a docker credential helper (<c>credsStore</c> / <c>credHelpers</c> in the docker
/// config) with the protocol the docker CLI uses: run <c>docker-credential-NAME get</c>, write the server address to
/// its stdin, read <c>{"Username": …, "Secret": …}</c> from its stdout. Nothing it prints is ever shown.</summary>
internal static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The credentials stored for <paramref name="serverAddress"/>, or null when the helper has none.</summary>
    public static RegistryCredentials? Get(string helper, string serverAddress)
    {
        var program = "docker-credential-" + helper;
        var start = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RunnerException(program + " did not start");
        }
        catch (Win32Exception)
        {
            throw new RunnerException("the docker config keeps the credentials for " + serverAddress + " in the credential helper '" + helper
                                      + "', but " + program + " is not on PATH: install it, or set " + CredentialLookup.UsernameVariable
                                      + " and " + CredentialLookup.PasswordVariable);
        }

        using (process)
        {
            process.StandardInput.Write(serverAddress);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)Timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new RunnerException(program + " get did not answer within " + Timeout.TotalSeconds + " s (is it waiting for a passphrase?)");
            }

            if (process.ExitCode != 0)
            {
                // The helpers' own wording for "nothing stored": anonymous access, as with the docker CLI.
                if (stdout.Result.Contains("credentials not found", StringComparison.OrdinalIgnoreCase)
                    || stderr.Result.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                // Its stderr is a diagnostic, not a credential; still, show one line of it only.
                var reason = stderr.Result.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "no message";
                throw new RunnerException(program + " get failed for " + serverAddress + " (exit " + process.ExitCode + "): " + reason);
            }

            return Parse(stdout.Result, program, serverAddress);
        }
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
