extern alias generators;
using System;
using System.IO;
using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Distroless.Dsl.Tests.Support;
using Microsoft.CodeAnalysis;
using Xunit;
using GeneratorTemplates = generators::Distroless.Dsl.Rendering.TemplateRenderer;

namespace Distroless.Dsl.Tests.Templates;

/// <summary>The templates are the generator's own files: each parses, is embedded in every assembly that renders, and a
/// broken one is a DSL019 compile error naming the template and the line, never an exception or empty output.</summary>
public class TemplateErrorTests
{
    private const string Image = "public static class D { [Image(\"b\")] public static BaseImage B => Base.FromScratch().WithCaCerts().User(1000, \"app\"); }";

    private const string Stack = "public static class D {\n [Image(\"b\")] public static BaseImage B => Base.FromScratch().User(1000, \"app\");\n"
        + " [Image(\"t\")] public static ToolImage T => Tool.On(B).FromDebian(\"jq\").Binary(\"/usr/bin/jq\").Entrypoint(\"/usr/bin/jq\");\n"
        + " [Stack(\"s\")] public static StackDefinition S => Stack.Create().Service(\"t\", Service.Run(T)).Secret(\"pw\", \"./secrets/pw\"); }";

    [Fact]
    public void Every_template_is_embedded_as_written_in_both_assemblies()
    {
        var folder = Path.Combine(Path.GetDirectoryName(Snapshot.Directory())!, "..", "..", "src", "Dsl", "Rendering", "Templates");
        Assert.Equal(
            Directory.GetFiles(folder, "*.sbn").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal),
            TemplateRenderer.All.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var name in TemplateRenderer.All)
        {
            var file = File.ReadAllText(Path.Combine(folder, name)).Replace("\r\n", "\n");
            Assert.Equal(file, TemplateRenderer.Read(name));
            Assert.Equal(file, GeneratorTemplates.Read(name));
            Assert.False(Scriban.Template.Parse(file, name).HasErrors, name);
        }
    }

    [Fact]
    public void Each_template_is_parsed_once()
    {
        Assert.Equal(AssembleRootfsScript.Text, AssembleRootfsScript.Text);
        var first = TemplateRenderer.Cached(TemplateRenderer.AssembleRootfs);
        Assert.Same(first, TemplateRenderer.Cached(TemplateRenderer.AssembleRootfs));
    }

    [Theory]
    [InlineData("{{ if }}", "Dockerfile.sbn(1,")]
    [InlineData("FROM scratch\n{{ spec.no_such_member }}\n", "Dockerfile.sbn(2,9) : error : Cannot get member with name no_such_member")]
    [InlineData("FROM {{ no_such_variable }}\n", "`no_such_variable` was not found")]
    [InlineData("{{ '' }}", "it rendered no text")]
    public void A_broken_image_template_is_a_compile_error(string template, string expected)
    {
        using var _ = GeneratorTemplates.Override(GeneratorTemplates.Dockerfile, template);
        var (run, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + Image);

        Assert.Null(run.Exception);
        Assert.DoesNotContain(diagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001" || d.Id == DslDiagnostics.InternalError.Id);
        var error = Assert.Single(run.Diagnostics, d => d.Id == DslDiagnostics.TemplateError.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("The template Dockerfile.sbn cannot render this definition: ", error.GetMessage(), StringComparison.Ordinal);
        Assert.True(error.GetMessage().Contains(expected, StringComparison.Ordinal), error.GetMessage());
        Assert.Equal("B", (GeneratorHarness.Usings + Image).Substring(error.Location.SourceSpan.Start, error.Location.SourceSpan.Length));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.Contains("D.B", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TemplateRenderer.Compose, "services:\n{{ for named in spec.services }}  {{ named.service.no_such_member }}\n{{ end }}", "Cannot get member with name no_such_member")]
    [InlineData(TemplateRenderer.SecretsReadme, "{{ for }}", "secrets-README.md.sbn(1,")]
    public void A_broken_stack_template_is_a_compile_error(string name, string template, string expected)
    {
        using var _ = GeneratorTemplates.Override(name, template);
        var (run, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + Stack);

        Assert.Null(run.Exception);
        Assert.DoesNotContain(diagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001" || d.Id == DslDiagnostics.InternalError.Id);
        var error = Assert.Single(run.Diagnostics, d => d.Id == DslDiagnostics.TemplateError.Id);
        Assert.Contains("The template " + name + " cannot render", error.GetMessage(), StringComparison.Ordinal);
        Assert.True(error.GetMessage().Contains(expected, StringComparison.Ordinal), error.GetMessage());
        Assert.Equal("S", (GeneratorHarness.Usings + Stack).Substring(error.Location.SourceSpan.Start, error.Location.SourceSpan.Length));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.Contains("D.S", StringComparison.Ordinal));
        Assert.Contains(run.GeneratedSources, s => s.HintName.Contains("D.T", StringComparison.Ordinal));
    }

    [Fact]
    public void At_run_time_a_broken_template_is_the_same_DslException()
    {
        using var _ = TemplateRenderer.Override(TemplateRenderer.EnvFile, "COMPOSE_PROJECT_NAME={{ spec.nmae }}\n");
        var error = Assert.Throws<DslException>(() => ComposeProjectFiles.Render("s", new StackSpec()));
        Assert.Equal(DslDiagnostics.TemplateError, error.Diagnostic);
        Assert.True(error.Message.StartsWith("DSL019: The template env.sbn cannot render this definition: env.sbn(1,30) : error : Cannot get member with name nmae. Templates are", StringComparison.Ordinal), error.Message);
    }
}
