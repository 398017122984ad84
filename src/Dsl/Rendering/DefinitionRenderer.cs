using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>From an evaluated definition to everything generated for it.</summary>
public static class DefinitionRenderer
{
    public static RenderedDefinition RenderImage(ImageRef identity, ImageSpec spec, string definedBy)
    {
        var artifacts = DockerfileEmitter.Render(identity, spec, definedBy);
        var contract = new ImageContract(
            spec.User is null ? null : UserAndGroup(spec.User),
            spec.User?.Name,
            spec.Variant == BaseVariant.Debug,
            spec.CaCertificates,
            spec.TimezoneData,
            spec.Environment,
            spec.Entrypoint,
            spec.SmokeTest,
            spec.SizeBudgetBytes,
            RootfsManifest.OwnedDirectories(spec).Concat(spec.Copies.Where(c => c.Owner is not null).Select(c => c.To.TrimEnd('/'))).ToEquatableArray());
        return new RenderedDefinition(
            (DefinitionKind)spec.Tier,
            identity.Name,
            identity.Version,
            spec.Tier == ImageTier.Base ? spec.Variant.ToString().ToLowerInvariant() : "",
            spec.Description,
            definedBy,
            spec.Platforms,
            spec.Parent is null ? EquatableArray<string>.Empty : EquatableArray.Of(spec.Parent.Name),
            artifacts.Dockerfile,
            artifacts.ContextFiles,
            null,
            contract,
            spec.DotnetPublish,
            null,
            ImagePackages.Of(spec),
            spec.Downloads,
            spec.Stages.SelectMany(s => s.Sources).ToEquatableArray());
    }

    public static RenderedDefinition RenderStack(string name, string version, StackSpec spec, string definedBy, Func<ImageRef, string?> userOf) =>
        new(
            DefinitionKind.Stack,
            name,
            version,
            "",
            spec.Description,
            definedBy,
            EquatableArray<string>.Empty,
            spec.Services.Select(s => s.Service.Image.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
            null,
            ComposeProjectFiles.Render(name, spec),
            ComposeEmitter.Render(name, spec, definedBy, userOf),
            null,
            null,
            spec.Secrets);

    public static string UserAndGroup(UserSpec user) =>
        user.Uid.ToString(CultureInfo.InvariantCulture) + ":" + user.Gid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The user each image runs as: its own, else its nearest ancestor's.</summary>
    public static Func<ImageRef, string?> UserResolver(IReadOnlyDictionary<string, (string? User, string? Parent)> images) =>
        image =>
        {
            var name = image.Name;
            for (var depth = 0; depth < 64 && name is not null && images.TryGetValue(name, out var entry); depth++)
            {
                if (entry.User is not null)
                {
                    return entry.User;
                }

                name = entry.Parent;
            }

            return null;
        };
}
