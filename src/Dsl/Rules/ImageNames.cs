namespace Distroless.Dsl.Rules;

/// <summary>How the images the runner makes are named. Every name carries a prefix (by default the project's own
/// namespace), so nothing the runner makes can take over a name the engine holds for something else, such as
/// Docker Hub's <c>postgres:latest</c> or <c>debian:trixie-slim</c>. Generated Dockerfiles and compose files name
/// images through the <see cref="PrefixVariable"/> build argument / compose variable, whose default is
/// <see cref="DefaultPrefix"/>; the runner passes the prefix the user chose.</summary>
public static class ImageNames
{
    /// <summary>The Dockerfile build argument and compose variable holding the prefix, e.g. <c>distroless-dsl/</c>.</summary>
    public const string PrefixVariable = "IMAGE_PREFIX";

    /// <summary>The project's own namespace: images are <c>distroless-dsl/NAME:TAG</c> unless the user says otherwise.</summary>
    public const string DefaultNamespace = "distroless-dsl";

    public const string DefaultPrefix = DefaultNamespace + "/";

    /// <summary>The builder image every builder stage starts from, without its prefix: a Debian 13 root file system
    /// the runner pulls or makes with mmdebstrap, under a name of its own.</summary>
    public const string Builder = "builder-debian:trixie";

    /// <summary>A name no definition may take, because the builder image has it.</summary>
    public const string ReservedName = "builder-debian";

    /// <summary>The label that marks an image as made by this project; the runner never moves a tag that names an
    /// image without it.</summary>
    public const string OwnerLabel = "dev.distroless-dsl.image";

    /// <summary>A name as generated files write it: <c>${IMAGE_PREFIX}NAME:TAG</c> in a Dockerfile, where the global
    /// build argument supplies the default.</summary>
    public static string InDockerfile(string nameAndTag) => "${" + PrefixVariable + "}" + nameAndTag;

    /// <summary>A name as compose files write it: <c>${IMAGE_PREFIX:-distroless-dsl/}NAME:TAG</c>.</summary>
    public static string InCompose(string nameAndTag) => "${" + PrefixVariable + ":-" + DefaultPrefix + "}" + nameAndTag;
}
