using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Signing;

/// <summary>The real cosign (Debian 13's 2.5 build, installed by tests/infra/cosign.sh), run offline: its TUF root,
/// home and docker config (holding the test registry's credentials) live in a scratch directory.</summary>
internal sealed class CosignCli : IDisposable
{
    private readonly string _binary;

    public CosignCli(string registry, string user, string password)
    {
        _binary = Environment.GetEnvironmentVariable("DISTROLESS_COSIGN") ?? "/opt/distroless-cosign/cosign";
        Assert.True(File.Exists(_binary), "No cosign at " + _binary + ": run 'bash tests/infra/cosign.sh' (tests/run-all.sh does)");
        Directory = System.IO.Directory.CreateTempSubdirectory("distroless-cosign").FullName;
        var config = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "docker")).FullName;
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
        File.WriteAllText(Path.Combine(config, "config.json"), "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    /// <summary>The scratch directory: keys the tests make go here too.</summary>
    public string Directory { get; }

    public (int Exit, string Output, string Error) Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(_binary) { WorkingDirectory = Directory };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("COSIGN_PASSWORD");
        start.Environment["HOME"] = Directory;
        start.Environment["TUF_ROOT"] = Path.Combine(Directory, "tuf");
        start.Environment["DOCKER_CONFIG"] = Path.Combine(Directory, "docker");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return ProgramRun.Run(start);
    }

    public (int Exit, string Output, string Error) Run(params string[] args) => Run(null, args);

    /// <summary><c>cosign verify --key</c>, offline: no transparency log, plain http to the loopback registry.</summary>
    public (int Exit, string Output, string Error) Verify(string publicKey, string reference) =>
        Run("verify", "--key", publicKey, "--insecure-ignore-tlog=true", "--allow-insecure-registry", reference);

    public (int Exit, string Output, string Error) VerifySpdxAttestation(string publicKey, string reference) =>
        Run("verify-attestation", "--key", publicKey, "--type", "spdxjson", "--insecure-ignore-tlog=true", "--allow-insecure-registry", reference);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
