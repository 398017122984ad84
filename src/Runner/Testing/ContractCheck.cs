using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.Globalization;
using System.IO;
using System.Linq;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Model;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Testing;

/// <summary>What a built image must show, checked against the image itself (its config and exported files), not
/// against its definition. Each failure names the file or field at fault.</summary>
internal static class ContractCheck
{
    private const UnixFileMode SetIds = UnixFileMode.SetUser | UnixFileMode.SetGroup;

    /// <param name="expectations">The contract with what the image inherits folded in (see <see cref="Expectations"/>).</param>
    public static IReadOnlyList<string> Check(Expectation expectations, ImageInspectResponse config, ExportedFileSystem files)
    {
        var failures = new List<string>();
        var user = config.Config?.User ?? "";
        var (uid, gid) = ParseUser(user);
        if (!expectations.AllowsShell && (uid is null or 0))
        {
            failures.Add("config User: '" + user + "' runs as root; production images must name a non-root UID");
        }
        else if (expectations.User is { } declaredUser && user != declaredUser)
        {
            failures.Add("config User: '" + user + "', not the declared '" + declaredUser + "'" + (gid == 0 ? " (group 0 is root's)" : ""));
        }

        if (uid is { } id)
        {
            var passwd = files.Text("/etc/passwd") ?? "";
            if (!passwd.Split('\n').Any(l => Field(l, 2) == id.ToString(CultureInfo.InvariantCulture)))
            {
                failures.Add("/etc/passwd: no entry for UID " + id);
            }

            var group = files.Text("/etc/group") ?? "";
            if (gid is { } g && !group.Split('\n').Any(l => Field(l, 2) == g.ToString(CultureInfo.InvariantCulture)))
            {
                failures.Add("/etc/group: no entry for GID " + g);
            }
        }

        var env = Environment(config);
        foreach (var expected in expectations.Environment)
        {
            if (!env.TryGetValue(expected.Name, out var actual) || actual != expected.Value)
            {
                failures.Add("config Env " + expected.Name + ": expected '" + expected.Value + "', found " + (actual is null ? "nothing" : "'" + actual + "'"));
            }
        }

        // Exactly what is declared: an extra LD_PRELOAD or LD_LIBRARY_PATH changes what every program loads. Its
        // value is not shown, since an undeclared variable may hold a secret.
        foreach (var name in env.Keys.Where(n => !expectations.Environment.Any(e => e.Name == n)).OrderBy(n => n, StringComparer.Ordinal))
        {
            failures.Add("config Env " + name + ": set in the image but not declared by the definition");
        }

        if (expectations.SizeBudgetBytes is { } budget && config.Size > budget)
        {
            failures.Add("size: " + config.Size + " bytes, over the budget of " + budget + " bytes");
        }

        var home = env.TryGetValue("HOME", out var h) ? h : null;
        var declared = ProgramRules.Declared(expectations.Entrypoint, files);
        foreach (var file in files.Files.Values.Where(f => !files.IsRuntimePath(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            failures.AddRange(ProgramRules.Check(file, declared, files));

            if (file.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile && (file.Mode & SetIds) != 0)
            {
                failures.Add(file.Path + ": setuid/setgid bit set");
            }

            var exempt = file.Path == "/tmp" || (home is not null && (file.Path == home || file.Path.StartsWith(home + "/", StringComparison.Ordinal)))
                         || expectations.WritableDirectories.Any(d => file.Path == d || file.Path.StartsWith(d + "/", StringComparison.Ordinal));
            if (!exempt && (file.Uid != 0 || file.Gid != 0))
            {
                failures.Add(file.Path + ": owned by " + file.Uid + ":" + file.Gid + ", not root");
            }

            if (!exempt && file.Type != TarEntryType.SymbolicLink && (file.Mode & UnixFileMode.OtherWrite) != 0)
            {
                failures.Add(file.Path + ": world-writable");
            }
        }

        if (expectations.CaCertificates)
        {
            var bundle = files.Text("/etc/ssl/certs/ca-certificates.crt");
            if (bundle is null || !bundle.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                failures.Add("/etc/ssl/certs/ca-certificates.crt: missing or holds no certificate");
            }
        }

        if (expectations.TimezoneData && !files.Files.ContainsKey("/usr/share/zoneinfo/America/New_York"))
        {
            failures.Add("/usr/share/zoneinfo/America/New_York: missing");
        }

        failures.AddRange(ScannerMetadata(files, config.Architecture ?? ""));
        return failures;
    }

    /// <summary>Trivy and Grype find a distroless image's packages in <c>/var/lib/dpkg/status.d/NAME</c> (one control
    /// file per package whose files ship, as Google distroless does). Files from Debian packages without it are unscannable.</summary>
    private static IEnumerable<string> ScannerMetadata(ExportedFileSystem files, string architecture)
    {
        var entries = files.Files.Values.Where(f => f.Path.StartsWith(StatusFiles.Directory, StringComparison.Ordinal) && f.Type != TarEntryType.Directory).ToList();
        var fromPackages = files.Files.Keys.Any(p => p.StartsWith("/usr/", StringComparison.Ordinal) && !p.StartsWith("/usr/local/", StringComparison.Ordinal)
                                                     && files.Files[p].Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile);
        if (fromPackages && entries.Count == 0)
        {
            yield return StatusFiles.Directory + ": missing; scanners cannot see which Debian packages the files under /usr come from";
        }

        foreach (var sums in entries.Where(e => StatusFiles.IsFileList(e.Path)).OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            var control = sums.Path.Substring(0, sums.Path.Length - StatusFiles.FileListSuffix.Length);
            if (!files.Files.ContainsKey(control))
            {
                yield return sums.Path + ": file list without the control file " + control;
            }

            foreach (var path in StatusFiles.ListedPaths(files.Text(sums.Path) ?? "").Where(p => !files.Files.ContainsKey(p)))
            {
                yield return sums.Path + ": lists " + path + ", which the image does not hold";
            }
        }

        foreach (var entry in StatusFiles.ControlFiles(files))
        {
            var fields = StatusFiles.Fields(files.Text(entry.Path) ?? "");
            var name = Path.GetFileName(entry.Path);
            if (!fields.TryGetValue("Package", out var package) || package != name || !fields.ContainsKey("Version"))
            {
                yield return entry.Path + ": not a control file for package " + name + " (Package and Version fields)";
            }
            else if (!fields.TryGetValue("Architecture", out var arch) || (arch != "all" && arch != architecture))
            {
                yield return entry.Path + ": Architecture '" + arch + "', not " + architecture + " or all";
            }
        }
    }

    /// <summary>An image's contract with what it inherits from the images it builds on: CA bundle, zoneinfo and the
    /// environment are checked where an ancestor declared them, since they are in the image all the same.</summary>
    public static Expectation Expectations(CatalogEntry image, DefinitionCatalog catalog)
    {
        var chain = new List<CatalogEntry>();
        for (var entry = image; entry is not null && chain.Count < 32; entry = entry.DependsOn.Count == 0 ? null : catalog.FindImage(entry.DependsOn[0]))
        {
            chain.Add(entry);
        }

        var contracts = chain.Select(e => e.Definition.Contract!).ToList();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var contract in Enumerable.Reverse(contracts))
        {
            foreach (var variable in contract.Environment)
            {
                environment[variable.Name] = variable.Value;
            }
        }

        return new Expectation(
            contracts.Any(c => c.AllowsShell),
            contracts.Any(c => c.CaCertificates),
            contracts.Any(c => c.TimezoneData),
            environment.Select(e => new EnvVar(e.Key, e.Value)).ToList(),
            contracts[0].SizeBudgetBytes,
            contracts[0].SmokeTest is { } smoke ? contracts[0].Entrypoint.Concat(smoke).ToList() : null,
            contracts.SelectMany(c => c.OwnedDirectories).Distinct().ToList(),
            contracts.Select(c => c.User).FirstOrDefault(u => u is not null),
            contracts.Select(c => (IReadOnlyList<string>)c.Entrypoint).FirstOrDefault(e => e.Count > 0) ?? Array.Empty<string>());
    }

    private static (int? Uid, int? Gid) ParseUser(string user)
    {
        var parts = user.Split(':');
        int? Number(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        return (parts[0].Length == 0 ? null : Number(parts[0]), parts.Length > 1 ? Number(parts[1]) : Number(parts[0]));
    }

    private static string? Field(string line, int index)
    {
        var fields = line.Split(':');
        return fields.Length > index ? fields[index] : null;
    }

    /// <summary>The image's environment as a map; a later entry for the same name wins, as at run time.</summary>
    private static Dictionary<string, string> Environment(ImageInspectResponse config)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config.Config?.Env ?? new List<string>())
        {
            var equals = entry.IndexOf('=');
            env[equals < 0 ? entry : entry.Substring(0, equals)] = equals < 0 ? "" : entry.Substring(equals + 1);
        }

        return env;
    }
}

/// <summary>The contract an image is tested against, inheritance folded in: the nearest declared user
/// (<c>uid:gid</c>) and entrypoint, the environment of the whole chain.</summary>
internal sealed record Expectation(
    bool AllowsShell,
    bool CaCertificates,
    bool TimezoneData,
    IReadOnlyList<EnvVar> Environment,
    long? SizeBudgetBytes,
    IReadOnlyList<string>? SmokeCommand,
    IReadOnlyList<string> WritableDirectories,
    string? User,
    IReadOnlyList<string> Entrypoint);
