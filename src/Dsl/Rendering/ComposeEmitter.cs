using System;
using System.Collections.Generic;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl.Rendering;

/// <summary>Turns a stack into a compose file (the compose specification, no <c>version</c> key, accepted by
/// docker-compose v1 and docker compose v2). Every service is hardened unless its definition opts out.</summary>
public static class ComposeEmitter
{
    public const string FileName = "compose.yaml";

    /// <param name="userOf">The UID:GID an image runs as, when known: compose states it so the hardening is visible.</param>
    public static string Render(string name, StackSpec spec, string definedBy, Func<ImageRef, string?> userOf)
    {
        return TemplateRenderer.Render(TemplateRenderer.Compose, new Dictionary<string, object?>
        {
            ["defined_by"] = definedBy,
            ["name"] = name,
            ["spec"] = spec,
            ["image_name"] = TemplateRenderer.Function(new Func<ImageRef, string>(image => ImageNames.InCompose(image.Reference))),
            ["user_of"] = TemplateRenderer.Function(userOf),
        });
    }
}
