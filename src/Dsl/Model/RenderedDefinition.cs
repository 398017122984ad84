namespace Distroless.Dsl.Model;

public enum DefinitionKind
{
    Base,
    Tool,
    App,
    Stack,
}

/// <summary>What a built image must show, taken from its definition; the runner's <c>test</c> checks the image against it.</summary>
public sealed record ImageContract(
    string? User,
    string? UserName,
    bool AllowsShell,
    bool CaCertificates,
    bool TimezoneData,
    EquatableArray<EnvVar> Environment,
    EquatableArray<string> Entrypoint,
    EquatableArray<string>? SmokeTest,
    long? SizeBudgetBytes,
    EquatableArray<string> OwnedDirectories);

/// <summary>Everything generated for one definition; <see cref="DotnetPublish"/> is what the runner publishes into the build context first;
/// <see cref="Packages"/> and <see cref="Downloads"/> are what the package lock must cover; <see cref="Sources"/> the Debian
/// source packages its builder stages unpack (pinned file by file in the definition), which the runner fetches on the host. The generator and the run-time loader both produce it, from the same code.</summary>
public sealed record RenderedDefinition(
    DefinitionKind Kind,
    string Name,
    string Version,
    string Variant,
    string Description,
    string DefinedBy,
    EquatableArray<string> Platforms,
    EquatableArray<string> DependsOn,
    string? Dockerfile,
    EquatableArray<GeneratedFile> ContextFiles,
    string? Compose,
    ImageContract? Contract,
    DotnetPublishSpec? DotnetPublish = null,
    EquatableArray<SecretSpec>? Secrets = null,
    PackageNeeds? Packages = null,
    EquatableArray<DownloadSpec>? Downloads = null,
    EquatableArray<DebianSourceSpec>? Sources = null);
