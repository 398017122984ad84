using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Distroless.Dsl.Tests.Engine;
using Distroless.Dsl.Tests.Support;
using Xunit;

namespace Distroless.Dsl.Tests.Signing;

/// <summary><c>publish --sign-key</c> end to end: the runner publishes jq with an openssl PKCS#8 key and with a
/// <c>cosign.key</c>; the real cosign verifies the signatures and the SPDX attestations, whose predicate is the image's
/// real SBOM; a bad key or a wrong password fails with one line before anything is pushed.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class PublishSignKeyTests
{
    private static void OpenSsl(params string[] args)
    {
        var start = new ProcessStartInfo("openssl");
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        var (exit, output, error) = ProgramRun.Run(start);
        Assert.True(exit == 0, "openssl " + string.Join(' ', args) + ": " + output + error);
    }

    private static string Reference(string ns, string tag) => TestRegistry.Address + "/" + ns + "/jq:" + tag;

    [Fact]
    public void Publish_with_an_openssl_key_signs_and_attests_the_real_sbom_and_cosign_verifies_both()
    {
        var password = TestRegistry.Password();
        using var cosign = new CosignCli(TestRegistry.Address, TestRegistry.User, password);
        var privateKey = Path.Combine(cosign.Directory, "signing.pem");
        var publicKey = Path.Combine(cosign.Directory, "signing.pub");
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", privateKey);
        OpenSsl("pkey", "-in", privateKey, "-pubout", "-out", publicKey);
        var ns = TestRegistry.FreshNamespace("signkey");

        var (exit, output, error) = TestRegistry.Publish(password, "jq", "--registry", TestRegistry.Address, "--namespace", ns, "--sign-key", privateKey);

        Assert.True(exit == 0, output + error);
        Assert.Contains("signed jq: 7 signatures and attestations added", output);
        Assert.DoesNotContain(File.ReadAllText(privateKey).Split('\n')[1], output + error);
        var (verifyExit, verifyOutput, verifyError) = cosign.Verify(publicKey, Reference(ns, "latest"));
        Assert.True(verifyExit == 0, verifyOutput + verifyError);
        var (attestExit, attestOutput, attestError) = cosign.VerifySpdxAttestation(publicKey, Reference(ns, "1.7.1-arm64"));
        Assert.True(attestExit == 0, attestOutput + attestError);

        // The attested predicate is jq's SBOM: SPDX 2.3 naming jq's Debian package and the manifest it describes.
        using var envelope = JsonDocument.Parse(attestOutput.Split('\n').First(l => l.StartsWith('{')));
        var statement = JsonDocument.Parse(Convert.FromBase64String(envelope.RootElement.GetProperty("payload").GetString()!));
        var predicate = statement.RootElement.GetProperty("predicate");
        Assert.Equal("https://spdx.dev/Document", statement.RootElement.GetProperty("predicateType").GetString());
        Assert.Equal("SPDX-2.3", predicate.GetProperty("spdxVersion").GetString());
        var names = predicate.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("jq", names);
        Assert.Contains("libonig5", names);
        var subject = statement.RootElement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString();
        Assert.Contains(predicate.GetProperty("packages").EnumerateArray(),
            p => p.TryGetProperty("externalRefs", out var refs) && refs.EnumerateArray().Any(r => r.GetProperty("referenceLocator").GetString()!.Contains("sha256%3A" + subject, StringComparison.Ordinal)));
    }

    [Fact]
    public void Publish_with_a_cosign_key_and_its_password_signs_and_cosign_verifies()
    {
        var password = TestRegistry.Password();
        using var cosign = new CosignCli(TestRegistry.Address, TestRegistry.User, password);
        var keyPassword = "pw-" + Guid.NewGuid().ToString("N");
        var withPassword = new System.Collections.Generic.Dictionary<string, string> { ["COSIGN_PASSWORD"] = keyPassword };
        Assert.Equal(0, cosign.Run(withPassword, "generate-key-pair", "--output-key-prefix", Path.Combine(cosign.Directory, "release")).Exit);
        var ns = TestRegistry.FreshNamespace("signkey");

        var (exit, output, error) = TestRegistry.RunRunner(environment =>
        {
            environment["DOCKER_CONFIG"] = cosign.Directory;
            environment["DISTROLESS_REGISTRY_USERNAME"] = TestRegistry.User;
            environment["DISTROLESS_REGISTRY_PASSWORD"] = password;
            environment["COSIGN_PASSWORD"] = keyPassword;
        }, "publish", "jq", "--registry", TestRegistry.Address, "--namespace", ns, "--sign-key", Path.Combine(cosign.Directory, "release.key"));

        Assert.True(exit == 0, output + error);
        Assert.DoesNotContain(keyPassword, output + error);
        var (verifyExit, verifyOutput, verifyError) = cosign.Verify(Path.Combine(cosign.Directory, "release.pub"), Reference(ns, "1.7.1"));
        Assert.True(verifyExit == 0, verifyOutput + verifyError);
    }

    [Fact]
    public async Task A_bad_key_or_a_wrong_password_is_one_line_and_nothing_is_pushed()
    {
        var password = TestRegistry.Password();
        using var cosign = new CosignCli(TestRegistry.Address, TestRegistry.User, password);
        var p384 = Path.Combine(cosign.Directory, "p384.pem");
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", p384);
        var keyPassword = "right-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, cosign.Run(new System.Collections.Generic.Dictionary<string, string> { ["COSIGN_PASSWORD"] = keyPassword },
            "generate-key-pair", "--output-key-prefix", Path.Combine(cosign.Directory, "release")).Exit);
        var ns = TestRegistry.FreshNamespace("badkey");

        var (badExit, badOutput, badError) = TestRegistry.Publish(password, "jq", "--registry", TestRegistry.Address, "--namespace", ns, "--sign-key", p384);
        var (wrongExit, wrongOutput, wrongError) = TestRegistry.RunRunner(environment =>
        {
            environment["DOCKER_CONFIG"] = cosign.Directory;
            environment["DISTROLESS_REGISTRY_USERNAME"] = TestRegistry.User;
            environment["DISTROLESS_REGISTRY_PASSWORD"] = password;
            environment["COSIGN_PASSWORD"] = "wrong-password";
        }, "publish", "jq", "--registry", TestRegistry.Address, "--namespace", ns, "--sign-key", Path.Combine(cosign.Directory, "release.key"));

        Assert.Equal(1, badExit);
        Assert.Contains("P-384", badError);
        Assert.Single(badError.Trim().Split('\n'));
        Assert.Equal(1, wrongExit);
        Assert.Contains("password", wrongError, StringComparison.OrdinalIgnoreCase);
        Assert.Single(wrongError.Trim().Split('\n'));
        Assert.DoesNotContain("wrong-password", wrongOutput + wrongError);
        Assert.DoesNotContain("pushing", badOutput + wrongOutput);
        using var api = TestRegistry.Api(password);
        using var tags = await api.GetAsync("v2/" + ns + "/jq/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, tags.StatusCode);
    }
}
