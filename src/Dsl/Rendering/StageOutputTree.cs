using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>What an image copies out of a builder stage (or from the build context, through <see cref="ContextStage"/>)
/// is laid out in that stage as the image's own tree, under
/// <see cref="Root"/>, and copied with one <c>COPY --from=STAGE /.image/ /</c>. Why: a COPY into a directory stamps
/// that directory with the build's clock (measured on the engine's BuildKit: <c>/usr/local/bin/</c>,
/// <c>/var/lib/postgresql/</c>), while a tree copied onto <c>/</c> keeps each directory's own SOURCE_DATE_EPOCH, so the
/// layer is the same bytes on every build.</summary>
public static class StageOutputTree
{
    public const string Root = "/.image";

    /// <summary>The command that lays out <paramref name="stage"/>'s outputs with Docker's COPY semantics (<c>DIR/</c>
    /// copies the directory's contents, a file into <c>DIR/</c> keeps its name, <c>--chown</c> owns what is copied and
    /// not the directory copied into), then stamps every path with the epoch; null when the image copies nothing from
    /// the stage.</summary>
    public static string? Command(ImageSpec spec, BuildStageSpec stage, string epochVariable)
    {
        var copies = spec.Copies.Where(c => c.Kind == CopySourceKind.Stage && c.Stage == stage.Name).ToList();
        if (copies.Count == 0)
        {
            return null;
        }

        var steps = new List<string>();
        foreach (var copy in copies)
        {
            string copied;
            var contents = copy.From.EndsWith("/", System.StringComparison.Ordinal);
            if (contents)
            {
                copied = Root + copy.To.TrimEnd('/');
                // The children only: 'cp -a DIR/.' would give the directory copied into DIR's owner and mode.
                steps.Add("mkdir -p " + copied + " && find " + copy.From + " -mindepth 1 -maxdepth 1 -exec cp -a {} " + copied + "/ \\;");
            }
            else if (copy.To.EndsWith("/", System.StringComparison.Ordinal))
            {
                var directory = Root + copy.To.TrimEnd('/');
                copied = directory + "/" + copy.From.Substring(copy.From.LastIndexOf('/') + 1);
                steps.Add("mkdir -p " + directory + " && cp -a " + copy.From + " " + copied);
            }
            else
            {
                copied = Root + copy.To;
                steps.Add("mkdir -p " + copied.Substring(0, copied.LastIndexOf('/')) + " && cp -a " + copy.From + " " + copied);
            }

            // As COPY --chown does: what is copied gets the owner; the directory copied into stays root's.
            if (copy.Owner is { } owner)
            {
                steps.Add(contents ? "find " + copied + " -mindepth 1 -exec chown -h " + owner + " {} +" : "chown -h " + owner + " " + copied);
            }
        }

        steps.Add(Stamp(epochVariable));
        return string.Join(" && ", steps);
    }

    /// <summary>The last step of laying out a tree: every path under <see cref="Root"/> (links themselves) gets the epoch.</summary>
    public static string Stamp(string epochVariable) => "find " + Root + " -exec touch -h -d \"@$" + epochVariable + "\" {} +";

    /// <summary>The image's COPY lines in definition order: a stage's tree once, where its first output was copied.
    /// Context copies are stage copies by now (<see cref="ContextStage.Route"/>).</summary>
    public static IReadOnlyList<string> CopyLines(ImageSpec spec)
    {
        var lines = new List<string>();
        var copiedStages = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var copy in spec.Copies)
        {
            if (copy.Kind != CopySourceKind.Stage)
            {
                throw new System.ArgumentException("route the context copies through ContextStage.Route first: " + copy.From, nameof(spec));
            }

            if (copiedStages.Add(copy.Stage))
            {
                lines.Add("COPY --from=" + copy.Stage + " " + Root + "/ /");
            }
        }

        return lines;
    }
}
