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
        var command = new Command("bootstrap", "Make sure the builder image (PREFIX" + Dsl.Rules.ImageNames.Builder + ") exists: pull Debian's, or make it with mmdebstrap.");
        var naming = new NamingOptions();
        naming.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            var imageNames = naming.Read(result);
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            await new BuilderImageBootstrap(engine, output).EnsureAsync(imageNames, cancellation);
            output.WriteLine("Builder image " + imageNames.Builder + " is present.");
            return 0;
        });
        return command;
    }
}
