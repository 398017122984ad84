using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>clean [NAME...]</c>: removes the tags that <c>build</c> made (NAME:VERSION, NAME:latest and each
/// NAME:VERSION-ARCH) for the named images, or for the whole catalog. Builder images and the build cache stay, so the
/// next build is cheap; images still used by a container are reported, not forced away.</summary>
internal static class CleanCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "Images to remove (default: every image in the catalog).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("clean", "Remove the images that build tagged (builder images and the build cache are kept).") { names };
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var wanted = result.GetValue(names) is { Length: > 0 } given ? given.Select(lookup.Image).ToList() : lookup.Catalog.Images.ToList();
            var imageNames = naming.Read(result);
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            var removed = 0;
            var inUse = 0;
            foreach (var image in wanted)
            {
                var tags = imageNames.HostTags(image).Concat(image.Platforms.Select(p => imageNames.PlatformTag(image, p))).Distinct(StringComparer.Ordinal);
                foreach (var tag in tags)
                {
                    if (await TagOwnership.ForeignImageAsync(engine, tag, cancellation) is { } foreign)
                    {
                        error.WriteLine("kept    " + tag + ": Distroless.Dsl did not make it");
                        continue;
                    }

                    try
                    {
                        await engine.Client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = false }, cancellation);
                        output.WriteLine("removed " + tag);
                        removed++;
                    }
                    catch (DockerImageNotFoundException)
                    {
                    }
                    catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
                    {
                        error.WriteLine("kept    " + tag + ": a container uses it (remove the container first)");
                        inUse++;
                    }
                }
            }

            output.WriteLine("clean: removed " + removed + " tag" + (removed == 1 ? "" : "s") + (inUse > 0 ? ", kept " + inUse + " in use" : ""));
            return inUse > 0 ? 1 : 0;
        });
        return command;
    }
}
