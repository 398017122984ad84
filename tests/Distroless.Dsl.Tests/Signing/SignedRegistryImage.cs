using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Publishing;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Signing;

/// <summary>A real image in the local registry (tests/infra/registry.sh) to sign: <c>base</c> for both platforms,
/// published once per test class by the runner into a namespace no other run uses, with the manifests the signing
/// tests sign (the index and its two platform manifests).</summary>
public sealed class SignedRegistryImage : IAsyncLifetime
{
    public const string Registry = "127.0.0.1:5000";
    public const string User = "distroless";

    public string Password { get; private set; } = "";
    public string Repository { get; private set; } = "";
    internal ManifestDescriptor Index { get; private set; } = null!;
    internal IReadOnlyList<ManifestDescriptor> Platforms { get; private set; } = Array.Empty<ManifestDescriptor>();

    internal RegistryClient Client(SecretScrubber? scrubber = null) =>
        new(Registry, new RegistryCredentials(User, Password, "test"), scrubber ?? new SecretScrubber());

    public async Task InitializeAsync()
    {
        var file = Path.Combine(Environment.GetEnvironmentVariable("DISTROLESS_REGISTRY_DIR") ?? "/var/lib/distroless-registry", "password");
        Assert.True(File.Exists(file), "No test registry password at " + file + ": run 'bash tests/infra/registry.sh' (tests/run-all.sh does)");
        Password = File.ReadAllText(file).Trim();
        var ns = "test-sign-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        Repository = ns + "/base";

        var start = new ProcessStartInfo("dotnet");
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "Distroless.Dsl.Runner.dll"), "publish", "base", "--registry", Registry, "--namespace", ns })
        {
            start.ArgumentList.Add(argument);
        }

        var emptyConfig = Directory.CreateTempSubdirectory("distroless-docker-config").FullName;
        try
        {
            start.Environment.Remove("GITHUB_TOKEN");
            start.Environment["DOCKER_CONFIG"] = emptyConfig;
            start.Environment["DISTROLESS_REGISTRY_USERNAME"] = User;
            start.Environment["DISTROLESS_REGISTRY_PASSWORD"] = Password;
            var (exit, output, error) = ProgramRun.Run(start);
            Assert.True(exit == 0, "publish base failed: " + output + error);
        }
        finally
        {
            Directory.Delete(emptyConfig, recursive: true);
        }

        using var client = Client();
        Index = await client.GetManifestAsync(Repository, "latest", CancellationToken.None) ?? throw new InvalidOperationException("no latest after publish");
        using var index = JsonDocument.Parse(await client.GetManifestBytesAsync(Repository, Index.Digest, CancellationToken.None)
                                             ?? throw new InvalidOperationException("no index bytes"));
        Platforms = index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => new ManifestDescriptor(m.GetProperty("mediaType").GetString()!, m.GetProperty("digest").GetString()!, m.GetProperty("size").GetInt64()))
            .ToList();
        Assert.Equal(2, Platforms.Count);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    internal string Reference(ManifestDescriptor manifest) => Registry + "/" + Repository + "@" + manifest.Digest;

    /// <summary>A small valid SPDX 2.3 document standing in for the image's SBOM.</summary>
    public static byte[] Spdx(string name) => Encoding.UTF8.GetBytes($$"""
        {
          "spdxVersion": "SPDX-2.3",
          "dataLicense": "CC0-1.0",
          "SPDXID": "SPDXRef-DOCUMENT",
          "name": "{{name}}",
          "documentNamespace": "https://distroless-dsl.invalid/spdx/{{name}}",
          "creationInfo": { "created": "2026-01-01T00:00:00Z", "creators": ["Tool: distroless-dsl-tests"] },
          "packages": [
            {
              "name": "base-files", "SPDXID": "SPDXRef-Package-deb-base-files", "versionInfo": "13.8+deb13u1",
              "downloadLocation": "NOASSERTION", "licenseConcluded": "NOASSERTION",
              "externalRefs": [ { "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                  "referenceLocator": "pkg:deb/debian/base-files@13.8+deb13u1?arch=amd64&distro=debian-13" } ]
            }
          ],
          "relationships": [ { "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Package-deb-base-files" } ]
        }
        """);
}
