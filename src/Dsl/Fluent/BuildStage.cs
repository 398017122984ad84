using System;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl;

/// <summary>A builder stage: a Debian 13 container on the build platform where a shell may do work
/// (e.g. initdb) whose output an image then copies. Nothing of the stage ships but what is copied.</summary>
public sealed class BuildStage : IEquatable<BuildStage>
{
    /// <summary>The builder image every stage starts from; made locally by the runner's bootstrap when it cannot be pulled.</summary>
    public const string DebianBuilderImage = "${" + ImageNames.PrefixVariable + "}" + ImageNames.Builder;

    private BuildStage(BuildStageSpec spec) => Spec = spec;

    public BuildStageSpec Spec { get; }

    public static BuildStage OnDebian(string name) => new(new BuildStageSpec(
        Validate.ComposeName(name, nameof(name)), DebianBuilderImage, EquatableArray<string>.Empty, EquatableArray<string>.Empty));

    /// <summary>Installs packages for the build platform with apt.</summary>
    public BuildStage Install(params string[] packages) =>
        new(Spec with { Packages = Spec.Packages.AddRange(packages ?? Array.Empty<string>()) });

    /// <summary>A shell command run in the stage (builder stages have a shell; images do not).</summary>
    public BuildStage Run(string command) =>
        new(Spec with { Commands = Spec.Commands.Add(Validate.NotEmpty(command, nameof(command))) });

    /// <summary>Copies a file from the definitions project's build context (its <c>context/</c> folder, passed to the
    /// generator as AdditionalFiles) into the stage, e.g. a program's source to compile. <paramref name="from"/> is
    /// relative to that folder; the file's text travels in the generated catalog.</summary>
    public BuildStage FromContext(string from, string to) =>
        new(Spec with
        {
            ContextCopies = Spec.ContextCopies.Add(new CopySpec(
                CopySourceKind.Context, "", Validate.ContextPath(from, nameof(from)), Validate.AbsolutePath(to, nameof(to)), null)),
        });

    /// <summary>Declares TARGETARCH in the stage (amd64 or arm64): for stages that make something per target
    /// architecture, such as cross-compiling a program with the target's gcc.</summary>
    public BuildStage WithTargetArch() => new(Spec with { SeesTargetArch = true });

    public bool Equals(BuildStage? other) => other is not null && other.Spec.Equals(Spec);

    public override bool Equals(object? obj) => Equals(obj as BuildStage);

    public override int GetHashCode() => Spec.GetHashCode();
}
