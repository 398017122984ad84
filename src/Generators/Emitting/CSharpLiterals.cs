using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Distroless.Dsl.Generators.Emitting;

/// <summary>C# expressions that rebuild model values in generated code.</summary>
internal static class CSharpLiterals
{
    private const string Model = "global::Distroless.Dsl.Model.";

    public static string String(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Strings(IEnumerable<string> values) => Array("string", values.Select(String));

    public static string Array(string elementType, IEnumerable<string> elements) =>
        Model + "EquatableArray.Of<" + elementType + ">(" + string.Join(", ", elements) + ")";

    public static string Env(IEnumerable<EnvVar> env) =>
        Array(Model + "EnvVar", env.Select(e => "new " + Model + "EnvVar(" + String(e.Name) + ", " + String(e.Value) + ")"));

    public static string Files(IEnumerable<GeneratedFile> files) =>
        Array(Model + "GeneratedFile", files.Select(f => "new " + Model + "GeneratedFile(" + String(f.Path) + ", " + String(f.Content) + ")"));

    public static string Contract(ImageContract? contract) => contract is null
        ? "null"
        : "new " + Model + "ImageContract(" + string.Join(", ",
            String(contract.User),
            String(contract.UserName),
            Bool(contract.AllowsShell),
            Bool(contract.CaCertificates),
            Bool(contract.TimezoneData),
            Env(contract.Environment),
            Strings(contract.Entrypoint),
            contract.SmokeTest is { } smoke ? Strings(smoke) : "null",
            contract.SizeBudgetBytes is { } budget ? budget.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L" : "null",
            Strings(contract.OwnedDirectories)) + ")";

    public static string Publish(DotnetPublishSpec? publish) => publish is null
        ? "null"
        : "new " + Model + "DotnetPublishSpec(" + String(publish.Project) + ", " + String(publish.Destination) + ", " + Bool(publish.Trimmed) + ")";

    public static string Packages(PackageNeeds? needs) => needs is null
        ? "null"
        : "new " + Model + "PackageNeeds(" + Strings(needs.Target) + ", " + Strings(needs.Builder) + ") { BuilderForTarget = " + Strings(needs.BuilderForTarget)
          + ", BuilderWhenCross = " + Strings(needs.BuilderWhenCross) + " }";

    public static string Download(DownloadSpec d) =>
        "new " + Model + "DownloadSpec(" + String(d.UrlTemplate) + ", " + String(d.Destination) + ", "
        + Array(Model + "ArchChecksum", d.Checksums.Select(c => "new " + Model + "ArchChecksum(" + String(c.Arch) + ", " + String(c.Sha256) + ")"))
        + ") { ChecksumsUrl = " + String(d.ChecksumsUrl) + " }";

    public static string Source(DebianSourceSpec s) =>
        "new " + Model + "DebianSourceSpec(" + String(s.Package) + ", " + String(s.Version) + ", " + String(s.Destination) + ", "
        + Array(Model + "FileChecksum", s.Checksums.Select(c => "new " + Model + "FileChecksum(" + String(c.File) + ", " + String(c.Sha256) + ")")) + ")";

    public static string Rendered(RenderedDefinition d) =>
        "new " + Model + "RenderedDefinition(\n" + string.Join(",\n", new[]
        {
            Model + "DefinitionKind." + d.Kind,
            String(d.Name),
            String(d.Version),
            String(d.Variant),
            String(d.Description),
            String(d.DefinedBy),
            Strings(d.Platforms),
            Strings(d.DependsOn),
            String(d.Dockerfile),
            Files(d.ContextFiles),
            String(d.Compose),
            Contract(d.Contract),
            Publish(d.DotnetPublish),
            d.Secrets is { } secrets ? Array(Model + "SecretSpec", secrets.Select(s => "new " + Model + "SecretSpec(" + String(s.Name) + ", " + String(s.File) + ", " + String(s.Template) + ")")) : "null",
            Packages(d.Packages),
            d.Downloads is { } downloads ? Array(Model + "DownloadSpec", downloads.Select(Download)) : "null",
            d.Sources is { } sources ? Array(Model + "DebianSourceSpec", sources.Select(Source)) : "null",
        }.Select(a => "                " + a)) + ")";
}
