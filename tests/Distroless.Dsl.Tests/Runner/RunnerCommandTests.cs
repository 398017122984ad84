using System;
using System.IO;
using System.Linq;
using Distroless.Dsl.Generated;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>The runner's list/show/generate, on the real generated catalog.</summary>
public class RunnerCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = Distroless.Dsl.Tests.Support.InProcessRunner.Run(args, GeneratedCatalog.Catalog, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void List_shows_the_whole_catalog_with_tier_version_platforms_and_dependencies()
    {
        var (exit, output, _) = Run("list");

        Assert.Equal(0, exit);
        foreach (var name in new[] { "base", "base-glibc", "base-cc", "base-debug", "curl", "jq", "git", "go", "node", "postgres", "pocket-id" })
        {
            Assert.Contains("\n" + name + " ", output);
        }

        Assert.Matches(@"\ncurl\s+tool\s+8\.14\.1\s+linux/amd64,linux/arm64\s+base\n", output);
        Assert.Matches(@"\npocket-id\s+stack\s+0\.1\.0\s+-\s+pocket-id,postgres\n", output);
    }

    /// <summary>The reviewed bytes: the committed snapshot files, not the catalog the command itself reads.</summary>
    private static string Verified(string relative) =>
        File.ReadAllText(Path.Combine(Distroless.Dsl.Tests.Support.Snapshot.Directory(), relative));

    [Fact]
    public void Show_prints_the_reviewed_files_byte_for_byte()
    {
        Assert.Equal(Verified("curl.verified.Dockerfile"), Run("show", "curl").Output);
        Assert.Equal(Verified("pocket-id.compose.verified.yaml"), Run("show", "pocket-id", "--compose").Output);
        Assert.Equal(Verified("pocket-id.verified.Dockerfile"), Run("show", "pocket-id").Output);
        Assert.Equal(Verified("base.context/etc/passwd.verified.txt"), Run("show", "base", "--file", "etc/passwd").Output);
        Assert.Equal(Verified("jq.context/rootfs.verified.list"), Run("show", "jq", "--file", "rootfs.list").Output);
    }

    [Theory]
    [InlineData("crul", "Did you mean 'curl'?")]
    [InlineData("postgress", "Did you mean 'postgres'?")]
    [InlineData("zzzzzzzzzz", "Run 'list'")]
    public void Unknown_names_fail_with_one_line_and_the_nearest_name(string name, string hint)
    {
        var (exit, output, error) = Run("show", name);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains(hint, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Compose_of_an_image_only_name_is_an_error()
    {
        var (exit, _, error) = Run("show", "curl", "--compose");
        Assert.Equal(1, exit);
        Assert.Contains("No stack named 'curl'", error);
    }

    [Fact]
    public void Generate_writes_every_file_and_replaces_its_own_earlier_output()
    {
        var root = Path.Combine(Path.GetTempPath(), "distroless-generate-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, _) = Run("generate", "--out", root);
            Assert.Equal(0, exit);

            var catalog = GeneratedCatalog.Catalog;
            var expected = catalog.Images.Sum(i => 1 + i.ContextFiles.Count) + catalog.Stacks.Sum(s => 1 + s.ContextFiles.Count);
            Assert.Contains("Wrote " + expected + " files", output);
            Assert.Equal(Verified("base.verified.Dockerfile"), File.ReadAllText(Path.Combine(root, "images", "base", "Dockerfile")));
            Assert.Equal(Verified("pocket-id.compose.verified.yaml"), File.ReadAllText(Path.Combine(root, "stacks", "pocket-id", "compose.yaml")));
            Assert.Equal(Verified("assemble-rootfs.verified.sh"), File.ReadAllText(Path.Combine(root, "images", "jq", "assemble-rootfs.sh")));
            Assert.True(File.Exists(Path.Combine(root, "images", "base", "etc", "passwd")));
            Assert.True(File.Exists(Path.Combine(root, "stacks", "notes", "secrets", "README.md")));

            var stale = Path.Combine(root, "images", "removed-image", "Dockerfile");
            Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
            File.WriteAllText(stale, "old");
            Assert.Equal(0, Run("generate", "--out", root).Exit);
            Assert.False(File.Exists(stale));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Generate_refuses_folders_it_did_not_write()
    {
        var root = Path.Combine(Path.GetTempPath(), "distroless-foreign-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "images"));
        try
        {
            var (exit, _, error) = Run("generate", "--out", root);
            Assert.Equal(1, exit);
            Assert.Contains("not written by 'generate'", error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
