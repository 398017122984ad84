using System.Linq;
using System.Text;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The files a stack's compose project holds besides compose.yaml: an <c>.env</c> template and the layout
/// of its secrets (instructions only: a secret's value is never generated into the catalog).</summary>
public static class ComposeProjectFiles
{
    public const string EnvFileName = ".env";

    public const string SecretsReadme = "secrets/README.md";

    public static EquatableArray<GeneratedFile> Render(string name, StackSpec spec)
    {
        var env = new StringBuilder()
            .Append("# Read by compose from the folder of compose.yaml. Values here are not secret: secrets go in secrets/.\n")
            .Append("COMPOSE_PROJECT_NAME=").Append(name).Append('\n');
        foreach (var service in spec.Services.Where(s => !s.Service.Ports.IsEmpty))
        {
            // Loopback unless the user opens the service up on purpose.
            env.Append("# The address ").Append(service.Name).Append("'s ports are published on; 0.0.0.0 is every interface.\n")
                .Append(service.BindAddressVariable).Append('=').Append(service.Service.Ports[0].HostIp).Append('\n');
        }

        if (spec.Secrets.IsEmpty)
        {
            return EquatableArray.Of(new GeneratedFile(EnvFileName, env.ToString()));
        }

        var readme = new StringBuilder()
            .Append("# Secrets of the ").Append(name).Append(" stack\n\n")
            .Append("Each secret is a file that compose mounts read-only at `/run/secrets/NAME`; it is never part of an image,\n")
            .Append("the compose file or the environment. Create every file below before `up`, and never commit them.\n\n");
        foreach (var secret in spec.Secrets)
        {
            var users = spec.Services.Where(s => s.Service.Secrets.Contains(secret.Name)).Select(s => s.Name);
            readme.Append("- `").Append(secret.File).Append("` (`").Append(secret.Name).Append("`, read by ")
                .Append(string.Join(", ", users)).Append(")");
            if (secret.Template is not null)
            {
                readme.Append(": `").Append(secret.Template).Append("`, each `{NAME}` replaced by that secret's value, percent-encoded");
            }

            readme.Append('\n');
        }

        readme.Append("\nWrite a value with no trailing newline, readable by the services' non-root users (keep this folder 0700):\n\n")
            .Append("    printf '%s' \"$VALUE\" > secrets/NAME && chmod 0644 secrets/NAME\n\n")
            .Append("or let the runner write random values for the missing ones: `compose ").Append(name).Append(" --generate-secrets`.\n");
        return EquatableArray.Of(new GeneratedFile(EnvFileName, env.ToString()), new GeneratedFile(SecretsReadme, readme.ToString()));
    }
}
