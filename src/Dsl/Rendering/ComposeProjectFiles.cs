using System.Collections.Generic;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The files a stack's compose project holds besides compose.yaml: an <c>.env</c> template and the layout
/// of its secrets (instructions only: a secret's value is never generated into the catalog).</summary>
public static class ComposeProjectFiles
{
    public const string EnvFileName = ".env";

    public const string SecretsReadme = "secrets/README.md";

    public static EquatableArray<GeneratedFile> Render(string name, StackSpec spec)
    {
        var model = new Dictionary<string, object?> { ["name"] = name, ["spec"] = spec };
        var env = new GeneratedFile(EnvFileName, TemplateRenderer.Render(TemplateRenderer.EnvFile, model));
        return spec.Secrets.IsEmpty
            ? EquatableArray.Of(env)
            : EquatableArray.Of(env, new GeneratedFile(SecretsReadme, TemplateRenderer.Render(TemplateRenderer.SecretsReadme, model)));
    }
}
