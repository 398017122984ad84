using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Building;

/// <summary>The result of one image on one platform: built, failed or skipped.</summary>
internal sealed record BuildResult(string Image, string Platform, string Status, TimeSpan Duration, long? Size, BuildOutcome? Outcome, string Reason);

/// <summary>Builds images with their dependencies in order: an image starts when the images it builds on are done,
/// independent images and platforms build concurrently, and the dependents of a failure are skipped.</summary>
internal sealed class BuildPlan
{
    private readonly DefinitionCatalog _catalog;

    public BuildPlan(DefinitionCatalog catalog) => _catalog = catalog;

    /// <summary>The named images (a stack name means its images) and everything they build on, dependencies first.</summary>
    public IReadOnlyList<CatalogEntry> Resolve(IEnumerable<string> names)
    {
        var lookup = new CatalogLookup(_catalog);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name)
        {
            if (!wanted.Add(name))
            {
                return;
            }

            foreach (var dependency in lookup.Image(name).DependsOn)
            {
                Add(dependency);
            }
        }

        foreach (var name in names)
        {
            if (_catalog.FindImage(name) is null && _catalog.FindStack(name) is { } stack)
            {
                foreach (var image in stack.DependsOn)
                {
                    Add(image);
                }
            }
            else
            {
                Add(name);
            }
        }

        var edges = wanted.ToDictionary(n => n, n => (IReadOnlyList<string>)_catalog.FindImage(n)!.DependsOn.ToList());
        return DependencyGraph.TopologicalOrder(edges).Select(n => _catalog.FindImage(n)!).ToList();
    }

    public async Task<IReadOnlyList<BuildResult>> RunAsync(
        EngineConnection engine, ImageBuilder builder, BuildProgress progress, IReadOnlyList<CatalogEntry> images,
        PlatformSelection platforms, bool noCache, int parallelism, CancellationToken cancellation)
    {
        var results = new ConcurrentBag<BuildResult>();
        var gate = new SemaphoreSlim(Math.Max(1, parallelism));
        var done = new Dictionary<string, Task<bool>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var dependencies = image.DependsOn.Select(d => done[d]).ToList();
            done[image.Name] = BuildImageAsync(image, dependencies);
        }

        await Task.WhenAll(done.Values).ConfigureAwait(false);
        return results.OrderBy(r => images.ToList().FindIndex(i => i.Name == r.Image)).ThenBy(r => r.Platform, StringComparer.Ordinal).ToList();

        async Task<bool> BuildImageAsync(CatalogEntry image, List<Task<bool>> dependencies)
        {
            var dependenciesBuilt = await Task.WhenAll(dependencies).ConfigureAwait(false);
            var targets = platforms.Of(image);
            if (dependenciesBuilt.Any(ok => !ok))
            {
                var failed = image.DependsOn.Where((_, i) => !dependenciesBuilt[i]);
                foreach (var platform in targets.DefaultIfEmpty("-"))
                {
                    results.Add(new BuildResult(image.Name, platform, "skipped", TimeSpan.Zero, null, null, "depends on " + string.Join(", ", failed) + ", which did not build"));
                }

                return false;
            }

            if (targets.Count == 0)
            {
                results.Add(new BuildResult(image.Name, platforms.ToString(), "skipped", TimeSpan.Zero, null, null,
                    "it targets only " + string.Join(", ", image.Platforms)));
                return false;
            }

            var built = await Task.WhenAll(targets.Select(p => BuildPlatformAsync(image, p))).ConfigureAwait(false);
            return built.All(ok => ok);
        }

        async Task<bool> BuildPlatformAsync(CatalogEntry image, string platform)
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            try
            {
                progress.Begin(image.Name, platform, "building " + builder.Naming.PlatformTag(image, platform));
                var outcome = await builder.BuildAsync(image, platform, noCache, cancellation).ConfigureAwait(false);
                if (!outcome.Succeeded)
                {
                    results.Add(new BuildResult(image.Name, platform, "failed", clock.Elapsed, null, outcome, outcome.Error));
                    progress.End(image.Name, platform, "failed: " + outcome.Error);
                    return false;
                }

                if (platform == engine.HostPlatform)
                {
                    try
                    {
                        await TagOwnership.TagAsync(engine, outcome.Tag, builder.Naming.HostTags(image), cancellation, outcome.ImageId).ConfigureAwait(false);
                    }
                    catch (RunnerException e)
                    {
                        results.Add(new BuildResult(image.Name, platform, "failed", clock.Elapsed, null, outcome with { Succeeded = false, Error = e.Message }, e.Message));
                        progress.End(image.Name, platform, "failed: " + e.Message);
                        return false;
                    }
                }

                var inspected = await engine.InspectImageAsync(outcome.Tag, cancellation).ConfigureAwait(false)
                                ?? throw new RunnerException(outcome.Tag + " was built but the engine no longer holds it");
                results.Add(new BuildResult(image.Name, platform, "built", clock.Elapsed, inspected.Size, outcome, ""));
                progress.End(image.Name, platform, "built " + outcome.Tag + " (" + outcome.Builder + ", " + inspected.Size + " bytes, " + clock.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s)");
                return true;
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
