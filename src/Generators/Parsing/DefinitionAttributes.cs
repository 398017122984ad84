using System.Linq;
using Microsoft.CodeAnalysis;

namespace Distroless.Dsl.Generators.Parsing;

/// <summary>Reads [Image]/[Stack] attribute data. The defaults mirror the attributes' own.</summary>
internal static class DefinitionAttributes
{
    public static (string Name, string Version) Read(AttributeData attribute)
    {
        var name = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? "";
        var named = attribute.NamedArguments.Where(a => a.Key == nameof(ImageAttribute.Version)).ToList();
        var version = named.Count > 0 ? named[0].Value.Value as string ?? "" : new ImageAttribute(name).Version;
        return (name, version);
    }
}
