using System;
using System.CommandLine;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Commands;

/// <summary>The <c>--registry</c> and <c>--namespace</c> options every command that makes or reads images takes.</summary>
internal sealed class NamingOptions
{
    public NamingOptions(string registryHelp = "Registry part of every image name (default: none, or $" + ImageNaming.RegistryVariable + ").")
    {
        Registry = new Option<string?>("--registry") { Description = registryHelp };
        Namespace = new Option<string?>("--namespace")
        {
            Description = "Namespace part of every image name (default: " + Dsl.Rules.ImageNames.DefaultNamespace + ", or $" + ImageNaming.NamespaceVariable + "; \"\" for none).",
        };
    }

    public Option<string?> Registry { get; }

    public Option<string?> Namespace { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Registry);
        command.Options.Add(Namespace);
    }

    public ImageNaming Read(ParseResult result) =>
        ImageNaming.From(result.GetValue(Registry), result.GetValue(Namespace), Environment.GetEnvironmentVariable);
}
