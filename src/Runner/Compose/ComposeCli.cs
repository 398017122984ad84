using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Processes;

namespace Distroless.Dsl.Runner.Compose;

/// <summary>The real compose implementation: the <c>docker compose</c> v2 plugin where present, else Debian's
/// <c>docker-compose</c> (v1, python). The runner drives it as a program rather than re-implementing compose.</summary>
internal sealed class ComposeCli
{
    private readonly string _program;
    private readonly string[] _prefix;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private ComposeCli(string program, string[] prefix, string description, IReadOnlyDictionary<string, string> environment)
    {
        _program = program;
        _prefix = prefix;
        Description = description;
        _environment = environment;
    }

    public string Description { get; }

    /// <param name="naming">The image names the compose file's <c>IMAGE_PREFIX</c> resolves to.</param>
    public static async Task<ComposeCli> FindAsync(ImageNaming naming, CancellationToken cancellation)
    {
        var environment = new Dictionary<string, string> { [naming.BuildArgument.Key] = naming.BuildArgument.Value };
        foreach (var (program, prefix) in new[] { ("docker", new[] { "compose" }), ("docker-compose", Array.Empty<string>()) })
        {
            var candidate = new ComposeCli(program, prefix, "", environment);
            try
            {
                var (exit, output) = await candidate.RunAsync(new[] { "version" }, cancellation).ConfigureAwait(false);
                if (exit == 0)
                {
                    return new ComposeCli(program, prefix, string.Join(" ", prefix.Prepend(program)) + " (" + output.FirstOrDefault()?.Trim() + ")", environment);
                }
            }
            catch (MissingProgramException)
            {
                // not installed: try the next one
            }
        }

        throw new MissingProgramException("docker-compose", "neither 'docker compose' nor docker-compose is installed: "
                                                            + ExternalProgram.HowToInstall("docker-compose") + " (bash tests/infra/compose.sh does)");
    }

    /// <summary>Runs a compose command on <paramref name="project"/>; returns its exit code and output lines.</summary>
    public Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(ComposeProject project, IEnumerable<string> arguments, CancellationToken cancellation) =>
        RunAsync(new[] { "--project-name", project.Name, "--project-directory", project.Directory, "--file", project.ComposeFile }.Concat(arguments), cancellation);

    private async Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellation)
    {
        var result = await ExternalProgram.RunAsync(new ProgramInvocation(_program, _prefix.Concat(arguments).ToList()) { Environment = _environment }, cancellation).ConfigureAwait(false);
        return (result.ExitCode, result.Output);
    }
}
