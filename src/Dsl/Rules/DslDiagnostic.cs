using System.Collections.Generic;

namespace Distroless.Dsl.Rules;

/// <summary>One kind of definition error. The generator reports it as a compile error;
/// at run time the DSL throws it as a <see cref="DslException"/>. The README's table lists the same entries.</summary>
public sealed record DslDiagnostic(string Id, string Title, string MessageFormat);

/// <summary>Every error a definition can have. The only place IDs and wording are written.</summary>
public static class DslDiagnostics
{
    public static readonly DslDiagnostic NonConstantArgument = new(
        "DSL001", "Argument is not a compile-time constant",
        "The argument '{0}' of '{1}' cannot be evaluated at compile time: use a literal, a const, or a reference to another definition");

    public static readonly DslDiagnostic RootUserOutsideDebug = new(
        "DSL002", "Root user outside the debug variant",
        "Image '{0}' runs as root (UID 0), which only the debug variant may do: use a non-root UID such as 1000 or 65532, or add .WithBusyboxShell() to make it a debug image");

    public static readonly DslDiagnostic DuplicateName = new(
        "DSL003", "Duplicate definition name",
        "The {0} name '{1}' is already defined by '{2}': give each definition its own name");

    public static readonly DslDiagnostic NotADefinition = new(
        "DSL004", "Reference to something that is not a definition",
        "'{0}' is not a definition: reference a static property or field marked [Image] or [Stack]");

    public static readonly DslDiagnostic DependencyCycle = new(
        "DSL005", "Dependency cycle",
        "Definitions depend on each other in a cycle ({0}): break the cycle so that every image builds on one built before it");

    public static readonly DslDiagnostic InvalidEnvironmentName = new(
        "DSL006", "Invalid environment variable name",
        "'{0}' is not a valid environment variable name: use letters, digits and '_', not starting with a digit");

    public static readonly DslDiagnostic InvalidPort = new(
        "DSL007", "Invalid port",
        "Port {0} is out of range: use a number from 1 to 65535");

    public static readonly DslDiagnostic InvalidPlatform = new(
        "DSL008", "Invalid platform",
        "'{0}' is not a supported platform: use linux/amd64 or linux/arm64");

    public static readonly DslDiagnostic InvalidVersion = new(
        "DSL009", "Invalid version",
        "'{0}' is not a valid version: use semantic versioning such as 1.2.3 or 17.6.0");

    public static readonly DslDiagnostic InvalidImageName = new(
        "DSL010", "Invalid image name",
        "'{0}' is not a valid image name: use lowercase letters, digits and single '.', '_' or '-' separators, starting with a letter or digit, at most 128 characters");

    public static readonly DslDiagnostic MissingEntrypoint = new(
        "DSL011", "Missing entrypoint",
        "The {0} image '{1}' has no entrypoint: add .Entrypoint(\"/path/to/program\")");

    public static readonly DslDiagnostic ShellFormHealthCheck = new(
        "DSL012", "Health check in shell form",
        "The health check '{0}' needs a shell, which distroless images do not have: pass the program and each argument separately, e.g. HealthCheck(\"/app/server\", \"healthcheck\")");

    public static readonly DslDiagnostic PublishedDatabasePort = new(
        "DSL013", "Database port published",
        "Service '{0}' publishes database port {1} on the host: remove .Publish({1}); services on the stack's network reach the database without it");

    public static readonly DslDiagnostic UnsupportedExpression = new(
        "DSL014", "Definition is not a fluent chain",
        "The generator cannot evaluate '{0}': a definition must be a single expression of DSL calls, e.g. => Base.FromScratch().WithCaCerts()");

    public static readonly DslDiagnostic InvalidChecksum = new(
        "DSL015", "Invalid or missing SHA-256",
        "{0}: give a 64-character lowercase hex SHA-256 for every target architecture of a download and every file of a source package");

    public static readonly DslDiagnostic InvalidPath = new(
        "DSL016", "Invalid path",
        "'{0}' is not a valid absolute path: start it with '/' and do not use '..' or whitespace");

    public static readonly DslDiagnostic UnknownReference = new(
        "DSL017", "Unknown name in definition",
        "{0}");

    public static readonly DslDiagnostic InvalidArgument = new(
        "DSL018", "Invalid argument",
        "{0}");

    public static readonly DslDiagnostic TemplateError = new(
        "DSL019", "Template error",
        "The template {0} cannot render this definition: {1}. Templates are files in src/Dsl/Rendering/Templates: fix the template (its syntax, or a model member it names), run the tests and review the snapshot diff");

    public static readonly DslDiagnostic InvalidExclusion = new(
        "DSL020", "Invalid exclusion pattern",
        "'{0}' is not a valid exclusion pattern: start it with '/' (a path in the image) or '**/' (at any depth), name something more than wildcards, use '*' inside a name and '**' only as a whole directory name before another name, e.g. \"/usr/share/go-1.24/src/cmd\", \"**/testdata\" or \"**/*_test.go\"; no '.', '..', empty names, whitespace or other glob characters");

    public static readonly DslDiagnostic UnsupportedContainingType = new(
        "DSL021", "Definition in a nested or generic type",
        "'{0}' is declared in {1}: the catalog names a definition by its type and member, so move it to a top-level, non-generic static class");

    public static readonly DslDiagnostic GeneratedNameCollision = new(
        "DSL022", "Definitions collide after escaping",
        "'{0}' and '{1}' get the same generated name '{2}' (names are escaped to letters, digits and '_' and compared without case): rename one of them");

    public static readonly DslDiagnostic InternalError = new(
        "DSL999", "Generator failure",
        "The generator could not process this definition ({0}): please report this with the definition that caused it");

    public static IReadOnlyList<DslDiagnostic> All { get; } = new[]
    {
        NonConstantArgument, RootUserOutsideDebug, DuplicateName, NotADefinition, DependencyCycle,
        InvalidEnvironmentName, InvalidPort, InvalidPlatform, InvalidVersion, InvalidImageName,
        MissingEntrypoint, ShellFormHealthCheck, PublishedDatabasePort, UnsupportedExpression,
        InvalidChecksum, InvalidPath, UnknownReference, InvalidArgument, TemplateError, InvalidExclusion,
        UnsupportedContainingType, GeneratedNameCollision, InternalError,
    };
}
