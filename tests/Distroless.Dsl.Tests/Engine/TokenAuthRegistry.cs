using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>A second Debian docker-registry, configured for token auth the way ghcr.io and Docker Hub work: its
/// 401s say <c>WWW-Authenticate: Bearer realm=…,service=…,scope=…</c>, and the realm is a small token service here
/// that trades Basic credentials for an RS256 JWT the registry verifies against our self-signed certificate.
/// Both the runner's registry client and the engine's push go through this flow.</summary>
internal sealed class TokenAuthRegistry : IDisposable
{
    public const string Service = "distroless-test-token";
    private const string Issuer = "distroless-test-issuer";
    private readonly string _directory;
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly HttpListener _listener = new();
    private readonly Process _registry;
    private readonly string _user;
    private readonly string _password;

    public TokenAuthRegistry(string user, string password)
    {
        _user = user;
        _password = password;
        _directory = Directory.CreateTempSubdirectory("distroless-token-registry").FullName;
        var request = new CertificateRequest("CN=" + Issuer, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_directory, "token.crt"), _certificate.ExportCertificatePem() + "\n");

        var tokenPort = FreePort();
        RealmUri = "http://127.0.0.1:" + tokenPort + "/token";
        _listener.Prefixes.Add("http://127.0.0.1:" + tokenPort + "/");
        _listener.Start();
        _ = Task.Run(ServeTokensAsync);

        Address = "127.0.0.1:" + FreePort();
        File.WriteAllText(Path.Combine(_directory, "config.yml"), string.Join("\n",
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            "    rootdirectory: " + Path.Combine(_directory, "storage"),
            "http:",
            "  addr: " + Address,
            "auth:",
            "  token:",
            "    realm: " + RealmUri,
            "    service: " + Service,
            "    issuer: " + Issuer,
            "    rootcertbundle: " + Path.Combine(_directory, "token.crt"),
            ""));
        var start = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(Path.Combine(_directory, "config.yml"));
        _registry = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start: run 'bash tests/infra/registry.sh'");
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        WaitForChallenge();
    }

    /// <summary>HOST:PORT of the registry.</summary>
    public string Address { get; }

    public string RealmUri { get; }

    public string LastChallenge { get; private set; } = "";

    /// <summary>A token for <paramref name="scope"/>, as a client would get it from the realm.</summary>
    public string Token(string scope) => IssueToken(new[] { scope });

    public void Dispose()
    {
        try
        {
            _registry.Kill();
            _registry.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _registry.Dispose();
        _listener.Close();
        _certificate.Dispose();
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private void WaitForChallenge()
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = http.GetAsync("http://" + Address + "/v2/").GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    LastChallenge = response.Headers.WwwAuthenticate.ToString();
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(100);
        }

        Assert.Fail("the token-auth docker-registry did not answer on " + Address);
    }

    private async Task ServeTokensAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(_user + ":" + _password));
            var body = "";
            if (context.Request.Headers["Authorization"] != expected || context.Request.QueryString["service"] != Service)
            {
                context.Response.StatusCode = 401;
            }
            else
            {
                var token = IssueToken(context.Request.QueryString.GetValues("scope") ?? Array.Empty<string>());
                body = JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300 });
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    /// <summary>A JWT the registry accepts: RS256, the signing certificate in <c>x5c</c>, our issuer, the service as
    /// audience, and an <c>access</c> claim granting each requested scope.</summary>
    private string IssueToken(string[] scopes)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = scopes.Select(s => s.Split(':')).Where(p => p.Length >= 3)
            .Select(p => new { type = p[0], name = string.Join(":", p[1..^1]), actions = p[^1].Split(',') }).ToArray();
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } }));
        var claims = Encode(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = Issuer, sub = _user, aud = Service, exp = now + 300, nbf = now - 10, iat = now, jti = Guid.NewGuid().ToString("N"), access,
        }));
        var signature = Encode(_key.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return header + "." + claims + "." + signature;
    }
}
