using System;
using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>Source files a definition takes from its project's build context (e.g. a C program a builder stage
/// compiles). They are real files in the definitions project, passed to the generator as AdditionalFiles with
/// <see cref="MetadataName"/> naming their path in the build context, so the generator stays free of IO and the
/// catalog carries their text like any other generated build-context file.</summary>
public static class BuildContextSources
{
    /// <summary>The AdditionalFiles item metadata holding a file's path inside the build context.</summary>
    public const string MetadataName = "DistrolessContextPath";

    /// <summary>Context paths the image's builder stages copy; each must be one of the project's context files.</summary>
    public static EquatableArray<string> Required(ImageSpec spec) =>
        spec.Stages.SelectMany(s => s.ContextCopies).Select(c => c.From).Distinct()
            .OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray();

    /// <summary>A context source file as the catalog carries it: '/' in its path and '\n' line endings whatever the OS
    /// checked it out with, so generated output stays byte-for-byte deterministic.</summary>
    public static GeneratedFile Source(string path, string text) => new(path.Replace('\\', '/'), text.Replace("\r\n", "\n"));

    /// <summary>Adds the files to the rendered image's build context, keeping the context files ordered by path.</summary>
    public static RenderedDefinition Attach(RenderedDefinition rendered, IEnumerable<GeneratedFile> files) =>
        rendered with
        {
            ContextFiles = rendered.ContextFiles.Concat(files.Where(f => rendered.ContextFiles.All(c => c.Path != f.Path)))
                .OrderBy(f => f.Path, StringComparer.Ordinal).ToEquatableArray(),
        };

    /// <summary>The message for a required path that is not among the project's context files.</summary>
    public static string Missing(string path) =>
        "build-context file '" + path + "' is not among the definitions project's context files: add it as an AdditionalFiles item with "
        + MetadataName + " metadata (definitions/ takes every file under context/)";
}
