using System.Collections.Generic;
using System.Linq;
using Distroless.Dsl.Generators.Model;
using Distroless.Dsl.Rules;
using Microsoft.CodeAnalysis;

namespace Distroless.Dsl.Generators;

/// <summary>Roslyn descriptors for the DSL's diagnostics (defined once, in <see cref="DslDiagnostics"/>).</summary>
internal static class Diagnostics
{
    private static readonly Dictionary<string, DiagnosticDescriptor> Descriptors = DslDiagnostics.All.ToDictionary(
        d => d.Id,
        d => new DiagnosticDescriptor(d.Id, d.Title, d.MessageFormat, "Distroless.Dsl", DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: "See the Diagnostics table in the repository's README."));

    public static Diagnostic Create(DiagnosticInfo info) =>
        Diagnostic.Create(Descriptors[info.Id], info.Location?.ToLocation(), info.Arguments.Cast<object>().ToArray());
}
