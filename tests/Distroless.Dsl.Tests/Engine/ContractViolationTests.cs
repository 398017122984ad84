using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Testing;
using Xunit;

namespace Distroless.Dsl.Tests.Engine;

/// <summary>Builds, once, one crafted image per contract rule: the real <c>base</c> image plus one violation taken
/// from real programs (busybox from base-debug; dash, bash, dpkg, apt-get and perl from the Debian builder image),
/// then checks each the way <c>test</c> does (the image's config and exported file system against base's contract).</summary>
public sealed class CraftedImages : IAsyncLifetime
{
    public const string Repository = "distroless-dsl/test-contract-violation";

    /// <summary>name → (the Dockerfile lines after FROM base, the failures the contract must report, by prefix).</summary>
    public static readonly IReadOnlyDictionary<string, (string Dockerfile, string[] Failures)> Cases = new Dictionary<string, (string, string[])>
    {
        ["busybox-as-helper"] = ("COPY --from=debug /busybox/busybox /usr/bin/helper", new[] { "/usr/bin/helper: a shell (busybox), carries \"BusyBox v\"" }),
        ["sh-distrib"] = ("COPY --from=parts /parts/sh.distrib /usr/bin/sh.distrib", new[] { "/usr/bin/sh.distrib: a shell (dash)" }),
        ["rbash"] = ("COPY --from=parts /parts/rbash /usr/bin/rbash", new[] { "/usr/bin/rbash: a shell (bash), carries \"GNU bash, version\"" }),
        ["dpkg-real"] = ("COPY --from=parts /parts/dpkg.real /usr/bin/dpkg.real", new[] { "/usr/bin/dpkg.real: a package manager (dpkg)" }),
        ["symlink-to-shell"] = ("COPY --from=debug /busybox/busybox /opt/tools/bb\nCOPY --from=parts /link/ /",
            new[] { "/opt/tools/bb: a shell (busybox)", "/usr/local/bin/helper: a symbolic link to /opt/tools/bb, a shell (busybox)" }),
        ["sh-script"] = ("COPY --from=parts /parts/start.sh /usr/local/bin/start.sh", new[] { "/usr/local/bin/start.sh: an executable script (#!/bin/sh)" }),
        ["perl"] = ("COPY --from=parts /parts/perl /usr/bin/perl", new[] { "/usr/bin/perl: an interpreter (perl), carries \"This is perl \"" }),
        ["apt-get"] = ("COPY --from=parts /parts/apt-get /opt/apt/apt-get", new[] { "/opt/apt/apt-get: a package manager (apt), needs libapt-private.so.0.0" }),
        ["ld-preload"] = ("ENV LD_PRELOAD=/usr/lib/libpreload.so", new[] { "config Env LD_PRELOAD: set in the image but not declared" }),
        ["user-group-root"] = ("USER 1000:0", new[] { "config User: '1000:0', not the declared '1000:1000' (group 0 is root's)" }),
        ["user-nobody"] = ("USER 65534", new[] { "config User: '65534', not the declared '1000:1000'" }),
    };

    /// <summary>The builder stage the violations come from; the same lines for every image, so it is built once.</summary>
    private static readonly string Parts = string.Join("\n",
        "FROM " + ImageNaming.Default.Builder + " AS parts",
        "RUN mkdir -p /parts /link/usr/local/bin && cp /usr/bin/dash /parts/sh.distrib && cp /usr/bin/bash /parts/rbash"
        + " && cp /usr/bin/dpkg /parts/dpkg.real && cp /usr/bin/apt-get /parts/apt-get && cp /usr/bin/perl /parts/perl"
        + " && printf '#!/bin/sh\\nexec /app/server \"$@\"\\n' > /parts/start.sh && chmod 0755 /parts/start.sh"
        + " && ln -s ../../../opt/tools/bb /link/usr/local/bin/helper");

    public Dictionary<string, IReadOnlyList<string>> Failures { get; } = new();

    public async Task InitializeAsync()
    {
        var catalog = GeneratedCatalog.Catalog;
        var log = new StringWriter();
        Assert.True(Distroless.Dsl.Tests.Support.InProcessRunner.Run(new[] { "build", "base-debug" }, catalog, log, log) == 0, log.ToString());
        using var engine = await EngineConnection.ConnectAsync(CancellationToken.None);
        var platform = engine.HostPlatform;
        var baseImage = catalog.FindImage("base")!;
        // Every violation adds bytes; the size budget is not what these images test.
        var expectation = ContractCheck.Expectations(baseImage, catalog) with { SizeBudgetBytes = null };
        var builder = new ImageBuilder(engine, BuilderKind.Auto, new BuildProgress(TextWriter.Null), ImageNaming.Default);
        foreach (var (name, (lines, _)) in Cases)
        {
            var dockerfile = Parts + "\nFROM " + ImageNaming.Default.PlatformTag(catalog.FindImage("base-debug")!, platform) + " AS debug\n"
                             + "FROM " + ImageNaming.Default.PlatformTag(baseImage, platform) + "\n" + lines + "\n";
            var tag = Repository + ":" + name;
            var outcome = await builder.BuildAsync(name, platform, tag, () => BuildContextArchive.FromFiles(("Dockerfile", dockerfile)), noCache: false, CancellationToken.None);
            Assert.True(outcome.Succeeded, name + ": " + outcome.Error + "\n" + string.Join("\n", outcome.FailedLog));

            // What `test` does per image and platform.
            var config = await engine.Client.Images.InspectImageAsync(tag, CancellationToken.None);
            var files = await ExportedFileSystem.ReadAsync(engine, tag, platform, CancellationToken.None);
            Failures[name] = ContractCheck.Check(expectation, config, files);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Each rule fails <c>test</c> on a crafted image, naming the file or field, and reports only that violation.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class ContractViolationTests : IClassFixture<CraftedImages>
{
    private readonly CraftedImages _images;

    public ContractViolationTests(CraftedImages images) => _images = images;

    public static IEnumerable<object[]> Names => CraftedImages.Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void A_crafted_image_fails_the_contract_naming_its_violation(string name)
    {
        var failures = _images.Failures[name];
        var expected = CraftedImages.Cases[name].Failures;

        Assert.True(failures.Count == expected.Length, name + ":\n" + string.Join("\n", failures));
        foreach (var prefix in expected)
        {
            Assert.Contains(failures, f => f.StartsWith(prefix, StringComparison.Ordinal));
        }
    }
}
