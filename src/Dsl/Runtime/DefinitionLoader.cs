using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl.Runtime;

/// <summary>Evaluates an assembly's definitions at run time, the way the generator does at compile time, so the two
/// can be compared. References between definitions are matched by value, since a chain's value does not know its name.</summary>
public static class DefinitionLoader
{
    /// <param name="readContextFile">Reads a build-context source file by its context path (the generator gets these as
    /// AdditionalFiles); null when the file does not exist.</param>
    public static IReadOnlyList<RenderedDefinition> Load(Assembly assembly, Func<string, string?>? readContextFile = null)
    {
        var images = new List<(ImageRef Identity, ImageDefinition Value, string DefinedBy)>();
        var stacks = new List<(StackAttribute Attribute, StackDefinition Value, string DefinedBy)>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                var definedBy = type.FullName + "." + member.Name;
                if (member.GetCustomAttribute<ImageAttribute>() is { } image)
                {
                    var value = (ImageDefinition)Read(member)!;
                    images.Add((new ImageRef(image.Name, image.Version, value.Spec.Tier), value, definedBy));
                }
                else if (member.GetCustomAttribute<StackAttribute>() is { } stack)
                {
                    stacks.Add((stack, (StackDefinition)Read(member)!, definedBy));
                }
            }
        }

        ImageRef Resolve(ImageRef reference)
        {
            if (reference.Unresolved is null)
            {
                return reference;
            }

            var matches = images.Where(i => i.Value.GetType() == reference.Unresolved.GetType()
                                            && i.Value.Spec.Equals(((ImageDefinition)reference.Unresolved).Spec)).ToList();
            if (matches.Count != 1)
            {
                throw new InvalidOperationException(matches.Count == 0
                    ? "A definition references an image value that no [Image] member produces"
                    : "A referenced image value is produced by several definitions: " + string.Join(", ", matches.Select(m => m.DefinedBy)));
            }

            return matches[0].Identity;
        }

        var rendered = new List<RenderedDefinition>();
        var parents = new Dictionary<string, (string? User, string? Parent)>();
        foreach (var (identity, value, definedBy) in images)
        {
            var spec = value.Spec.Parent is null ? value.Spec : value.Spec with { Parent = Resolve(value.Spec.Parent) };
            ThrowOnProblems(ImageRules.Check(identity.Name, spec));
            var sources = BuildContextSources.Required(spec).Select(path => BuildContextSources.Source(path, readContextFile?.Invoke(path)
                ?? throw new DslException(DslDiagnostics.UnknownReference, "from", BuildContextSources.Missing(path))));
            rendered.Add(BuildContextSources.Attach(DefinitionRenderer.RenderImage(identity, spec, definedBy), sources));
            parents[identity.Name] = (spec.User is null ? null : DefinitionRenderer.UserAndGroup(spec.User), spec.Parent?.Name);
        }

        var userOf = DefinitionRenderer.UserResolver(parents);
        foreach (var (attribute, value, definedBy) in stacks)
        {
            var services = value.Spec.Services
                .Select(s => s with { Service = s.Service with { Image = Resolve(s.Service.Image) } })
                .ToEquatableArray();
            var spec = value.Spec with { Services = services };
            ThrowOnProblems(StackRules.Check(attribute.Name, spec));
            rendered.Add(DefinitionRenderer.RenderStack(attribute.Name, attribute.Version, spec, definedBy, userOf));
        }

        return rendered;
    }

    private static object? Read(MemberInfo member) => member switch
    {
        PropertyInfo property => property.GetValue(null),
        FieldInfo field => field.GetValue(null),
        _ => null,
    };

    private static void ThrowOnProblems(IEnumerable<SpecProblem> problems)
    {
        var first = problems.FirstOrDefault();
        if (first is not null)
        {
            throw new DslException(first.Diagnostic, first.BlameMethod, first.Arguments);
        }
    }
}
