using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>The NuGet packages a .NET app in the image carries, from its deps.json (what the host loads the app by):
/// libraries of type <c>package</c>, with their SHA-512, and the self-contained runtime (<c>runtimepack</c>).</summary>
internal static class DotnetComponents
{
    private const string RuntimePackPrefix = "runtimepack.";

    public static IEnumerable<SbomComponent> From(IReadOnlyDictionary<string, string> depsFiles)
    {
        foreach (var (path, text) in depsFiles)
        {
            JsonDocument deps;
            try
            {
                deps = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new RunnerException(path + " in the image is not JSON: " + e.Message);
            }

            using (deps)
            {
                if (!deps.RootElement.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var library in libraries.EnumerateObject())
                {
                    var slash = library.Name.LastIndexOf('/');
                    var type = library.Value.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (slash <= 0 || type is not ("package" or "runtimepack"))
                    {
                        continue; // the app's own project
                    }

                    var (name, version) = (library.Name.Substring(0, slash), library.Name.Substring(slash + 1));
                    var runtime = type == "runtimepack";
                    if (runtime && name.StartsWith(RuntimePackPrefix, StringComparison.Ordinal))
                    {
                        name = name.Substring(RuntimePackPrefix.Length);
                    }

                    yield return new SbomComponent(runtime ? ComponentKind.DotnetRuntimePack : ComponentKind.NuGetPackage, name, version, PackageUrl.NuGet(name, version))
                    {
                        Sha512 = Sha512(library.Value),
                        Purpose = runtime ? "FRAMEWORK" : "LIBRARY",
                        Comment = (runtime ? "the .NET runtime of a self-contained app, " : "") + "listed in " + path,
                    };
                }
            }
        }
    }

    /// <summary>deps.json writes "sha512-BASE64"; SPDX wants lowercase hex. Runtime packs have none.</summary>
    private static string? Sha512(JsonElement library)
    {
        var value = library.TryGetProperty("sha512", out var s) ? s.GetString() : null;
        if (value is null || !value.StartsWith("sha512-", StringComparison.Ordinal))
        {
            return null;
        }

        return Convert.ToHexString(Convert.FromBase64String(value.Substring("sha512-".Length))).ToLowerInvariant();
    }
}
