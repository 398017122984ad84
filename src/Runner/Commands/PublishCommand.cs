using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Publishing;
using Distroless.Dsl.Runner.Sbom;
using Distroless.Dsl.Runner.Signing;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>publish NAME... --registry HOST[:PORT] [--namespace NS] [--platform P]... [--date-tag] [--if-changed]</c>:
/// builds (a cache hit when nothing changed), then pushes every platform's image and the multi-platform manifest list
/// itself (<see cref="ImagePublisher"/>): content by digest first, tags last.</summary>
internal static class PublishCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "Images to publish; they are built first (a cache hit when unchanged).", Arity = ArgumentArity.OneOrMore };
        var naming = new NamingOptions("Registry HOST[:PORT] to push to, e.g. ghcr.io or 127.0.0.1:5000 (http for loopback, https otherwise); default $" + ImageNaming.RegistryVariable + ".");
        var platforms = new Option<string[]>("--platform") { Description = "Publish only these platforms (default: each image's own).", AllowMultipleArgumentsPerToken = true };
        var dateTag = new Option<bool>("--date-tag") { Description = "Also tag vYYYY.MM.DD (UTC), or vYYYY.MM.DD.N when that tag exists." };
        var ifChanged = new Option<bool>("--if-changed")
        {
            Description = "Compare the manifest list to publish with what the registry's latest points to: when equal, print 'NAME unchanged' and send nothing; "
                          + "otherwise publish as a release, with the date tag (implies --date-tag).",
        };
        var signKey = new SignKeyOption();
        var command = new Command("publish", "Push each image's platforms and a manifest list to a registry, then tag it VERSION and latest. "
                                             + "Credentials: " + CredentialLookup.UsernameVariable + "/" + CredentialLookup.PasswordVariable
                                             + ", GITHUB_ACTOR/GITHUB_TOKEN for ghcr.io, or the docker config.")
        {
            names, platforms, dateTag, ifChanged, signKey.Option,
        };
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            // The images are built and tagged under the names they are pushed as: REGISTRY/NAMESPACE/NAME:VERSION-ARCH.
            var imageNames = naming.Read(result);
            var host = imageNames.Registry ?? throw new RunnerException("publish needs --registry HOST[:PORT] (or $" + ImageNaming.RegistryVariable + ")");

            var wanted = PlatformSelection.Parse(result.GetValue(platforms));

            var images = result.GetValue(names)!.Distinct(StringComparer.Ordinal).Select(lookup.Image).ToList();
            var targets = images.Select(i => new PublishTarget(i, wanted.Require(i))).ToList();

            var scrubber = new SecretScrubber();
            try
            {
                var credentials = await CredentialLookup.FindAsync(host, Environment.GetEnvironmentVariable, cancellation);
                if (credentials is not null)
                {
                    scrubber.Add(credentials.Password);
                }

                // The key next: a bad key or password fails before anything is built or pushed.
                using var key = signKey.Load(result, scrubber);
                using var client = new RegistryClient(host, credentials, scrubber);

                // Credentials first: a refused password fails in a second, before any build or push.
                await client.CheckAccessAsync(imageNames.RepositoryPath(images[0]), cancellation);
                output.WriteLine("Registry " + host + " accepts " + (credentials?.ToString() ?? "anonymous access"));

                using var engine = await EngineConnection.ConnectAsync(cancellation);
                await BuildBeforeUse.RunAsync(engine, lookup.Catalog, imageNames, images.Select(i => i.Name), wanted, "nothing was pushed", output, error, cancellation);

                var publisher = new ImagePublisher(engine, client, scrubber, output, imageNames)
                {
                    BeforeTagsMove = key is null ? null : async (image, repository, index, pushed, token) =>
                    {
                        // Each platform's SBOM names the manifest it describes, then is signed onto it and onto the index.
                        var signed = new List<SignedPlatform>();
                        foreach (var (platform, manifest) in pushed)
                        {
                            var sbom = await SbomWriter.CreateAsync(engine, lookup.Catalog, image, platform, imageNames, new SbomOptions(manifest.Digest, Progress: error), token);
                            signed.Add(new SignedPlatform(manifest, sbom));
                        }

                        var outcomes = await PublishSigning.SignImageAsync(client, repository, index, signed, key, token);
                        output.WriteLine("signed " + image.Name + ": " + outcomes.Count(o => o.Added) + " signatures and attestations added, "
                                         + outcomes.Count(o => !o.Added) + " already there (" + string.Join(", ", outcomes.Select(o => o.Tag).Distinct(StringComparer.Ordinal)) + ")");
                    },
                };
                var options = new PublishOptions(result.GetValue(dateTag), result.GetValue(ifChanged));
                foreach (var image in await publisher.PublishAsync(targets, options, DateTimeOffset.UtcNow, cancellation))
                {
                    if (image.Unchanged)
                    {
                        output.WriteLine(image.Name + " unchanged (" + image.Digest + ")");
                        continue;
                    }

                    output.WriteLine("published " + host + "/" + image.Repository + ":" + string.Join(", :", image.Tags) + " -> " + image.Digest + " ("
                                     + (image.MediaType == MediaTypes.OciIndex ? "OCI index" : "manifest list") + ": "
                                     + string.Join(", ", image.Children.Select(c => c.Platform + " " + c.Manifest.Digest)) + ")");
                }

                return 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever failed, its message passes the scrubber before it is printed.
                throw new RunnerException(scrubber.Scrub(e.Message).ReplaceLineEndings(" ").Trim());
            }
        });
        return command;
    }
}
