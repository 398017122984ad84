using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>What an image copies from the build context (<c>FromContext</c>, <c>PublishDotnet</c>'s output) goes
/// through a builder stage of its own, so that <see cref="StageOutputTree"/> lays it out and stamps it like any stage's
/// output. Why: a <c>COPY</c> from the context into the image creates the directory it copies into (notes-api's
/// <c>/app</c>) with the build's clock (measured: the only difference between two <c>--no-cache</c> builds of
/// notes-api), and the context's own directories carry whatever time the engine unpacked them at.</summary>
public static class ContextStage
{
    /// <summary>The stage's name; a definition's own stage cannot take it.</summary>
    public const string Name = "context";

    /// <summary>Where the stage holds the context's files: each copy at its destination under this folder, so the
    /// folder mirrors the image's tree (a later copy over an earlier one wins, as in the image).</summary>
    public const string Root = "/context";

    /// <summary>The spec as the Dockerfile renders it: its context copies become copies out of the context stage
    /// (appended after the definition's stages), which copies them in from the context, keeping each copy's
    /// destination, trailing slash and owner. A spec without context copies comes back unchanged.</summary>
    public static ImageSpec Route(ImageSpec spec)
    {
        var fromContext = spec.Copies.Where(c => c.Kind == CopySourceKind.Context).ToList();
        if (fromContext.Count == 0)
        {
            return spec;
        }

        // COPY without --chown in the stage: everything arrives root-owned, and the stage's tree applies the owner
        // the way COPY --chown does (to what is copied, not the directory copied into).
        var stage = new BuildStageSpec(Name, BuildStage.DebianBuilderImage, EquatableArray<string>.Empty, EquatableArray<string>.Empty)
        {
            ContextCopies = fromContext.Select(c => new CopySpec(CopySourceKind.Context, "", c.From.Replace("{arch}", "${TARGETARCH}"), InStage(c.To), null)).ToEquatableArray(),
            SeesTargetArch = fromContext.Any(c => c.From.Contains("{arch}")),
        };

        return spec with
        {
            Stages = spec.Stages.Add(stage),
            Copies = spec.Copies.Select(c => c.Kind == CopySourceKind.Context ? new CopySpec(CopySourceKind.Stage, Name, InStage(c.To), c.To, c.Owner) : c).ToEquatableArray(),
        };
    }

    /// <summary>Where a copy to <paramref name="to"/> sits in the stage. Its trailing slash is kept: <c>DIR/</c> is a
    /// directory the copy fills (a file keeps its name in it; a directory's contents go in), and a path without one is
    /// the file or directory itself, as Docker's COPY reads the destination.</summary>
    private static string InStage(string to) => Root + to;
}
