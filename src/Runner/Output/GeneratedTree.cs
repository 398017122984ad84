using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Output;

/// <summary>Writes the catalog's files to disk: <c>images/NAME/</c> is a complete build context, <c>stacks/NAME/compose.yaml</c> a compose file.</summary>
internal static class GeneratedTree
{
    /// <summary>Marks a folder as ours, so regenerating may replace what an earlier run wrote there.</summary>
    private const string Marker = ".distroless-generated";

    public static string ImageDirectory(string root, CatalogEntry image) => Path.Combine(root, "images", image.Name);

    public static string StackDirectory(string root, CatalogEntry stack) => Path.Combine(root, "stacks", stack.Name);

    /// <summary>Writes every file; returns how many. Stale files of removed definitions are removed.</summary>
    public static int Write(string root, DefinitionCatalog catalog)
    {
        Directory.CreateDirectory(root);
        var marker = Path.Combine(root, Marker);
        if (File.Exists(marker))
        {
            foreach (var folder in new[] { "images", "stacks" }.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        else if (Directory.EnumerateFileSystemEntries(root).Any(e => Path.GetFileName(e) is "images" or "stacks"))
        {
            throw new RunnerException("'" + root + "' already has images/ or stacks/ folders not written by 'generate': choose another --out directory.");
        }

        File.WriteAllText(marker, "Written by 'distroless generate'; the folders beside this file are replaced on every run.\n");
        var count = 0;
        foreach (var image in catalog.Images)
        {
            count += WriteImage(ImageDirectory(root, image), image);
        }

        foreach (var stack in catalog.Stacks)
        {
            WriteFile(Path.Combine(StackDirectory(root, stack), ComposeEmitter.FileName), stack.Compose!);
            foreach (var file in stack.ContextFiles)
            {
                // The .env template and secrets/README.md: instructions only, never a secret.
                WriteFile(Path.Combine(StackDirectory(root, stack), file.Path.Replace('/', Path.DirectorySeparatorChar)), file.Content);
            }

            count += 1 + stack.ContextFiles.Count;
        }

        return count;
    }

    /// <summary>Writes one image's build context (Dockerfile and context files) into <paramref name="directory"/>.</summary>
    public static int WriteImage(string directory, CatalogEntry image)
    {
        var files = new List<(string Path, string Content)> { ("Dockerfile", image.Dockerfile!) };
        files.AddRange(image.ContextFiles.Select(f => (f.Path, f.Content)));
        foreach (var (path, content) in files)
        {
            WriteFile(Path.Combine(directory, path.Replace('/', Path.DirectorySeparatorChar)), content);
        }

        return files.Count;
    }

    private static void WriteFile(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
