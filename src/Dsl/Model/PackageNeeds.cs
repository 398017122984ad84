namespace Distroless.Dsl.Model;

/// <summary>The Debian packages an image's build needs, by name, before dependencies are resolved: what the lock must
/// cover. <see cref="Target"/> ship (fetched for the target architecture); <see cref="Builder"/> are installed (from the locked .debs) in
/// builder stages on the build platform and never ship. Both sorted, without duplicates.</summary>
public sealed record PackageNeeds(EquatableArray<string> Target, EquatableArray<string> Builder)
{
    public static PackageNeeds None => new(EquatableArray<string>.Empty, EquatableArray<string>.Empty);

    /// <summary>Builder packages that depend on the target architecture, installed on the build platform for each target:
    /// <c>NAME:{arch}</c> is NAME for the target architecture (a library to link against), any other name is for the
    /// build platform with <c>{arch}</c> and <c>{triplet}</c> standing for the target's (a cross compiler). Sorted.</summary>
    public EquatableArray<string> BuilderForTarget { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Like <see cref="BuilderForTarget"/>, but needed only when the target architecture is not the build platform's. Sorted.</summary>
    public EquatableArray<string> BuilderWhenCross { get; init; } = EquatableArray<string>.Empty;

    public bool IsEmpty => Target.IsEmpty && Builder.IsEmpty;
}
