namespace Distroless.Dsl.Rendering;

/// <summary>The builder-stage program that installs packages from the build context's locked .deb files with dpkg (no
/// apt, no network): the template <c>Templates/install-debs.sh.sbn</c>, plain text like <see cref="AssembleRootfsScript"/>.
/// Reviewers read its snapshot (<c>install-debs.verified.sh</c>).</summary>
public static class InstallDebsScript
{
    public const string FileName = "install-debs.sh";

    private static string? s_text;

    /// <summary>The script; one text for every image, so it is rendered once per load.</summary>
    public static string Text => s_text ??= TemplateRenderer.Render(TemplateRenderer.InstallDebs, new System.Collections.Generic.Dictionary<string, object?>());
}
