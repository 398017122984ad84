using System;
using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl;

/// <summary>An image definition of any tier. Immutable: every call returns a new definition.</summary>
public abstract class ImageDefinition : IEquatable<ImageDefinition>
{
    private protected ImageDefinition(ImageSpec spec, ImageRef? identity)
    {
        Spec = spec;
        Identity = identity;
    }

    /// <summary>What the chain has said so far.</summary>
    public ImageSpec Spec { get; }

    /// <summary>Name and version when this value stands for a named definition; null for a chain being built.</summary>
    public ImageRef? Identity { get; }

    /// <summary>How another definition refers to this one (by name when known, by value otherwise).</summary>
    internal ImageRef AsReference() =>
        Identity ?? new ImageRef("", "", Spec.Tier) { Unresolved = this };

    /// <summary>A stand-in for the named definition <paramref name="identity"/>: what the generator passes where a
    /// chain references another definition, since only its name and version matter to the referencing chain.</summary>
    public static ImageDefinition CreateReference(Type definitionType, ImageRef identity)
    {
        var spec = new ImageSpec { Tier = identity.Tier };
        if (definitionType == typeof(BaseImage))
        {
            return new BaseImage(spec, identity);
        }

        if (definitionType == typeof(ToolImage))
        {
            return new ToolImage(spec, identity);
        }

        if (definitionType == typeof(AppImage))
        {
            return new AppImage(spec, identity);
        }

        throw new ArgumentException("Not an image definition type: " + definitionType, nameof(definitionType));
    }

    public static ImageTier TierOf(Type definitionType) =>
        definitionType == typeof(BaseImage) ? ImageTier.Base
        : definitionType == typeof(ToolImage) ? ImageTier.Tool
        : ImageTier.App;

    public bool Equals(ImageDefinition? other) =>
        other is not null && other.GetType() == GetType() && other.Spec.Equals(Spec) && Equals(other.Identity, Identity);

    public override bool Equals(object? obj) => Equals(obj as ImageDefinition);

    public override int GetHashCode() => Spec.GetHashCode();
}

/// <summary>Calls every tier has. <typeparamref name="TSelf"/> keeps chains typed to their tier.</summary>
public abstract class ImageDefinition<TSelf> : ImageDefinition
    where TSelf : ImageDefinition<TSelf>
{
    private protected ImageDefinition(ImageSpec spec, ImageRef? identity)
        : base(spec, identity)
    {
    }

    private protected abstract TSelf With(ImageSpec spec);

    public TSelf Describe(string description) =>
        With(Spec with { Description = Validate.NotEmpty(description, nameof(description)) });

    /// <summary>Sets an environment variable, replacing an earlier value of the same name.</summary>
    public TSelf Env(string name, string value)
    {
        Validate.EnvironmentName(name, nameof(name));
        return With(Spec with { Environment = SpecEdits.SetEnv(Spec.Environment, name, value ?? "") });
    }

    /// <summary>Adds an image label, e.g. <c>org.opencontainers.image.source</c>. Title, version and description labels are added for you.</summary>
    public TSelf Label(string key, string value) =>
        With(Spec with
        {
            Labels = Spec.Labels.Where(l => l.Key != Validate.NotEmpty(key, nameof(key))).ToEquatableArray()
                .Add(new LabelSpec(key, value ?? "")),
        });

    /// <summary>The platforms to build; linux/amd64 and linux/arm64 unless set.</summary>
    public TSelf Platforms(params string[] platforms)
    {
        if (platforms is null || platforms.Length == 0)
        {
            throw Validate.Invalid(nameof(platforms), "give at least one platform");
        }

        foreach (var platform in platforms)
        {
            Validate.Platform(platform, nameof(platforms));
        }

        return With(Spec with { Platforms = platforms.Distinct().ToEquatableArray() });
    }

    /// <summary>Runs as this user (default UID 1000, "app"), with a group of the same ID and a home directory
    /// <c>/home/NAME</c>; sets HOME and USER. UID 0 is allowed only in the debug variant.</summary>
    public TSelf User(int uid = 1000, string name = "app")
    {
        if (uid < 0)
        {
            throw Validate.Invalid(nameof(uid), "uid must not be negative");
        }

        Validate.ComposeName(name, nameof(name));
        var home = uid == 0 ? "/root" : "/home/" + name;
        var env = SpecEdits.SetEnv(SpecEdits.SetEnv(Spec.Environment, "HOME", home), "USER", name);
        return With(Spec with { User = new UserSpec(uid, uid, name, home), Environment = env });
    }

    /// <summary>The distroless "nonroot" preset: UID and GID 65532, home <c>/home/nonroot</c>.</summary>
    public TSelf NonRootUser() => User(65532, "nonroot");

    /// <summary>Adds a group to <c>/etc/group</c> besides the user's own.</summary>
    public TSelf Group(int gid, string name) =>
        With(Spec with { Groups = Spec.Groups.Add(new GroupSpec(gid, Validate.ComposeName(name, nameof(name)))) });

    public TSelf WorkDir(string path) =>
        With(Spec with { WorkingDirectory = Validate.AbsolutePath(path, nameof(path)) });

    /// <summary>A directory the image's user owns and may write, e.g. a data directory.</summary>
    public TSelf WritableDirectory(string path) =>
        With(Spec with { WritableDirectories = Spec.WritableDirectories.Add(Validate.AbsolutePath(path, nameof(path))) });

    /// <summary>Files are taken from these Debian 13 packages, for each target architecture.</summary>
    public TSelf FromDebian(params string[] packages)
    {
        foreach (var package in packages ?? Array.Empty<string>())
        {
            if (!Validate.IsImageName(package) && !package.All(c => char.IsLetterOrDigit(c) || c is '.' or '+' or '-'))
            {
                throw Validate.Invalid(nameof(packages), "'" + package + "' is not a Debian package name");
            }
        }

        return With(Spec with { Packages = Spec.Packages.AddRange(packages ?? Array.Empty<string>()) });
    }

    /// <summary>Labels an image with a size it must stay within; the runner's test enforces it.</summary>
    public TSelf SizeBudgetMegabytes(int megabytes) =>
        With(Spec with { SizeBudgetBytes = Validate.Positive(megabytes, nameof(megabytes)) * 1_000_000L });
}

/// <summary>Small edits shared by the fluent types.</summary>
internal static class SpecEdits
{
    public static EquatableArray<EnvVar> SetEnv(EquatableArray<EnvVar> env, string name, string value) =>
        env.Any(e => e.Name == name)
            ? env.Select(e => e.Name == name ? new EnvVar(name, value) : e).ToEquatableArray()
            : env.Add(new EnvVar(name, value));
}
