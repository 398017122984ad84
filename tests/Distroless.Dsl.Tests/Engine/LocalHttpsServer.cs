using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>A static-file HTTPS server on 127.0.0.1 with a throwaway CA, for tools to prove they verify TLS. Outside
/// sites cannot serve as proof here (the sandbox intercepts outbound TLS). HTTP/1.1 GET only, one request per connection:
/// enough for curl and git's "dumb HTTP" transport.</summary>
internal sealed class LocalHttpsServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;
    private readonly string _root;

    public LocalHttpsServer(string root)
    {
        _root = Path.GetFullPath(root);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Distroless test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CaPem = ca.ExportCertificatePem() + "\n";

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = leaf.CopyWithPrivateKey(key);
        _certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>The test CA's certificate: the only one that verifies this server.</summary>
    public string CaPem { get; }

    public string Url => "https://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
            using var reader = new StreamReader(tls, Encoding.ASCII, false, 1024, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
            {
                // headers: not needed
            }

            var target = requestLine.Split(' ') is { Length: 3 } parts && parts[0] == "GET" ? parts[1].Split('?')[0] : null;
            var path = target is null ? null : Path.GetFullPath(Path.Combine(_root, Uri.UnescapeDataString(target).TrimStart('/')));
            var found = path is not null && path.StartsWith(_root, StringComparison.Ordinal) && File.Exists(path);
            var body = found ? await File.ReadAllBytesAsync(path!, _stop.Token) : Encoding.ASCII.GetBytes("not found\n");
            var head = "HTTP/1.1 " + (found ? "200 OK" : "404 Not Found") + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                       + body.Length + "\r\nConnection: close\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
            await tls.WriteAsync(body, _stop.Token);
            await tls.FlushAsync(_stop.Token);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException)
        {
            // A client that rejects the certificate hangs up during the handshake: that is what some tests expect.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
    }
}
