using System.Linq;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Tests.Support;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Distroless.Dsl.Tests.Generator;

/// <summary>A bad definition is a compile error with its ID, on the line that is wrong. '/*here*/' marks the expected spot.</summary>
public class DiagnosticTests
{
    private const string Ok = "Base.FromScratch().WithCaCerts().User(1000, \"app\")";

    public static TheoryData<string, string> Cases() => new()
    {
        {
            DslDiagnostics.NonConstantArgument.Id,
            "public static class D { static int Uid() => 1000;\n [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(/*here*/Uid(), \"app\"); }"
        },
        {
            DslDiagnostics.NonConstantArgument.Id,
            "public static class D { static string Zone = \"UTC\";\n [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(1000, \"app\").Env(\"TZ\", /*here*/Zone); }"
        },
        {
            DslDiagnostics.RootUserOutsideDebug.Id,
            "public static class D {\n [Image(\"b\")] public static BaseImage B => Base.FromScratch()\n  ./*here*/User(0, \"root\"); }"
        },
        {
            DslDiagnostics.RootUserOutsideDebug.Id,
            "public static class D {\n [Image(\"b\")] public static BaseImage B => Base./*here*/FromScratch().WithCaCerts(); }"
        },
        {
            DslDiagnostics.DuplicateName.Id,
            "public static class D {\n [Image(\"b\")] public static BaseImage A => " + Ok + ";\n [Image(\"b\")] public static BaseImage /*here*/B => " + Ok + "; }"
        },
        {
            DslDiagnostics.NotADefinition.Id,
            "public static class D { public static BaseImage NotMarked => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(/*here*/NotMarked).Entrypoint(\"/bin/t\"); }"
        },
        {
            DslDiagnostics.DependencyCycle.Id,
            "public static class D {\n [Image(\"a\")] public static BaseImage A => Base.On(/*here*/B).User(1000, \"app\");\n [Image(\"b\")] public static BaseImage B => Base.On(A).User(1000, \"app\"); }"
        },
        {
            DslDiagnostics.InvalidEnvironmentName.Id,
            "public static class D {\n [Image(\"b\")] public static BaseImage B => " + Ok + ".Env(/*here*/\"1BAD-NAME\", \"x\"); }"
        },
        {
            DslDiagnostics.InvalidPort.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\").Port(/*here*/70000); }"
        },
        {
            DslDiagnostics.InvalidPlatform.Id,
            "public static class D {\n [Image(\"b\")] public static BaseImage B => " + Ok + ".Platforms(/*here*/\"linux/s390x\"); }"
        },
        {
            DslDiagnostics.InvalidVersion.Id,
            "public static class D {\n [/*here*/Image(\"b\", Version = \"latest\")] public static BaseImage B => " + Ok + "; }"
        },
        {
            DslDiagnostics.InvalidImageName.Id,
            "public static class D {\n [/*here*/Image(\"Bad Name\")] public static BaseImage B => " + Ok + "; }"
        },
        {
            DslDiagnostics.MissingEntrypoint.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage /*here*/T => Tool.On(B).FromDebian(\"jq\").Binary(\"/usr/bin/jq\"); }"
        },
        {
            DslDiagnostics.ShellFormHealthCheck.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\").HealthCheck(/*here*/\"curl -f http://localhost/ || exit 1\"); }"
        },
        {
            DslDiagnostics.PublishedDatabasePort.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"db\")] public static ToolImage Db => Tool.On(B).Entrypoint(\"/db\");\n"
            + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"db\", /*here*/Service.Run(Db).Publish(5432)); }"
        },
        {
            DslDiagnostics.UnsupportedExpression.Id,
            "public static class D { static BaseImage Make() => Base.FromScratch();\n [Image(\"b\")] public static BaseImage B { get { var x = Make(); return /*here*/x; } } }"
        },
        {
            DslDiagnostics.InvalidChecksum.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\")\n .Download(\"https://example.org/a_{arch}\", \"/a\").Sha256(\"amd64\", /*here*/\"nothex\"); }"
        },
        {
            DslDiagnostics.InvalidChecksum.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\")\n ./*here*/Download(\"https://example.org/a_{arch}\", \"/a\").Sha256(\"amd64\", \"" + new string('a', 64) + "\"); }"
        },
        {
            DslDiagnostics.InvalidChecksum.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n"
            + " .Stage(BuildStage.OnDebian(\"src\")./*here*/DebianSource(\"curl\", \"8.14.1-2\", \"/src/curl\").Sha256(\"curl_8.14.1.orig.tar.gz\", \"" + new string('a', 64) + "\")); }"
        },
        {
            DslDiagnostics.InvalidChecksum.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n"
            + " .Stage(BuildStage.OnDebian(\"src\").DebianSource(\"curl\", \"8.14.1-2\", \"/src/curl\").Sha256(\"curl_8.14.1-2.dsc\", /*here*/\"ABC\")); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n"
            + " .Stage(BuildStage.OnDebian(\"src\").Sha256(/*here*/\"curl_8.14.1-2.dsc\", \"" + new string('a', 64) + "\")); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n"
            + " .Stage(BuildStage.OnDebian(\"src\").DebianSource(\"curl\", /*here*/\"latest\", \"/src/curl\")); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n"
            + " .Stage(BuildStage.OnDebian(\"src\").DebianSource(\"curl\", \"8.14.1-2\", \"/src/curl\").Sha256(/*here*/\"../curl.dsc\", \"" + new string('a', 64) + "\")); }"
        },
        {
            DslDiagnostics.InvalidPath.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).Entrypoint(\"/t\")\n"
            + " .Stage(BuildStage.OnDebian(\"src\").DebianSource(\"curl\", \"8.14.1-2\", /*here*/\"src/curl\")); }"
        },
        {
            DslDiagnostics.InvalidPath.Id,
            "public static class D {\n [Image(\"b\")] public static BaseImage B => " + Ok + ".WorkDir(/*here*/\"relative/dir\"); }"
        },
        {
            DslDiagnostics.UnknownReference.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\");\n"
            + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"a\", Service.Run(A)./*here*/DependsOnHealthy(\"db\")); }"
        },
        {
            DslDiagnostics.UnknownReference.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\");\n"
            + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"a\", Service.Run(A).Secret(\"url\"))\n"
            + " ./*here*/ComposedSecret(\"url\", \"./secrets/url\", \"postgres://postgres:{db_pasword}@db/postgres\"); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\");\n"
            + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"a\", Service.Run(A).Secret(\"url\"))\n"
            + " ./*here*/ComposedSecret(\"url\", \"./secrets/url\", \"postgres://postgres:secret@db/postgres\"); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).PublishDotnet(/*here*/\"/abs/Api.csproj\").Entrypoint(\"/app/api\"); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"a\")] public static AppImage A => App.On(B).Entrypoint(\"/a\");\n"
            + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"a\", Service.Run(A).Publish(8080, 8080, /*here*/hostIp: \"localhost\")); }"
        },
        {
            DslDiagnostics.InvalidExclusion.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).FromDebian(\"jq\").DataFiles(\"/usr/share/doc\")\n .Without(\"/usr/share/doc/jq\", /*here*/\"share/doc/*.gz\").Entrypoint(\"/usr/bin/jq\"); }"
        },
        {
            DslDiagnostics.InvalidExclusion.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).FromDebian(\"jq\").DataFiles(\"/usr/share/doc\")\n .Without(/*here*/\"/**\").Entrypoint(\"/usr/bin/jq\"); }"
        },
        {
            DslDiagnostics.InvalidExclusion.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).FromDebian(\"jq\").DataFiles(\"/usr/share/doc\")\n .Without(\"**/*.md\", \"/usr/share/doc/jq\", /*here*/\"/usr/share/../etc\").Entrypoint(\"/usr/bin/jq\"); }"
        },
        {
            DslDiagnostics.InvalidArgument.Id,
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n [Image(\"t\")] public static ToolImage T => Tool.On(B).FromDebian(\"jq\")\n ./*here*/Without(\"**/testdata\").Entrypoint(\"/usr/bin/jq\"); }"
        },
        {
            DslDiagnostics.UnsupportedContainingType.Id,
            "public static class G<T> {\n [Image(\"b\")] public static BaseImage /*here*/B => " + Ok + "; }"
        },
        {
            DslDiagnostics.UnsupportedContainingType.Id,
            "public static class Outer { public static class Inner {\n [Image(\"b\")] public static BaseImage /*here*/B => " + Ok + "; } }"
        },
        {
            DslDiagnostics.GeneratedNameCollision.Id,
            "public static class A_B {\n [Image(\"x\")] public static BaseImage /*here*/C => " + Ok + "; }\n"
            + "public static class A {\n [Image(\"y\")] public static BaseImage B_C => " + Ok + "; }"
        },
        {
            DslDiagnostics.GeneratedNameCollision.Id,
            "public static class D {\n [Image(\"x\")] public static BaseImage X => " + Ok + "; }\n"
            + "public static class d {\n [Image(\"y\")] public static BaseImage /*here*/x => " + Ok + "; }"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_error_where_it_is_written(string id, string source)
    {
        var text = GeneratorHarness.Usings + source;
        var (run, diagnostics) = GeneratorHarness.Run(text);

        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var expected = text.IndexOf("/*here*/", System.StringComparison.Ordinal) + "/*here*/".Length;
        Assert.Equal(expected, diagnostic.Location.SourceSpan.Start);
        Assert.Contains(diagnostics, d => d.Id == id);
    }

    [Fact]
    public void Messages_say_how_to_fix()
    {
        var (run, _) = GeneratorHarness.Run(GeneratorHarness.Usings +
            "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(0, \"root\"); }");
        var message = Assert.Single(run.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("use a non-root UID", message);
        Assert.Contains("'b'", message);
    }

    [Fact]
    public void Debug_variant_may_run_as_root()
    {
        var (run, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings +
            "public static class D { [Image(\"base\")] public static BaseImage B => Base.FromScratch().User(1000, \"app\");\n"
            + " [Image(\"debug\")] public static BaseImage Debug => Base.On(B).WithBusyboxShell().User(0, \"root\"); }");
        Assert.Empty(run.Diagnostics);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void A_valid_catalog_has_no_diagnostics_and_compiles()
    {
        var (run, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings +
            "public static class D { [Image(\"base\")] public static BaseImage B => " + Ok + ";\n"
            + " [Image(\"t\")] public static ToolImage T => Tool.On(B).FromDebian(\"jq\").Binary(\"/usr/bin/jq\").Entrypoint(\"/usr/bin/jq\");\n"
            + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"t\", Service.Run(T)); }");
        Assert.Empty(run.Diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(4, run.GeneratedSources.Length);
    }
}
