using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rules;

/// <summary>Checks that need the whole definition, run once its chain has been evaluated.</summary>
public static class ImageRules
{
    public static IEnumerable<SpecProblem> Check(string name, ImageSpec spec)
    {
        var runsAsRoot = spec.User?.IsRoot ?? spec.Parent is null;
        if (runsAsRoot && spec.Variant != BaseVariant.Debug)
        {
            yield return new SpecProblem(DslDiagnostics.RootUserOutsideDebug, spec.User is null ? "FromScratch" : "User", new[] { name });
        }

        if (spec.Tier != ImageTier.Base && spec.Entrypoint.IsEmpty)
        {
            yield return new SpecProblem(DslDiagnostics.MissingEntrypoint, null, new[] { spec.Tier.ToString().ToLowerInvariant(), name });
        }

        if ((!spec.Binaries.IsEmpty || !spec.DataPaths.IsEmpty) && spec.Packages.IsEmpty)
        {
            yield return new SpecProblem(DslDiagnostics.InvalidArgument, spec.Binaries.IsEmpty ? "DataFiles" : "Binary",
                new[] { "Binaries and data files are taken from Debian packages: add .FromDebian(\"package\") to say which" });
        }

        if (!spec.Exclusions.IsEmpty && spec.Binaries.IsEmpty && spec.DataPaths.IsEmpty)
        {
            yield return new SpecProblem(DslDiagnostics.InvalidArgument, "Without",
                new[] { "Without(...) leaves out parts of what .Binary(...) and .DataFiles(...) ship, and this definition ships neither" });
        }

        if (!spec.WritableDirectories.IsEmpty && (spec.User is null || spec.User.IsRoot))
        {
            yield return new SpecProblem(DslDiagnostics.InvalidArgument, "WritableDirectory",
                new[] { "A writable directory needs its owner: declare the non-root user with .User(uid, name) in this definition" });
        }

        foreach (var download in spec.Downloads)
        {
            foreach (var platform in spec.Platforms)
            {
                var arch = platform.Substring(platform.IndexOf('/') + 1);
                if (!download.Checksums.Any(c => c.Arch == arch))
                {
                    yield return new SpecProblem(DslDiagnostics.InvalidChecksum, "Download",
                        new[] { download.UrlTemplate.Replace("{arch}", arch) + " has no SHA-256 for " + platform + " (add .Sha256(\"" + arch + "\", \"...\") or leave the platform out)" });
                }
            }
        }

        foreach (var source in spec.Stages.SelectMany(s => s.Sources))
        {
            // The .dsc names and hashes every other file, so it is the pin that cannot be missing; the build checks
            // that each file apt-get fetched is pinned too (the tarballs' names are known only from the .dsc).
            if (!source.Checksums.Any(c => c.File == source.DscFile))
            {
                yield return new SpecProblem(DslDiagnostics.InvalidChecksum, "DebianSource",
                    new[] { "Debian source " + source.Package + "=" + source.Version + " has no SHA-256 for " + source.DscFile
                            + " (add .Sha256(\"" + source.DscFile + "\", \"...\") and one for each file `apt-cache showsrc " + source.Package + "` lists)" });
            }
        }

        foreach (var copy in spec.Copies.Where(c => c.Kind == CopySourceKind.Stage))
        {
            if (!spec.Stages.Any(s => s.Name == copy.Stage))
            {
                yield return new SpecProblem(DslDiagnostics.UnknownReference, "CopyFromStage", new[] { "There is no stage named '" + copy.Stage + "'" });
            }
        }
    }
}

/// <summary>Checks on a whole stack.</summary>
public static class StackRules
{
    public static IEnumerable<SpecProblem> Check(string name, StackSpec spec)
    {
        if (spec.Services.IsEmpty)
        {
            yield return new SpecProblem(DslDiagnostics.InvalidArgument, "Create", new[] { "Stack '" + name + "' has no services: add .Service(name, Service.Run(image))" });
        }

        var services = spec.Services.Select(s => s.Name).ToList();
        foreach (var named in spec.Services)
        {
            foreach (var dependency in named.Service.DependsOn.Where(d => !services.Contains(d.Service)))
            {
                yield return Unknown(dependency.Condition == DependencyCondition.Healthy ? "DependsOnHealthy" : "DependsOnStarted",
                    "Service '" + named.Name + "' depends on '" + dependency.Service + "', which is not a service of this stack");
            }

            foreach (var volume in named.Service.Volumes.Where(v => IsNamedVolume(v.Source) && !spec.Volumes.Contains(v.Source)))
            {
                yield return Unknown("Volume", "Service '" + named.Name + "' mounts volume '" + volume.Source + "': declare it with .Volume(\"" + volume.Source + "\") on the stack");
            }

            foreach (var secret in named.Service.Secrets.Where(s => !spec.Secrets.Any(d => d.Name == s)))
            {
                yield return Unknown("Secret", "Service '" + named.Name + "' uses secret '" + secret + "': declare it with .Secret(\"" + secret + "\", \"./secrets/" + secret + "\") on the stack");
            }

            foreach (var network in named.Service.Networks.Where(n => !spec.Networks.Contains(n)))
            {
                yield return Unknown("Network", "Service '" + named.Name + "' joins network '" + network + "': declare it with .Network(\"" + network + "\") on the stack");
            }
        }

        foreach (var composed in spec.Secrets.Where(s => s.Template is not null))
        {
            var inputs = composed.Inputs().ToList();
            if (inputs.Count == 0)
            {
                yield return new SpecProblem(DslDiagnostics.InvalidArgument, "ComposedSecret", new[] { "Composed secret '" + composed.Name + "' names no secret: write {NAME} where secret NAME's value goes, or declare it with .Secret" });
            }

            foreach (var input in inputs.Where(i => !spec.Secrets.Any(s => s.Name == i && s.Template is null)))
            {
                yield return Unknown("ComposedSecret", "Composed secret '" + composed.Name + "' names '{" + input + "}': declare a plain secret with .Secret(\"" + input + "\", \"./secrets/" + input + "\") on the stack");
            }
        }
    }

    /// <summary>A volume source naming a stack volume rather than a host path.</summary>
    public static bool IsNamedVolume(string source) => !source.StartsWith(".", System.StringComparison.Ordinal) && !source.StartsWith("/", System.StringComparison.Ordinal);

    private static SpecProblem Unknown(string blame, string message) =>
        new(DslDiagnostics.UnknownReference, blame, new[] { message });
}
