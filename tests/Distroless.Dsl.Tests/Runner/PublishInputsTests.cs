using System.IO;
using Distroless.Dsl.Runner.Building;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>What makes a .NET app's publish run again: a change to its sources, project, SDK or arguments; not its
/// own bin/ and obj/ output.</summary>
public class PublishInputsTests
{
    [Fact]
    public void The_publish_key_follows_the_inputs_and_ignores_build_output()
    {
        var folder = Directory.CreateTempSubdirectory("distroless-publish-inputs").FullName;
        var project = Path.Combine(folder, "Api.csproj");
        File.WriteAllText(project, "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />");
        Directory.CreateDirectory(Path.Combine(folder, "Data"));
        File.WriteAllText(Path.Combine(folder, "Data", "Store.cs"), "class Store { }");
        string[] arguments = { "publish", project, "-r", "linux-x64" };
        var key = PublishInputs.Hash(project, arguments, "10.0.100");

        Directory.CreateDirectory(Path.Combine(folder, "obj"));
        File.WriteAllText(Path.Combine(folder, "obj", "project.assets.json"), "{}");
        Directory.CreateDirectory(Path.Combine(folder, "bin", "Release"));
        File.WriteAllText(Path.Combine(folder, "bin", "Release", "Api.dll"), "binary");
        Assert.Equal(key, PublishInputs.Hash(project, arguments, "10.0.100"));

        Assert.NotEqual(key, PublishInputs.Hash(project, arguments, "10.0.101"));
        Assert.NotEqual(key, PublishInputs.Hash(project, new[] { "publish", project, "-r", "linux-arm64" }, "10.0.100"));
        File.WriteAllText(Path.Combine(folder, "Data", "Store.cs"), "class Store { int n; }");
        var edited = PublishInputs.Hash(project, arguments, "10.0.100");
        Assert.NotEqual(key, edited);
        File.Move(Path.Combine(folder, "Data", "Store.cs"), Path.Combine(folder, "Data", "Store2.cs"));
        Assert.NotEqual(edited, PublishInputs.Hash(project, arguments, "10.0.100"));
        Directory.Delete(folder, true);
    }
}
