using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Building;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Publishing;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>publish NAME... --registry HOST[:PORT] [--namespace NS] [--platform P]... [--date-tag]</c>: builds
/// (a cache hit when nothing changed), pushes every platform's image, then writes the multi-platform manifest list.</summary>
internal static class PublishCommand
{
    private static readonly Regex RegistryPattern = new(@"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$");
    private static readonly Regex NamespacePattern = new(@"^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$");

    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "Images to publish; they are built first (a cache hit when unchanged).", Arity = ArgumentArity.OneOrMore };
        var registry = new Option<string>("--registry") { Description = "Registry HOST[:PORT], e.g. ghcr.io or 127.0.0.1:5000 (http for loopback, https otherwise).", Required = true };
        var ns = new Option<string?>("--namespace") { Description = "Repository namespace: REGISTRY/NAMESPACE/NAME." };
        var platforms = new Option<string[]>("--platform") { Description = "Publish only these platforms (default: each image's own).", AllowMultipleArgumentsPerToken = true };
        var dateTag = new Option<bool>("--date-tag") { Description = "Also tag vYYYY.MM.DD (UTC), or vYYYY.MM.DD.N when that tag exists." };
        var command = new Command("publish", "Push each image's platforms to a registry, then a manifest list tagged VERSION and latest. "
                                             + "Credentials: " + CredentialLookup.UsernameVariable + "/" + CredentialLookup.PasswordVariable
                                             + ", GITHUB_ACTOR/GITHUB_TOKEN for ghcr.io, or the docker config.")
        {
            names, registry, ns, platforms, dateTag,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var host = result.GetValue(registry)!;
            if (!RegistryPattern.IsMatch(host))
            {
                throw new RunnerException("--registry takes HOST[:PORT] (e.g. ghcr.io or 127.0.0.1:5000), not '" + host + "'");
            }

            var space = result.GetValue(ns);
            if (!string.IsNullOrEmpty(space) && !NamespacePattern.IsMatch(space))
            {
                throw new RunnerException("--namespace takes lowercase path components such as 'acme' or 'acme/images', not '" + space + "'");
            }

            var wanted = PlatformArguments.Check(result.GetValue(platforms));

            var images = result.GetValue(names)!.Distinct(StringComparer.Ordinal).Select(lookup.Image).ToList();
            var targets = images.Select(i => new PublishTarget(i, i.Platforms.Where(pl => wanted is null || wanted.Contains(pl)).ToList())).ToList();
            if (targets.FirstOrDefault(t => t.Platforms.Count == 0) is { } none)
            {
                throw new RunnerException(none.Image.Name + " targets only " + string.Join(", ", none.Image.Platforms) + ": nothing to publish for " + string.Join(", ", wanted!));
            }

            var scrubber = new SecretScrubber();
            try
            {
                var credentials = await CredentialLookup.FindAsync(host, Environment.GetEnvironmentVariable, cancellation);
                if (credentials is not null)
                {
                    scrubber.Add(credentials.Password);
                }

                using var client = new RegistryClient(host, credentials, scrubber);

                // Credentials first: a refused password fails in a second, before any build or push.
                await client.CheckAccessAsync(ImagePublisher.Repository(space, images[0]), cancellation);
                output.WriteLine("Registry " + host + " accepts " + (credentials?.ToString() ?? "anonymous access"));

                using var engine = await EngineConnection.ConnectAsync(cancellation);
                await BuildBeforeUse.RunAsync(engine, lookup.Catalog, images.Select(i => i.Name), wanted, "nothing was pushed", output, error, cancellation);

                var publisher = new ImagePublisher(engine, client, credentials, scrubber, output);
                foreach (var image in await publisher.PublishAsync(targets, space, result.GetValue(dateTag), DateTimeOffset.UtcNow, cancellation))
                {
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
