using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Distroless.Dsl.Rules;
using Scriban;
using Scriban.Runtime;

namespace Distroless.Dsl.Rendering;

/// <summary>Renders the generated files' Scriban templates (<c>Rendering/Templates/*.sbn</c>). They are embedded in every
/// assembly that renders (the DSL and the generator, which compiles this file in), so the generator reads no files.
/// Each is parsed once per load. Every failure, a template that does not parse or one that names a model member
/// that does not exist, is a <see cref="DslException"/> with <see cref="DslDiagnostics.TemplateError"/>.</summary>
public static class TemplateRenderer
{
    public const string Dockerfile = "Dockerfile.sbn";
    public const string AssembleRootfs = "assemble-rootfs.sh.sbn";
    public const string InstallDebs = "install-debs.sh.sbn";
    public const string Compose = "compose.yaml.sbn";
    public const string EnvFile = "env.sbn";
    public const string SecretsReadme = "secrets-README.md.sbn";

    /// <summary>Every template, for tests that check each one parses.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { Dockerfile, AssembleRootfs, InstallDebs, Compose, EnvFile, SecretsReadme };

    private const string ResourcePrefix = "Distroless.Dsl.Rendering.Templates.";

    private static readonly ConcurrentDictionary<string, Template> Parsed = new(StringComparer.Ordinal);

    /// <summary>Helpers templates call, e.g. <c>{{ env.value | quote.dockerfile_value }}</c>: the quoting rules stay in C#, written once.</summary>
    private static readonly ScriptObject Functions = CreateFunctions();

    /// <summary>Scriban's built-in functions (string.downcase, array.join…), made once: a context making its own costs
    /// more than rendering a Dockerfile. Shared read-only: templates assign only to their own variables.</summary>
    private static readonly ScriptObject Builtins = new TemplateContext().BuiltinObject;

    [ThreadStatic]
    private static TemplateContext? t_context;

    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> Overrides = new();

    /// <summary>Renders <paramref name="name"/> with <paramref name="model"/>'s entries as its variables.</summary>
    public static string Render(string name, IEnumerable<KeyValuePair<string, object?>> model)
    {
        var template = Overrides.Value is { } overrides && overrides.TryGetValue(name, out var text) ? Parse(name, text) : Cached(name);
        if (template.HasErrors)
        {
            throw Error(name, string.Join("; ", template.Messages.Select(m => m.ToString().TrimEnd('.'))));
        }

        var globals = new ScriptObject();
        foreach (var variable in model)
        {
            globals[variable.Key] = variable.Value;
        }

        globals["quote"] = Functions["quote"];
        globals["path"] = Functions["path"];
        globals["is_named_volume"] = Functions["is_named_volume"];

        // One context per thread, reused: a new one re-reads every model type by reflection, which costs more than rendering.
        var context = t_context ?? NewContext();
        t_context = null; // not reused if this render fails half-way
        context.PushGlobal(globals);
        string output;
        try
        {
            output = template.Render(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Error(name, e.Message.Replace("\r", "").Replace('\n', ' ').TrimEnd('.'));
        }

        context.PopGlobal();
        t_context = context;
        if (output.Length == 0)
        {
            throw Error(name, "it rendered no text");
        }

        return output;
    }

    // Strict: a misspelt variable or a member the model does not have fails instead of rendering as empty text.
    private static TemplateContext NewContext()
    {
        var context = new TemplateContext(Builtins) { StrictVariables = true, EnableRelaxedMemberAccess = false, LoopLimit = 0, MemberRenamer = StandardMemberRenamer.Default };
        context.PushCulture(CultureInfo.InvariantCulture);
        return context;
    }

    /// <summary>The parsed embedded template, parsed on first use and kept for the life of the assembly.</summary>
    internal static Template Cached(string name) => Parsed.GetOrAdd(name, static n => Parse(n, Read(n)));

    /// <summary>A C# function as a template variable, called like the built-in ones: <c>{{ user_of service.image }}</c>.</summary>
    public static object Function(Delegate function)
    {
        var holder = new ScriptObject();
        holder.Import("f", function);
        return holder["f"]!;
    }

    /// <summary>For tests: renders with <paramref name="text"/> in place of the embedded template <paramref name="name"/>,
    /// in this execution flow only, until disposed.</summary>
    internal static IDisposable Override(string name, string text)
    {
        var previous = Overrides.Value;
        var next = new Dictionary<string, string>(StringComparer.Ordinal) { [name] = text };
        if (previous is not null)
        {
            foreach (var entry in previous.Where(e => e.Key != name))
            {
                next[entry.Key] = entry.Value;
            }
        }

        Overrides.Value = next;
        return new Restore(() => Overrides.Value = previous);
    }

    /// <summary>The embedded text of a template, as the file is written ('\n' line endings whatever the checkout has).</summary>
    public static string Read(string name)
    {
        using var stream = typeof(TemplateRenderer).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw Error(name, "it is not embedded in " + typeof(TemplateRenderer).Assembly.GetName().Name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    private static Template Parse(string name, string text) => Template.Parse(text, name);

    private static DslException Error(string name, string message) =>
        new(DslDiagnostics.TemplateError, null, name, message);

    private static ScriptObject CreateFunctions()
    {
        var quote = new ScriptObject();
        quote.Import(typeof(Quote));
        var path = new ScriptObject { ["directory"] = Function(new Func<string, string>(p => p.Substring(0, p.LastIndexOf('/')))) };
        return new ScriptObject { ["quote"] = quote, ["path"] = path, ["is_named_volume"] = Function(new Func<string, bool>(StackRules.IsNamedVolume)) };
    }

    private sealed class Restore : IDisposable
    {
        private readonly Action _restore;

        public Restore(Action restore) => _restore = restore;

        public void Dispose() => _restore();
    }
}
