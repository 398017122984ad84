using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Output;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Reproducibility;

/// <summary>A build request whose every input is what it was when the runner last built that tag needs no BuildKit
/// solve: the solve would be all cache hits, and its image then gets the same timestamps, so the same image ID comes
/// back. The inputs are the context's bytes (the Dockerfile included), every request parameter (build arguments with
/// SOURCE_DATE_EPOCH, platform, builder), the engine's version, and the ID of every image the Dockerfile reads
/// (<see cref="DockerfileImages"/>). The solve is skipped only when the tag still names the image that was made from
/// exactly these inputs; anything unknown means an ordinary build.</summary>
internal sealed class UnchangedBuild
{
    private readonly string _memo;

    private UnchangedBuild(string digest) => _memo = Path.Combine(UserCache.Directory("built-from"), digest);

    /// <summary>The inputs' digest, or null when not every input can be named (then the build just runs).</summary>
    public static async Task<UnchangedBuild?> OfAsync(EngineConnection engine, ImageBuildParameters parameters, MemoryStream context, CancellationToken cancellation)
    {
        if (parameters.NoCache == true || Dockerfile(context, parameters.Dockerfile ?? "Dockerfile") is not { } dockerfile
            || DockerfileImages.Of(dockerfile, parameters.BuildArgs as IReadOnlyDictionary<string, string> ?? new Dictionary<string, string>(parameters.BuildArgs ?? new Dictionary<string, string>())) is not { } images)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add("distroless-dsl unchanged-build v1");
        Add(engine.Version);
        Add(Describe(parameters));
        foreach (var image in images)
        {
            // A missing image, or one with ONBUILD triggers (which may read more images), leaves the build to the builder.
            if (await engine.InspectImageAsync(image, cancellation).ConfigureAwait(false) is not { HasOnBuild: false } inspected)
            {
                return null;
            }

            Add(image + "=" + inspected.Id);
        }

        hash.AppendData(context.TryGetBuffer(out var bytes) ? bytes.AsSpan(0, (int)context.Length) : context.ToArray());
        return new UnchangedBuild(Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant());
    }

    /// <summary>The image <paramref name="tag"/> names when it was built from these very inputs, else null.</summary>
    public async Task<string?> ExistingImageAsync(EngineConnection engine, string tag, CancellationToken cancellation)
    {
        if (!File.Exists(_memo) || (await File.ReadAllTextAsync(_memo, cancellation).ConfigureAwait(false)).Trim() is not { Length: > 0 } known)
        {
            return null;
        }

        return (await engine.InspectImageAsync(tag, cancellation).ConfigureAwait(false))?.Id == known ? known : null;
    }

    /// <summary>Records that these inputs made <paramref name="imageId"/>.</summary>
    public async Task RememberAsync(string imageId, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_memo)!);
        var temporary = _memo + "." + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(temporary, imageId, cancellation).ConfigureAwait(false);
        File.Move(temporary, _memo, overwrite: true);
    }

    /// <summary>Every public property of the request, by name, so a parameter added later is part of the inputs too
    /// (reflection over the properties, not a serializer: this runs on every build and must cost next to nothing).</summary>
    internal static string Describe(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case string text:
                return JsonEncodedText.Encode(text).ToString();
            case IFormattable formattable when value.GetType().IsPrimitive || value is Enum or decimal:
                return formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
            case bool flag:
                return flag ? "true" : "false";
            case System.Collections.IDictionary dictionary:
            {
                var entries = new List<string>();
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    entries.Add(Describe(entry.Key) + ":" + Describe(entry.Value));
                }

                entries.Sort(StringComparer.Ordinal);
                return "{" + string.Join(",", entries) + "}";
            }

            case System.Collections.IEnumerable items:
            {
                var entries = new List<string>();
                foreach (var item in items)
                {
                    entries.Add(Describe(item));
                }

                return "[" + string.Join(",", entries) + "]";
            }

            default:
                var properties = value.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                    .Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.Name, StringComparer.Ordinal);
                return value.GetType().Name + "{" + string.Join(",", properties.Select(p => p.Name + "=" + Describe(p.GetValue(value)))) + "}";
        }
    }

    private static string? Dockerfile(MemoryStream context, string name)
    {
        var start = context.Position;
        try
        {
            using var reader = new TarReader(context, leaveOpen: true);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name == name && entry.DataStream is not null)
                {
                    using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                    return text.ReadToEnd();
                }
            }

            return null;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            return null;
        }
        finally
        {
            context.Position = start;
        }
    }
}
