using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Compose;

/// <summary>A stack's compose project on disk: compose.yaml, the .env template and secrets/ (instructions, and the
/// secret files the user wrote or asked the runner to generate). Rewriting it never touches an existing secret or .env.</summary>
internal sealed class ComposeProject
{
    private ComposeProject(CatalogEntry stack, string directory)
    {
        Stack = stack;
        Directory = directory;
    }

    public CatalogEntry Stack { get; }

    public string Directory { get; }

    public string ComposeFile => Path.Combine(Directory, ComposeEmitter.FileName);

    public Dsl.Model.EquatableArray<Dsl.Model.SecretSpec> Secrets => Stack.Definition.Secrets ?? Dsl.Model.EquatableArray<Dsl.Model.SecretSpec>.Empty;

    /// <summary>The compose project name: the stack's name, so up/down find the same containers, networks and volumes.</summary>
    public string Name => Stack.Name;

    public static string DefaultDirectory(CatalogEntry stack) => Path.Combine("deploy", stack.Name);

    /// <summary>Writes the project into <paramref name="directory"/>; returns the secret files it generated.</summary>
    public static (ComposeProject Project, string[] Generated) Write(CatalogEntry stack, string directory, bool generateSecrets)
    {
        var project = new ComposeProject(stack, Path.GetFullPath(directory));
        System.IO.Directory.CreateDirectory(project.Directory);
        File.WriteAllText(project.ComposeFile, stack.Compose!, Utf8);
        foreach (var file in stack.ContextFiles)
        {
            var path = project.PathOf(file.Path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (file.Path == ComposeProjectFiles.EnvFileName && File.Exists(path))
            {
                continue; // the user's edited .env stays
            }

            File.WriteAllText(path, file.Content, Utf8);
        }

        var secrets = project.Secrets;
        if (secrets.Any(s => IsInProject(s.File)))
        {
            var folder = Path.Combine(project.Directory, "secrets");
            System.IO.Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        if (!generateSecrets)
        {
            return (project, Array.Empty<string>());
        }

        // Plain secrets first: composed ones are written from their values, whether generated now or written by the user.
        var missing = secrets.Where(s => IsInProject(s.File) && !File.Exists(project.PathOf(s.File))).ToList();
        foreach (var secret in missing.Where(s => s.Template is null))
        {
            WriteSecret(project.PathOf(secret.File), Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant());
        }

        foreach (var composed in missing.Where(s => s.Template is not null))
        {
            var inputs = composed.Inputs().Select(name => secrets.First(s => s.Name == name)).ToList();
            if (inputs.All(input => File.Exists(project.PathOf(input.File))))
            {
                var values = inputs.ToDictionary(input => input.Name, input => File.ReadAllText(project.PathOf(input.File)));
                WriteSecret(project.PathOf(composed.File), composed.Compose(name => values[name]));
            }
        }

        return (project, missing.Where(s => File.Exists(project.PathOf(s.File))).Select(s => s.Name).ToArray());
    }

    /// <summary>Secret files the compose file names that do not exist yet.</summary>
    public string[] MissingSecrets() =>
        Secrets.Where(s => !File.Exists(PathOf(s.File)))
        .Select(s => s.File)
        .ToArray();

    /// <summary>Writes a secret readable by the services' non-root users (compose bind-mounts it as it is); the
    /// secrets/ folder itself is 0700, so other host users cannot reach it.</summary>
    public static void WriteSecret(string path, string value)
    {
        File.WriteAllText(path, value, Utf8);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    public string PathOf(string relative) =>
        Path.IsPathRooted(relative) ? relative : Path.GetFullPath(Path.Combine(Directory, relative.Replace('/', Path.DirectorySeparatorChar)));

    private static bool IsInProject(string file) => file.StartsWith("./secrets/", StringComparison.Ordinal) || file.StartsWith("secrets/", StringComparison.Ordinal);

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
