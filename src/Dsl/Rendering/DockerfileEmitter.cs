using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl.Rendering;

/// <summary>What building one image needs: its Dockerfile and the files beside it.</summary>
public sealed record ImageArtifacts(string Dockerfile, EquatableArray<GeneratedFile> ContextFiles);

/// <summary>Turns an image definition into a Dockerfile that a stock engine builds (BuildKit or the classic builder),
/// for any target platform without emulation: builder stages run on the build platform and fetch the target's packages.</summary>
public static class DockerfileEmitter
{
    public const string BaseNameLabel = "org.opencontainers.image.base.name";

    /// <summary>The build argument (and environment variable) that holds the one timestamp of every file the builder
    /// stages make; the runner passes it to every build.</summary>
    public const string SourceDateEpochArgument = "SOURCE_DATE_EPOCH";

    /// <summary>Per-platform tags are PREFIX/NAME:VERSION-ARCH, so a child image finds its parent for the platform it
    /// builds; the prefix is the <c>IMAGE_PREFIX</c> build argument (see <see cref="ImageNames"/>).</summary>
    public static string PlatformTag(ImageRef image, string arch) => ImageNames.InDockerfile(image.Name + ":" + PlatformVersion(image.Version, arch));

    /// <summary>The tag part of a per-platform tag, VERSION-ARCH; the registry holds each platform's image under it too.</summary>
    public static string PlatformVersion(string version, string arch) => version + "-" + arch;

    public static ImageArtifacts Render(ImageRef identity, ImageSpec spec, string definedBy)
    {
        var needsRootfs = RootfsManifest.IsNeeded(spec);
        // The stages and copies as written: context copies go through a stage of their own (see ContextStage).
        var routed = ContextStage.Route(spec);
        var owner = spec.User is { IsRoot: false } user ? user.Uid.ToString(CultureInfo.InvariantCulture) + ":" + user.Gid.ToString(CultureInfo.InvariantCulture) : null;
        var dockerfile = TemplateRenderer.Render(TemplateRenderer.Dockerfile, new Dictionary<string, object?>
        {
            ["defined_by"] = definedBy,
            ["prefix_variable"] = ImageNames.PrefixVariable,
            ["default_prefix"] = ImageNames.DefaultPrefix,
            ["base_name_label"] = BaseNameLabel,
            // The base's name carries the prefix the build was given, so only that label expands the build argument.
            ["base_name"] = spec.Parent is null ? null : ImageNames.InDockerfile(spec.Parent.Reference),
            ["identity"] = identity,
            ["spec"] = routed,
            ["is_base"] = spec.Tier == ImageTier.Base,
            ["needs_rootfs"] = needsRootfs,
            // The closure of the binaries skips libraries the parent image already has.
            ["parent_for_closure"] = spec.Parent is not null && !spec.Binaries.IsEmpty,
            ["parent_tag"] = spec.Parent is null ? null : PlatformTag(spec.Parent, "${TARGETARCH}"),
            ["builder_image"] = BuildStage.DebianBuilderImage,
            ["rootfs_list"] = RootfsManifest.FileName,
            ["assemble_script"] = AssembleRootfsScript.FileName,
            ["install_script"] = InstallDebsScript.FileName,
            ["stage_debs"] = StageCommands.DebsInStage,
            ["stage_installs"] = TemplateRenderer.Function(new System.Func<BuildStageSpec, bool>(StageCommands.Installs)),
            ["has_etc_files"] = RootfsManifest.EtcFiles(identity, spec).Count > 0,
            ["owned_directories"] = needsRootfs ? RootfsManifest.OwnedDirectories(spec) : new List<string>(),
            ["owner"] = owner,
            ["context_stage"] = ContextStage.Name,
            ["labels"] = Labels(identity, spec),
            ["stage_install"] = TemplateRenderer.Function(new System.Func<BuildStageSpec, string?>(StageCommands.Install)),
            ["copy_source"] = TemplateRenderer.Function(new System.Func<DebianSourceSpec, string>(StageCommands.CopySource)),
            ["unpack_source"] = TemplateRenderer.Function(new System.Func<DebianSourceSpec, string>(StageCommands.UnpackSource)),
            ["download_stage"] = DownloadStage.Name,
            ["downloads_in_context"] = DownloadStage.InContext,
            ["downloads_in_stage"] = DownloadStage.InStage,
            ["download_command"] = spec.Downloads.IsEmpty ? null : DownloadStage.Command(spec, SourceDateEpochArgument),
            ["output_root"] = StageOutputTree.Root,
            ["epoch_variable"] = SourceDateEpochArgument,
            // Per builder stage (in order), the command that lays out what the image copies from it, or null.
            ["stage_output_trees"] = routed.Stages.Select(stage => StageOutputTree.Command(routed, stage, SourceDateEpochArgument)).ToList(),
            ["copy_lines"] = StageOutputTree.CopyLines(routed),
        });

        var files = new List<GeneratedFile>();
        if (needsRootfs || spec.Stages.Any(StageCommands.Installs))
        {
            files.Add(new GeneratedFile(InstallDebsScript.FileName, InstallDebsScript.Text));
        }

        if (needsRootfs)
        {
            files.Add(new GeneratedFile(AssembleRootfsScript.FileName, AssembleRootfsScript.Text));
            files.AddRange(RootfsManifest.EtcFiles(identity, spec));
            files.Add(new GeneratedFile(RootfsManifest.FileName, RootfsManifest.Render(identity, spec)));
        }

        return new ImageArtifacts(dockerfile, files.OrderBy(f => f.Path, System.StringComparer.Ordinal).ToEquatableArray());
    }

    /// <summary>OCI labels every image carries, then the definition's own (which win on the same key).</summary>
    public static IReadOnlyList<LabelSpec> Labels(ImageRef identity, ImageSpec spec)
    {
        var labels = new List<LabelSpec>
        {
            new("org.opencontainers.image.title", identity.Name),
            new("org.opencontainers.image.version", identity.Version),
            new(ImageNames.OwnerLabel, identity.Name),
        };
        if (spec.Description.Length > 0)
        {
            labels.Add(new LabelSpec("org.opencontainers.image.description", spec.Description));
        }

        if (spec.Parent is not null)
        {
            labels.Add(new LabelSpec(BaseNameLabel, spec.Parent.Reference));
        }

        labels.RemoveAll(l => spec.Labels.Any(own => own.Key == l.Key));
        labels.AddRange(spec.Labels);
        return labels;
    }
}
