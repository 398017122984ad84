using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>A real HTTP proxy in front of the real test registry: it forwards every request, records its method and
/// path, and can refuse chosen requests the way a registry would (a status with a registry error body). The
/// forwarded Host is the proxy's own, so the registry's upload Locations point back through the proxy.</summary>
internal sealed class RecordingRegistryProxy : IDisposable
{
    private static readonly string[] Hop = { "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Proxy-Connection" };
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly List<string> _requests = new();

    public RecordingRegistryProxy(string upstream = "127.0.0.1:5000")
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Address = "127.0.0.1:" + ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri("http://" + upstream + "/") };
        _listener.Prefixes.Add("http://" + Address + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>HOST:PORT to give the runner as its registry.</summary>
    public string Address { get; }

    /// <summary>Answers a request it returns a status for with that status instead of forwarding it.</summary>
    public Func<string, string, HttpStatusCode?> Refuse { get; set; } = (_, _) => null;

    /// <summary>Every request so far as <c>METHOD /path?query</c>, in arrival order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    /// <summary>The requests that change a registry: anything but GET and HEAD.</summary>
    public IReadOnlyList<string> Writes => Requests.Where(r => !r.StartsWith("GET ", StringComparison.Ordinal) && !r.StartsWith("HEAD ", StringComparison.Ordinal)).ToList();

    public void Clear()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _upstream.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var target = request.RawUrl ?? "/";
        lock (_requests)
        {
            _requests.Add(request.HttpMethod + " " + target);
        }

        try
        {
            if (Refuse(request.HttpMethod, target) is { } refused)
            {
                await request.InputStream.CopyToAsync(Stream.Null);
                var error = Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"refused by the test proxy\"}]}");
                response.StatusCode = (int)refused;
                response.ContentType = "application/json";
                response.ContentLength64 = error.Length;
                await response.OutputStream.WriteAsync(error);
                response.Close();
                return;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), target.TrimStart('/'));
            var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            if (request.HasEntityBody || body.Length > 0)
            {
                forward.Content = new ByteArrayContent(body.ToArray());
            }

            foreach (var name in request.Headers.AllKeys.OfType<string>().Where(n => !Hop.Contains(n, StringComparer.OrdinalIgnoreCase)))
            {
                var values = request.Headers.GetValues(name) ?? Array.Empty<string>();
                if (!forward.Headers.TryAddWithoutValidation(name, values))
                {
                    forward.Content?.Headers.TryAddWithoutValidation(name, values);
                }
            }

            forward.Headers.Host = Address;
            using var answer = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseContentRead);
            response.StatusCode = (int)answer.StatusCode;
            foreach (var header in answer.Headers.Concat(answer.Content.Headers).Where(h => !Hop.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
            {
                foreach (var value in header.Value)
                {
                    response.AppendHeader(header.Key, value);
                }
            }

            var bytes = await answer.Content.ReadAsByteArrayAsync();
            if (request.HttpMethod == "HEAD")
            {
                response.ContentLength64 = answer.Content.Headers.ContentLength ?? 0;
            }
            else
            {
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }

            response.Close();
        }
        catch (Exception)
        {
            response.Abort();
        }
    }
}
