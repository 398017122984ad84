namespace Distroless.Dsl.Rendering;

/// <summary>The builder-stage program that reads <c>rootfs.list</c>: the template <c>Templates/assemble-rootfs.sh.sbn</c>,
/// plain text (it has no variables), embedded like every template so the generator emits exactly the text the runtime
/// sees. Reviewers read its snapshot (<c>assemble-rootfs.verified.sh</c>).</summary>
public static class AssembleRootfsScript
{
    public const string FileName = "assemble-rootfs.sh";

    private static string? s_text;

    /// <summary>The script; one text for every image, so it is rendered once per load.</summary>
    public static string Text => s_text ??= TemplateRenderer.Render(TemplateRenderer.AssembleRootfs, new System.Collections.Generic.Dictionary<string, object?>());
}
