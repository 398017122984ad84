using System;
using System.Globalization;

namespace Distroless.Dsl.Rules;

/// <summary>A definition error found while the DSL runs. <see cref="Blame"/> names the call or argument at fault,
/// so the generator can put its compile error on the right span.</summary>
public sealed class DslException : Exception
{
    public DslException(DslDiagnostic diagnostic, string? blame, params object[] arguments)
        : base(diagnostic.Id + ": " + string.Format(CultureInfo.InvariantCulture, diagnostic.MessageFormat, arguments))
    {
        Diagnostic = diagnostic;
        Blame = blame;
        Arguments = Array.ConvertAll(arguments, a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "");
    }

    public DslDiagnostic Diagnostic { get; }

    /// <summary>The parameter name (for argument checks) or the method name (for whole-definition checks) at fault.</summary>
    public string? Blame { get; }

    public string[] Arguments { get; }
}

/// <summary>A whole-definition problem found after the chain has been evaluated.</summary>
public sealed record SpecProblem(DslDiagnostic Diagnostic, string? BlameMethod, string[] Arguments)
{
    public string Message => string.Format(CultureInfo.InvariantCulture, Diagnostic.MessageFormat, Arguments);
}
