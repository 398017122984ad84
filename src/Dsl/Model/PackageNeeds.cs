namespace Distroless.Dsl.Model;

/// <summary>The Debian packages an image's build needs, by name, before dependencies are resolved: what the lock must
/// cover. <see cref="Target"/> ship (fetched for the target architecture); <see cref="Builder"/> are installed with apt in
/// builder stages on the build platform and never ship. Both sorted, without duplicates.</summary>
public sealed record PackageNeeds(EquatableArray<string> Target, EquatableArray<string> Builder)
{
    public static PackageNeeds None => new(EquatableArray<string>.Empty, EquatableArray<string>.Empty);

    public bool IsEmpty => Target.IsEmpty && Builder.IsEmpty;
}
