using System;

namespace Distroless.Dsl;

/// <summary>Marks a static property or field as an image definition. The source generator turns it into a Dockerfile.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class ImageAttribute : Attribute
{
    public ImageAttribute(string name) => Name = name;

    /// <summary>Image repository name, e.g. <c>curl</c>.</summary>
    public string Name { get; }

    /// <summary>Semantic version of the image, used as its tag.</summary>
    public string Version { get; set; } = "0.1.0";
}

/// <summary>Marks a static property or field as a compose stack definition.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class StackAttribute : Attribute
{
    public StackAttribute(string name) => Name = name;

    public string Name { get; }

    public string Version { get; set; } = "0.1.0";
}
