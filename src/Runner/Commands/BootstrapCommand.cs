using System.CommandLine;
using System.IO;
using Distroless.Dsl.Runner.Bootstrap;
using Distroless.Dsl.Runner.Engine;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>bootstrap</c>: makes the builder image from the Debian archive when it cannot be pulled.</summary>
internal static class BootstrapCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("bootstrap", "Make sure the builder image (" + BuildStage.DebianBuilderImage + ") exists: pull it, or make it with mmdebstrap.");
        command.SetAction(async (_, cancellation) =>
        {
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            await new BuilderImageBootstrap(engine, output).EnsureAsync(BuildStage.DebianBuilderImage, cancellation);
            output.WriteLine("Builder image " + BuildStage.DebianBuilderImage + " is present.");
            return 0;
        });
        return command;
    }
}
