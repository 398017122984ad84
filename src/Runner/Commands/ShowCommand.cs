using System.CommandLine;
using System.IO;
using System.Linq;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>show NAME [--compose] [--file PATH]</c>: prints a generated file as the catalog holds it.</summary>
internal static class ShowCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output)
    {
        var name = new Argument<string>("name") { Description = "An image or stack name, as 'list' shows it." };
        var compose = new Option<bool>("--compose") { Description = "Print the stack's compose file instead of the image's Dockerfile." };
        var file = new Option<string?>("--file") { Description = "Print one of the image's build-context files, e.g. rootfs.list or etc/passwd." };
        var command = new Command("show", "Print a generated Dockerfile, compose file or build-context file.") { name, compose, file };
        command.SetAction(result =>
        {
            var wanted = result.GetValue(name)!;
            if (result.GetValue(compose) || (lookup.Catalog.FindImage(wanted) is null && lookup.Catalog.FindStack(wanted) is not null))
            {
                output.Write(lookup.Stack(wanted).Compose);
                return 0;
            }

            var image = lookup.Image(wanted);
            var path = result.GetValue(file);
            if (path is null)
            {
                output.Write(image.Dockerfile);
                return 0;
            }

            var context = image.ContextFiles.FirstOrDefault(f => f.Path == path)
                          ?? throw new RunnerException("Image '" + wanted + "' has no build-context file '" + path + "'. It has: "
                                                       + string.Join(", ", image.ContextFiles.Select(f => f.Path)));
            output.Write(context.Content);
            return 0;
        });
        return command;
    }
}
