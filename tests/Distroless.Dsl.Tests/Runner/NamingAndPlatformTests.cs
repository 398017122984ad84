using System;
using System.Collections.Generic;
using System.IO;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Runner.Catalog;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>Image names carry the project's prefix (or the user's), --platform takes buildx's comma lists, and a
/// composed secret URL-encodes what it carries. No engine needed.</summary>
public class NamingAndPlatformTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Every_name_carries_the_projects_own_prefix_by_default()
    {
        var postgres = GeneratedCatalog.Catalog.FindImage("postgres")!;
        var naming = ImageNaming.From(null, null, NoEnvironment);

        Assert.Equal("distroless-dsl/postgres:" + postgres.Version + "-arm64", naming.PlatformTag(postgres, "linux/arm64"));
        Assert.Equal(new[] { "distroless-dsl/postgres:" + postgres.Version, "distroless-dsl/postgres:latest" }, naming.HostTags(postgres));
        Assert.Equal("distroless-dsl/builder-debian:trixie", naming.Builder);
        Assert.DoesNotContain(naming.HostTags(postgres), t => t.StartsWith("postgres:", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_win_over_the_environment_which_wins_over_the_default()
    {
        var jq = GeneratedCatalog.Catalog.FindImage("jq")!;
        var environment = new Dictionary<string, string> { [ImageNaming.RegistryVariable] = "ghcr.io", [ImageNaming.NamespaceVariable] = "acme" };

        Assert.Equal("ghcr.io/acme/jq:latest", ImageNaming.From(null, null, k => environment.GetValueOrDefault(k)).HostTags(jq)[1]);
        Assert.Equal("127.0.0.1:5000/team/tools/jq:latest", ImageNaming.From("127.0.0.1:5000", "team/tools", k => environment.GetValueOrDefault(k)).HostTags(jq)[1]);
        Assert.Equal("jq:latest", ImageNaming.From(null, "", NoEnvironment).HostTags(jq)[1]);
        Assert.Equal("acme/jq", ImageNaming.From("ghcr.io", "acme", NoEnvironment).RepositoryPath(jq));
    }

    [Theory]
    [InlineData("https://ghcr.io", null, "--registry takes HOST[:PORT]")]
    [InlineData(null, "Acme", "--namespace takes lowercase path components")]
    [InlineData(null, "acme//x", "--namespace takes lowercase path components")]
    public void A_malformed_name_part_is_one_clear_error(string? registry, string? ns, string message)
    {
        var e = Assert.Throws<RunnerException>(() => ImageNaming.From(registry, ns, NoEnvironment));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Platform_lists_are_read_as_buildx_reads_them()
    {
        var curl = GeneratedCatalog.Catalog.FindImage("curl")!;

        Assert.Equal(new[] { "linux/amd64", "linux/arm64" }, PlatformSelection.Parse(new[] { "linux/arm64,linux/amd64" }).Of(curl));
        Assert.Equal(new[] { "linux/arm64" }, PlatformSelection.Parse(new[] { "linux/arm64", " linux/arm64 " }).Wanted);
        Assert.Equal(new[] { "linux/amd64", "linux/arm64" }, PlatformSelection.Parse(null).Of(curl));
        var e = Assert.Throws<RunnerException>(() => PlatformSelection.Parse(new[] { "linux/amd64,linux/s390x" }));
        Assert.Contains("'linux/s390x'", e.Message);
    }

    [Fact]
    public void A_platform_the_image_does_not_target_is_refused_where_doing_less_would_mislead()
    {
        var pocketId = GeneratedCatalog.Catalog.FindImage("pocket-id")!;
        var selection = PlatformSelection.Parse(new[] { "linux/amd64,linux/arm64" });

        Assert.Equal(new[] { "linux/amd64" }, selection.Of(pocketId));
        var e = Assert.Throws<RunnerException>(() => selection.Require(pocketId));
        Assert.Equal("pocket-id targets only linux/amd64, not linux/arm64", e.Message);
    }

    [Fact]
    public void Test_with_a_platform_outside_the_definition_exits_non_zero_with_one_line()
    {
        // Refused before the engine is asked, so this holds with no engine at all.
        var (exit, output, error) = Run("test", "pocket-id", "--platform", "linux/arm64");

        Assert.Equal(1, exit);
        Assert.Equal("error: pocket-id targets only linux/amd64, not linux/arm64\n", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void A_composed_secret_percent_encodes_every_value_it_carries()
    {
        var secret = new SecretSpec("url", "./secrets/url", "postgres://postgres:{password}@postgres:5432/postgres");

        var url = secret.Compose(_ => "p@ss:w/rd#1 %&?");

        Assert.Equal("postgres://postgres:p%40ss%3Aw%2Frd%231%20%25%26%3F@postgres:5432/postgres", url);
        var parsed = new Uri(url);
        Assert.Equal("postgres", parsed.Host);
        Assert.Equal("p@ss:w/rd#1 %&?", Uri.UnescapeDataString(parsed.UserInfo.Split(':')[1]));
    }

    [Fact]
    public void A_composed_secret_that_is_not_a_url_is_refused()
    {
        var e = Assert.Throws<DslException>(() => Stack.Create().Secret("pw", "./secrets/pw").ComposedSecret("dsn", "./secrets/dsn", "Host=db;Password={pw}"));
        Assert.Contains("must be a URL", e.Message);
    }
}
