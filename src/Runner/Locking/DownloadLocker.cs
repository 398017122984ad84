using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Model;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Locking;

/// <summary>Locks an image's release downloads: each target platform's SHA-256, from the upstream checksum file when the
/// definition names one (checked against the definition's pins), else from the pins alone.</summary>
internal sealed class DownloadLocker
{
    private static readonly Regex ChecksumLine = new("^([0-9a-fA-F]{64}) [ *]?(\\S+)$", RegexOptions.CultureInvariant);

    private readonly string _localDirectory;
    private readonly Func<string, CancellationToken, Task<string>> _get;
    private readonly TextWriter _output;

    /// <param name="localDirectory">Where a hand-placed copy of a checksum file is looked for first:
    /// <c>DIR/IMAGE/FILENAME</c> (next to the lock, <c>downloads/</c>).</param>
    /// <param name="get">Reads a URL's text; the real one is <see cref="HttpGetAsync"/>.</param>
    public DownloadLocker(string localDirectory, TextWriter output, Func<string, CancellationToken, Task<string>>? get = null)
    {
        _localDirectory = localDirectory;
        _output = output;
        _get = get ?? HttpGetAsync;
    }

    public async Task<IReadOnlyList<LockedDownload>> LockAsync(string image, IReadOnlyList<string> arches, IEnumerable<DownloadSpec> downloads, CancellationToken cancellation)
    {
        var locked = new List<LockedDownload>();
        foreach (var download in downloads)
        {
            var sums = download.ChecksumsUrl is null ? null : await ChecksumsAsync(image, download, arches, cancellation).ConfigureAwait(false);
            foreach (var arch in arches)
            {
                var url = download.Url(arch);
                var pinned = download.Checksums.FirstOrDefault(c => c.Arch == arch)?.Sha256.ToLowerInvariant();
                string sha;
                if (sums is not null)
                {
                    var file = FileName(url);
                    if (!sums.TryGetValue(file, out var listed))
                    {
                        throw new RunnerException(download.ChecksumsUrl + " lists no " + file + " (" + image + " for " + arch + ")");
                    }

                    if (pinned is not null && pinned != listed)
                    {
                        throw new RunnerException(image + ": the definition pins sha256 " + pinned + " for " + url + ", but " + download.ChecksumsUrl + " says " + listed);
                    }

                    sha = listed;
                }
                else
                {
                    sha = pinned ?? throw new RunnerException(image + ": no SHA-256 for " + url + " (pin it with .Sha256(\"" + arch + "\", ...) or name the release's checksum file)");
                }

                locked.Add(new LockedDownload(image, arch, url, sha));
            }
        }

        return locked;
    }

    /// <summary>The checksum file's sums by file name: a local copy if one was placed, else the published file. Offline with
    /// no copy, the definition's own pins do when they cover every platform; otherwise the error says where to put the file.</summary>
    private async Task<Dictionary<string, string>?> ChecksumsAsync(string image, DownloadSpec download, IReadOnlyList<string> arches, CancellationToken cancellation)
    {
        var url = download.ChecksumsUrl!;
        var local = LocalCopy(image, url);
        string text;
        if (File.Exists(local))
        {
            text = await File.ReadAllTextAsync(local, cancellation).ConfigureAwait(false);
            url = local;
        }
        else
        {
            try
            {
                text = await _get(url, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellation.IsCancellationRequested)
            {
                var reason = e is TaskCanceledException ? "timed out" : e.Message.TrimEnd('.');
                if (arches.All(a => download.Checksums.Any(c => c.Arch == a)))
                {
                    _output.WriteLine("warning: " + image + ": cannot read " + url + " (" + reason + "); locked the definition's pinned sums. To take them from upstream, save that file as " + local);
                    return null;
                }

                throw new RunnerException("cannot read " + url + " (" + reason + "): download it elsewhere and save it as " + local + ", then run lock again");
            }
        }

        return Parse(text, url);
    }

    public string LocalCopy(string image, string checksumsUrl) => LockPaths.LocalCopy(_localDirectory, image, checksumsUrl);

    /// <summary>Reads <c>sha256  FILENAME</c> lines (sha256sum's format, as release checksum files use).</summary>
    internal static Dictionary<string, string> Parse(string text, string source)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var match = ChecksumLine.Match(line);
            if (!match.Success)
            {
                throw new RunnerException(source + " line " + number + ": expected 'SHA256  FILENAME'");
            }

            sums[match.Groups[2].Value.TrimStart('.', '/')] = match.Groups[1].Value.ToLowerInvariant();
        }

        return sums;
    }

    private static string FileName(string url) => url.Substring(url.LastIndexOf('/') + 1);

    private static async Task<string> HttpGetAsync(string url, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync(url, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException("HTTP " + (int)response.StatusCode + " " + response.ReasonPhrase);
        }

        return await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
    }
}
